import * as v from 'valibot'
import { actionLevels, authorModes, contributionTargets } from '../../shared/concertation/contribution.ts'
import { consensusFlags } from '../../shared/concertation/tally.ts'
import { consensusAnswers } from '../../shared/concertation/vote.ts'
import {
	CONSOLIDATION_FORMAT,
	CONSOLIDATION_VERSION,
	type ConsolidationModel,
	type TrailStep,
} from '../../shared/consolidation/model.ts'
import type { ConfirmedGroup } from '../../shared/consolidation/synthesis.ts'
import { collegeSides, contributionTypes } from '../../shared/template/template-schema.ts'

/**
 * The shape of a territorial export (the consolidation JSON, docs/export-format.md) as a synthesis
 * stores it, and of a stored synthesis. Uploads are checked against it before they are stored and
 * every stored file before it is rendered: the renderers then only meet the types they were
 * written for (a number where a title belongs, or a `byGroup` that is not a list, used to break
 * them). Unknown fields are dropped; strings and lists are bounded.
 */

/** Nesting deeper than this (a trail of merges within merges) is refused before it is walked. */
export const MAX_NESTING = 64

const text = (max: number) => v.pipe(v.string(), v.maxLength(max))
const shortText = text(500)
const longText = text(20_000)
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200))
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000_000))
const share = v.pipe(v.number(), v.finite())
const list = <S extends v.GenericSchema>(item: S, max = 10_000) => v.pipe(v.array(item), v.maxLength(max))
const label = v.object({ fr: shortText, en: shortText })
const labelled = v.object({ id, label })

/** Contributions counted by type (both consolidation versions). */
const byType = v.object(
	Object.fromEntries(contributionTypes.map((type) => [type, count])) as Record<
		(typeof contributionTypes)[number],
		typeof count
	>,
)

const contributionSchema = v.object({
	id,
	type: v.picklist(contributionTypes),
	zone: labelled,
	row: v.nullable(labelled),
	column: v.nullable(labelled),
	title: v.nullable(shortText),
	text: longText,
	theme: v.nullable(labelled),
	target: v.nullable(v.picklist(contributionTargets)),
	level: v.nullable(v.picklist(actionLevels)),
	effect: v.nullable(longText),
	caution: v.nullable(longText),
	who: v.nullable(shortText),
	due: v.nullable(shortText),
	college: v.nullable(v.object({ id, label, side: v.picklist(collegeSides) })),
	author: v.nullable(shortText),
	createdAt: shortText,
	updatedAt: shortText,
	mergedInto: v.nullable(id),
	groupedIn: v.nullable(id),
	dots: count,
})

const supportSchema = v.object({
	dots: count,
	supporters: count,
	weightedShare: share,
	byGroup: list(v.object({ id, label, dots: count, voters: count }), 1000),
	consensus: v.nullable(
		v.object({
			flag: v.picklist(['consensuel', 'clivant', 'partage', 'insuffisant']),
			score: v.nullable(share),
			basis: v.picklist(['consensus-check', 'vote']),
		}),
	),
	answers: v.object({ agree: count, disagree: count, unsure: count }),
})

const trailSchema: v.GenericSchema<TrailStep> = v.object({
	contribution: contributionSchema,
	merged: list(v.lazy(() => trailSchema)),
	sources: list(v.lazy(() => trailSchema)),
})

const rankedSchema = v.object({
	proposal: contributionSchema,
	support: v.nullable(supportSchema),
	reasons: list(longText),
})

