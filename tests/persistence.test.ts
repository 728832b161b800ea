import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../server/logger.ts'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import { readParticipants } from '../shared/workshop/control-document.ts'
import { FaultyStore } from './helpers/faulty-store.ts'
import type { TestServer } from './helpers/test-server.ts'
import {
	connect,
	createWorkshop,
	joinWorkshop,
	nextClose,
	startTestServer,
	synced,
	testConfig,
	waitFor,
} from './helpers/test-server.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serve(...args: Parameters<typeof startTestServer>) {
	const server = await startTestServer(...args)
	cleanups.push(() => server.dispose())
	return server
}

function open(server: TestServer, room: string, token: string, doc = new Y.Doc()) {
	const provider = connect(server.wsUrl, room, token, doc)
	cleanups.push(() => provider.destroy())
	return provider
}

async function storedDocs(dataDir: string, id: string) {
	const loaded = await new LowdbStore(dataDir).load(id)
	if (!loaded.ok || !loaded.value) throw new Error(`no record for ${id}`)
	const board = new Y.Doc()
	Y.applyUpdate(board, Buffer.from(loaded.value.board, 'base64'))
	const control = new Y.Doc()
	Y.applyUpdate(control, Buffer.from(loaded.value.control, 'base64'))
	return { board, control }
}

describe('saving', () => {
	test('[P1] edits reach disk within the maximum wait even while edits keep coming', async () => {
		const lines: string[] = []
		const server = await serve(
			{ saveDebounceMs: 1000, saveMaxWaitMs: 300 },
			{ logger: createLogger('debug', (line) => lines.push(line)) },
		)
		const workshop = await createWorkshop(server)
		const a = open(server, workshop.id, workshop.tokens.facilitator)
		await synced(a)
		const records = a.doc.getMap('records')
		let n = 0
		// A steady stream of edits, faster than the debounce: only the maximum wait can save.
		const writer = setInterval(() => records.set(`shape:${n++}`, { n }), 50)
		cleanups.push(() => clearInterval(writer))
		await waitFor(
			async () => (await storedDocs(server.config.dataDir, workshop.id)).board.getMap('records').has('shape:0'),
			'first edit on disk',
			5000,
		)
		expect(server.registry.size).toBe(1)
		clearInterval(writer)
	})

	test('[P2] a join is acknowledged only once stored, and published only after', async () => {
		const dataDir = (await testConfig()).dataDir
		const store = new FaultyStore(await new LowdbStore(dataDir).open())
		const server = await serve({ dataDir }, { store })
		const workshop = await createWorkshop(server)
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const watcher = open(server, `${workshop.id}/control`, alice.token)
		const other = open(server, `${workshop.id}/control`, workshop.tokens.facilitator)
		await Promise.all([synced(watcher), synced(other)])

		store.hold()
		const savesBefore = store.saveCalls
		let acknowledged = false
		const joining = joinWorkshop(server, workshop, 'Bob', 'etat').then((joined) => {
			acknowledged = true
			return joined
		})
		await waitFor(() => store.saveCalls > savesBefore, 'save started')
		// Barrier: once the watcher sees this presence, it has received everything sent before it.
		other.awareness.setLocalStateField('barrier', 1)
		await waitFor(() => [...watcher.awareness.getStates().values()].some((s) => s.barrier === 1), 'barrier seen')
		expect(acknowledged).toBe(false)
		expect(readParticipants(watcher.doc).size).toBe(2) // facilitator + Alice, not Bob yet

		store.release()
		const bob = await joining
		const { control } = await storedDocs(server.config.dataDir, workshop.id)
		expect(readParticipants(control).get(bob.participantId)).toMatchObject({ name: 'Bob', college: 'etat' })
		await waitFor(() => readParticipants(watcher.doc).has(bob.participantId), 'published after the save')
	})

	test('[P3] a failed save keeps the room in memory and is retried until it succeeds', async () => {
		const dataDir = (await testConfig()).dataDir
		const store = new FaultyStore(await new LowdbStore(dataDir).open())
		const server = await serve({ dataDir }, { store })
		const workshop = await createWorkshop(server)
		const a = open(server, workshop.id, workshop.tokens.facilitator)
		await synced(a)

		store.failSaves = 3
		const callsBefore = store.saveCalls
		a.doc.getMap('records').set('shape:precieux', { text: 'à ne pas perdre' })
		a.destroy()
		await waitFor(() => store.saveCalls >= callsBefore + 3, 'three failed saves attempted', 5000)
		expect(server.registry.size).toBe(1) // not unloaded while unsaved
		await waitFor(() => server.registry.size === 0, 'saved after retries, then unloaded', 10_000)
		const { board } = await storedDocs(dataDir, workshop.id)
		expect(board.getMap('records').get('shape:precieux')).toEqual({ text: 'à ne pas perdre' })
	})

	test('[P3] an intent whose save fails is answered 503, never acknowledged', async () => {
		const dataDir = (await testConfig()).dataDir
		const store = new FaultyStore(await new LowdbStore(dataDir).open())
		const server = await serve({ dataDir }, { store })
		const workshop = await createWorkshop(server)
		store.failSaves = 1
		const response = await server.api(`/api/workshops/${workshop.id}/join`, {
			token: workshop.tokens.participant,
			body: { name: 'Malchance', college: 'etat' },
		})
		expect(response.status).toBe(503)
		expect(await response.json()).toMatchObject({ error: { code: 'storage_unavailable' } })
		const retry = await joinWorkshop(server, workshop, 'Malchance', 'etat')
		expect(retry.participantId).toBeTruthy()
		// The refused join left nothing behind: one Malchance, the one that was acknowledged.
		await server.registry.closeAll()
		const { control } = await storedDocs(dataDir, workshop.id)
		const named = [...readParticipants(control).entries()].filter(([, entry]) => entry.name === 'Malchance')
		expect(named.map(([id]) => id)).toEqual([retry.participantId])
	})

	test('[P3] a link regeneration whose save fails changes nothing: the old links still work', async () => {
		const dataDir = (await testConfig()).dataDir
		const store = new FaultyStore(await new LowdbStore(dataDir).open())
		const server = await serve({ dataDir }, { store })
		const workshop = await createWorkshop(server)
		store.failSaves = 1
		const response = await server.api(`/api/workshops/${workshop.id}/links/regenerate`, {
			token: workshop.tokens.facilitator,
			body: {},
		})
		expect(response.status).toBe(503)
		const view = await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.participant })
		expect(view.status).toBe(200)
		expect(await joinWorkshop(server, workshop, 'Toujours là', 'etat')).toHaveProperty('token')
	})
})

