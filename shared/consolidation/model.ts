import type { Contribution } from '../concertation/contribution.ts'
import { mergedInto, trailOf } from '../concertation/contribution-rules.ts'
import type { Label } from '../concertation/labels.ts'
import {
	type AnswerCounts,
	type ConsensusFlag,
	compareSupport,
	FLAG_CAUTION,
	type ProposalTally,
	publishedColumns,
	type SideSupport,
	type Tally,
	type TallyGroup,
} from '../concertation/tally.ts'
import type { ConsensusAnswer, ConsensusState, VoteSettings, VoteState } from '../concertation/vote.ts'
import type { College, CollegeSide } from '../template/template-schema.ts'
import type { ParticipantEntry, WorkshopMeta } from '../workshop/control-document.ts'

/**
 * The consolidation model (SPEC E1–E4): everything that leaves the room, as plain data, from
 * which the document layout and every export format are built. Pure: it reads the workshop's
 * state and never parses tldraw records. Nothing anyone contributed is missing from it (the annex
 * lists every contribution, merged duplicates included); every figure in it follows the anonymity
 * rule (V8) and the ranking rule (V9).
 *
 * `format`/`version` identify this layout for other tools (the "remontée nationale" format,
 * docs/export-format.md). Version 1 files are still read back ({@link readConsolidation}).
 */
export const CONSOLIDATION_FORMAT = 'tablee-consolidation'
export const CONSOLIDATION_VERSION = 2

/** The time zone of a workshop created without one. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris'

export interface ConsolidationInput {
	meta: WorkshopMeta & { timeZone?: string }
	participants: ReadonlyMap<string, ParticipantEntry>
	contributions: ReadonlyMap<string, Contribution>
	/** The tally of the vote and consensus check (anonymity rules applied), or null without a vote. */
	tally: Tally | null
	/** The polls as they stand (their rules and dates go in the method). */
	vote?: VoteState | null
	consensus?: ConsensusState | null
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
	/**
	 * The author's college — or, for a college of fewer than 3 participants in a pseudonymous
	 * workshop, its side (`id` "side:<side>", V8); null for the facilitator.
	 */
	college: CollegeRef | null
	/** Only in named mode; null otherwise (pseudonymous: the college only). */
	author: string | null
	createdAt: string
	updatedAt: string
	mergedInto: string | null
	groupedIn: string | null
	dots: number
}

/** Answers of the consensus check: overall and per side (null where a side may not be shown, V8). */
export interface Consensus {
	/** V10; `non-mesure` when none of the proposals went through the consensus check. */
	flag: ConsensusFlag
	/** The lower of the two sides' shares of "d'accord", or null. */
	score: number | null
	/** The proposal whose answers set the flag (a recommendation's most contested), or null. */
	from: string | null
	answers: AnswerCounts
	bySide: { associations: AnswerCounts | null; funders: AnswerCounts | null }
}

export interface Support {
	dots: number
	/** People who gave at least one dot (to at least one of a recommendation's proposals). */
	supporters: number
	/** Everyone who voted. */
	voters: number
	/** Share of all the dots given (0–1). */
	share: number
	/** V7: share with every published column weighing the same (0–1). */
	weightedShare: number
	/** Dots per published column of voters (V8). */
	byGroup: { id: string; label: Label; dots: number; voters: number }[]
	/** Per side, null where the side may not be shown on its own (V8). */
	bySide: { associations: SideSupport | null; funders: SideSupport | null }
	consensus: Consensus
	/** The consensus answers of {@link Consensus.from} (kept at this place since version 1). */
	answers: AnswerCounts
}

/** A reason given in the consensus check, or a condition written on a proposal, with who gave it. */
export interface Reason {
	text: string
	/** The answer it came with; null for a condition written on the contribution itself. */
	answer: ConsensusAnswer | null
	/** Its side, or its college where the college may be shown (V8); null: the facilitator. */
	from: { id: string; label: Label; side: CollegeSide | null } | null
	/** The proposal it is about, when it is about one. */
	proposal: string | null
}

export interface TrailStep {
	contribution: ExportedContribution
	merged: TrailStep[]
	sources: TrailStep[]
}

