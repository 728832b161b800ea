import { Hono } from 'hono'
import type { Language } from '../../shared/concertation/labels.ts'
import { consolidate } from '../../shared/consolidation/model.ts'
import { renderHtml } from '../../shared/consolidation/render-html.ts'
import { renderCsv, renderMarkdown } from '../../shared/consolidation/render-text.ts'
import { readContributions, readParticipants } from '../../shared/workshop/control-document.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { ApiError } from './api-error.ts'
import { facilitatorOnly, metaOf, personalClaims } from './intent-context.ts'
import { currentTally } from './vote-routes.ts'
import { withRoom } from './with-room.ts'
import * as Y from 'yjs'
import { createArchive } from '../store/archive.ts'

// The Word and PDF libraries (docx, pdfkit and its fonts) are loaded at the first export, not at
// start: most of a relay's life needs neither, and they weigh on its resident memory.
const wordRenderer = () => import('../exports/render-docx.ts')
const pdfRenderer = () => import('../exports/render-pdf.ts')

export interface ExportRoutesOptions {
	registry: RoomRegistry
	secret: string
}

const formats = {
	json: { type: 'application/json; charset=utf-8', extension: 'json' },
	md: { type: 'text/markdown; charset=utf-8', extension: 'md' },
	html: { type: 'text/html; charset=utf-8', extension: 'html' },
	csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
	docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
	pdf: { type: 'application/pdf', extension: 'pdf' },
} as const
type Format = keyof typeof formats

/**
 * `GET /api/workshops/<id>/export?format=json|md|html|csv|docx|pdf&lang=fr|en` (facilitator): the
 * consolidation model (SPEC E1–E4) rendered in one format, as a download. Private drafts not yet
 * revealed are left out (their authors have not shared them); the tally follows the vote's
 * anonymity rules (V8) whether or not it was revealed.
 */
export function exportRoutes({ registry, secret }: ExportRoutesOptions) {
	return new Hono()
		.get('/:workshop/archive', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			facilitatorOnly(claims, 'download the archive')
			return withRoom(registry, workshop, (room) => {
				const tally = currentTally(room.controlDraft, room.serverOnly, true)
				const archive = createArchive({
					board: Y.encodeStateAsUpdate(room.board.doc),
					control: Y.encodeStateAsUpdate(room.controlDraft),
					serverOnly: room.serverOnly,
					tally: tally.proposals.length > 0 ? tally : null,
					exportedAt: new Date().toISOString(),
				})
				c.header('content-disposition', `attachment; filename="tablee-archive-${workshop}.json"`)
				c.header('cache-control', 'no-store')
				return c.json(archive)
			})
		})
		.get('/:workshop/export', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			facilitatorOnly(claims, 'export the workshop')
			const format = (c.req.query('format') ?? 'json') as Format
			if (!(format in formats)) {
				throw new ApiError(400, 'unknown_format', `format must be one of: ${Object.keys(formats).join(', ')}`)
			}
			const language: Language = c.req.query('lang') === 'en' ? 'en' : 'fr'
			return withRoom(registry, workshop, async (room) => {
				const model = consolidationOf(room)
				const body =
					format === 'docx'
						? new Uint8Array(await (await wordRenderer()).renderDocx(model, language))
						: format === 'pdf'
							? new Uint8Array(await (await pdfRenderer()).renderPdf(model, language))
							: format === 'json'
								? `${JSON.stringify(model, null, 2)}\n`
								: format === 'md'
									? renderMarkdown(model, language)
									: format === 'html'
										? renderHtml(model, language)
										: renderCsv(model, language)
				const name = `tablee-${
					model.context.title
						.normalize('NFD')
						.replace(/[^a-zA-Z0-9]+/g, '-')
						.replace(/^-|-$/g, '')
						.toLowerCase() || workshop
				}.${formats[format].extension}`
				c.header('content-type', formats[format].type)
				c.header('content-disposition', `attachment; filename="${name}"`)
				c.header('cache-control', 'no-store')
				return c.body(body)
			})
		})
}

/** The consolidation of a loaded workshop (E1–E4): published contributions, the tally with V8. */
export function consolidationOf(room: WorkshopRoom) {
	const tally = currentTally(room.controlDraft, room.serverOnly, true)
	const answered = tally.proposals.some((p) => p.answers.agree + p.answers.disagree + p.answers.unsure > 0)
	return consolidate({
		meta: metaOf(room),
		participants: readParticipants(room.controlDraft),
		contributions: readContributions(room.controlDraft),
		tally: tally.voters > 0 || answered ? tally : null,
		generatedAt: new Date().toISOString(),
	})
}
