import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { signToken } from '../server/auth/tokens.ts'
import { Channel } from '../server/rooms/channel.ts'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import { MessageType } from '../shared/protocol/messages.ts'
import { readParticipants } from '../shared/workshop/control-document.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import {
	closeOf,
	connect,
	createWorkshop,
	joinWorkshop,
	nextClose,
	rawSocket,
	startTestServer,
	synced,
	TEST_SECRET,
	waitFor,
} from './helpers/test-server.ts'

let server: TestServer
let workshop: CreatedWorkshop
const providers: WebsocketProvider[] = []

function open(room: string, token: string | null, doc = new Y.Doc()) {
	const provider = connect(server.wsUrl, room, token, doc)
	providers.push(provider)
	return provider
}

beforeEach(async () => {
	server = await startTestServer({ maxFrameBytes: 64 * 1024 })
	workshop = await createWorkshop(server)
})

afterEach(async () => {
	for (const provider of providers.splice(0)) provider.destroy()
	await server.dispose()
})

describe('board document', () => {
	test('[R1] edits converge both ways between two participants', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice', 'assos-benevoles')
		const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
		const a = open(workshop.id, alice.token)
		const b = open(workshop.id, bob.token)
		await Promise.all([synced(a), synced(b)])

		a.doc.getMap('records').set('shape:a', { text: 'écrit par Alice' })
		b.doc.getMap('records').set('shape:b', { text: 'écrit par Bob' })

		await waitFor(() => b.doc.getMap('records').has('shape:a'), 'Bob sees Alice')
		await waitFor(() => a.doc.getMap('records').has('shape:b'), 'Alice sees Bob')
		expect(a.doc.getMap('records').toJSON()).toEqual(b.doc.getMap('records').toJSON())
	})

	test('[R1] a late joiner receives the whole board', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const a = open(workshop.id, alice.token)
		await synced(a)
		const text = a.doc.getText('notes')
		for (let i = 0; i < 50; i++) text.insert(text.length, `ligne ${i}\n`)

		const late = open(workshop.id, workshop.tokens.facilitator)
		await synced(late)
		await waitFor(() => late.doc.getText('notes').toString() === text.toString(), 'late joiner has every line')
	})

	test('[R15] fresh clients get the board as it is now, before and after each change (the kept encoding follows it)', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
		const a = open(workshop.id, alice.token)
		const b = open(workshop.id, bob.token)
		await Promise.all([synced(a), synced(b)])
		const records = a.doc.getMap('records')
		const fresh = async () => {
			const late = open(workshop.id, workshop.tokens.facilitator)
			await synced(late)
			return late
		}
		for (let round = 0; round < 3; round++) {
			a.doc.transact(() => {
				for (let i = 0; i < 20; i++) records.set(`shape:${round}-${i}`, { text: `note ${round}-${i}` })
			})
			if (round === 2) records.delete('shape:0-0')
			// Once Bob has the change, the server has applied it (it shares only what it stored).
			await waitFor(() => b.doc.getMap('records').size === records.size, 'change relayed')
			// Each joiner's first sync alone must bring everything: a stale kept encoding would miss
			// the change for good (it was broadcast before they came). Several at once share one.
			const joiners = await Promise.all([fresh(), fresh(), fresh()])
			for (const late of joiners) expect(late.doc.getMap('records').toJSON()).toEqual(records.toJSON())
		}
	})

	test('[R3] an observer receives everything and writes nothing', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const watcher = await joinWorkshop(server, workshop, 'Observatrice', null, 'observer')
		const a = open(workshop.id, alice.token)
		const o = open(workshop.id, watcher.token)
		await Promise.all([synced(a), synced(o)])

		o.doc.getMap('records').set('shape:intrus', { text: 'ne doit pas passer' })
		a.doc.getMap('records').set('shape:a', { text: 'visible' })
		await waitFor(() => o.doc.getMap('records').has('shape:a'), 'observer receives edits')

		// A third client syncing after both writes sees only the participant's edit.
		const check = open(workshop.id, workshop.tokens.facilitator)
		await synced(check)
		await waitFor(() => check.doc.getMap('records').has('shape:a'), 'checker synced')
		expect(check.doc.getMap('records').has('shape:intrus')).toBe(false)
		expect(a.doc.getMap('records').has('shape:intrus')).toBe(false)

		// Nor is it stored.
		await server.registry.closeAll()
		const { LowdbStore } = await import('../server/store/lowdb-store.ts')
		const stored = await new LowdbStore(server.config.dataDir).load(workshop.id)
		expect(stored.ok && stored.value).toBeTruthy()
		if (!stored.ok || !stored.value) return
		const doc = new Y.Doc()
		Y.applyUpdate(doc, Buffer.from(stored.value.board, 'base64'))
		expect(doc.getMap('records').has('shape:a')).toBe(true)
		expect(doc.getMap('records').has('shape:intrus')).toBe(false)
	})
})

