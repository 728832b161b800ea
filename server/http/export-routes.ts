import { Hono } from 'hono'
import type { Language } from '../../shared/concertation/labels.ts'
import type { DocumentOptions } from '../../shared/consolidation/document.ts'
import { renderHtml } from '../../shared/consolidation/render-html.ts'
import { renderCsv, renderMarkdown, renderSupportCsv } from '../../shared/consolidation/render-text.ts'
import { fileSlug } from '../../shared/consolidation/typography.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { ApiError } from './api-error.ts'
import { facilitatorOnly, personalClaims } from './intent-context.ts'
import { currentTally } from '../workshops/workshop-results.ts'
import { consolidationOf } from '../workshops/workshop-consolidation.ts'
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
	/** This server's identity in exports (its public URL). */
	publicUrl: string
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
 * consolidation model (SPEC E1–E4) rendered in one format, as a download named after the title
 * (E14). `table=support` picks the support CSV (E7); `annex=0`, `welcome=0`, `weather=0` leave the
 * annex, the welcome zones and the closing weather out of the documents (E14). Private drafts not
 * yet revealed are left out (their authors have not shared them); the tally follows the anonymity
 * rule (V8) whether or not it was revealed.
 */
export function exportRoutes({ registry, secret, publicUrl }: ExportRoutesOptions) {
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
			const table = c.req.query('table') ?? 'contributions'
			if (table !== 'contributions' && table !== 'support') {
				throw new ApiError(400, 'unknown_table', 'table must be contributions or support')
			}
			const flag = (name: string) => {
				const value = c.req.query(name)
				if (value === undefined || value === '1' || value === 'true') return true
				if (value === '0' || value === 'false') return false
				throw new ApiError(400, 'invalid_option', `${name} must be 0 or 1`)
			}
			const options: DocumentOptions = { annex: flag('annex'), welcome: flag('welcome'), weather: flag('weather') }
			return withRoom(registry, workshop, async (room) => {
				const model = consolidationOf(room, publicUrl)
				const body =
					format === 'docx'
						? new Uint8Array(await (await wordRenderer()).renderDocx(model, language, options))
						: format === 'pdf'
							? new Uint8Array(await (await pdfRenderer()).renderPdf(model, language, options))
							: format === 'json'
								? `${JSON.stringify(model, null, 2)}\n`
								: format === 'md'
									? renderMarkdown(model, language, options)
									: format === 'html'
										? renderHtml(model, language, options)
										: table === 'support'
											? renderSupportCsv(model, language)
											: renderCsv(model, language)
				const suffix = format === 'csv' && table === 'support' ? '-soutien' : ''
				const name = `${fileSlug(model.context.title, `tablee-${workshop}`)}${suffix}.${formats[format].extension}`
				c.header('content-type', formats[format].type)
				c.header('content-disposition', `attachment; filename="${name}"`)
				c.header('cache-control', 'no-store')
				return c.body(body)
			})
		})
}