/** A territorial export in version 1, every field checked (migrated by readConsolidation). */
export const consolidationV1Schema = v.object({
	format: v.literal(CONSOLIDATION_FORMAT),
	version: v.literal(1),
	generatedAt: shortText,
	context: v.object({
		title: v.pipe(v.string(), v.maxLength(500)),
		territory: v.nullable(shortText),
		date: v.nullable(shortText),
		template: v.object({ id, version: count }),
		authorMode: v.picklist(authorModes),
		colleges: list(v.object({ id, label, side: v.picklist(collegeSides), color: shortText, participants: count }), 100),
		participants: count,
		contributions: count,
		contributionsByType: byType,
		voters: count,
		proxyVoters: count,
	}),
	findings: list(v.object({ theme: labelled, items: list(contributionSchema) }), 100),
	recommendations: list(
		v.object({
			rank: count,
			recommendation: contributionSchema,
			// Typed as always present, but `consolidate` gives null to a recommendation whose sources had
			// no votes, and every reader copes with it.
			support: v.nullable(supportSchema),
			cautions: list(longText),
			trail: trailSchema,
		}),
	),
	proposals: list(rankedSchema),
	commitments: list(contributionSchema),
	disagreements: list(rankedSchema),
	parking: list(contributionSchema),
	annex: list(contributionSchema, 50_000),
})

const answerCounts = v.object({ agree: count, disagree: count, unsure: count })
const sideSupport = v.nullable(v.object({ dots: count, supporters: count, voters: count }))
const consensusV2 = v.object({
	flag: v.picklist(consensusFlags),
	score: v.nullable(share),
	from: v.nullable(id),
	answers: answerCounts,
	bySide: v.object({ associations: v.nullable(answerCounts), funders: v.nullable(answerCounts) }),
})
const supportV2 = v.object({
	dots: count,
	supporters: count,
	voters: count,
	share,
	weightedShare: share,
	byGroup: list(v.object({ id, label, dots: count, voters: count }), 1000),
	bySide: v.object({ associations: sideSupport, funders: sideSupport }),
	consensus: consensusV2,
	answers: answerCounts,
})
const reasonSchema = v.object({
	text: longText,
	answer: v.nullable(v.picklist(consensusAnswers)),
	from: v.nullable(v.object({ id, label, side: v.nullable(v.picklist(collegeSides)) })),
	proposal: v.nullable(id),
})
const columnSchema = v.object({
	id,
	label,
	side: v.nullable(v.picklist(collegeSides)),
	colleges: list(id, 100),
	people: count,
})
const rankedV2 = v.object({
	rank: count,
	proposal: contributionSchema,
	support: v.nullable(supportV2),
	reasons: list(longText),
	conditions: list(reasonSchema),
	supportive: list(reasonSchema),
})
const pollDates = { openedAt: v.nullable(shortText), closedAt: v.nullable(shortText), proposals: count }

/** A territorial export in the current version, every field checked. */
export const consolidationV2Schema = v.object({
	format: v.literal(CONSOLIDATION_FORMAT),
	version: v.literal(CONSOLIDATION_VERSION),
	generatedAt: shortText,
	context: v.object({
		title: v.pipe(v.string(), v.maxLength(500)),
		territory: v.nullable(shortText),
		date: v.nullable(shortText),
		timeZone: shortText,
		organisers: list(shortText, 100),
		template: v.object({ id, version: count }),
		authorMode: v.picklist(authorModes),
		colleges: list(
			v.object({ id, label, side: v.picklist(collegeSides), color: shortText, participants: v.nullable(count) }),
			100,
		),
		columns: list(columnSchema, 100),
		sides: v.object({ associations: v.nullable(count), funders: v.nullable(count) }),
		participants: count,
		contributions: count,
		contributionsByType: byType,
		voters: count,
		proxyVoters: count,
		respondents: count,
		phases: list(v.object({ id, label, kind: shortText }), 100),
		vote: v.nullable(
			v.object({
				budget: count,
				maxPerProposal: count,
				banOwn: v.boolean(),
				anonymous: v.boolean(),
				equalWeight: v.optional(v.boolean()),
				...pollDates,
			}),
		),
		consensusCheck: v.nullable(v.object(pollDates)),
		voteColumns: list(columnSchema, 100),
		respondentColumns: list(columnSchema, 100),
		workshop: v.optional(v.nullable(v.object({ id, server: shortText }))),
	}),
	findings: list(v.object({ theme: labelled, items: list(contributionSchema) }), 100),
	recommendations: list(
		v.object({
			rank: count,
			recommendation: contributionSchema,
			support: v.nullable(supportV2),
			conditions: list(reasonSchema),
			supportive: list(reasonSchema),
			cautions: list(longText),
			commitments: list(contributionSchema),
			trail: trailSchema,
		}),
	),
	proposals: list(rankedV2),
	commitments: list(contributionSchema),
	unlinkedCommitments: list(contributionSchema),
	disagreements: list(rankedV2),
	parking: list(contributionSchema),
	annex: list(contributionSchema, 50_000),
})

