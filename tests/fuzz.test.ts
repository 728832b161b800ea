import * as encoding from 'lib0/encoding'
import { afterEach, expect, test } from 'vitest'
import type { WebSocket } from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { createLogger } from '../server/logger.ts'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import { MessageType } from '../shared/protocol/messages.ts'
import type { TestServer } from './helpers/test-server.ts'
import {
	connect,
	createWorkshop,
	joinWorkshop,
	rawSocket,
	startTestServer,
	synced,
	waitFor,
} from './helpers/test-server.ts'

/** A small seeded PRNG (mulberry32): the same seed replays the same frames. */
function prng(seed: number) {
	let state = seed >>> 0
	return () => {
		state = (state + 0x6d2b79f5) >>> 0
		let t = state
		t = Math.imul(t ^ (t >>> 15), t | 1)
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
}

const SEED = 20261122
const FRAMES = 3000

let server: TestServer | undefined
afterEach(async () => {
	await server?.dispose()
})

function syncFrame(subtype: 1 | 2, update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, MessageType.sync)
	if (subtype === 2) syncProtocol.writeUpdate(encoder, update)
	else syncProtocol.writeSyncStep2(encoder, docOf(update))
	return encoding.toUint8Array(encoder)
}

function docOf(update: Uint8Array): Y.Doc {
	const doc = new Y.Doc()
	Y.applyUpdate(doc, update)
	return doc
}

/** JSON with sorted keys: map iteration order is not part of a document's content. */
function canonical(value: Record<string, unknown>): string {
	return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))))
}

/** Sync step 1 with an empty state vector: the server answers with step 2, proving it read on. */
const probe = (() => {
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, MessageType.sync)
	syncProtocol.writeSyncStep1(encoder, new Y.Doc())
	return encoding.toUint8Array(encoder)
})()

/** Resolves 'accepted' once the server answered the probe, or 'closed' with the code. */
function outcome(socket: WebSocket): Promise<{ closed: false } | { closed: true; code: number }> {
	return new Promise((resolve) => {
		const onMessage = (data: Buffer) => {
			// sync (0), step 2 (1): the reply to our probe.
			if (data[0] === 0 && data[1] === 1) finish({ closed: false })
		}
		const onClose = (code: number) => finish({ closed: true, code })
		const finish = (result: { closed: false } | { closed: true; code: number }) => {
			socket.off('message', onMessage)
			socket.off('close', onClose)
			resolve(result)
		}
		socket.on('message', onMessage)
		socket.on('close', onClose)
	})
}