export interface ExportedRecommendation {
	rank: number
	recommendation: ExportedContribution
	/** The support of the proposals it groups (the consensus of its most contested one, V10). */
	support: Support | null
	/** Conditions and points of caution: written ones, and reasons given with "pas d'accord" or "ne sait pas". */
	conditions: Reason[]
	/** Reasons given with "d'accord". */
	supportive: Reason[]
	/** The texts of `conditions` (version 1 field). */
	cautions: string[]
	/** Commitments linked to it. */
	commitments: ExportedContribution[]
	/** Recommendation → proposals → merged duplicates, with colleges and grid cells. */
	trail: TrailStep
}

export interface RankedProposal {
	rank: number
	proposal: ExportedContribution
	support: Support | null
	/** Every reason given about it (texts, version 1 field). */
	reasons: string[]
	conditions: Reason[]
	supportive: Reason[]
}

/** A published column of people (V8): a college or a pool, with how many people it counts. */
export interface PublishedColumn {
	id: string
	label: Label
	side: CollegeSide | null
	colleges: string[]
	people: number
}

export interface ConsolidationModel {
	format: typeof CONSOLIDATION_FORMAT
	version: typeof CONSOLIDATION_VERSION
	generatedAt: string
	context: {
		title: string
		territory: string | null
		date: string | null
		/** IANA time zone dates are shown in. */
		timeZone: string
		/** The facilitators' names. */
		organisers: string[]
		template: { id: string; version: number }
		authorMode: WorkshopMeta['authorMode']
		/** Participants per college, null where the college is pooled (V8). */
		colleges: (CollegeRef & { color: string; participants: number | null })[]
		/** Participants per published column (V8). */
		columns: PublishedColumn[]
		/** Participants per side, null where a side may not be shown on its own. */
		sides: { associations: number | null; funders: number | null }
		participants: number
		contributions: number
		contributionsByType: Record<Contribution['type'], number>
		voters: number
		proxyVoters: number
		respondents: number
		/** Phases the workshop went through (from what they left: contributions, polls). */
		phases: { id: string; label: Label; kind: string }[]
		vote: (VoteSettings & { openedAt: string | null; closedAt: string | null; proposals: number }) | null
		consensusCheck: { openedAt: string | null; closedAt: string | null; proposals: number } | null
		/** The published columns of the vote and of the consensus check (V8). */
		voteColumns: PublishedColumn[]
		respondentColumns: PublishedColumn[]
		/**
		 * The workshop this export comes from and the server that holds it (its public URL), so a
		 * synthesis knows which of a server's workshops it includes. Absent in older exports.
		 */
		workshop?: { id: string; server: string } | null
	}
	/** Shared findings: the needs grid, row by row (theme), then column. */
	findings: { theme: { id: string; label: Label }; items: ExportedContribution[] }[]
	recommendations: ExportedRecommendation[]
	/** Every proposal not merged into another, ranked by support (V9), with what its support was. */
	proposals: RankedProposal[]
	/** Every commitment. */
	commitments: ExportedContribution[]
	/** Commitments not linked to a recommendation. */
	unlinkedCommitments: ExportedContribution[]
	/** Proposals flagged divisive, or that met disagreement in the consensus check. */
	disagreements: RankedProposal[]
	/** Ideas and remarks left in the parking lot and follow-up zone(s). */
	parking: ExportedContribution[]
	/** Every contribution, in the order of the zones, then of creation. */
	annex: ExportedContribution[]
}

const noLabel = (id: string): Label => ({ fr: id, en: id })

export const sideLabels: Record<CollegeSide, Label> = {
	associations: { fr: 'Associations', en: 'Associations' },
	funders: { fr: 'Financeurs', en: 'Funders' },
	other: { fr: 'Autres', en: 'Others' },
}

/** The label of a published column: a college, colleges of a side pooled, or people of every side. */
export function columnLabel(group: TallyGroup, colleges: readonly College[]): Label {
	const college = (id: string) => colleges.find((candidate) => candidate.id === id)
	if (group.kind === 'college') return college(group.college ?? '')?.label ?? noLabel(group.id)
	if (group.kind === 'side') {
		const side = sideLabels[group.side ?? 'other']
		const all = colleges.filter((candidate) => candidate.side === group.side).length
		if (group.colleges.length >= all) return { fr: `${side.fr} (regroupés)`, en: `${side.en} (pooled)` }
		const names = (language: 'fr' | 'en') => group.colleges.map((id) => college(id)?.label[language] ?? id).join(' + ')
		return { fr: `${names('fr')} (regroupés)`, en: `${names('en')} (pooled)` }
	}
	return { fr: 'Autres collèges (regroupés)', en: 'Other colleges (pooled)' }
}

