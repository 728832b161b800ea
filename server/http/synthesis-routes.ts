import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as v from 'valibot'
import type { Language } from '../../shared/concertation/labels.ts'
import type { ConsolidationModel } from '../../shared/consolidation/model.ts'
import { readConsolidation } from '../../shared/consolidation/read-consolidation.ts'
import {
	renderSynthesisCsv,
	renderSynthesisHtml,
	renderSynthesisMarkdown,
} from '../../shared/consolidation/render-synthesis.ts'
import { type ConfirmedGroup, suggestGroups, synthesize } from '../../shared/consolidation/synthesis.ts'
import { fileSlug } from '../../shared/consolidation/typography.ts'
import { randomId } from '../auth/random-id.ts'
import { sameSecret } from '../auth/same-secret.ts'
import { verifyToken } from '../auth/tokens.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { Logger } from '../logger.ts'
import type { KeyedLock } from '../store/keyed-lock.ts'
import type { SynthesisStore as SynthesisFiles } from '../store/storage.ts'
import { CorruptSynthesisError, type SynthesisRecord } from '../store/synthesis-files.ts'
import {
	consolidationSchema,
	MAX_NATIONAL_TEXT,
	MAX_NESTING,
	MAX_SYNTHESIS_SOURCES,
	nestedDeeperThan,
} from '../store/synthesis-schema.ts'
import { ApiError } from './api-error.ts'
import { consolidationOf } from '../workshops/workshop-consolidation.ts'
import { parseBody } from './parse-body.ts'
import { withRoom } from './with-room.ts'
import { withoutAuthorNames } from '../../shared/privacy/anonymise.ts'
import { sourceWorkshops } from '../privacy/deleted-sources.ts'

// Loaded at the first Word or PDF synthesis, not at start (see export-routes.ts).
const synthesisRenderers = () => import('../exports/render-synthesis-files.ts')

export interface SynthesisRoutesOptions {
	registry: RoomRegistry
	files: SynthesisFiles
	secret: string
	organizerKey: string | null
	publicUrl: string
	maxUploadBytes: number
	logger: Logger
	/** One change to a synthesis at a time (shared with workshop deletions). */
	edits: KeyedLock
}

const idSchema = v.pipe(v.string(), v.regex(/^[a-z0-9]{8,40}$/, 'not an id'))
/** Uploaded territorial exports are checked field by field (synthesis-schema.ts) before anything is stored. */
const createSchema = v.pipe(
	v.unknown(),
	// Walked without recursion first, so a hostile nesting cannot exhaust the validator's stack.
	v.check((body) => !nestedDeeperThan(body, MAX_NESTING + 2), 'the request nests too deep'),
	v.strictObject({
		title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
		workshops: v.optional(
			v.pipe(
				v.array(v.strictObject({ id: idSchema, token: v.optional(v.string()) })),
				v.maxLength(MAX_SYNTHESIS_SOURCES),
			),
			[],
		),
		exports: v.optional(v.pipe(v.array(consolidationSchema), v.maxLength(MAX_SYNTHESIS_SOURCES)), []),
	}),
)
const groupsSchema = v.strictObject({
	/** The revision the writer's copy was at; when given and stale, 409 `stale_revision` (N13). */
	revision: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
	groups: v.pipe(
		v.array(
			v.strictObject({
				id: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
				label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(300)),
				text: v.optional(v.pipe(v.string(), v.maxLength(MAX_NATIONAL_TEXT))),
				members: v.pipe(
					v.array(
						v.strictObject({ source: v.pipe(v.number(), v.integer(), v.minValue(0)), recommendation: v.string() }),
					),
					v.minLength(1),
				),
			}),
		),
		v.maxLength(1000),
	),
})

/**
 * The national synthesis (SPEC N1–N7, docs/api.md §Syntheses). A synthesis combines territorial
 * exports — uploaded JSON files and/or workshops of this server — and is saved with the groupings
 * its authors confirm. Creating one follows the rule for creating a workshop: with `ORGANIZER_KEY`
 * set it needs the key; a workshop of this server also needs that workshop's facilitator token
 * unless the key is given. The synthesis's random id is its read link (read and export); its edit
 * key, sent as `X-Synthesis-Key`, is the edit link (grouping, renaming, national texts, N12). Edits
 * to one synthesis run one at a time, each checked against the revision its writer saw (N13).
 */