test(`[R8] ${FRAMES} random and mutated frames: server alive, refused frames change nothing, honest clients synced`, async () => {
	const warnings: string[] = []
	server = await startTestServer(
		{ maxFrameBytes: 256 * 1024, connectBurst: 100_000 },
		{ logger: createLogger('warn', (line) => warnings.push(line)) },
	)
	const workshop = await createWorkshop(server)
	const honest = await joinWorkshop(server, workshop, 'Honnête')
	const fuzzer = await joinWorkshop(server, workshop, 'Fuzz', 'etat')
	const random = prng(SEED)
	// Fixed client ids: the same seed then replays the very same frames. The honest one is large,
	// so that no random mutation reuses it (Yjs renames a client that sees its own id elsewhere).
	const honestDoc = new Y.Doc()
	honestDoc.clientID = 2_128_674_817
	const a = connect(server.wsUrl, workshop.id, honest.token, honestDoc)
	await synced(a)
	const records = a.doc.getMap('records')
	const text = a.doc.getText('notes')
	for (let i = 0; i < 30; i++) {
		records.set(`shape:${i}`, { x: i, text: `note ${i}` })
		text.insert(text.length, `ligne ${i} `)
	}
	await waitFor(() => server?.registry.size === 1, 'room loaded')
	// Hold the room (so it stays loaded) and watch its board directly.
	const acquired = await server.registry.acquire(workshop.id)
	if (!acquired.ok || !acquired.value) throw new Error('room not found')
	const serverRoom = acquired.value
	const boardDoc = () => serverRoom.board.doc
	await waitFor(() => boardDoc().getMap('records').size === 30, 'server has the honest edits')

	// A pool of real updates built on top of the board, from other client ids.
	const base = Y.encodeStateAsUpdate(a.doc)
	const pool: Uint8Array[] = []
	for (let i = 0; i < 40; i++) {
		const scratch = docOf(base)
		scratch.clientID = 1000 + i
		const before = Y.encodeStateVector(scratch)
		const map = scratch.getMap('records')
		const notes = scratch.getText('notes')
		const n = 1 + Math.floor(random() * 4)
		for (let j = 0; j < n; j++) {
			const pick = random()
			if (pick < 0.4) map.set(`shape:${Math.floor(random() * 40)}`, { x: random(), text: 'fuzz' })
			else if (pick < 0.6) map.delete(`shape:${Math.floor(random() * 30)}`)
			else if (pick < 0.8) notes.insert(Math.floor(random() * notes.length), 'zz')
			else notes.delete(Math.floor(random() * Math.max(1, notes.length - 3)), 2)
		}
		pool.push(Y.encodeStateAsUpdate(scratch, before))
	}

	const mutate = (bytes: Uint8Array): Uint8Array => {
		const out = [...bytes]
		const operations = 1 + Math.floor(random() * 3)
		for (let k = 0; k < operations; k++) {
			const at = Math.floor(random() * Math.max(1, out.length))
			const op = random()
			if (op < 0.35) out[at] = Math.floor(random() * 256)
			else if (op < 0.5) out.length = at
			else if (op < 0.65)
				out.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256)))
			else if (op < 0.8) out.splice(at, 1 + Math.floor(random() * 4))
			else out[at] = (out[at] ?? 0) ^ (1 << Math.floor(random() * 8))
		}
		return Uint8Array.from(out)
	}

	const frame = (): Uint8Array => {
		const kind = random()
		const update = pool[Math.floor(random() * pool.length)] ?? new Uint8Array()
		if (kind < 0.55) {
			// A mutated update inside a well-formed sync message.
			const bad = mutate(update)
			return syncFrame(2, bad)
		}
		if (kind < 0.75) return mutate(syncFrame(2, update)) // a mutated whole frame
		if (kind < 0.85) return Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))
		if (kind < 0.92) return mutate(Uint8Array.of(MessageType.awareness, 10, 1, 1, 1, 6, 123, 34, 97, 34, 58, 49, 125))
		return Uint8Array.of(Math.floor(random() * 8), ...mutate(update).slice(0, 16))
	}

	let socket = await rawSocket(`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(fuzzer.token)}`)
	let refused = 0
	let accepted = 0
	for (let i = 0; i < FRAMES; i++) {
		const doc = boardDoc()
		const svBefore = Y.encodeStateVector(doc)
		const snapshotBefore = Y.snapshot(doc)
		const recordsBefore = canonical(doc.getMap('records').toJSON())
		const notesBefore = doc.getText('notes').toString()
		const result = outcome(socket)
		socket.send(frame())
		socket.send(probe)
		const settled = await result
		const after = boardDoc()
		if (settled.closed) {
			refused++
			expect(settled.code).toBe(CloseCode.badMessage)
			// A refused frame leaves no trace: same state vector, same deletions, same content —
			// also when the board had to be rebuilt after a partial integration.
			expect(Y.encodeStateVector(after)).toEqual(svBefore)
			expect(Y.equalSnapshots(Y.snapshot(after), snapshotBefore)).toBe(true)
			expect(canonical(after.getMap('records').toJSON())).toBe(recordsBefore)
			expect(after.getText('notes').toString()).toBe(notesBefore)
			socket = await rawSocket(`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(fuzzer.token)}`)
		} else {
			accepted++
		}
	}
	socket.close()
	serverRoom.release()

	// The honest client never saw anything refused, and is still in step with the server.
	records.set('shape:after-fuzz', { text: 'toujours là' })
	const b = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
	await synced(b)
	await waitFor(() => b.doc.getMap('records').has('shape:after-fuzz'), 'relay still works')
	await waitFor(
		() => canonical(a.doc.getMap('records').toJSON()) === canonical(b.doc.getMap('records').toJSON()),
		'honest clients agree',
	)
	// The live client saw exactly what the server holds. (A client that syncs afresh from the
	// re-encoded state may order fuzz-made text differently: a Yjs limit, see docs/architecture.md.)
	await waitFor(() => a.doc.getText('notes').toString() === boardDoc().getText('notes').toString(), 'same text')
	expect(a.wsconnected).toBe(true)
	const rebuilds = warnings.filter((line) => line.includes('room.board_rebuilt')).length
	// The tally shows in the test output: how much of the fuzz exercised which path.
	process.stdout.write(`fuzz: ${refused} refused, ${accepted} accepted, ${rebuilds} partial integrations rolled back\n`)
	expect(refused).toBeGreaterThan(FRAMES / 2)
	a.destroy()
	b.destroy()
}, 120_000)