const noAnswers = (): AnswerCounts => ({ agree: 0, disagree: 0, unsure: 0 })
const notMeasured = (): Consensus => ({
	flag: 'non-mesure',
	score: null,
	from: null,
	answers: noAnswers(),
	bySide: { associations: null, funders: null },
})

export function consolidate(input: ConsolidationInput): ConsolidationModel {
	const { meta, contributions, tally } = input
	const zones = meta.zones ?? []
	const themes = meta.themes ?? []
	const colleges = meta.colleges ?? []
	const anonymousAuthors = (meta.authorMode ?? 'pseudonymous') !== 'named'
	const participants = [...input.participants.entries()].filter(([, entry]) => entry.role === 'participant')
	const participantColumns = publishedColumns(
		participants.map(([id, entry]) => ({ id, college: entry.college })),
		colleges,
		anonymousAuthors,
	)
	// V8: an item shows its college only when the college is a published column of its own.
	const collegeRef = (id: string | null): CollegeRef | null => {
		const college = colleges.find((candidate) => candidate.id === id)
		if (!college) return null
		if (!anonymousAuthors || participantColumns.collegeColumn.get(college.id) === college.id) {
			return { id: college.id, label: college.label, side: college.side }
		}
		return { id: `side:${college.side}`, label: sideLabels[college.side], side: college.side }
	}
	const tallyOf = new Map<string, ProposalTally>((tally?.proposals ?? []).map((p) => [p.id, p]))
	const tallyRank = new Map((tally?.proposals ?? []).map((p, index) => [p.id, index]))
	const voteGroups = tally?.groups ?? []
	const respondentGroups = tally?.respondentGroups ?? []
	const toColumn = (group: TallyGroup): PublishedColumn => ({
		id: group.id,
		label: columnLabel(group, colleges),
		side: group.side,
		colleges: group.colleges ?? (group.college ? [group.college] : []),
		people: group.voters,
	})

	// Which recommendation groups each proposal, found once (a lookup per contribution is quadratic).
	const holders = new Map<string, string>()
	for (const candidate of contributions.values()) {
		if (candidate.type !== 'recommandation') continue
		for (const source of candidate.sources) if (!holders.has(source)) holders.set(source, candidate.id)
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
			groupedIn: holders.get(contribution.id) ?? null,
			dots: tallyOf.get(contribution.id)?.dots ?? 0,
		}
	}

	const totalDots = (tally?.proposals ?? []).reduce((all, p) => all + p.dots, 0)
	const consensusOf = (tallies: ProposalTally[]): Consensus => {
		// V10: a grouping is as consensual as its most contested measured proposal; ties: lowest score.
		// A tally imported from an older archive may carry a flag measured on the vote: not a measure.
		const measured = tallies.filter(
			(t) => t.consensus.flag !== 'non-mesure' && (t.consensus as { basis?: string }).basis !== 'vote',
		)
		const [worst] = [...measured].sort(
			(a, b) =>
				FLAG_CAUTION.indexOf(a.consensus.flag) - FLAG_CAUTION.indexOf(b.consensus.flag) ||
				(a.consensus.score ?? 2) - (b.consensus.score ?? 2) ||
				(tallyRank.get(a.id) ?? 0) - (tallyRank.get(b.id) ?? 0),
		)
		if (!worst) return notMeasured()
		return {
			flag: worst.consensus.flag,
			score: worst.consensus.score,
			from: worst.id,
			answers: { ...worst.answers },
			bySide: worst.answersBySide ?? { associations: null, funders: null },
		}
	}
	const supportOf = (ids: string[], bundle: string | null): Support | null => {
		const tallies = ids.map((id) => tallyOf.get(id)).filter((found): found is ProposalTally => found !== undefined)
		if (tallies.length === 0 || !tally) return null
		const byGroup = voteGroups.map((group) => ({
			id: group.id,
			label: columnLabel(group, colleges),
			dots: tallies.reduce((all, t) => all + (t.byGroup[group.id] ?? 0), 0),
			voters: group.voters,
		}))
		const distinct = bundle ? tally.bundles?.[bundle] : undefined
		const sideOf = (side: 'associations' | 'funders'): SideSupport | null => {
			const parts = tallies.map((t) => t.support?.[side] ?? null)
			if (parts.some((part) => part === null) || parts.length === 0) return null
			const shown = parts as SideSupport[]
			return {
				dots: shown.reduce((all, part) => all + part.dots, 0),
				supporters: distinct?.bySide[side] ?? Math.max(...shown.map((part) => part.supporters)),
				voters: shown[0]?.voters ?? 0,
			}
		}
		const consensus = consensusOf(tallies)
		const dots = tallies.reduce((all, t) => all + t.dots, 0)
		return {
			dots,
			// Without the ballots (an imported tally), the best-supported proposal is a lower bound.
			supporters: distinct?.supporters ?? Math.max(...tallies.map((t) => t.supporters)),
			voters: tally.voters,
			share: totalDots === 0 ? 0 : dots / totalDots,
			weightedShare: tallies.reduce((all, t) => all + t.weightedShare, 0),
			byGroup,
			bySide: { associations: sideOf('associations'), funders: sideOf('funders') },
			consensus,
			answers: { ...consensus.answers },
		}
	}
	const reasonsOf = (ids: string[]): Reason[] =>
		ids.flatMap((id) =>
			(tallyOf.get(id)?.why ?? []).map((why) => {
				const group = respondentGroups.find((candidate) => candidate.id === why.group)
				return {
					text: why.text,
					answer: why.answer,
					from: group ? { id: group.id, label: reasonSource(group), side: group.side } : null,
					proposal: id,
				}
			}),
		)
	const reasonSource = (group: TallyGroup): Label =>
		group.kind === 'college' ? columnLabel(group, colleges) : group.side ? sideLabels[group.side] : sideLabels.other
	const written = (contribution: Contribution | undefined): Reason[] =>
		contribution?.caution
			? [
					{
						text: contribution.caution,
						answer: null,
						from: exported(contribution).college,
						proposal: contribution.type === 'proposition' ? contribution.id : null,
					},
				]
			: []
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
	const creation = new Map(
		[...contributions.values()]
			.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
			.map((contribution, index) => [contribution.id, index]),
	)
	const standing = all.filter((contribution) => contribution.mergedInto === null)
	const equalWeight = tally?.equalWeight === true
	const none = { dots: 0, weightedShare: 0, supporters: 0 }
	// V9: the ranking rule of the tally; then the best tally rank among its proposals; then creation.
	const rankBySupport = <T extends { support: Support | null; ids: string[]; created: number }>(items: T[]) =>
		items.sort(
			(a, b) =>
				compareSupport(a.support ?? none, b.support ?? none, equalWeight) ||
				Math.min(...a.ids.map((id) => tallyRank.get(id) ?? Infinity)) -
					Math.min(...b.ids.map((id) => tallyRank.get(id) ?? Infinity)) ||
				a.created - b.created,
		)

	// The family of a proposal: itself and every duplicate merged into it (their votes went to it).
	const family = (id: string): string[] => [id, ...mergedInto(contributions, id).flatMap((child) => family(child.id))]
	const isCondition = (reason: Reason) => reason.answer !== 'agree'
	const commitments = standing.filter((contribution) => contribution.type === 'engagement')
	const linkedTo = (commitment: Contribution) =>
		commitment.sources.find((id) => contributions.get(id)?.type === 'recommandation') ?? null

	const recommendations = rankBySupport(
		standing
			.filter((contribution) => contribution.type === 'recommandation')
			.map((recommendation) => {
				const sources = recommendation.sources.flatMap(family)
				const reasons = [
					...written(recommendation),
					...sources.flatMap((id) => written(contributions.get(id))),
					...reasonsOf(recommendation.sources),
				]
				const conditions = reasons.filter(isCondition)
				return {
					ids: recommendation.sources,
					created: creation.get(recommendation.id) ?? 0,
					recommendation: exported(recommendation),
					support: supportOf(recommendation.sources, recommendation.id),
					conditions,
					supportive: reasons.filter((reason) => !isCondition(reason)),
					cautions: [...new Set(conditions.map((reason) => reason.text))],
					commitments: commitments.filter((item) => linkedTo(item) === recommendation.id).map(exported),
					trail: trailStep(recommendation.id),
				}
			}),
	).map(({ ids: _ids, created: _created, ...item }, index): ExportedRecommendation => ({ rank: index + 1, ...item }))

	const proposals = rankBySupport(
		standing
			.filter((contribution) => contribution.type === 'proposition')
			.map((proposal) => {
				const reasons = reasonsOf([proposal.id])
				return {
					ids: [proposal.id],
					created: creation.get(proposal.id) ?? 0,
					proposal: exported(proposal),
					support: supportOf([proposal.id], null),
					reasons: reasons.map((reason) => reason.text),
					conditions: [...written(proposal), ...reasons.filter(isCondition)],
					supportive: reasons.filter((reason) => !isCondition(reason)),
				}
			}),
	).map(({ ids: _ids, created: _created, ...item }, index): RankedProposal => ({ rank: index + 1, ...item }))

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

	const byType = { constat: 0, besoin: 0, proposition: 0, recommandation: 0, engagement: 0, idee: 0 }
	for (const contribution of all) byType[contribution.type]++
	const vote = input.vote ?? null
	const consensusState = input.consensus ?? null
	const phases = (meta.agenda ?? []).filter((phase) => {
		if (phase.kind === 'vote') return Boolean(vote?.openedAt)
		if (phase.kind === 'consensus-check') return Boolean(consensusState?.openedAt)
		return (phase.zones ?? []).some((zone) => all.some((contribution) => contribution.zone === zone))
	})
	const sideCount = (side: 'associations' | 'funders') =>
		participantColumns.sideShown[side]
			? participants.filter(([, entry]) => colleges.find((c) => c.id === entry.college)?.side === side).length
			: null

	return {
		format: CONSOLIDATION_FORMAT,
		version: CONSOLIDATION_VERSION,
		generatedAt: input.generatedAt,
		context: {
			title: meta.title,
			territory: meta.territory,
			date: meta.date,
			timeZone: meta.timeZone ?? DEFAULT_TIME_ZONE,
			organisers: [...input.participants.values()]
				.filter((entry) => entry.role === 'facilitator')
				.map((entry) => entry.name),
			template: { id: meta.templateId, version: meta.templateVersion },
			authorMode: meta.authorMode ?? 'pseudonymous',
			colleges: colleges.map((college: College) => ({
				id: college.id,
				label: college.label,
				side: college.side,
				color: college.color,
				participants:
					!anonymousAuthors || participantColumns.collegeColumn.get(college.id) === college.id
						? participants.filter(([, entry]) => entry.college === college.id).length
						: null,
			})),
			columns: participantColumns.list.map(toColumn),
			sides: { associations: sideCount('associations'), funders: sideCount('funders') },
			participants: participants.length,
			contributions: all.length,
			contributionsByType: byType,
			voters: tally?.voters ?? 0,
			proxyVoters: tally?.proxyVoters ?? 0,
			respondents: tally?.respondents ?? 0,
			phases: phases.map((phase) => ({ id: phase.id, label: phase.label, kind: phase.kind })),
			vote:
				vote?.settings && vote.openedAt
					? {
							...vote.settings,
							equalWeight: vote.settings.equalWeight === true,
							openedAt: vote.openedAt,
							closedAt: vote.closedAt,
							proposals: vote.proposals.length,
						}
					: null,
			consensusCheck: consensusState?.openedAt
				? {
						openedAt: consensusState.openedAt,
						closedAt: consensusState.closedAt,
						proposals: consensusState.proposals.length,
					}
				: null,
			voteColumns: voteGroups.map(toColumn),
			respondentColumns: respondentGroups.map(toColumn),
		},
		findings,
		recommendations,
		proposals,
		commitments: commitments.map(exported),
		unlinkedCommitments: commitments.filter((item) => linkedTo(item) === null).map(exported),
		disagreements: proposals.filter(
			(item) => item.support?.consensus.flag === 'clivant' || (item.support?.consensus.answers.disagree ?? 0) > 0,
		),
		parking: standing.filter((contribution) => /parking/.test(contribution.zone)).map(exported),
		annex: all.map(exported),
	}
}
