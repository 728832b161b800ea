import type { Contribution } from '../concertation/contribution.ts'
import { groupedIn, mergedInto, trailOf } from '../concertation/contribution-rules.ts'
import type { Label } from '../concertation/labels.ts'
import type { ConsensusFlag, ProposalTally, Tally } from '../concertation/tally.ts'
import type { College, CollegeSide } from '../template/template-schema.ts'
import type { ParticipantEntry, WorkshopMeta } from '../workshop/control-document.ts'

/**
 * The consolidation model (SPEC E1–E4): everything that leaves the room, as plain data, from
 * which every export format is rendered. Pure: it reads the workshop's state and never parses
 * tldraw records. Nothing anyone contributed is missing from it (the annex lists every
 * contribution, merged duplicates included).
 *
 * `format`/`version` identify this layout for other tools (the "remontée nationale" format,
 * docs/export-format.md).
 */
export const CONSOLIDATION_FORMAT = 'tablee-consolidation'
export const CONSOLIDATION_VERSION = 1

export interface ConsolidationInput {
	meta: WorkshopMeta
	participants: ReadonlyMap<string, ParticipantEntry>
	contributions: ReadonlyMap<string, Contribution>
	/** The tally of the vote and consensus check (anonymity rules applied), or null without a vote. */
	tally: Tally | null
	generatedAt: string
}

export interface CollegeRef {
	id: string
	label: Label
	side: CollegeSide
}

/** A contribution as exported: its place and author's college in words, and its votes. */
export interface ExportedContribution {
	id: string
	type: Contribution['type']
	zone: { id: string; label: Label }
	row: { id: string; label: Label } | null
	column: { id: string; label: Label } | null
	title: string | null
	text: string
	theme: { id: string; label: Label } | null
	target: Contribution['target']
	level: Contribution['level']
	effect: string | null
	caution: string | null
	who: string | null
	due: string | null
	college: CollegeRef | null
	/** Only in named mode; null otherwise (pseudonymous: the college only). */
	author: string | null
	createdAt: string
	updatedAt: string
	mergedInto: string | null
	groupedIn: string | null
	dots: number
}

export interface Support {
	dots: number
	supporters: number
	weightedShare: number
	byGroup: { id: string; label: Label; dots: number; voters: number }[]
	consensus: { flag: ConsensusFlag; score: number | null; basis: 'consensus-check' | 'vote' } | null
	answers: { agree: number; disagree: number; unsure: number }
}

export interface TrailStep {
	contribution: ExportedContribution
	merged: TrailStep[]
	sources: TrailStep[]
}

export interface ExportedRecommendation {
	rank: number
	recommendation: ExportedContribution
	/** The support of the proposals it groups, added up (the consensus flag of its most contested source). */
	support: Support
	/** Points of caution: its own, its sources', and the reasons given in the consensus check. */
	cautions: string[]
	/** Recommendation → proposals → merged duplicates, with colleges and grid cells. */
	trail: TrailStep
}

export interface ConsolidationModel {
	format: typeof CONSOLIDATION_FORMAT
	version: typeof CONSOLIDATION_VERSION
	generatedAt: string
	context: {
		title: string
		territory: string | null
		date: string | null
		template: { id: string; version: number }
		authorMode: WorkshopMeta['authorMode']
		colleges: (CollegeRef & { color: string; participants: number })[]
		participants: number
		contributions: number
		contributionsByType: Record<Contribution['type'], number>
		voters: number
		proxyVoters: number
	}
	/** Shared findings: the needs grid, row by row (theme), then column. */
	findings: { theme: { id: string; label: Label }; items: ExportedContribution[] }[]
	recommendations: ExportedRecommendation[]
	/** Every proposal not merged into another, ranked by support, with what its support was. */
	proposals: { proposal: ExportedContribution; support: Support | null; reasons: string[] }[]
	commitments: ExportedContribution[]
	/** Proposals flagged divisive, or that met disagreement in the consensus check. */
	disagreements: { proposal: ExportedContribution; support: Support | null; reasons: string[] }[]
	/** Ideas and remarks left in the parking lot and follow-up zone(s). */
	parking: ExportedContribution[]
	/** Every contribution, in the order of the zones, then of creation. */
	annex: ExportedContribution[]
}

const noLabel = (id: string): Label => ({ fr: id, en: id })

