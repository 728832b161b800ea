import type { Label } from '../concertation/labels.ts'
import { type ConsensusFlag, consensusFlags } from '../concertation/tally.ts'
import type { ConsolidationModel, ExportedRecommendation, Reason, TrailStep } from './model.ts'

/**
 * The national synthesis (SPEC N1–N4): several territorial consolidations (the JSON export,
 * docs/export-format.md) combined into one. Recommendations are grouped across territories by a
 * grouping the user confirms — with suggestions of similar recommendations — and each group says
 * in how many territories it is supported, with the support per college added up. Pure.
 */
export const SYNTHESIS_FORMAT = 'tablee-synthesis'
export const SYNTHESIS_VERSION = 2

/** A recommendation of one territory: the source's index and the recommendation's id. */
export interface MemberRef {
	source: number
	recommendation: string
}

export interface ConfirmedGroup {
	id: string
	label: string
	members: MemberRef[]
	/** The national text the synthesis author wrote for it (the territories' texts stay beneath). */
	text?: string
}

type Side = 'associations' | 'funders'
const SIDES: readonly Side[] = ['associations', 'funders']

/** A share of people (0–1) per side, null where the side was not shown (V8) or did not vote. */
export interface SideShares {
	associations: number | null
	funders: number | null
}

/**
 * How a national recommendation's support reads across sides: carried by both sides alike, mostly
 * by one of them, or not known (a side not shown on its own in every territory retaining it).
 */
export type SideAgreement = 'both' | 'associations' | 'funders' | 'unknown'

/** A condition or point of caution of one territory, with its side (or college) and territory. */
export interface NationalCondition {
	source: number
	territory: string
	text: string
	answer: Reason['answer']
	from: Reason['from']
}

export interface NationalCommitment {
	source: number
	territory: string
	who: string | null
	text: string
	title: string | null
	due: string | null
}

export interface SynthesisMember {
	ref: MemberRef
	territory: string
	title: string
	/** The territory's own text of its recommendation. */
	text: string
	dots: number
	/** People who gave it at least one dot, of everyone who voted in that territory (0–1), or null. */
	share: number | null
	sides: SideShares
	consensus: ConsensusFlag | null
	/** Recommendation → proposals → merged notes, with their colleges (as exported). */
	trail: TrailStep
}

export interface SynthesisGroup {
	id: string
	/** The national title (the author's, else the first member's title). */
	label: string
	/** The national text the author wrote, '' when none yet. */
	text: string
	/** True when the author confirmed this group; false for a recommendation standing alone. */
	confirmed: boolean
	/** True when its members are exactly one of Tablée's suggestions (N4). */
	fromSuggestion: boolean
	/** The themes its members carry (theme ids with their labels). */
	themes: { id: string; label: Label }[]
	/** N1: "retenue dans N territoires sur M": territories where one of its members is a recommendation. */
	supportedIn: number
	territories: number
	members: SynthesisMember[]
	/**
	 * N8: support with every territory weighing the same: the mean, over the territories retaining
	 * it, of each territory's share of voters who supported it (a territory with two members counts
	 * its better one). Null where no territory measured it.
	 */
	support: { share: number | null; sides: SideShares; measuredIn: number }
	/** N9: the consensus flag of each territory retaining it, counted (territories, not people). */
	consensus: Record<ConsensusFlag, number>
	/** N9: agreement across sides, from the combined shares of each side. */
	sides: SideAgreement
	conditions: NationalCondition[]
	commitments: NationalCommitment[]
	/** N2: dots per college across territories (pooled columns counted under their pool). Raw, never used to rank. */
	byCollege: { college: string; label: Label; dots: number }[]
	dots: number
}

/**
 * What the server holding a synthesis knows of the workshop a territory came from (SPEC D1):
 * `here`, a workshop of this server; `deleted`, one of this server deleted since (the synthesis
 * keeps its own copy of the consolidated figures); `elsewhere`, an export of another server's
 * workshop, whose deletion this server cannot know; `unknown`, an export that names no workshop.
 */
export type SourceWorkshop =
	| { status: 'here' }
	| { status: 'deleted'; deletedAt: string }
	| { status: 'elsewhere'; server: string }
	| { status: 'unknown' }

/** What an export alone says of its workshop, when the server knows nothing more of it. */
export const exportedSource = (source: ConsolidationModel | undefined): SourceWorkshop =>
	source?.context.workshop ? { status: 'elsewhere', server: source.context.workshop.server } : { status: 'unknown' }

