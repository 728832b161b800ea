import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { runWorkshop } from './helpers/full-workshop.ts'
import { freePort, spawnServer } from './helpers/server-process.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from './helpers/test-server.ts'

/**
 * `npm start` and `npm run serve` run the server bundle that `npm run build` makes
 * (scripts/build-server.ts), not the TypeScript sources the other tests run. This runs that exact
 * command line on the build (`npm test` builds first) and goes through what the bundle could get
 * wrong: the paths it finds (templates, the built client), the relay, and the parts it loads
 * only on demand (the Word and PDF libraries, the fonts).
 */
const root = path.join(import.meta.dirname, '..')
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

test('[W7] npm run serve runs the built server bundle: API, built client, relay and every export', async () => {
	const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
	const [node, ...words] = (pkg.scripts.serve ?? '').split(' ')
	expect(node).toBe('node')
	const entry = path.join(root, words.at(-1) ?? '')
	expect(entry).toBe(path.join(root, 'dist', 'server', 'main.js'))
	expect(existsSync(entry), 'no server bundle: run npm run build').toBe(true)

	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-bundle-'))
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
	const port = await freePort()
	const env = { PORT: String(port), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test' }
	// The same flags as the script, the entry as an absolute path (the test's working directory may differ).
	const running = await spawnServer(env, [...words.slice(0, -1), entry])
	cleanups.push(() => running.stop())
	const base = `http://127.0.0.1:${port}`
	const api = apiAt(base)

	const health = await api('/api/health')
	expect(health.status).toBe(200)
	// The built client, found from the bundle's place in dist/.
	const page = await fetch(`${base}/`)
	expect(page.status).toBe(200)
	expect(await page.text()).toContain('<div id="app"')
	// Templates, found the same way.
	const templates = await api('/api/templates')
	expect(templates.status).toBe(200)
	expect(((await templates.json()) as { templates: unknown[] }).templates.length).toBeGreaterThan(0)

	// The relay: what one participant writes reaches another.
	const workshop = await createWorkshop({ api })
	const alice = await joinWorkshop({ api }, workshop, 'Alice', 'assos-salaries')
	const bob = await joinWorkshop({ api }, workshop, 'Bob', 'collectivites')
	const wsUrl = `ws://127.0.0.1:${port}/ws`
	const a = connect(wsUrl, workshop.id, alice.token)
	const b = connect(wsUrl, workshop.id, bob.token)
	cleanups.push(() => a.destroy())
	cleanups.push(() => b.destroy())
	await Promise.all([synced(a), synced(b)])
	a.doc.getMap('records').set('shape:from-alice', { text: 'bonjour' })
	await waitFor(() => b.doc.getMap('records').has('shape:from-alice'), 'the change reached the other participant')

	// A whole workshop through the API, every export downloaded (Word and PDF are loaded on demand).
	await runWorkshop(api)
	expect(running.output()).not.toContain('"level":"error"')
}, 60_000)
