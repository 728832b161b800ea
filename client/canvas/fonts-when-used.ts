import { allDefaultFontFaces, DEFAULT_THEME, FontManager, type TLFontFace } from '@tldraw/tldraw'

/**
 * The font-face lists tldraw's `<Tldraw>` asks for as soon as its canvas mounts, whatever the
 * board shows: every default face (`allDefaultFontFaces`), then each font of each theme
 * (`InsideOfEditorAndUiContext` in tldraw's Tldraw.tsx, 5.4.2). That is sixteen files, 1.4 MB,
 * loaded only so that switching a drawing's font is instant — most of a first board load on
 * venue Wi-Fi, for fonts the board may never use.
 */
const PRELOADS: ReadonlySet<readonly TLFontFace[]> = new Set([
	allDefaultFontFaces,
	...Object.values(DEFAULT_THEME.fonts).flatMap((font) => (font.faces ? [font.faces] : [])),
])

let installed = false

/**
 * tldraw loads a font face when something on the board uses it, not all of them up front (SPEC W8).
 *
 * Only the mount-time requests above are dropped, recognised by the lists themselves (a shape's
 * request is a list of its own). What draws with a font still gets it: each shape asks for its
 * faces when it is drawn or its font or marks change (Shape.tsx), and its text is measured again
 * once they arrive (the geometry caches track each face's load state). tldraw's own wait for the
 * page's faces before its first draw (`FontManager.loadRequiredFontsForCurrentPage`) finds few
 * shapes since the board is handed over in slices after it (board-binding.ts, SPEC W9).
 * Our own cards and zones are drawn in the page's system fonts and need none of tldraw's.
 */
export function loadFontsWhenUsed(): void {
	if (installed) return
	installed = true
	const request = FontManager.prototype.requestFonts
	FontManager.prototype.requestFonts = function requestFontsInUse(this: FontManager, fonts: TLFontFace[]) {
		if (PRELOADS.has(fonts)) return
		request.call(this, fonts)
	}
}
