import type { Contribution } from '../concertation/contribution.ts'
import type { ConsensusFlag } from '../concertation/tally.ts'
import type { ConsolidationModel, ExportedContribution, Support } from './model.ts'
import type { SideAgreement, SynthesisModel } from './synthesis.ts'

/**
 * What became of one person's contributions (SPEC M1–M4): each of them with its fate — kept as
 * it is, merged into which note, grouped into which recommendation — that recommendation's support
 * and consensus, and the national recommendations it fed. Pure, and built from the consolidation
 * model the documents are built from, so every figure follows the same anonymity rule (V8) and
 * every contribution is shown the way the documents show it (its college, or its side).
 */

/** Where a contribution ended up. */
export type FateKind =
	/** Written during private writing, not revealed yet: only its author knows it. */
	| 'draft'
	/** Stands on its own: not merged, not grouped. */
	| 'kept'
	/** Merged into another note (and, maybe, that one grouped): see `mergedInto`, `recommendation`. */
	| 'merged'
	/** Grouped (itself, or the note it was merged into) into a recommendation. */
	| 'grouped'
	/** The contribution is itself a recommendation. */
	| 'recommendation'
	/** A commitment linked to a recommendation (K17). */
	| 'linked'

/** A note one's contribution was merged into, as the documents show it. */
export interface TrailNote {
	id: string
	type: Contribution['type']
	title: string | null
	text: string
	college: ExportedContribution['college']
	author: string | null
}

/** A national recommendation of a synthesis of this server that includes the workshop (N1, N8, N9). */
export interface NationalFate {
	synthesis: string
	/** The national title, and the text the synthesis authors wrote ('' when none yet). */
	label: string
	text: string
	/** Grouped with other territories' recommendations by the synthesis authors. */
	confirmed: boolean
	/** N1: "retenue dans N territoires sur M". */
	supportedIn: number
	territories: number
	/** N8: mean share of voters supporting it, every territory weighing the same; null if unmeasured. */
	share: number | null
	/** N9: territories by consensus flag, and agreement across sides. */
	consensus: Record<ConsensusFlag, number>
	sides: SideAgreement
}

export interface RecommendationFate {
	id: string
	/** Its rank among the workshop's recommendations (V9), of `of`. */
	rank: number
	of: number
	title: string | null
	text: string
	/** Support and consensus as the documents give them (V8), null when no poll result is published. */
	support: Support | null
	national: NationalFate[]
}

export interface ContributionFate {
	contribution: ExportedContribution
	fate: FateKind
	/** The notes it was merged into, the nearest first (a merge may itself be merged, K7). */
	mergedInto: TrailNote[]
	recommendation: RecommendationFate | null
	/**
	 * A proposal standing on its own (or the one it was merged into) that went through a poll: its
	 * rank among the proposals and its support, as the documents give them.
	 */
	proposal: { rank: number; of: number; support: Support | null } | null
}

export interface ContributionTrail {
	workshop: {
		title: string
		territory: string | null
		date: string | null
		timeZone: string
		authorMode: ConsolidationModel['context']['authorMode']
	}
	contributions: ContributionFate[]
}

/** A synthesis of this server that includes the workshop: its model, and which of its sources the workshop is. */
export interface IncludingSynthesis {
	title: string
	model: SynthesisModel
	source: number
}

const noteOf = (contribution: ExportedContribution): TrailNote => ({
	id: contribution.id,
	type: contribution.type,
	title: contribution.title,
	text: contribution.text,
	college: contribution.college,
	author: contribution.author,
})

/**
 * M1–M3: the fate of each of `own` (ids of contributions the person wrote) in `model` — the
 * consolidation of the workshop with what the room was shown of the polls, the person's private
 * drafts included — and the national recommendations of `syntheses` their recommendations fed.
 */
export function contributionTrail(input: {
	model: ConsolidationModel
	own: readonly string[]
	/** Those of `own` still private (F1): the model holds them, nobody else's does. */
	drafts: ReadonlySet<string>
	syntheses: readonly IncludingSynthesis[]
}): ContributionTrail {
	const { model } = input
	const byId = new Map(model.annex.map((contribution) => [contribution.id, contribution]))
	const recommendations = new Map(model.recommendations.map((item) => [item.recommendation.id, item]))
	const proposals = new Map(model.proposals.map((item) => [item.proposal.id, item]))

	const nationalOf = (recommendation: string): NationalFate[] =>
		input.syntheses.flatMap(({ title, model: synthesis, source }) =>
			synthesis.groups
				.filter((group) =>
					group.members.some((member) => member.ref.source === source && member.ref.recommendation === recommendation),
				)
				.map((group) => ({
					synthesis: title,
					label: group.label,
					text: group.text,
					confirmed: group.confirmed,
					supportedIn: group.supportedIn,
					territories: group.territories,
					share: group.support.share,
					consensus: { ...group.consensus },
					sides: group.sides,
				})),
		)
	const recommendationFate = (id: string): RecommendationFate | null => {
		const item = recommendations.get(id)
		if (!item) return null
		return {
			id,
			rank: item.rank,
			of: model.recommendations.length,
			title: item.recommendation.title,
			text: item.recommendation.text,
			support: item.support,
			national: nationalOf(id),
		}
	}

	const fateOf = (contribution: ExportedContribution): ContributionFate => {
		if (input.drafts.has(contribution.id)) {
			return { contribution, fate: 'draft', mergedInto: [], recommendation: null, proposal: null }
		}
		// The chain of merges, nearest first; the last one stands in the documents for all of them.
		const chain: ExportedContribution[] = []
		const seen = new Set([contribution.id])
		let current = contribution
		while (current.mergedInto !== null) {
			const next = byId.get(current.mergedInto)
			if (!next || seen.has(next.id)) break
			seen.add(next.id)
			chain.push(next)
			current = next
		}
		const standing = current
		const linkedTo =
			standing.type === 'engagement'
				? model.recommendations.find((item) => item.commitments.some((commitment) => commitment.id === standing.id))
						?.recommendation.id
				: undefined
		const recommendationId = standing.type === 'recommandation' ? standing.id : (standing.groupedIn ?? linkedTo ?? null)
		const recommendation = recommendationId ? recommendationFate(recommendationId) : null
		const ranked = standing.type === 'proposition' ? proposals.get(standing.id) : undefined
		const fate: FateKind =
			contribution.type === 'recommandation'
				? 'recommendation'
				: chain.length > 0
					? 'merged'
					: linkedTo && recommendation
						? 'linked'
						: recommendation
							? 'grouped'
							: 'kept'
		return {
			contribution,
			fate,
			mergedInto: chain.map(noteOf),
			recommendation,
			proposal:
				ranked && !recommendation && ranked.support !== null
					? { rank: ranked.rank, of: model.proposals.length, support: ranked.support }
					: null,
		}
	}

	const own = new Set(input.own)
	return {
		workshop: {
			title: model.context.title,
			territory: model.context.territory,
			date: model.context.date,
			timeZone: model.context.timeZone,
			authorMode: model.context.authorMode,
		},
		// In the order the annex lists them: zones, then creation.
		contributions: model.annex.filter((contribution) => own.has(contribution.id)).map(fateOf),
	}
}
