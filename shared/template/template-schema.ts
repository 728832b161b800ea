import * as v from 'valibot'

/**
 * Schema of a template file in templates/. Templates are versioned data, validated at load;
 * the types the rest of the code uses are derived from the schema (docs/conventions.md §Input).
 *
 * `format` is the file layout (this schema); `version` is the template's own revision, stored
 * with each workshop created from it.
 */
export const TEMPLATE_FORMAT_VERSION = 1

const idSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'ids are lowercase words joined by -'))

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max))
const labelSchema = v.object({ fr: text(200), en: text(200) })
const longLabelSchema = v.object({ fr: text(1000), en: text(1000) })

/** The side a college speaks for; the consensus score compares sides. */
export const collegeSides = ['associations', 'funders', 'other'] as const

/** Kinds of contribution (see the contributions rules). */
export const contributionTypes = ['constat', 'besoin', 'proposition', 'recommandation', 'engagement', 'idee'] as const

/** Kinds of agenda phase; each decides what participants may do (facilitation rules). */
export const phaseKinds = [
	'welcome',
	'private-writing',
	'open-writing',
	'clustering',
	'vote',
	'consensus-check',
	'recommendations',
	'closing',
] as const

const collegeSchema = v.object({
	id: idSchema,
	label: labelSchema,
	color: v.pipe(v.string(), v.hexColor()),
	side: v.picklist(collegeSides),
})

const namedSchema = v.object({ id: idSchema, label: labelSchema })

const zoneSchema = v.object({
	id: idSchema,
	label: labelSchema,
	instructions: longLabelSchema,
	/** `area`: one free space; `grid`: theme rows × columns; `columns`: side-by-side lists. */
	kind: v.picklist(['area', 'grid', 'columns']),
	/** Grid rows are themes (ids from `themes`). */
	rows: v.optional(v.array(idSchema)),
	columns: v.optional(v.array(namedSchema)),
	contributionTypes: v.pipe(v.array(v.picklist(contributionTypes)), v.minLength(1)),
	/** Size on the canvas, in canvas units; zones are laid out left to right. */
	width: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(20_000)), 1200),
	height: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(20_000)), 900),
})

const phaseSchema = v.object({
	id: idSchema,
	label: labelSchema,
	kind: v.picklist(phaseKinds),
	minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600)),
	/** Zones this phase works in (ids from `zones`). */
	zones: v.optional(v.array(idSchema), []),
})

const unique = (values: string[]) => new Set(values).size === values.length

export const templateSchema = v.pipe(
	v.object({
		format: v.literal(TEMPLATE_FORMAT_VERSION),
		id: idSchema,
		version: v.pipe(v.number(), v.integer(), v.minValue(1)),
		title: labelSchema,
		description: longLabelSchema,
		colleges: v.pipe(v.array(collegeSchema), v.minLength(1), v.maxLength(30)),
		themes: v.optional(v.array(namedSchema), []),
		zones: v.pipe(v.array(zoneSchema), v.minLength(1), v.maxLength(40)),
		phases: v.pipe(v.array(phaseSchema), v.minLength(1), v.maxLength(40)),
	}),
	v.check((t) => unique(t.colleges.map((college) => college.id)), 'college ids must be unique'),
	v.check((t) => unique(t.themes.map((theme) => theme.id)), 'theme ids must be unique'),
	v.check((t) => unique(t.zones.map((zone) => zone.id)), 'zone ids must be unique'),
	v.check((t) => unique(t.phases.map((phase) => phase.id)), 'phase ids must be unique'),
	v.check(
		(t) => t.zones.every((zone) => (zone.kind === 'grid') === (zone.rows !== undefined && zone.columns !== undefined)),
		'a grid zone has rows and columns, and only a grid zone has rows',
	),
	v.check(
		(t) => t.zones.every((zone) => zone.kind !== 'columns' || (zone.columns?.length ?? 0) > 0),
		'a columns zone lists its columns',
	),
	v.check(
		(t) => t.zones.every((zone) => (zone.rows ?? []).every((row) => t.themes.some((theme) => theme.id === row))),
		'grid rows must be theme ids',
	),
	v.check(
		(t) => t.phases.every((phase) => phase.zones.every((zone) => t.zones.some((known) => known.id === zone))),
		'phases refer to zones of the template',
	),
)

export type Template = v.InferOutput<typeof templateSchema>
export type College = Template['colleges'][number]
export type CollegeSide = (typeof collegeSides)[number]
export type TemplateZone = Template['zones'][number]
export type TemplatePhase = Template['phases'][number]
export type ContributionType = (typeof contributionTypes)[number]
