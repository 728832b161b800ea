import type * as Y from 'yjs'

/**
 * The board document: free co-editing by facilitators and participants (docs/architecture.md
 * §Two documents). This module is the only place that names its top-level structures: elsewhere
 * code asks it for typed handles (docs/conventions.md §Documents).
 *
 * Layout version 1:
 * - `records` (Y.Map): tldraw records by record id (shapes, pages, assets, bindings).
 * - `cards` (Y.Map): canvas position `{ x, y }` of each contribution card, by contribution id.
 * - `tldraw` (Y.Map): `schema`, the serialized tldraw schema the records were written with; `layout`
 *   once a migration has run (absent means 1).
 */
export const BOARD_LAYOUT_VERSION = 1

/** Typed handles on the board document's top-level structures. */
export function boardStructures(doc: Y.Doc) {
	return {
		records: doc.getMap<unknown>('records'),
		cards: doc.getMap<CardPlace>('cards'),
		tldraw: doc.getMap<unknown>('tldraw'),
	}
}

/** Where a contribution's card sits on the canvas. */
export interface CardPlace {
	x: number
	y: number
}

/**
 * Brings a board document held on the device (IndexedDB, possibly written by an older client) to
 * the current layout before it syncs, so edits made offline are kept, not discarded (K12). Layout
 * 1 is the first: nothing to change yet; each later version adds its step here. Returns true if
 * it changed the document.
 */
export function migrateBoard(doc: Y.Doc): boolean {
	const tldraw = boardStructures(doc).tldraw
	// Boards without the key are layout 1 (the key is written by the first migration step).
	const version = typeof tldraw.get('layout') === 'number' ? (tldraw.get('layout') as number) : 1
	if (version >= BOARD_LAYOUT_VERSION) return false
	doc.transact(() => {
		// Steps from `version` to BOARD_LAYOUT_VERSION go here, oldest first.
		tldraw.set('layout', BOARD_LAYOUT_VERSION)
	})
	return true
}
