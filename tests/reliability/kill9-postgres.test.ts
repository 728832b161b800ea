import { afterAll, afterEach, expect, test } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { createTestDatabase, dropTestDatabases } from '../helpers/postgres.ts'
import type { ServerProcess } from '../helpers/server-process.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 30 s (3 kill -9 and restarts of a server process on PostgreSQL).
// The same scenario as kill9-cycles.test.ts, with DATABASE_URL: the installation lock of a killed
// server ends with its session, and what was stored comes back from the database.

const WRITERS = 6
const CYCLES = 3

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(dropTestDatabases)

test(`[P6][S8] on PostgreSQL, ${CYCLES} kill -9 while ${WRITERS} writers edit: each restart takes the database back and no edit is lost`, async () => {
	const databaseUrl = await createTestDatabase()
	const port = await freePort()
	const env = {
		PORT: String(port),
		DATABASE_URL: databaseUrl,
		TABLEE_SECRET: TEST_SECRET,
		PUBLIC_URL: 'http://tablee.test',
	}
	let running: ServerProcess = await spawnServer(env)
	cleanups.push(() => running.stop())
	const api = { api: apiAt(`http://127.0.0.1:${port}`) }
	const wsUrl = `ws://127.0.0.1:${port}/ws`
	const workshop = await createWorkshop(api)
	const writers: WebsocketProvider[] = []
	for (let i = 0; i < WRITERS; i++) {
		const person = await joinWorkshop(api, workshop, `Personne ${i}`, 'etat')
		writers.push(connect(wsUrl, workshop.id, person.token))
	}
	cleanups.push(() => {
		for (const writer of writers) writer.destroy()
	})
	await Promise.all(writers.map((writer) => synced(writer, 10_000)))

	let written = 0
	const ticker = setInterval(() => {
		for (const [i, writer] of writers.entries())
			writer.doc.getMap('records').set(`shape:${i}-${written}`, { i, written })
		written++
	}, 200)
	cleanups.push(() => clearInterval(ticker))

	for (let cycle = 0; cycle < CYCLES; cycle++) {
		const before = written
		await waitFor(() => written >= before + 4, 'edits before the kill', 5000)
		await running.kill9()
		const down = written
		await waitFor(() => written >= down + 2, 'edits while the server is down', 5000)
		running = await spawnServer(env)
		await waitFor(() => writers.every((writer) => writer.wsconnected), 'writers reconnected', 15_000)
	}
	clearInterval(ticker)
	const total = written * WRITERS

	await waitFor(
		() => writers.every((writer) => writer.doc.getMap('records').size === total),
		'writers converged',
		20_000,
	)
	const check = async () => {
		const late = connect(wsUrl, workshop.id, workshop.tokens.facilitator)
		await synced(late, 10_000)
		await waitFor(() => late.doc.getMap('records').size === total, 'newcomer has every edit', 10_000)
		late.destroy()
	}
	await check()
	// Writers gone, a graceful stop and a restart: every edit comes back from the database alone.
	for (const writer of writers) writer.destroy()
	await running.stop()
	running = await spawnServer(env)
	await check()
	expect(total).toBeGreaterThan(CYCLES * 6 * WRITERS)
}, 90_000)
