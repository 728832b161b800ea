import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, test } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import { MessageType } from '../shared/protocol/messages.ts'
import {
	connect,
	createWorkshop,
	joinWorkshop,
	rawSocket,
	startTestServer,
	synced,
	type TestServer,
	waitFor,
} from './helpers/test-server.ts'

/** A reader that counts every frame it gets and decodes each as exactly one y-websocket message. */
async function countingReader(server: TestServer, workshop: string, token: string) {
	const socket: WebSocket = await rawSocket(`${server.wsUrl}/${workshop}?token=${encodeURIComponent(token)}`)
	const doc = new Y.Doc()
	const state = { updates: 0, malformed: 0, synced: false }
	socket.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data))
		const type = decoding.readVarUint(decoder)
		if (type === MessageType.sync) {
			const syncType = decoding.readVarUint(decoder)
			const payload = decoding.readVarUint8Array(decoder)
			if (syncType === syncProtocol.messageYjsUpdate) state.updates++
			if (syncType !== syncProtocol.messageYjsSyncStep1) Y.applyUpdate(doc, payload)
			if (syncType === syncProtocol.messageYjsSyncStep2) state.synced = true
		} else decoding.readVarUint8Array(decoder)
		// One message per frame: the protocol that unmodified clients read.
		if (decoding.hasContent(decoder)) state.malformed++
	})
	// Ask for the board as it is, as a client does.
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, MessageType.sync)
	syncProtocol.writeSyncStep1(encoder, doc)
	socket.send(encoding.toUint8Array(encoder))
	await waitFor(() => state.synced, 'reader synced')
	return { socket, doc, state }
}

const servers: TestServer[] = []
afterEach(async () => {
	for (const server of servers.splice(0)) await server.dispose()
})

describe.each([0, 30])('[W6] sends gathered per socket (SEND_WINDOW_MS=%i)', (sendWindowMs) => {
	test('[W6] a burst of updates reaches every reader exactly once, one message per frame, in the writer’s state', async () => {
		const server = await startTestServer({ sendWindowMs })
		servers.push(server)
		const workshop = await createWorkshop(server)
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const writer = connect(server.wsUrl, workshop.id, alice.token)
		const watcher = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
		await Promise.all([synced(writer), synced(watcher)])
		const readers = await Promise.all(
			Array.from({ length: 3 }, () => countingReader(server, workshop.id, workshop.tokens.facilitator)),
		)

		// 40 changes in one go: 40 frames, stored by a few group commits of the log, each relayed.
		const records = writer.doc.getMap('records')
		for (let i = 0; i < 40; i++) records.set(`shape:burst${i}`, { text: `note ${i}` })

		const expected = records.toJSON()
		const sameAsWriter = (doc: Y.Doc) => JSON.stringify(doc.getMap('records').toJSON()) === JSON.stringify(expected)
		for (const reader of readers) await waitFor(() => sameAsWriter(reader.doc), 'reader has the burst')
		await waitFor(() => sameAsWriter(watcher.doc), 'the y-websocket client has the burst')
		// Nothing more is on its way: a later change is the next thing each reader gets.
		records.set('shape:last', { text: 'fin' })
		for (const reader of readers) await waitFor(() => reader.doc.getMap('records').has('shape:last'), 'last change')
		for (const reader of readers) {
			expect(reader.state).toEqual({ updates: 41, malformed: 0, synced: true })
			expect(reader.doc.getMap('records').toJSON()).toEqual(records.toJSON())
			reader.socket.close()
		}
		writer.destroy()
		watcher.destroy()
	})
})
