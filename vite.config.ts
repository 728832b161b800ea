import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Plugin } from 'vite'
import solid from 'vite-plugin-solid'
import { defineConfig } from 'vitest/config'
import { COMPRESSIBLE } from './server/http/static-client.ts'

/**
 * One config for the client build (Vite + Solid) and the test runner (Vitest).
 * `npm run dev` serves the client with hot reload and proxies /api and /ws to the server.
 */
const serverUrl = process.env.TABLEE_DEV_SERVER ?? 'http://localhost:3000'

/**
 * Writes a brotli (.br, best quality) and a gzip (.gz) copy beside every text file of the build,
 * so the server sends compressed files without compressing per request
 * (server/http/static-client.ts). A copy that would not be smaller is not written.
 */
function precompress(): Plugin {
	const brotli = promisify(brotliCompress)
	const gzipped = promisify(gzip)
	return {
		name: 'tablee-precompress',
		apply: 'build',
		async writeBundle(options, bundle) {
			const dir = options.dir ?? ''
			const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name))
			await Promise.all(
				files.map(async (name) => {
					const file = path.join(dir, name)
					const bytes = await readFile(file)
					const [br, gz] = await Promise.all([
						brotli(bytes, {
							params: {
								[constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
								[constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
							},
						}),
						gzipped(bytes, { level: 9 }),
					])
					if (br.length < bytes.length) await writeFile(`${file}.br`, br)
					if (gz.length < bytes.length) await writeFile(`${file}.gz`, gz)
				}),
			)
		},
	}
}

/**
 * Every import of `@tiptap/core` but the wrapper's own gets client/canvas/tiptap-core.ts, whose
 * `generateHTML` builds its schema once per set of extensions (the wrapper says why).
 */
function tiptapSchemaOnce(): Plugin {
	const wrapper = path.resolve(import.meta.dirname, 'client/canvas/tiptap-core.ts')
	return {
		name: 'tablee-tiptap-schema-once',
		enforce: 'pre',
		resolveId(source, importer) {
			if (source === '@tiptap/core' && importer !== wrapper) return wrapper
			return null
		},
	}
}

export default defineConfig({
	root: 'client',
	publicDir: false,
	// Tests run server code under Node: the Solid plugin would make `ws` resolve to its browser stub.
	plugins: process.env.VITEST
		? []
		: [tiptapSchemaOnce(), solid({ exclude: ['client/canvas/**', '**/node_modules/**'] }), precompress()],
	// Solid's plugin compiles every other .tsx; the React island (client/canvas/) is left to Vite's
	// own transform, with React's automatic runtime.
	oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
	build: {
		outDir: '../dist/client',
		emptyOutDir: true,
		target: 'es2022',
		// tests/bundle.test.ts reads it to weigh what each page loads.
		manifest: true,
		// tldraw + React is one large lazy chunk, loaded only by the board page.
		chunkSizeWarningLimit: 4096,
		rolldownOptions: {
			onLog(level, log, handler) {
				// React libraries' "use client" directives mean nothing in a client-only bundle.
				if (log.code === 'MODULE_LEVEL_DIRECTIVE') return
				handler(level, log)
			},
		},
	},
	// @tldraw/assets imports its files with `?url`, which only Vite's own pipeline understands:
	// the dev server's dependency pre-bundler must leave it alone.
	optimizeDeps: { exclude: ['@tldraw/assets'] },
	server: {
		// Regexes, not prefixes: '/api' would also catch the client's own module /api.ts.
		proxy: {
			'^/api/': serverUrl,
			'^/assets/': serverUrl,
			'^/ws/': { target: serverUrl.replace(/^http/, 'ws'), ws: true },
		},
	},
	test: {
		root: '.',
		include: ['tests/**/*.test.ts', 'server/**/*.test.ts', 'shared/**/*.test.ts', 'client/**/*.test.ts'],
		environment: 'node',
		// Finds (or starts) the PostgreSQL server the database tests create their databases on, and
		// the Redis the scale-out tests use.
		globalSetup: ['tests/helpers/postgres-setup.ts', 'tests/helpers/redis-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		// Memory-hygiene tests force a collection to check that unloaded rooms are freed.
		execArgv: ['--expose-gc'],
		// In CI a JSON report lets .ci/run print a plain 'N passed, N failed' line.
		reporters: process.env.CI ? ['default', 'json'] : ['default'],
		outputFile: { json: 'test-artifacts/vitest.json' },
	},
})
