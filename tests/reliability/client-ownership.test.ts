import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as encoding from 'lib0/encoding'
import { afterEach, expect, test } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol/close-codes.ts'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages.ts'
import { type AckedWriter, ackedWriter } from '../helpers/acked-writer.ts'
import type { ServerProcess } from '../helpers/server-process.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import type { TestServer } from '../helpers/test-server.ts'
import {
	apiAt,
	connect,
	createWorkshop,
	joinWorkshop,
	startTestServer,
	synced,
	TEST_SECRET,
	waitFor,
} from '../helpers/test-server.ts'
import { openRawSocket, updateFrame } from './raw-socket.ts'

// Time budget of this file: 120 s (the victim: 2 s; 20 kill -9 and restarts with 20 writers: 50–90 s).

const cleanups: (() => Promise<void> | void)[] = []
let server: TestServer | null = null
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
	await server?.dispose()
	server = null
})

/** A sync update frame carrying one GC struct of `client` from `clock`, `length` clocks long. */
function gcFrame(client: number, clock: number, length: number): Uint8Array {
	const update = encoding.createEncoder()
	encoding.writeVarUint(update, 1) // one client
	encoding.writeVarUint(update, 1) // one struct
	encoding.writeVarUint(update, client)
	encoding.writeVarUint(update, clock)
	encoding.writeUint8(update, 0) // GC
	encoding.writeVarUint(update, length)
	encoding.writeVarUint(update, 0) // empty delete set
	const frame = encoding.createEncoder()
	encoding.writeVarUint(frame, MessageType.sync)
	encoding.writeVarUint(frame, SyncMessageType.update)
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update))
	return encoding.toUint8Array(frame)
}

test("[R14] updates under another participant's client id (seen in presence) are refused with 4400 and nothing applied; the victim's offline notes reach everyone", async () => {
	server = await startTestServer()
	const workshop = await createWorkshop(server)
	const victimJoin = await joinWorkshop(server, workshop, 'Victime', 'etat')
	const mallory = await joinWorkshop(server, workshop, 'Mallory', 'etat')
	const watcher = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
	cleanups.push(() => watcher.destroy())
	await synced(watcher)

	const victim = ackedWriter(server.wsUrl, workshop.id, victimJoin.token)
	cleanups.push(() => victim.provider.destroy())
	await synced(victim.provider)
	victim.provider.awareness.setLocalStateField('cursor', { x: 1, y: 1 })
	victim.doc.getMap('records').set('shape:victim-online', { n: -1 })
	await waitFor(() => victim.acknowledged(), 'first note acknowledged')
	// Mallory reads the victim's client id from presence, as any board member can.
	await waitFor(
		() =>
			[...watcher.awareness.getStates().entries()].some(
				([, state]) =>
					(state as { user?: { participantId?: string } }).user?.participantId === victimJoin.participantId,
			),
		'victim seen in presence',
	)
	const victimId = [...watcher.awareness.getStates().entries()].find(
		([, state]) => (state as { user?: { participantId?: string } }).user?.participantId === victimJoin.participantId,
	)?.[0]
	expect(victimId).toBe(victim.doc.clientID)
	// The victim goes offline and keeps writing.
	victim.provider.disconnect()
	for (let i = 0; i < 10; i++) victim.doc.getMap('records').set(`shape:victim-offline-${i}`, { n: i })

	const known = Y.getState(watcher.doc.store, victim.doc.clientID)

	// Attack 1: a GC struct spanning 1 000 clocks of the victim's id, from what the server holds.
	// Attack 2: an ordinary edit under the victim's id.
	const forged = new Y.Doc()
	Y.applyUpdate(forged, Y.encodeStateAsUpdate(watcher.doc))
	forged.clientID = victim.doc.clientID
	for (const frame of [gcFrame(victim.doc.clientID, known, 1000), updateFrame(forged, 'shape:forged')]) {
		const raw = await openRawSocket(server.port, `/ws/${workshop.id}?token=${mallory.token}`)
		cleanups.push(() => raw.destroy())
		raw.sendFrames([frame])
		await waitFor(() => raw.closeCode() !== null, 'close frame from the server')
		expect(raw.closeCode()).toBe(CloseCode.badMessage)
	}
	// Barrier: the watcher has everything the server broadcast before this presence change.
	const barrier = ackedWriter(server.wsUrl, workshop.id, mallory.token)
	cleanups.push(() => barrier.provider.destroy())
	await synced(barrier.provider)
	barrier.doc.getMap('records').set('shape:mallory-own', { honest: true })
	await waitFor(() => watcher.doc.getMap('records').has('shape:mallory-own'), 'honest edit of Mallory relayed')
	expect(Y.getState(watcher.doc.store, victim.doc.clientID)).toBe(known)
	expect(watcher.doc.getMap('records').has('shape:forged')).toBe(false)
	expect(barrier.closes).toEqual([]) // her own client id is hers

	// The victim comes back: every offline note reaches everyone, and is acknowledged.
	victim.provider.connect()
	await waitFor(
		() => [...Array(10).keys()].every((i) => watcher.doc.getMap('records').has(`shape:victim-offline-${i}`)),
		"victim's offline notes reach the others",
	)
	await waitFor(() => victim.acknowledged(), 'offline notes acknowledged')
	expect(victim.closes.filter((code) => code >= 4400)).toEqual([])
	// Deleting someone else's item stays allowed (a delete set is not a struct).
	barrier.doc.getMap('records').delete('shape:victim-online')
	await waitFor(() => !watcher.doc.getMap('records').has('shape:victim-online'), 'deletion relayed')
	expect(barrier.closes).toEqual([])
}, 20_000)