describe('control document', () => {
	test('[R2] every client reads it live; no client can write it', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const control = open(`${workshop.id}/control`, alice.token)
		const facilitatorControl = open(`${workshop.id}/control`, workshop.tokens.facilitator)
		await Promise.all([synced(control), synced(facilitatorControl)])
		expect(control.doc.getMap('meta').get('title')).toBe('Concertation de test')

		// A client, even the facilitator's, writing the control document is ignored.
		facilitatorControl.doc.getMap('meta').set('title', 'falsifié')
		control.doc.getMap('participants').set('fake', { name: 'Faux', role: 'facilitator', college: null })

		// A join (written by the server) reaches both clients; the forged changes reach nobody.
		const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
		await waitFor(() => readParticipants(control.doc).has(bob.participantId), 'join published to Alice')
		await waitFor(() => readParticipants(facilitatorControl.doc).has(bob.participantId), 'join published')
		const fresh = open(`${workshop.id}/control`, bob.token)
		await synced(fresh)
		await waitFor(() => readParticipants(fresh.doc).has(bob.participantId), 'fresh client synced')
		expect(fresh.doc.getMap('meta').get('title')).toBe('Concertation de test')
		expect(readParticipants(fresh.doc).has('fake')).toBe(false)
	})

	test('[R2] presence is writable on the control channel (the light view has no board)', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
		const a = open(`${workshop.id}/control`, alice.token)
		const b = open(`${workshop.id}/control`, bob.token)
		await Promise.all([synced(a), synced(b)])
		a.awareness.setLocalStateField('user', { name: 'Alice' })
		await waitFor(
			() => [...b.awareness.getStates().values()].some((state) => state.user?.name === 'Alice'),
			'Bob sees Alice present',
		)
		a.destroy()
		await waitFor(
			() => ![...b.awareness.getStates().values()].some((state) => state.user?.name === 'Alice'),
			'Alice gone when she leaves',
		)
	})
})

describe('refusals', () => {
	const refusedWith = async (room: string, token: string | null) => {
		const provider = open(room, token)
		return nextClose(provider)
	}

	test("[R4] no token, a forged token or another workshop's token: 4401", async () => {
		const other = await createWorkshop(server, { title: 'Autre' })
		expect((await refusedWith(workshop.id, null)).code).toBe(CloseCode.unauthorized)
		expect((await refusedWith(workshop.id, 'not-a-token')).code).toBe(CloseCode.unauthorized)
		const forged = signToken('another-secret-another-secret-0000000', {
			kind: 'personal',
			workshop: workshop.id,
			role: 'facilitator',
			participant: 'abcdefghijkl',
			college: null,
		})
		expect((await refusedWith(workshop.id, forged)).code).toBe(CloseCode.unauthorized)
		const closed = await refusedWith(workshop.id, other.tokens.facilitator)
		expect(closed).toEqual({ code: CloseCode.unauthorized, reason: 'invalid or missing token' })
	})

	test('[R4] a shared link token cannot open the socket: 4403', async () => {
		expect((await refusedWith(workshop.id, workshop.tokens.participant)).code).toBe(CloseCode.forbidden)
		expect((await refusedWith(`${workshop.id}/control`, workshop.tokens.observer)).code).toBe(CloseCode.forbidden)
	})

	test('[R4] a workshop that does not exist: 4404', async () => {
		const ghost = 'abcdefghijklmnopqrstuvwxyz'
		const token = signToken(TEST_SECRET, {
			kind: 'personal',
			workshop: ghost,
			role: 'facilitator',
			participant: 'abcdefghijkl',
			college: null,
		})
		expect((await refusedWith(ghost, token)).code).toBe(CloseCode.unknownWorkshop)
		expect(server.registry.size).toBe(0)
	})

	test('[R4] frames sent after a refusal are dropped, not buffered', async () => {
		const socket = await rawSocket(`${server.wsUrl}/${workshop.id}`)
		const closed = closeOf(socket)
		for (let i = 0; i < 50; i++) socket.send(new Uint8Array(60 * 1024))
		expect((await closed).code).toBe(CloseCode.unauthorized)
	})

	test('[R4] the y-websocket client stops retrying after a 44xx refusal', async () => {
		const provider = open(workshop.id, workshop.tokens.participant)
		const closed = new Promise<{ code: number }>((resolve) => provider.on('closed', (event) => resolve(event)))
		expect((await closed).code).toBe(CloseCode.forbidden)
		expect(provider.shouldConnect).toBe(false)
	})
})

