import type * as Y from 'yjs'
import type { College, Template, TemplatePhase } from '../template/template-schema.ts'
import type { PlacedZone } from '../template/zone-layout.ts'
import type { Role } from './roles.ts'

/**
 * The control document: written by the server alone, read live by every client (DESIGN §4).
 * This module is the only place that names its top-level structures (STYLE §2).
 *
 * Layout version 1:
 * - `meta` (Y.Map): workshop settings — see {@link WorkshopMeta}, one key per field, including
 *   the template's colleges, themes, zones (placed on the canvas) and agenda.
 * - `participants` (Y.Map): participant id → {@link ParticipantEntry}.
 */
export const CONTROL_LAYOUT_VERSION = 1

export interface WorkshopMeta {
	controlLayout: number
	boardLayout: number
	title: string
	territory: string | null
	date: string | null
	templateId: string
	templateVersion: number
	colleges: College[]
	themes: Template['themes']
	zones: PlacedZone[]
	agenda: TemplatePhase[]
	createdAt: string
}

export interface ParticipantEntry {
	name: string
	role: Role
	college: string | null
	joinedAt: string
}

/** Typed handles on the control document's top-level structures. */
export function controlStructures(doc: Y.Doc) {
	return {
		meta: doc.getMap<unknown>('meta'),
		participants: doc.getMap<ParticipantEntry>('participants'),
	}
}

/** Writes every field of `meta` into the document (server side). */
export function writeMeta(doc: Y.Doc, meta: WorkshopMeta): void {
	const { meta: map } = controlStructures(doc)
	doc.transact(() => {
		for (const [key, value] of Object.entries(meta)) map.set(key, value)
	})
}

/** Reads the workshop settings, or null when the document has none yet (not synced). */
export function readMeta(doc: Y.Doc): WorkshopMeta | null {
	const map = controlStructures(doc).meta
	if (typeof map.get('title') !== 'string') return null
	return Object.fromEntries(map.entries()) as unknown as WorkshopMeta
}

/** Records a participant (server side). */
export function writeParticipant(doc: Y.Doc, id: string, entry: ParticipantEntry): void {
	controlStructures(doc).participants.set(id, entry)
}

/** Participants by id, as plain data. */
export function readParticipants(doc: Y.Doc): Map<string, ParticipantEntry> {
	return new Map(controlStructures(doc).participants.entries())
}