describe('loading', () => {
	test('[P4] a corrupt workshop file is reported (1011, HTTP 503) and never overwritten', async () => {
		const server = await serve()
		const workshop = await createWorkshop(server)
		const file = path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`)
		const damaged = `${(await readFile(file, 'utf8')).slice(0, 100)}`
		await writeFile(file, damaged)

		const provider = open(server, workshop.id, workshop.tokens.facilitator)
		expect(await nextClose(provider)).toEqual({ code: CloseCode.serverError, reason: 'server error' })
		provider.destroy()
		const response = await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
		expect(response.status).toBe(503)
		expect(await response.json()).toMatchObject({ error: { code: 'workshop_unavailable' } })
		expect(server.registry.size).toBe(0)
		expect(await readFile(file, 'utf8')).toBe(damaged)
	})

	test('[P4] storage that fails to read gives 1013 (retry later), then recovers', async () => {
		const dataDir = (await testConfig()).dataDir
		const store = new FaultyStore(await new LowdbStore(dataDir).open())
		const server = await serve({ dataDir }, { store })
		const workshop = await createWorkshop(server)
		store.failLoads = true
		const provider = open(server, workshop.id, workshop.tokens.facilitator)
		expect((await nextClose(provider)).code).toBe(CloseCode.tryAgainLater)
		store.failLoads = false
		// The client retries by itself and gets in.
		await synced(provider)
	})
})

describe('restarts', () => {
	test('[P6] after a graceful restart, clients reconnect and find everything', async () => {
		const first = await startTestServer()
		const { dataDir } = first.config
		const workshop = await createWorkshop(first)
		const alice = await joinWorkshop(first, workshop, 'Alice')
		const a = connect(first.wsUrl, workshop.id, alice.token)
		cleanups.push(() => a.destroy())
		await synced(a)
		a.doc.getMap('records').set('shape:1', { text: 'avant le redémarrage' })
		await first.close()
		// Written while the server is down: the client keeps it and sends it on reconnection.
		a.doc.getMap('records').set('shape:2', { text: 'pendant la coupure' })

		const second = await serve({ dataDir, port: first.port })
		const b = open(second, workshop.id, workshop.tokens.facilitator)
		await synced(b)
		await waitFor(() => b.doc.getMap('records').has('shape:2'), 'the first client reconnected and re-synced', 10_000)
		expect(b.doc.getMap('records').toJSON()).toEqual({
			'shape:1': { text: 'avant le redémarrage' },
			'shape:2': { text: 'pendant la coupure' },
		})
		const control = open(second, `${workshop.id}/control`, alice.token)
		await synced(control)
		expect(readParticipants(control.doc).get(alice.participantId)?.name).toBe('Alice')
	})
})
