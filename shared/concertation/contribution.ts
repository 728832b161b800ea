import type { ContributionType } from '../template/template-schema.ts'

/**
 * Contributions: what participants write during a concertation (SPEC K). The server alone writes
 * them into the control document; clients ask through intents (docs/api.md §Contributions).
 */

/** Who a proposal or recommendation is addressed to. */
export const contributionTargets = ['financeurs', 'associations', 'ensemble', 'national'] as const
export type ContributionTarget = (typeof contributionTargets)[number]

/** The territorial level a proposal acts at. */
export const actionLevels = ['local', 'departemental', 'regional', 'national'] as const
export type ActionLevel = (typeof actionLevels)[number]

/** Whether contributions show their author's name or only the college (SPEC K9). */
export const authorModes = ['pseudonymous', 'named'] as const
export type AuthorMode = (typeof authorModes)[number]

/** The optional detail fields, and the types each applies to (SPEC K2). */
export const detailFields = {
	title: ['proposition', 'recommandation'],
	theme: ['constat', 'besoin', 'proposition', 'recommandation'],
	target: ['proposition', 'recommandation'],
	level: ['proposition', 'recommandation'],
	effect: ['proposition', 'recommandation'],
	caution: ['proposition', 'recommandation'],
	who: ['engagement'],
	due: ['engagement'],
} as const satisfies Record<string, readonly ContributionType[]>
export type DetailField = keyof typeof detailFields

/** A contribution as the control document holds it (one plain object per id). */
export interface Contribution {
	id: string
	type: ContributionType
	zone: string
	/** Grid zones: the theme row and the column of the cell; columns zones: the column. */
	row: string | null
	column: string | null
	/** The statement itself: the finding, need, idea; a proposal's description; a commitment's "what". */
	text: string
	title: string | null
	/** Theme id (R1–R7 in the default template); a grid contribution's theme is its row. */
	theme: string | null
	target: ContributionTarget | null
	level: ActionLevel | null
	/** Expected effect. */
	effect: string | null
	/** Condition or point of caution. */
	caution: string | null
	/** Engagement: who commits, and by when. */
	who: string | null
	due: string | null
	/** The author's college, or null when the facilitator wrote it. */
	college: string | null
	authorRole: 'participant' | 'facilitator'
	/** The author's display name, only in named mode (never in pseudonymous mode). */
	authorName: string | null
	createdAt: string
	updatedAt: string
	/** Set on a duplicate merged into another contribution (SPEC K7). */
	mergedInto: string | null
	/** A recommendation's grouped proposals (SPEC K8). */
	sources: string[]
}

export const TEXT_MAX = 2000