export interface SynthesisModel {
	format: typeof SYNTHESIS_FORMAT
	version: typeof SYNTHESIS_VERSION
	title: string
	territories: {
		index: number
		territory: string
		title: string
		date: string | null
		timeZone: string
		recommendations: number
		participants: number
		voters: number
		/** Participants per side, null where a side may not be shown on its own (V8). */
		sides: { associations: number | null; funders: number | null }
		/** Participants per published column (colleges, small ones pooled, V8). */
		columns: { id: string; label: Label; people: number }[]
		template: { id: string; version: number }
		/** Named workshops show each college as it is; pseudonymous ones pooled small colleges (V8). */
		authorMode: ConsolidationModel['context']['authorMode']
		/** The workshop it was exported from, when the export says so. */
		workshop: { id: string; server: string } | null
		/** What is known of that workshop now (SPEC D1). */
		source: SourceWorkshop
	}[]
	/** N3: confirmed groups first, by territories retaining them, then combined support (N8). */
	groups: SynthesisGroup[]
	/** Groups the author confirmed, and recommendations left standing alone. */
	confirmedGroups: number
}

/** Two sides' combined shares are "alike" when the lower is at least this part of the higher. */
export const SIDES_ALIKE = 2 / 3

const mean = (values: readonly number[]): number | null =>
	values.length === 0 ? null : values.reduce((all, value) => all + value, 0) / values.length

const ratio = (part: number | undefined, whole: number | undefined): number | null =>
	whole === undefined || whole <= 0 || part === undefined ? null : part / whole

/** N9: how a recommendation's support reads across sides. */
export function sideAgreement(sides: SideShares): SideAgreement {
	const { associations, funders } = sides
	if (associations === null || funders === null) return 'unknown'
	const high = Math.max(associations, funders)
	if (high === 0 || Math.min(associations, funders) >= SIDES_ALIKE * high) return 'both'
	return associations > funders ? 'associations' : 'funders'
}

const recommendationOf = (sources: readonly ConsolidationModel[], ref: MemberRef): ExportedRecommendation | null =>
	sources[ref.source]?.recommendations.find((item) => item.recommendation.id === ref.recommendation) ?? null

const territoryName = (source: ConsolidationModel | undefined) =>
	source?.context.territory ?? source?.context.title ?? ''

/**
 * N1–N3, N8–N9: the synthesis of `sources` with the `groups` the user confirmed; `known` says, source
 * by source, what the server knows of its workshop (D1) — without it, what each export says.
 */