const WRITERS = 20
const KILLS = 20

test(`[R14] [P11] ${WRITERS} writers through ${KILLS} kill -9: no refusal (4400) and nothing lost`, async () => {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-ownership-'))
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
	const port = await freePort()
	const env = { PORT: String(port), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test' }
	let running: ServerProcess = await spawnServer(env)
	cleanups.push(() => running.stop())
	const api = { api: apiAt(`http://127.0.0.1:${port}`) }
	const wsUrl = `ws://127.0.0.1:${port}/ws`
	const workshop = await createWorkshop(api)
	const writers: AckedWriter[] = []
	for (let i = 0; i < WRITERS; i++) {
		const person = await joinWorkshop(api, workshop, `Personne ${i}`, 'etat')
		writers.push(ackedWriter(wsUrl, workshop.id, person.token))
	}
	cleanups.push(() => {
		for (const writer of writers) writer.provider.destroy()
	})
	await Promise.all(writers.map((writer) => synced(writer.provider, 10_000)))

	let written = 0
	const ticker = setInterval(() => {
		for (const [i, writer] of writers.entries())
			writer.doc.getMap('records').set(`shape:${i}-${written}`, { i, written })
		written++
	}, 200)
	cleanups.push(() => clearInterval(ticker))

	for (let kill = 0; kill < KILLS; kill++) {
		const before = written
		await waitFor(() => written >= before + 2, 'edits before the kill', 5000)
		await running.kill9()
		running = await spawnServer(env)
		await waitFor(() => writers.every((writer) => writer.provider.wsconnected), 'writers reconnected', 15_000)
	}
	clearInterval(ticker)
	const total = written * WRITERS

	await waitFor(() => writers.every((writer) => writer.acknowledged()), 'every writer acknowledged', 20_000)
	await waitFor(
		() => writers.every((writer) => writer.doc.getMap('records').size === total),
		'writers converged',
		20_000,
	)
	expect(writers.flatMap((writer) => writer.closes.filter((code) => code >= 4400))).toEqual([])
	// Every acknowledged edit survives one more kill -9 with nobody connected.
	for (const writer of writers) writer.provider.destroy()
	await running.kill9()
	running = await spawnServer(env)
	const late = connect(wsUrl, workshop.id, workshop.tokens.facilitator)
	cleanups.push(() => late.destroy())
	await synced(late, 10_000)
	await waitFor(() => late.doc.getMap('records').size === total, 'newcomer has every edit', 10_000)
}, 180_000)
