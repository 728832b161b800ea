import type * as Y from 'yjs'

/**
 * The board document: free co-editing by facilitators and participants (DESIGN §4). This
 * module is the only place that names its top-level structures (STYLE §2).
 *
 * Layout version 1:
 * - `records` (Y.Map): tldraw records by record id (shapes, pages, assets, bindings).
 * - `cards` (Y.Map): canvas position of each contribution card, by contribution id.
 * - `tldraw` (Y.Map): `schema`, the serialized tldraw schema the records were written with.
 */
export const BOARD_LAYOUT_VERSION = 1

/** Typed handles on the board document's top-level structures. */
export function boardStructures(doc: Y.Doc) {
	return {
		records: doc.getMap<unknown>('records'),
		cards: doc.getMap<unknown>('cards'),
		tldraw: doc.getMap<unknown>('tldraw'),
	}
}