export function synthesize(
	title: string,
	sources: readonly ConsolidationModel[],
	groups: readonly ConfirmedGroup[],
	known: readonly SourceWorkshop[] = [],
): SynthesisModel {
	const grouped = new Set(groups.flatMap((group) => group.members.map((m) => `${m.source}:${m.recommendation}`)))
	const alone: ConfirmedGroup[] = sources.flatMap((source, index) =>
		source.recommendations
			.filter((item) => !grouped.has(`${index}:${item.recommendation.id}`))
			.map((item) => ({
				id: `${index}:${item.recommendation.id}`,
				label: item.recommendation.title ?? item.recommendation.text,
				members: [{ source: index, recommendation: item.recommendation.id }],
			})),
	)
	const confirmedIds = new Set(groups.map((group) => group.id))
	const membersKey = (members: readonly MemberRef[]) =>
		members
			.map((m) => `${m.source}:${m.recommendation}`)
			.sort()
			.join('+')
	const suggested = new Set(suggestGroups(sources).map((suggestion) => membersKey(suggestion.members)))
	const built = [...groups, ...alone].map((group): SynthesisGroup => {
		const members = group.members
			.map((ref) => ({ ref, item: recommendationOf(sources, ref) }))
			.filter((member): member is { ref: MemberRef; item: ExportedRecommendation } => member.item !== null)
		const byCollege = new Map<string, { label: Label; dots: number }>()
		const themes = new Map<string, Label>()
		for (const { item } of members) {
			const theme = item.recommendation.theme
			if (theme) themes.set(theme.id, theme.label)
			for (const column of item.support?.byGroup ?? []) {
				const current = byCollege.get(column.id) ?? { label: column.label, dots: 0 }
				byCollege.set(column.id, { label: current.label, dots: current.dots + column.dots })
			}
		}
		const shown = members.map(({ ref, item }): SynthesisMember => {
			const support = item.support
			const sides = Object.fromEntries(
				SIDES.map((side) => [side, ratio(support?.bySide[side]?.supporters, support?.bySide[side]?.voters)]),
			) as unknown as SideShares
			return {
				ref,
				territory: territoryName(sources[ref.source]),
				title: item.recommendation.title ?? item.recommendation.text,
				text: item.recommendation.text,
				dots: support?.dots ?? 0,
				share: ratio(support?.supporters, support?.voters),
				sides,
				consensus: support?.consensus.flag ?? null,
				trail: item.trail,
			}
		})
		// N8: one figure per territory (its best-supported member), then every territory weighs the same.
		const perTerritory = new Map<number, SynthesisMember>()
		for (const member of shown) {
			const current = perTerritory.get(member.ref.source)
			if (!current || (member.share ?? -1) > (current.share ?? -1)) perTerritory.set(member.ref.source, member)
		}
		const territoryFigures = [...perTerritory.values()]
		const combined = (pick: (member: SynthesisMember) => number | null) =>
			mean(territoryFigures.map(pick).filter((value): value is number => value !== null))
		const sides: SideShares = {
			associations: combined((member) => member.sides.associations),
			funders: combined((member) => member.sides.funders),
		}
		const consensus = Object.fromEntries(consensusFlags.map((flag) => [flag, 0])) as Record<ConsensusFlag, number>
		for (const member of territoryFigures) consensus[member.consensus ?? 'non-mesure']++
		return {
			id: group.id,
			label: group.label,
			text: group.text ?? '',
			confirmed: confirmedIds.has(group.id),
			fromSuggestion: confirmedIds.has(group.id) && suggested.has(membersKey(group.members)),
			themes: [...themes].map(([id, label]) => ({ id, label })),
			supportedIn: perTerritory.size,
			territories: sources.length,
			members: shown,
			support: {
				share: combined((member) => member.share),
				sides,
				measuredIn: territoryFigures.filter((member) => member.share !== null).length,
			},
			consensus,
			sides: sideAgreement(sides),
			conditions: members.flatMap(({ ref, item }) =>
				item.conditions.map((reason) => ({
					source: ref.source,
					territory: territoryName(sources[ref.source]),
					text: reason.text,
					answer: reason.answer,
					from: reason.from,
				})),
			),
			commitments: members.flatMap(({ ref, item }) =>
				item.commitments.map((commitment) => ({
					source: ref.source,
					territory: territoryName(sources[ref.source]),
					who: commitment.who,
					text: commitment.text,
					title: commitment.title,
					due: commitment.due,
				})),
			),
			byCollege: [...byCollege].map(([college, value]) => ({ college, ...value })),
			dots: members.reduce((sum, { item }) => sum + (item.support?.dots ?? 0), 0),
		}
	})
	// N3, N8: retained in more territories first; then combined support, every territory weighing the same.
	built.sort(
		(a, b) =>
			Number(b.confirmed) - Number(a.confirmed) ||
			b.supportedIn - a.supportedIn ||
			(b.support.share ?? -1) - (a.support.share ?? -1) ||
			a.label.localeCompare(b.label),
	)
	return {
		format: SYNTHESIS_FORMAT,
		version: SYNTHESIS_VERSION,
		title,
		territories: sources.map((source, index) => ({
			index,
			territory: territoryName(source),
			title: source.context.title,
			date: source.context.date,
			timeZone: source.context.timeZone,
			recommendations: source.recommendations.length,
			participants: source.context.participants,
			voters: source.context.voters,
			sides: { ...source.context.sides },
			columns: source.context.columns.map((column) => ({ id: column.id, label: column.label, people: column.people })),
			template: { ...source.context.template },
			authorMode: source.context.authorMode,
			workshop: source.context.workshop ?? null,
			source: known[index] ?? exportedSource(source),
		})),
		groups: built,
		confirmedGroups: groups.length,
	}
}

/** Words too common to say two recommendations are alike. */
const STOP = new Set(
	'les des une pour dans par sur aux avec que qui est sont plus leur leurs ses son sa the and for with from into des du de la le et en un au à ou ne pas ce cette ces'.split(
		' ',
	),
)