export function consolidate(input: ConsolidationInput): ConsolidationModel {
	const { meta, contributions, tally } = input
	const zones = meta.zones ?? []
	const themes = meta.themes ?? []
	const colleges = meta.colleges ?? []
	const collegeRef = (id: string | null): CollegeRef | null => {
		const college = colleges.find((candidate) => candidate.id === id)
		return college ? { id: college.id, label: college.label, side: college.side } : null
	}
	const tallyOf = new Map<string, ProposalTally>((tally?.proposals ?? []).map((p) => [p.id, p]))
	const groups = new Map((tally?.groups ?? []).map((group) => [group.id, group]))
	const groupLabel = (id: string): Label => {
		const group = groups.get(id)
		if (!group) return noLabel(id)
		if (group.kind === 'college') return collegeRef(group.college)?.label ?? noLabel(id)
		if (group.kind === 'side') {
			return group.side === 'associations'
				? { fr: 'Associations (regroupées)', en: 'Associations (pooled)' }
				: group.side === 'funders'
					? { fr: 'Financeurs (regroupés)', en: 'Funders (pooled)' }
					: { fr: 'Autres (regroupés)', en: 'Others (pooled)' }
		}
		return { fr: 'Autres collèges (regroupés)', en: 'Other colleges (pooled)' }
	}

	const exported = (contribution: Contribution): ExportedContribution => {
		const zone = zones.find((candidate) => candidate.id === contribution.zone)
		const column = zone?.columns?.find((candidate) => candidate.id === contribution.column)
		const theme = themes.find((candidate) => candidate.id === contribution.theme)
		const row = themes.find((candidate) => candidate.id === contribution.row)
		return {
			id: contribution.id,
			type: contribution.type,
			zone: { id: contribution.zone, label: zone?.label ?? noLabel(contribution.zone) },
			row: contribution.row ? { id: contribution.row, label: row?.label ?? noLabel(contribution.row) } : null,
			column: contribution.column
				? { id: contribution.column, label: column?.label ?? noLabel(contribution.column) }
				: null,
			title: contribution.title,
			text: contribution.text,
			theme: contribution.theme ? { id: contribution.theme, label: theme?.label ?? noLabel(contribution.theme) } : null,
			target: contribution.target,
			level: contribution.level,
			effect: contribution.effect,
			caution: contribution.caution,
			who: contribution.who,
			due: contribution.due,
			college: collegeRef(contribution.college),
			author: meta.authorMode === 'named' ? contribution.authorName : null,
			createdAt: contribution.createdAt,
			updatedAt: contribution.updatedAt,
			mergedInto: contribution.mergedInto,
			groupedIn: groupedIn(contributions, contribution.id),
			dots: tallyOf.get(contribution.id)?.dots ?? 0,
		}
	}
	const supportOf = (ids: string[]): Support | null => {
		const tallies = ids.map((id) => tallyOf.get(id)).filter((found): found is ProposalTally => found !== undefined)
		if (tallies.length === 0) return null
		const byGroup = (tally?.groups ?? []).map((group) => ({
			id: group.id,
			label: groupLabel(group.id),
			dots: tallies.reduce((sum, t) => sum + (t.byGroup[group.id] ?? 0), 0),
			voters: group.voters,
		}))
		// A grouping is only as consensual as its most contested source (never claim more).
		const caution: ConsensusFlag[] = ['clivant', 'partage', 'insuffisant', 'consensuel']
		const best = [...tallies].sort(
			(a, b) => caution.indexOf(a.consensus.flag) - caution.indexOf(b.consensus.flag),
		)[0] as ProposalTally
		return {
			dots: tallies.reduce((sum, t) => sum + t.dots, 0),
			supporters: Math.max(...tallies.map((t) => t.supporters)),
			weightedShare: tallies.reduce((sum, t) => sum + t.weightedShare, 0),
			byGroup,
			consensus: best.consensus,
			answers: {
				agree: tallies.reduce((sum, t) => sum + t.answers.agree, 0),
				disagree: tallies.reduce((sum, t) => sum + t.answers.disagree, 0),
				unsure: tallies.reduce((sum, t) => sum + t.answers.unsure, 0),
			},
		}
	}
	const reasonsOf = (ids: string[]) => ids.flatMap((id) => tallyOf.get(id)?.reasons ?? [])
	const trailStep = (id: string): TrailStep => {
		const walk = (node: NonNullable<ReturnType<typeof trailOf>>): TrailStep => ({
			contribution: exported(node.contribution),
			merged: node.merged.map(walk),
			sources: node.sources.map(walk),
		})
		const trail = trailOf(contributions, id)
		if (!trail) throw new Error(`no contribution ${id}`)
		return walk(trail)
	}
	const zoneOrder = (contribution: Contribution) => zones.findIndex((zone) => zone.id === contribution.zone)
	const all = [...contributions.values()].sort(
		(a, b) => zoneOrder(a) - zoneOrder(b) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
	)
	const standing = all.filter((contribution) => contribution.mergedInto === null)
	const rankBySupport = <T extends { support: Support | null }>(items: T[]) =>
		items.sort(
			(a, b) =>
				(tally?.equalWeight
					? (b.support?.weightedShare ?? 0) - (a.support?.weightedShare ?? 0)
					: (b.support?.dots ?? 0) - (a.support?.dots ?? 0)) || 0,
		)

	// The family of a proposal: itself and every duplicate merged into it (their votes went to it).
	const family = (id: string): string[] => [id, ...mergedInto(contributions, id).flatMap((child) => family(child.id))]

	const recommendations = rankBySupport(
		standing
			.filter((contribution) => contribution.type === 'recommandation')
			.map((recommendation) => {
				const sources = recommendation.sources.flatMap(family)
				const cautions = [
					recommendation.caution,
					...sources.map((id) => contributions.get(id)?.caution ?? null),
					...reasonsOf(recommendation.sources),
				].filter((text): text is string => typeof text === 'string' && text.length > 0)
				return {
					rank: 0,
					recommendation: exported(recommendation),
					support: supportOf(recommendation.sources),
					cautions: [...new Set(cautions)],
					trail: trailStep(recommendation.id),
				}
			}),
	).map((item, index) => ({ ...item, rank: index + 1 })) as ExportedRecommendation[]

	const proposals = rankBySupport(
		standing
			.filter((contribution) => contribution.type === 'proposition')
			.map((proposal) => ({
				proposal: exported(proposal),
				support: supportOf([proposal.id]),
				reasons: reasonsOf([proposal.id]),
			})),
	)

	const grid = zones.find((zone) => zone.kind === 'grid')
	const findings = (grid?.rows ?? []).map((row) => ({
		theme: { id: row, label: themes.find((theme) => theme.id === row)?.label ?? noLabel(row) },
		items: standing
			.filter((contribution) => contribution.zone === grid?.id && contribution.row === row)
			.sort(
				(a, b) =>
					(grid?.columns ?? []).findIndex((column) => column.id === a.column) -
						(grid?.columns ?? []).findIndex((column) => column.id === b.column) ||
					a.createdAt.localeCompare(b.createdAt),
			)
			.map(exported),
	}))

	const participants = [...input.participants.values()].filter((entry) => entry.role === 'participant')
	const byType = { constat: 0, besoin: 0, proposition: 0, recommandation: 0, engagement: 0, idee: 0 }
	for (const contribution of all) byType[contribution.type]++

	return {
		format: CONSOLIDATION_FORMAT,
		version: CONSOLIDATION_VERSION,
		generatedAt: input.generatedAt,
		context: {
			title: meta.title,
			territory: meta.territory,
			date: meta.date,
			template: { id: meta.templateId, version: meta.templateVersion },
			authorMode: meta.authorMode ?? 'pseudonymous',
			colleges: colleges.map((college: College) => ({
				id: college.id,
				label: college.label,
				side: college.side,
				color: college.color,
				participants: participants.filter((entry) => entry.college === college.id).length,
			})),
			participants: participants.length,
			contributions: all.length,
			contributionsByType: byType,
			voters: tally?.voters ?? 0,
			proxyVoters: tally?.proxyVoters ?? 0,
		},
		findings,
		recommendations,
		proposals,
		commitments: standing.filter((contribution) => contribution.type === 'engagement').map(exported),
		disagreements: proposals.filter(
			(item) => item.support?.consensus?.flag === 'clivant' || (item.support?.answers.disagree ?? 0) > 0,
		),
		parking: standing.filter((contribution) => /parking/.test(contribution.zone)).map(exported),
		annex: all.map(exported),
	}
}
