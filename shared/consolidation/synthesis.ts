import type { Label } from '../concertation/labels.ts'
import type { ConsolidationModel, ExportedRecommendation } from './model.ts'

/**
 * The national synthesis (SPEC N1–N4): several territorial consolidations (the JSON export,
 * docs/export-format.md) combined into one. Recommendations are grouped across territories by a
 * grouping the user confirms — with suggestions of similar recommendations — and each group says
 * in how many territories it is supported, with the support per college added up. Pure.
 */
export const SYNTHESIS_FORMAT = 'tablee-synthesis'
export const SYNTHESIS_VERSION = 1

/** A recommendation of one territory: the source's index and the recommendation's id. */
export interface MemberRef {
	source: number
	recommendation: string
}

export interface ConfirmedGroup {
	id: string
	label: string
	members: MemberRef[]
}

export interface SynthesisGroup {
	id: string
	label: string
	/** The themes its members carry (theme ids with their labels). */
	themes: { id: string; label: Label }[]
	/** N1: in how many territories one of its members was a recommendation, of how many. */
	supportedIn: number
	territories: number
	members: {
		ref: MemberRef
		territory: string
		title: string
		dots: number
		consensus: string | null
	}[]
	/** N2: dots per college across territories (pooled columns counted under their pool). */
	byCollege: { college: string; label: Label; dots: number }[]
	dots: number
}

export interface SynthesisModel {
	format: typeof SYNTHESIS_FORMAT
	version: typeof SYNTHESIS_VERSION
	title: string
	territories: { index: number; territory: string; title: string; date: string | null; recommendations: number }[]
	/** Confirmed groups first (by territories, then dots); every other recommendation stands alone. */
	groups: SynthesisGroup[]
}

const recommendationOf = (sources: readonly ConsolidationModel[], ref: MemberRef): ExportedRecommendation | null =>
	sources[ref.source]?.recommendations.find((item) => item.recommendation.id === ref.recommendation) ?? null

/** N1–N3: the synthesis of `sources` with the `groups` the user confirmed. */
export function synthesize(
	title: string,
	sources: readonly ConsolidationModel[],
	groups: readonly ConfirmedGroup[],
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
		return {
			id: group.id,
			label: group.label,
			themes: [...themes].map(([id, label]) => ({ id, label })),
			supportedIn: new Set(members.map(({ ref }) => ref.source)).size,
			territories: sources.length,
			members: members.map(({ ref, item }) => ({
				ref,
				territory: sources[ref.source]?.context.territory ?? sources[ref.source]?.context.title ?? '',
				title: item.recommendation.title ?? item.recommendation.text,
				dots: item.support?.dots ?? 0,
				consensus: item.support?.consensus?.flag ?? null,
			})),
			byCollege: [...byCollege].map(([college, value]) => ({ college, ...value })),
			dots: members.reduce((sum, { item }) => sum + (item.support?.dots ?? 0), 0),
		}
	})
	built.sort((a, b) => b.supportedIn - a.supportedIn || b.dots - a.dots || a.label.localeCompare(b.label))
	return {
		format: SYNTHESIS_FORMAT,
		version: SYNTHESIS_VERSION,
		title,
		territories: sources.map((source, index) => ({
			index,
			territory: source.context.territory ?? source.context.title,
			title: source.context.title,
			date: source.context.date,
			recommendations: source.recommendations.length,
		})),
		groups: built,
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
	const left = wordsOf(a)
	const right = wordsOf(b)
	if (left.size === 0 || right.size === 0) return 0
	let shared = 0
	for (const word of left) if (right.has(word)) shared++
	return shared / (left.size + right.size - shared)
}

/** N4: a recommendation is suggested with another territory's when they share a theme or this much. */
export const SIMILARITY_THRESHOLD = 0.3

/**
 * N4: suggested groups — recommendations of different territories that share a theme or are
 * worded alike, joined transitively. Only suggestions: the user confirms each group.
 */
export function suggestGroups(sources: readonly ConsolidationModel[]): ConfirmedGroup[] {
	const items = sources.flatMap((source, index) =>
		source.recommendations.map((item) => ({
			ref: { source: index, recommendation: item.recommendation.id },
			text: [item.recommendation.title, item.recommendation.text].filter(Boolean).join(' '),
			theme: item.recommendation.theme?.id ?? null,
			title: item.recommendation.title ?? item.recommendation.text,
		})),
	)
	const parent = items.map((_, index) => index)
	const find = (index: number): number =>
		parent[index] === index ? index : (parent[index] = find(parent[index] ?? index))
	for (let i = 0; i < items.length; i++) {
		for (let j = i + 1; j < items.length; j++) {
			const [a, b] = [items[i], items[j]]
			if (!a || !b || a.ref.source === b.ref.source) continue
			if ((a.theme !== null && a.theme === b.theme) || similarity(a.text, b.text) >= SIMILARITY_THRESHOLD) {
				parent[find(i)] = find(j)
			}
		}
	}
	const clusters = new Map<number, typeof items>()
	items.forEach((item, index) => clusters.set(find(index), [...(clusters.get(find(index)) ?? []), item]))
	return [...clusters.values()]
		.filter((cluster) => new Set(cluster.map((item) => item.ref.source)).size > 1)
		.map((cluster) => ({
			id: cluster.map((item) => `${item.ref.source}:${item.ref.recommendation}`).join('+'),
			label: cluster[0]?.title ?? '',
			members: cluster.map((item) => item.ref),
		}))
}