/** A territorial export as uploaded: either version, every field checked. */
export const consolidationSchema = v.variant('version', [consolidationV2Schema, consolidationV1Schema])

/** The longest national text an author may write for one group. */
export const MAX_NATIONAL_TEXT = 20_000

const groupSchema = v.object({
	id: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
	label: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
	text: v.optional(text(MAX_NATIONAL_TEXT)),
	members: v.pipe(
		v.array(v.object({ source: v.pipe(v.number(), v.integer(), v.minValue(0)), recommendation: v.string() })),
		v.minLength(1),
	),
})

/** The most territories one synthesis combines. */
export const MAX_SYNTHESIS_SOURCES = 100

const recordFields = {
	id: v.pipe(v.string(), v.regex(/^[a-z0-9]{8,40}$/)),
	title: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
	createdAt: shortText,
	updatedAt: shortText,
	sources: v.pipe(v.array(consolidationSchema), v.minLength(1), v.maxLength(MAX_SYNTHESIS_SOURCES)),
	groups: list(groupSchema, 1000),
	// Where each source came from, and whether its workshop was deleted since (SPEC D1).
	origins: v.optional(
		v.pipe(
			v.array(
				v.nullable(
					v.object({
						workshop: v.pipe(v.string(), v.regex(/^[a-z0-9]{8,40}$/)),
						deletedAt: v.nullable(shortText),
					}),
				),
			),
			v.maxLength(MAX_SYNTHESIS_SOURCES),
		),
	),
}

/** A synthesis as stored before read and edit links were separate: its id did both. */
export const synthesisRecordV1Schema = v.object({ version: v.literal(1), ...recordFields })

/**
 * A synthesis as stored in `DATA_DIR/syntheses/<id>.json` (version 2): its id is the read link,
 * `editKey` the edit capability (null: a version 1 synthesis whose id still edits until its holder
 * asks for an edit key), `revision` counts saved edits (a stale write is refused).
 */
export const synthesisRecordV2Schema = v.object({
	version: v.literal(2),
	...recordFields,
	editKey: v.nullable(v.pipe(v.string(), v.regex(/^[a-z0-9]{8,64}$/))),
	revision: count,
})

export const synthesisRecordSchema = v.variant('version', [synthesisRecordV2Schema, synthesisRecordV1Schema])

// The schemas' output must be what the renderers take (compile-time checks, nothing at run time);
// only a recommendation's nullable support (see above) differs from the declared model.
type Assignable<T, U extends T> = U
type Recommendation = ConsolidationModel['recommendations'][number]
type Loose<T> = Omit<T, 'recommendations'> & {
	recommendations: (Omit<Recommendation, 'support'> & { support: Recommendation['support'] | null })[]
}
export type CheckedConsolidation = Assignable<Loose<ConsolidationModel>, v.InferOutput<typeof consolidationV2Schema>>
export type CheckedGroup = Assignable<ConfirmedGroup, v.InferOutput<typeof groupSchema>>

/** True when `value` nests objects or arrays deeper than `max` (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
	const stack: [unknown, number][] = [[value, 0]]
	while (stack.length > 0) {
		const [current, depth] = stack.pop() as [unknown, number]
		if (current === null || typeof current !== 'object') continue
		if (depth >= max) return true
		for (const child of Object.values(current)) stack.push([child, depth + 1])
	}
	return false
}

/** Where a value fails a schema, in words (the first problem, with its field). */
export function firstProblem(issues: readonly v.BaseIssue<unknown>[]): string {
	const issue = issues[0]
	if (!issue) return 'invalid'
	const field = v.getDotPath(issue)
	return field ? `${field}: ${issue.message}` : issue.message
}
