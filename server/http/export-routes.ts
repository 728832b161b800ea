import { Hono } from 'hono'
import type { Language } from '../../shared/concertation/labels.ts'
import { renderHtml } from '../../shared/consolidation/render-html.ts'
import { renderCsv, renderMarkdown } from '../../shared/consolidation/render-text.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { ApiError } from './api-error.ts'
import { facilitatorOnly, personalClaims } from './intent-context.ts'
import { currentTally } from '../workshops/workshop-results.ts'
import { consolidationOf } from '../workshops/workshop-consolidation.ts'
import { withRoom } from './with-room.ts'
import * as Y from 'yjs'
import { createArchive } from '../store/archive.ts'
import { renderDocx } from '../exports/render-docx.ts'
import { renderPdf } from '../exports/render-pdf.ts'

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
						? new Uint8Array(await renderDocx(model, language))
						: format === 'pdf'
							? new Uint8Array(await renderPdf(model, language))
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
