import solid from 'vite-plugin-solid'
import { defineConfig } from 'vitest/config'

/**
 * One config for the client build (Vite + Solid) and the test runner (Vitest).
 * `npm run dev` serves the client with hot reload and proxies /api and /ws to the server.
 */
const serverUrl = process.env.TABLEE_DEV_SERVER ?? 'http://localhost:3000'

export default defineConfig({
	root: 'client',
	publicDir: false,
	// Tests run server code under Node: the Solid plugin would make `ws` resolve to its browser stub.
	plugins: process.env.VITEST ? [] : [solid({ exclude: ['client/canvas/**', '**/node_modules/**'] })],
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
		// Finds (or starts) the PostgreSQL server the database tests create their databases on.
		globalSetup: ['tests/helpers/postgres-setup.ts'],
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