export function synthesisRoutes(options: SynthesisRoutesOptions) {
	const { registry, files, secret, organizerKey, publicUrl, maxUploadBytes, logger, edits } = options

	const load = async (id: string): Promise<SynthesisRecord> => {
		let record: SynthesisRecord | null
		try {
			record = await files.load(id)
		} catch (error) {
			if (error instanceof CorruptSynthesisError) {
				// N7: reported, kept on disk for an administrator, never rendered.
				logger.error('synthesis.corrupt', { synthesis: id, problem: error.message })
				throw new ApiError(422, 'synthesis_corrupt', 'this synthesis is stored damaged and cannot be shown')
			}
			logger.error('synthesis.unreadable', { synthesis: id, error })
			throw new ApiError(503, 'synthesis_unavailable', 'this synthesis cannot be read right now')
		}
		if (!record) throw new ApiError(404, 'synthesis_not_found', 'no synthesis with this id')
		return record
	}
	/** N12: may this request edit? The edit key; or, for a synthesis from before edit keys, its id. */
	const canEdit = (record: SynthesisRecord, key: string | undefined) =>
		record.editKey === null || (key !== undefined && sameSecret(key, record.editKey))
	const requireEdit = (record: SynthesisRecord, key: string | undefined) => {
		if (!canEdit(record, key)) {
			throw new ApiError(403, 'edit_key_required', 'editing this synthesis needs its edit link (X-Synthesis-Key)')
		}
	}
	const view = (record: SynthesisRecord, key: string | undefined, fresh = false) => {
		const editable = canEdit(record, key)
		return {
			id: record.id,
			title: record.title,
			createdAt: record.createdAt,
			updatedAt: record.updatedAt,
			revision: record.revision,
			synthesis: synthesize(record.title, record.sources, record.groups, sourceWorkshops(record, publicUrl)),
			groups: record.groups,
			suggestions: suggestGroups(record.sources),
			link: `${publicUrl}/s/${record.id}`,
			/** What this request may do; the legacy flag says the id still edits (a version 1 synthesis). */
			access: { edit: editable, legacy: record.editKey === null },
			// The edit link is handed out once, to its creator (and again to whoever already holds it).
			...(editable && record.editKey !== null && (fresh || key !== undefined)
				? { editKey: record.editKey, editLink: `${publicUrl}/s/${record.id}#edit=${record.editKey}` }
				: {}),
			/** N10: the workshops of this server this synthesis includes (D1: not those deleted since). */
			workshops: record.sources.flatMap((source, index) =>
				source.context.workshop && source.context.workshop.server === publicUrl && !record.origins?.[index]?.deletedAt
					? [{ source: index, id: source.context.workshop.id }]
					: [],
			),
			// SPEC D1: sources whose workshop was deleted since (the synthesis keeps its copy).
			deletedSources: (record.origins ?? []).flatMap((origin, source) =>
				origin?.deletedAt ? [{ source, deletedAt: origin.deletedAt }] : [],
			),
		}
	}
	// N13: edits to one synthesis run one after the other, so none is lost between a read and a
	// write; a workshop deletion marking the synthesis (D1) takes the same lock.
	const exclusive = <T>(id: string, work: () => Promise<T>): Promise<T> => edits.run(id, work)
	const save = async (record: SynthesisRecord) => {
		try {
			await files.save(record)
		} catch {
			throw new ApiError(503, 'storage_unavailable', 'the synthesis could not be stored; try again')
		}
	}

	return new Hono()
		.post(
			'/',
			bodyLimit({
				maxSize: maxUploadBytes,
				onError: () => {
					throw new ApiError(413, 'body_too_large', `a synthesis request is limited to ${maxUploadBytes} bytes`)
				},
			}),
			async (c) => {
				const organizer = organizerKey !== null && sameSecret(c.req.header('x-organizer-key') ?? '', organizerKey)
				// N7: like creating a workshop (A2), checked before the body is parsed.
				if (organizerKey !== null && !organizer) {
					throw new ApiError(401, 'organizer_key_required', 'creating a synthesis needs the X-Organizer-Key header')
				}
				const body = await parseBody(c, createSchema)
				const count = body.workshops.length + body.exports.length
				if (count < 1) throw new ApiError(400, 'no_sources', 'a synthesis needs at least one territory')
				if (count > MAX_SYNTHESIS_SOURCES) {
					throw new ApiError(
						400,
						'too_many_sources',
						`a synthesis combines at most ${MAX_SYNTHESIS_SOURCES} territories`,
					)
				}
				// Checked field by field (synthesis-schema.ts), then version 1 is migrated to the current layout.
				const sources: ConsolidationModel[] = body.exports.map((upload) => {
					const read = readConsolidation(upload)
					if (!read.ok) throw new ApiError(400, 'invalid_body', `exports: ${read.error}`)
					return read.value
				})
				const origins: SynthesisRecord['origins'] = sources.map(() => null)
				for (const workshop of body.workshops) {
					// N6: a workshop of this server comes in with its facilitator token, or the organiser key.
					const claims = workshop.token ? verifyToken(secret, workshop.token) : null
					const facilitator =
						claims?.ok &&
						claims.value.workshop === workshop.id &&
						claims.value.kind === 'personal' &&
						claims.value.role === 'facilitator'
					if (!facilitator && !organizer) {
						throw new ApiError(
							403,
							'workshop_access',
							`workshop ${workshop.id} needs its facilitator token or the organiser key`,
						)
					}
					// The synthesis never shows authors: its copy keeps none (SPEC D1).
					sources.push(
						await withRoom(registry, workshop.id, (room) => withoutAuthorNames(consolidationOf(room, publicUrl))),
					)
					origins.push({ workshop: workshop.id, deletedAt: null })
				}
				const now = new Date().toISOString()
				const record: SynthesisRecord = {
					version: 2,
					id: randomId(),
					editKey: randomId(),
					revision: 0,
					title: body.title,
					createdAt: now,
					updatedAt: now,
					sources,
					groups: [],
					origins,
				}
				await save(record)
				return c.json(view(record, record.editKey ?? undefined, true), 201)
			},
		)
		.get('/:id', async (c) => c.json(view(await load(c.req.param('id')), c.req.header('x-synthesis-key'))))
		.post('/:id/edit-key', async (c) =>
			// N12: a synthesis from before edit keys gets one; from then on its id only reads.
			exclusive(c.req.param('id'), async () => {
				const record = await load(c.req.param('id'))
				if (record.editKey !== null) {
					throw new ApiError(409, 'edit_key_exists', 'this synthesis already has an edit link')
				}
				const next: SynthesisRecord = { ...record, editKey: randomId(), updatedAt: new Date().toISOString() }
				await save(next)
				return c.json(view(next, next.editKey ?? undefined, true), 201)
			}),
		)
		.put('/:id/groups', async (c) => {
			const key = c.req.header('x-synthesis-key')
			const { groups, revision } = await parseBody(c, groupsSchema)
			return exclusive(c.req.param('id'), async () => {
				const record = await load(c.req.param('id'))
				requireEdit(record, key)
				if (revision !== undefined && revision !== record.revision) {
					throw new ApiError(
						409,
						'stale_revision',
						`this synthesis was changed meanwhile (revision ${record.revision}, yours ${revision}); reload it`,
					)
				}
				const seen = new Set<string>()
				for (const group of groups) {
					for (const member of group.members) {
						const key = `${member.source}:${member.recommendation}`
						const exists = record.sources[member.source]?.recommendations.some(
							(item) => item.recommendation.id === member.recommendation,
						)
						if (!exists) throw new ApiError(400, 'unknown_recommendation', `no recommendation ${key} in this synthesis`)
						if (seen.has(key)) throw new ApiError(400, 'grouped_twice', `recommendation ${key} is in two groups`)
						seen.add(key)
					}
				}
				const next: SynthesisRecord = {
					...record,
					groups: groups.map(({ text, ...group }) => (text?.trim() ? { ...group, text } : group)) as ConfirmedGroup[],
					revision: record.revision + 1,
					updatedAt: new Date().toISOString(),
				}
				await save(next)
				return c.json(view(next, key))
			})
		})
		.get('/:id/export', async (c) => {
			const record = await load(c.req.param('id'))
			const format = c.req.query('format') ?? 'json'
			const language: Language = c.req.query('lang') === 'en' ? 'en' : 'fr'
			const model = synthesize(record.title, record.sources, record.groups, sourceWorkshops(record, publicUrl))
			c.header('cache-control', 'no-store')
			// Named after its title, transliterated (E14), never after its capability id.
			const name = fileSlug(record.title, 'tablee-synthese')
			if (format === 'json') {
				c.header('content-disposition', `attachment; filename="${name}.json"`)
				return c.json(model)
			}
			if (format === 'md') {
				c.header('content-type', 'text/markdown; charset=utf-8')
				c.header('content-disposition', `attachment; filename="${name}.md"`)
				return c.body(renderSynthesisMarkdown(model, language))
			}
			if (format === 'html') {
				c.header('content-disposition', `attachment; filename="${name}.html"`)
				return c.html(renderSynthesisHtml(model, language))
			}
			if (format === 'csv') {
				c.header('content-type', 'text/csv; charset=utf-8')
				c.header('content-disposition', `attachment; filename="${name}.csv"`)
				return c.body(renderSynthesisCsv(model, language))
			}
			if (format === 'docx' || format === 'pdf') {
				const { renderSynthesisDocx, renderSynthesisPdf } = await synthesisRenderers()
				const bytes =
					format === 'docx' ? await renderSynthesisDocx(model, language) : await renderSynthesisPdf(model, language)
				c.header(
					'content-type',
					format === 'docx'
						? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
						: 'application/pdf',
				)
				c.header('content-disposition', `attachment; filename="${name}.${format}"`)
				return c.body(new Uint8Array(bytes))
			}
			throw new ApiError(400, 'unknown_format', 'format must be json, md, html, csv, docx or pdf')
		})
}
