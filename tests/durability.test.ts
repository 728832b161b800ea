import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { ServerProcess } from './helpers/server-process.ts'
import { freePort, spawnServer } from './helpers/server-process.ts'
import { removeStores, storesUnderTest } from './helpers/store-adapters.ts'
import { apiAt, connect, createWorkshop, synced, TEST_SECRET, waitFor } from './helpers/test-server.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(removeStores)

async function tempDataDir() {
	const dir = await mkdtemp(path.join(tmpdir(), 'tablee-durability-'))
	cleanups.push(() => rm(dir, { recursive: true, force: true }))
	return dir
}

function apiOf(base: string) {
	return { api: apiAt(base) }
}

/** Every client's clock in `saved` is reached in `stored`. */
function dominates(stored: Map<number, number>, saved: Map<number, number>): boolean {
	for (const [client, clock] of saved) if ((stored.get(client) ?? 0) < clock) return false
	return true
}

test('[P9] a second server on the same DATA_DIR refuses to start', async () => {
	const dataDir = await tempDataDir()
	const first = await spawnServer({ PORT: String(await freePort()), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET })
	cleanups.push(() => first.stop())
	const second = await spawnServer({
		PORT: String(await freePort()),
		DATA_DIR: dataDir,
		TABLEE_SECRET: TEST_SECRET,
	}).then(
		(running) => ({ running, error: null as Error | null }),
		(error: Error) => ({ running: null, error }),
	)
	if (second.running) cleanups.push(() => second.running?.stop())
	expect(second.error?.message).toMatch(/in use by another Tablée process/)
	// The first one is unharmed, and once it stops, a new one starts.
	expect((await fetch(`http://127.0.0.1:${first.port}/api/health`)).status).toBe(200)
	await first.stop()
	const third = await spawnServer({ PORT: String(await freePort()), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET })
	await third.stop()
})

describe.each(storesUnderTest)('[S14] on $name', (store) => {
	const ROUNDS = store.name === 'lowdb' ? 50 : 15
	test(`[P10] kill -9 during saves of a large workshop, ${ROUNDS} times: the store always loads and holds at least the last state reported saved`, async () => {
		const location = await store.fresh()
		const port = await freePort()
		const env = {
			...location.env,
			PORT: String(port),
			TABLEE_SECRET: TEST_SECRET,
			LOG_LEVEL: 'debug',
			// Save all the time, so that kills land in the middle of writes.
			SAVE_DEBOUNCE_MS: '0',
			SAVE_MAX_WAIT_MS: '10',
		}
		let running: ServerProcess = await spawnServer(env)
		cleanups.push(() => running.stop())
		const workshop = await createWorkshop(apiOf(`http://127.0.0.1:${port}`))
		const writer = connect(`ws://127.0.0.1:${port}/ws`, workshop.id, workshop.tokens.facilitator)
		cleanups.push(() => writer.destroy())
		await synced(writer)
		// A large board: about 1.5 MB of notes.
		const records = writer.doc.getMap('records')
		writer.doc.transact(() => {
			for (let i = 0; i < 1500; i++) records.set(`shape:${i}`, { text: `${i} ${'concertation '.repeat(80)}` })
		})
		let n = 0
		const ticker = setInterval(() => records.set(`shape:live-${n++ % 200}`, { n, at: Date.now() }), 5)
		cleanups.push(() => clearInterval(ticker))

		for (let round = 0; round < ROUNDS; round++) {
			// Let at least one save be reported, then kill at a random moment.
			const savesBefore = (running.output().match(/"room\.saved"/g) ?? []).length
			await waitFor(
				() => (running.output().match(/"room\.saved"/g) ?? []).length > savesBefore,
				'a save reported',
				15_000,
			)
			await new Promise((resolve) => setTimeout(resolve, Math.random() * 40))
			await running.kill9()
			const saved = running
				.output()
				.split('\n')
				.filter((line) => line.includes('"room.saved"'))
				.map((line) => JSON.parse(line) as { boardStateVector: string })
				.at(-1)
			expect(saved, `round ${round}: a save was reported`).toBeDefined()
			// What is durable is the snapshot with its update log folded in (P11), as a restart loads it
			// (on files, the JSON is parsed and its checksum checked: a torn write would be corrupt).
			const opened = await location.open()
			const record = await opened.workshops.load(workshop.id).finally(() => opened.close())
			expect(record.ok && record.value !== null, `round ${round}: the store loads a valid record`).toBe(true)
			if (!record.ok || !record.value || !saved) return
			const board = new Y.Doc()
			Y.applyUpdate(board, Buffer.from(record.value.board, 'base64'))
			const reported = Y.decodeStateVector(Buffer.from(saved.boardStateVector, 'base64'))
			expect(dominates(Y.decodeStateVector(Y.encodeStateVector(board)), reported), `round ${round}`).toBe(true)
			running = await spawnServer(env)
			await waitFor(() => writer.wsconnected && writer.synced, 'writer back', 15_000)
		}
		clearInterval(ticker)
	}, 600_000)
})