const wordsOf = (text: string) =>
	new Set(
		text
			.toLowerCase()
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.split(/[^a-z0-9]+/)
			.filter((word) => word.length > 2 && !STOP.has(word))
			.map((word) => word.replace(/s$/, '')),
	)

/** Share of words two texts have in common (Jaccard), 0–1. */
export function similarity(a: string, b: string): number {
	return jaccard(wordsOf(a), wordsOf(b))
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
	if (left.size === 0 || right.size === 0) return 0
	let shared = 0
	for (const word of left) if (right.has(word)) shared++
	return shared / (left.size + right.size - shared)
}

/** N4: a recommendation is suggested with another territory's when they share a theme or this much. */
export const SIMILARITY_THRESHOLD = 0.3

/** Why Tablée suggests a group (N4): the themes its members share, the words they have in common. */
export interface SuggestionReasons {
	themes: { id: string; label: Label }[]
	words: string[]
}

export interface SuggestedGroup extends ConfirmedGroup {
	reasons: SuggestionReasons
}

/** The words two texts have in common (compared without accents or plurals), as `a` writes them. */
export function commonWords(a: string, b: string): string[] {
	const right = wordsOf(b)
	const written = new Map<string, string>()
	for (const token of a.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
		const [compared] = wordsOf(token)
		if (compared && right.has(compared) && !written.has(compared)) written.set(compared, token)
	}
	return [...written.values()]
}

/**
 * N4: suggested groups — recommendations of different territories that share a theme or are
 * worded alike, joined transitively, each with the reasons it is suggested. Only suggestions: the
 * user confirms each group.
 */
export function suggestGroups(sources: readonly ConsolidationModel[]): SuggestedGroup[] {
	const items = sources.flatMap((source, index) =>
		source.recommendations.map((item) => ({
			ref: { source: index, recommendation: item.recommendation.id },
			text: [item.recommendation.title, item.recommendation.text].filter(Boolean).join(' '),
			// Each text's words once, not once per pair (a synthesis may hold thousands of recommendations).
			words: wordsOf([item.recommendation.title, item.recommendation.text].filter(Boolean).join(' ')),
			theme: item.recommendation.theme ?? null,
			title: item.recommendation.title ?? item.recommendation.text,
		})),
	)
	const parent = items.map((_, index) => index)
	const find = (index: number): number =>
		parent[index] === index ? index : (parent[index] = find(parent[index] ?? index))
	const links: { at: number; words: string[] }[] = []
	for (let i = 0; i < items.length; i++) {
		for (let j = i + 1; j < items.length; j++) {
			const [a, b] = [items[i], items[j]]
			// Already joined (transitively): this pair adds nothing, and skipping it keeps the links a tree.
			if (!a || !b || a.ref.source === b.ref.source || find(i) === find(j)) continue
			const sameTheme = a.theme !== null && a.theme.id === b.theme?.id
			const alike = jaccard(a.words, b.words) >= SIMILARITY_THRESHOLD
			if (sameTheme || alike) {
				parent[find(i)] = find(j)
				links.push({ at: i, words: alike ? commonWords(a.text, b.text) : [] })
			}
		}
	}
	const clusters = new Map<number, typeof items>()
	items.forEach((item, index) => {
		const root = find(index)
		const cluster = clusters.get(root)
		if (cluster) cluster.push(item)
		else clusters.set(root, [item])
	})
	return [...clusters.entries()]
		.filter(([, cluster]) => new Set(cluster.map((item) => item.ref.source)).size > 1)
		.map(([root, cluster]) => {
			const own = links.filter((link) => find(link.at) === root)
			// A theme is a reason when members of two territories or more carry it.
			const themes = new Map<string, { label: Label; sources: Set<number> }>()
			for (const item of cluster) {
				if (!item.theme) continue
				const entry = themes.get(item.theme.id) ?? { label: item.theme.label, sources: new Set<number>() }
				entry.sources.add(item.ref.source)
				themes.set(item.theme.id, entry)
			}
			return {
				id: cluster.map((item) => `${item.ref.source}:${item.ref.recommendation}`).join('+'),
				label: cluster[0]?.title ?? '',
				members: cluster.map((item) => item.ref),
				reasons: {
					themes: [...themes]
						.filter(([, entry]) => entry.sources.size > 1)
						.map(([id, entry]) => ({ id, label: entry.label })),
					words: [...new Set(own.flatMap((link) => link.words))],
				},
			}
		})
}
