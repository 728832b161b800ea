/**
 * `@tiptap/core` as tldraw imports it (vite.config.ts points every other importer here), with one
 * change: `generateHTML` keeps the schema it builds for a set of extensions.
 *
 * tldraw turns each note's text into HTML with `generateHTML(richText, extensions)` (to measure
 * it and to draw it), and TipTap's `generateHTML` builds a new ProseMirror schema from the
 * extensions on every call: on a 2 000-note board that was 2.3 s of the page's 12 s of work
 * (docs/performance.md). tldraw passes the same extensions array every time; a schema is
 * immutable once built, so one per array gives the same HTML.
 */
import type { Schema } from '@tiptap/pm/model'
import { Node } from '@tiptap/pm/model'
import { type Extensions, getHTMLFromFragment, getSchema, type JSONContent } from '@tiptap/core'

export * from '@tiptap/core'

const schemas = new WeakMap<Extensions, Schema>()

export function generateHTML(doc: JSONContent, extensions: Extensions): string {
	let schema = schemas.get(extensions)
	if (!schema) {
		schema = getSchema(extensions)
		schemas.set(extensions, schema)
	}
	return getHTMLFromFragment(Node.fromJSON(schema, doc).content, schema)
}
