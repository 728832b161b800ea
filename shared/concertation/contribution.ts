import * as v from 'valibot'
import type { ContributionType } from '../template/template-schema.ts'
import { contributionTypes } from '../template/template-schema.ts'

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

/** Removes control characters other than tab and line breaks: they carry nothing a reader sees. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const stripControls = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')

const textOf = (max: number) =>
	v.pipe(
		v.string(),
		v.transform(stripControls),
		v.trim(),
		v.minLength(1, 'must not be empty'),
		v.maxLength(max, `at most ${max} characters`),
	)
const idSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'not an id'))
const contributionIdSchema = v.pipe(v.string(), v.regex(/^[a-z0-9]{8,40}$/, 'not a contribution id'))

export const TEXT_MAX = 2000

const details = {
	title: v.optional(v.nullable(textOf(200))),
	theme: v.optional(v.nullable(idSchema)),
	target: v.optional(v.nullable(v.picklist(contributionTargets))),
	level: v.optional(v.nullable(v.picklist(actionLevels))),
	effect: v.optional(v.nullable(textOf(1000))),
	caution: v.optional(v.nullable(textOf(1000))),
	who: v.optional(v.nullable(textOf(200))),
	due: v.optional(v.nullable(textOf(80))),
	sources: v.optional(v.pipe(v.array(contributionIdSchema), v.maxLength(200))),
}

/** Body of the create intent. */
export const createContributionSchema = v.strictObject({
	type: v.picklist(contributionTypes),
	zone: idSchema,
	row: v.optional(v.nullable(idSchema)),
	column: v.optional(v.nullable(idSchema)),
	text: textOf(TEXT_MAX),
	...details,
})

/** Body of the edit intent: the fields to change (at least one). */
export const editContributionSchema = v.pipe(
	v.strictObject({ text: v.optional(textOf(TEXT_MAX)), ...details }),
	v.check((input) => Object.keys(input).length > 0, 'nothing to change'),
)

/** Body of the move intent: the new zone, and the cell or column in it. */
export const moveContributionSchema = v.strictObject({
	zone: idSchema,
	row: v.optional(v.nullable(idSchema)),
	column: v.optional(v.nullable(idSchema)),
})

/** Body of the merge intent: the duplicates to merge into the contribution named in the path. */
export const mergeContributionsSchema = v.strictObject({
	sources: v.pipe(v.array(contributionIdSchema), v.minLength(1), v.maxLength(200)),
})

export type CreateContributionInput = v.InferOutput<typeof createContributionSchema>
export type EditContributionInput = v.InferOutput<typeof editContributionSchema>
export type MoveContributionInput = v.InferOutput<typeof moveContributionSchema>
