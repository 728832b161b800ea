import * as v from 'valibot'
import { contributionTypes } from '../template/template-schema.ts'
import { idSchema as id } from '../workshop/ids.ts'
import { actionLevels, contributionTargets, TEXT_MAX } from './contribution.ts'

/**
 * Bodies of the contribution intents, validated by the server (docs/api.md §Contributions). Kept
 * apart from the types so that clients do not bundle the validator.
 */

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
const contributionIdSchema = id('not a contribution id')

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
	/** The facilitator writes for a participant taking part on paper (M5): that participant's id. */
	onBehalfOf: v.optional(contributionIdSchema),
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