describe('bad frames', () => {
	const url = () => `${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(workshop.tokens.facilitator)}`

	test('[R5] an oversized frame closes the offender with 1009; others keep working', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const a = open(workshop.id, alice.token)
		await synced(a)
		const socket = await rawSocket(url())
		const closed = closeOf(socket)
		socket.send(new Uint8Array(server.config.maxFrameBytes + 1))
		expect((await closed).code).toBe(CloseCode.frameTooBig)

		const b = open(workshop.id, workshop.tokens.facilitator)
		await synced(b)
		a.doc.getMap('records').set('shape:after', { ok: true })
		await waitFor(() => b.doc.getMap('records').has('shape:after'), 'relay still works')
		expect(a.wsconnected).toBe(true)
	})

	test.each([
		['unknown message type', Uint8Array.of(99, 1, 2)],
		['truncated sync message', Uint8Array.of(MessageType.sync, 2, 200)],
		['update that is not a Yjs update', encodeUpdate(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))],
		['awareness that is not JSON', Uint8Array.of(MessageType.awareness, 7, 1, 5, 1, 3, 0x7b, 0x7b, 0x7b)],
		['text frame', 'hello'],
	])('[R5] %s closes the offender with 4400; the document is untouched', async (_name, frame) => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const a = open(workshop.id, alice.token)
		await synced(a)
		a.doc.getMap('records').set('shape:before', { ok: true })
		await waitFor(() => server.registry.size === 1, 'room loaded')

		const socket = await rawSocket(url())
		const closed = closeOf(socket)
		socket.send(frame)
		expect(await closed).toEqual({ code: CloseCode.badMessage, reason: 'undecodable message' })

		const b = open(workshop.id, workshop.tokens.facilitator)
		await synced(b)
		await waitFor(() => b.doc.getMap('records').has('shape:before'), 'relay still works')
		expect([...b.doc.getMap('records').keys()]).toEqual(['shape:before'])
		expect(a.wsconnected).toBe(true)
	})
})

describe('room lifecycle', () => {
	test('[R6] a room is loaded on first connection and unloaded once its last client left and it saved', async () => {
		expect(server.registry.size).toBe(0)
		const alice = await joinWorkshop(server, workshop, 'Alice')
		expect(server.registry.size).toBe(0) // the join loaded it, saved and let it go
		const a = open(workshop.id, alice.token)
		const c = open(`${workshop.id}/control`, alice.token)
		await Promise.all([synced(a), synced(c)])
		expect(server.registry.ids()).toEqual([workshop.id])
		a.doc.getMap('records').set('shape:last-words', { text: 'au revoir' })
		a.destroy()
		await waitFor(() => server.relay.connectionCount === 1, 'board connection gone')
		expect(server.registry.size).toBe(1) // the control client is still there
		c.destroy()
		await waitFor(() => server.registry.size === 0, 'registry empty')

		const again = open(workshop.id, workshop.tokens.facilitator)
		await synced(again)
		await waitFor(() => again.doc.getMap('records').has('shape:last-words'), 'reloaded from disk')
	})

	test('[R7] a connection that stops answering pings is dropped and its presence removed', async () => {
		await server.dispose()
		server = await startTestServer({ heartbeatMs: 500 })
		workshop = await createWorkshop(server)
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const a = open(workshop.id, alice.token)
		await synced(a)
		a.awareness.setLocalStateField('user', { name: 'Alice' })
		const silent = await rawSocket(
			`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(workshop.tokens.facilitator)}`,
		)
		// Stop answering pings (ws answers them automatically; pausing the socket stops that).
		silent.pause()
		const presence = new Uint8Array(awarenessFrame(424242, { user: { name: 'Fantôme' } }))
		silent.resume()
		silent.send(presence)
		await waitFor(() => [...a.awareness.getStates().keys()].includes(424242), 'ghost present')
		silent.pause()
		await waitFor(() => ![...a.awareness.getStates().keys()].includes(424242), 'ghost removed', 5000)
		expect(server.relay.connectionCount).toBe(1)
		silent.terminate()
	})
})

function encodeUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, MessageType.sync)
	syncProtocol.writeUpdate(encoder, update)
	return encoding.toUint8Array(encoder)
}

function awarenessFrame(clientId: number, state: unknown): Uint8Array {
	const inner = encoding.createEncoder()
	encoding.writeVarUint(inner, 1)
	encoding.writeVarUint(inner, clientId)
	encoding.writeVarUint(inner, 1)
	encoding.writeVarString(inner, JSON.stringify(state))
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, MessageType.awareness)
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner))
	return encoding.toUint8Array(encoder)
}

describe('presence rules', () => {
	const presenceFrame = (clientId: number, clock: number, state: unknown) => {
		const inner = encoding.createEncoder()
		encoding.writeVarUint(inner, 1)
		encoding.writeVarUint(inner, clientId)
		encoding.writeVarUint(inner, clock)
		encoding.writeVarString(inner, JSON.stringify(state))
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.awareness)
		encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner))
		return encoding.toUint8Array(encoder)
	}
	const stateOf = (provider: WebsocketProvider, client: number) =>
		provider.awareness.getStates().get(client) as { user?: Record<string, unknown>; presence?: Record<string, unknown> }

	test('[R9] the name, role and college a presence shows are the token’s, whatever the client claims', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice', 'etat')
		const a = open(workshop.id, alice.token)
		const b = open(workshop.id, workshop.tokens.facilitator)
		await Promise.all([synced(a), synced(b)])
		a.awareness.setLocalStateField('user', {
			participantId: 'someone-else',
			name: 'Le Préfet',
			role: 'facilitator',
			college: null,
			color: '#000',
		})
		a.awareness.setLocalStateField('presence', {
			userId: 'user:x',
			userName: 'Le Préfet',
			color: '#000',
			cursor: { x: 1, y: 2 },
		})
		await waitFor(() => stateOf(b, a.awareness.clientID)?.presence !== undefined, 'presence relayed')
		const seen = stateOf(b, a.awareness.clientID)
		expect(seen.user).toEqual({
			participantId: alice.participantId,
			name: 'Alice',
			role: 'participant',
			college: 'etat',
			color: '#1971c2',
		})
		expect(seen.presence).toMatchObject({
			userId: `user:${alice.participantId}`,
			userName: 'Alice',
			color: '#1971c2',
			cursor: { x: 1, y: 2 },
		})
	})

	test('[R9] a connection cannot change or remove presence it did not introduce', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice', 'etat')
		const mallory = await joinWorkshop(server, workshop, 'Mallory', 'etat')
		const a = open(workshop.id, alice.token)
		const watcher = open(workshop.id, workshop.tokens.facilitator)
		await Promise.all([synced(a), synced(watcher)])
		a.awareness.setLocalStateField('cursor', { x: 5 })
		await waitFor(
			() => (stateOf(watcher, a.awareness.clientID) as { cursor?: unknown })?.cursor !== undefined,
			'Alice present',
		)

		const socket = await rawSocket(`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(mallory.token)}`)
		socket.send(presenceFrame(a.awareness.clientID, 1000, { cursor: { x: 666 } }))
		socket.send(presenceFrame(a.awareness.clientID, 1001, null))
		// Mallory's own presence goes through: once the watcher sees it, the spoof would have too.
		socket.send(presenceFrame(31337, 1, { cursor: { x: 1 } }))
		await waitFor(() => stateOf(watcher, 31337) !== undefined, 'Mallory’s own presence relayed')
		expect((stateOf(watcher, a.awareness.clientID) as { cursor?: unknown }).cursor).toEqual({ x: 5 })
		expect(stateOf(watcher, 31337).user?.name).toBe('Mallory')
		socket.close()
		await waitFor(() => stateOf(watcher, 31337) === undefined, 'Mallory’s presence removed when she leaves')
		expect(stateOf(watcher, a.awareness.clientID)).toBeDefined()
	})

	test('[R9] an oversized presence state is refused without touching anyone else’s', async () => {
		const mallory = await joinWorkshop(server, workshop, 'Mallory', 'etat')
		const watcher = open(workshop.id, workshop.tokens.facilitator)
		await synced(watcher)
		const socket = await rawSocket(`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(mallory.token)}`)
		socket.send(presenceFrame(4242, 1, { padding: 'x'.repeat(server.config.maxPresenceBytes) }))
		socket.send(presenceFrame(4243, 1, { small: true }))
		await waitFor(() => stateOf(watcher, 4243) !== undefined, 'the small one relayed')
		expect(stateOf(watcher, 4242)).toBeUndefined()
		expect(socket.readyState).toBe(socket.OPEN)
		socket.close()
	})

	test('[R9] a participant’s second device takes its presence over; its reconnection is seen at once', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice', 'etat')
		const watcher = open(workshop.id, workshop.tokens.facilitator)
		await synced(watcher)
		const first = await rawSocket(`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(alice.token)}`)
		first.send(presenceFrame(777, 5, { cursor: { x: 1 } }))
		await waitFor(() => stateOf(watcher, 777) !== undefined, 'present')
		first.terminate() // dropped without a goodbye
		await waitFor(() => stateOf(watcher, 777) === undefined, 'removed on disconnect')
		const second = await rawSocket(`${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(alice.token)}`)
		// Same client id and clock as before the drop (what y-websocket resends): seen again.
		second.send(presenceFrame(777, 5, { cursor: { x: 2 } }))
		await waitFor(() => (stateOf(watcher, 777) as { cursor?: { x: number } })?.cursor?.x === 2, 'back at once')
		// And it settles: clients echo presence back, which must not start a loop of clock bumps.
		const clock = watcher.awareness.meta.get(777)?.clock
		await new Promise((resolve) => setTimeout(resolve, 300))
		expect(watcher.awareness.meta.get(777)?.clock).toBe(clock)
		second.close()
	})
})

