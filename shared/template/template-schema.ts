import * as v from 'valibot'

/**
 * Schema of a template file in templates/. Templates are versioned data, validated at load;
 * the type the rest of the code uses is derived from the schema (STYLE §6).
 */
export const TEMPLATE_FORMAT_VERSION = 1

const idSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'ids are lowercase words joined by -'))

const labelSchema = v.object({
	fr: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
	en: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
})

/** The side a college speaks for; the consensus score compares sides. */
export const collegeSides = ['associations', 'funders', 'other'] as const

const collegeSchema = v.object({
	id: idSchema,
	label: labelSchema,
	color: v.pipe(v.string(), v.hexColor()),
	side: v.picklist(collegeSides),
})

export const templateSchema = v.pipe(
	v.object({
		format: v.literal(TEMPLATE_FORMAT_VERSION),
		id: idSchema,
		version: v.pipe(v.number(), v.integer(), v.minValue(1)),
		title: labelSchema,
		description: labelSchema,
		colleges: v.pipe(v.array(collegeSchema), v.minLength(1), v.maxLength(30)),
	}),
	v.check(
		(template) => new Set(template.colleges.map((college) => college.id)).size === template.colleges.length,
		'college ids must be unique',
	),
)

export type Template = v.InferOutput<typeof templateSchema>
export type College = Template['colleges'][number]
export type CollegeSide = (typeof collegeSides)[number]
