import { afterAll, afterEach, describe, expect, test } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type { ServerProcess } from '../helpers/server-process.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import { removeStores, storesUnderTest } from '../helpers/store-adapters.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 75 s (kill -9 and restarts of a server process: 5 on files with 10
// writers, 3 on PostgreSQL with 6 — there each restart also takes the database's installation
// lock back, which the killed server's session held until PostgreSQL noticed it closed).

const runs = { lowdb: { writers: 10, cycles: 5 }, postgresql: { writers: 6, cycles: 3 } }

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(removeStores)

describe.each(storesUnderTest)('[S14] on $name', (store) => {
	const { writers: WRITERS, cycles: CYCLES } = runs[store.name]

	test(`[P6][S8] ${CYCLES} kill -9 while ${WRITERS} writers edit 5 times a second: after the restarts no edit is lost`, async () => {
		const location = await store.fresh()
		const port = await freePort()
		const env = { PORT: String(port), TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test', ...location.env }
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

		// Every writer's edits reach every other writer and a newcomer; then, writers gone, a
		// graceful stop and a restart: every edit comes back from the store alone.
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
		for (const writer of writers) writer.destroy()
		await running.stop()
		running = await spawnServer(env)
		await check()
		expect(total).toBeGreaterThan(CYCLES * 6 * WRITERS)
	}, 90_000)
})