test('[R9] a client echoing a large room’s presence (as y-websocket clients do) is not refused', async () => {
	const server = await startTestServer()
	try {
		const workshop = await createWorkshop(server)
		const clients = Array.from({ length: 80 }, () => connect(server.wsUrl, workshop.id, workshop.tokens.facilitator))
		await Promise.all(clients.map((client) => synced(client)))
		for (const client of clients) client.awareness.setLocalStateField('cursor', { x: client.awareness.clientID })
		const last = clients.at(-1)
		await waitFor(() => (last?.awareness.getStates().size ?? 0) >= 80, 'everyone sees everyone')
		for (const client of clients) client.awareness.setLocalStateField('cursor', { x: 0 })
		await waitFor(
			() =>
				[...(last?.awareness.getStates().values() ?? [])].every(
					(state) => (state as { cursor?: { x: number } }).cursor?.x === 0,
				),
			'second round seen',
		)
		expect(clients.every((client) => client.wsconnected)).toBe(true)
		for (const client of clients) client.destroy()
	} finally {
		await server.dispose()
	}
})

describe('[R15] the kept encoding for fresh clients', () => {
	const emptyVector = Y.encodeStateVector(new Y.Doc())
	const contentOf = (message: Uint8Array) => {
		const decoder = decoding.createDecoder(message)
		expect(decoding.readVarUint(decoder)).toBe(MessageType.sync)
		expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsSyncStep2)
		const doc = new Y.Doc()
		Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
		return doc.getMap('records').toJSON()
	}

	test('[R15] one encoding per state of the document; a change or a rebuilt document drops it', () => {
		const doc = new Y.Doc()
		doc.getMap('records').set('a', 1)
		const channel = new Channel('board', doc, { presenceFlushMs: 0 })
		const first = channel.syncStep2(emptyVector)
		expect(channel.syncStep2(emptyVector)).toBe(first)
		expect(contentOf(first)).toEqual({ a: 1 })
		// A client that has something gets what it lacks, never the kept full state.
		const partial = new Y.Doc()
		Y.applyUpdate(partial, Y.encodeStateAsUpdate(doc))
		expect(channel.syncStep2(Y.encodeStateVector(partial))).not.toBe(first)

		doc.getMap('records').set('b', 2)
		const second = channel.syncStep2(emptyVector)
		expect(second).not.toBe(first)
		expect(contentOf(second)).toEqual({ a: 1, b: 2 })

		const rebuilt = new Y.Doc()
		rebuilt.getMap('records').set('c', 3)
		channel.replaceDoc(rebuilt)
		expect(contentOf(channel.syncStep2(emptyVector))).toEqual({ c: 3 })
		channel.destroy()
	})
})
