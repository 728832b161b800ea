import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type { ServerProcess } from '../helpers/server-process.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 45 s (5 kill -9 and restarts of a server process, 10 writers).

const WRITERS = 10
const CYCLES = 5

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

test(`[P6] ${CYCLES} kill -9 while ${WRITERS} writers edit 5 times a second: after the restarts no edit is lost`, async () => {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-kill9-'))
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
	const port = await freePort()
	const env = { PORT: String(port), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test' }
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

	// Every writer's edits reach every other writer and a newcomer; then a graceful stop keeps them on disk.
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
