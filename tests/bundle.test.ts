import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'

/**
 * What the browser downloads for each page, read from the production build (`npm test` builds
 * first). The light participant view must stay small enough for a phone on venue Wi-Fi (K13).
 */
const dist = path.join(import.meta.dirname, '..', 'dist', 'client')
const manifestFile = path.join(dist, '.vite', 'manifest.json')

interface Chunk {
	file: string
	imports?: string[]
	dynamicImports?: string[]
	isEntry?: boolean
}

function closure(manifest: Record<string, Chunk>, start: string[]): Chunk[] {
	const seen = new Map<string, Chunk>()
	const visit = (key: string) => {
		const chunk = manifest[key]
		if (!chunk || seen.has(key)) return
		seen.set(key, chunk)
		for (const next of chunk.imports ?? []) visit(next)
	}
	for (const key of start) visit(key)
	return [...seen.values()]
}

const gzipBytes = (chunks: Chunk[]) =>
	chunks.reduce((sum, chunk) => sum + gzipSync(readFileSync(path.join(dist, chunk.file))).length, 0)

describe('bundle sizes (production build)', () => {
	const manifest = existsSync(manifestFile)
		? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, Chunk>)
		: {}
	const light = closure(manifest, ['index.html', 'pages/light-page.tsx'])

	test('[K13] the light view loads under 60 kB of gzipped JavaScript', () => {
		const bytes = gzipBytes(light)
		process.stdout.write(`light view: ${(bytes / 1000).toFixed(1)} kB gzip in ${light.length} chunks\n`)
		expect(bytes).toBeLessThan(60_000)
	})

	test('[K13] the markers below do find React, tldraw and IndexedDB in the board’s chunks', () => {
		const board = closure(manifest, ['index.html', 'pages/board-page.tsx', 'canvas/mount-canvas.tsx'])
		const code = board.map((chunk) => readFileSync(path.join(dist, chunk.file), 'utf8')).join('\n')
		for (const marker of ['react.transitional.element', '@tldraw', 'indexedDB']) expect(code).toContain(marker)
	})

	test('[K13] the light view loads neither React, tldraw nor y-indexeddb', () => {
		for (const chunk of light) {
			const code = readFileSync(path.join(dist, chunk.file), 'utf8')
			// Markers of each library in its built code: React's element symbol, tldraw's package
			// names and links, IndexedDB (y-indexeddb's storage).
			const found = ['react.transitional.element', 'react.element', '@tldraw', 'tldraw.com', 'indexedDB'].filter(
				(marker) => code.includes(marker),
			)
			expect(found, chunk.file).toEqual([])
		}
	})

	test('[M6] the page of one’s contributions loads under 60 kB, and neither Yjs nor any canvas code', () => {
		const trail = closure(manifest, ['index.html', 'trail/trail-page.tsx'])
		const bytes = gzipBytes(trail)
		process.stdout.write(`what became of my contributions: ${(bytes / 1000).toFixed(1)} kB gzip\n`)
		expect(bytes).toBeLessThan(60_000)
		for (const chunk of trail) {
			const code = readFileSync(path.join(dist, chunk.file), 'utf8')
			// Yjs's own error text, React's element symbol, tldraw's names, IndexedDB.
			const found = ['Unexpected content type', 'react.transitional.element', '@tldraw', 'indexedDB'].filter((marker) =>
				code.includes(marker),
			)
			expect(found, chunk.file).toEqual([])
		}
	})
})

test('the production build exists (npm test builds before running the tests; without it the sizes above fail)', () => {
	expect(existsSync(manifestFile), 'run `npm run build` first').toBe(true)
})
