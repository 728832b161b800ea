import { afterEach, expect, test } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol/close-codes.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from '../helpers/test-server.ts'
import { openRawSocket, updateFrame } from './raw-socket.ts'

// Time budget of this file: 15 s (one wait for the 5 s cut-off).

let server: TestServer | null = null
const cleanups: (() => void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) cleanup()
	await server?.dispose()
	server = null
})

test('[R5] a connection refused with 4400 stops at once: nothing after the bad frame is applied, same burst included, and a peer ignoring the close is cut within 5 s', async () => {
	server = await startTestServer()
	const workshop = await createWorkshop(server)
	const mallory = await joinWorkshop(server, workshop, 'Mallory', 'etat')
	const watcher = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
	cleanups.push(() => watcher.destroy())
	await synced(watcher)
	const records = watcher.doc.getMap('records')

	const raw = await openRawSocket(server.port, `/ws/${workshop.id}?token=${mallory.token}`)
	cleanups.push(() => raw.destroy())
	const doc = new Y.Doc()
	const before = updateFrame(doc, 'before')
	const garbage = Uint8Array.from([0, 2, 200, 1, 2]) // an update whose length runs past the frame
	const sameBurst = [updateFrame(doc, 'burst-1'), updateFrame(doc, 'burst-2')]
	raw.sendFrames([before, garbage, ...sameBurst])
	await waitFor(() => raw.closeCode() !== null, 'close frame from the server')
	expect(raw.closeCode()).toBe(CloseCode.badMessage)
	const closedAt = Date.now()

	// The peer ignores the close and keeps writing, as the attacker did (33 updates).
	for (let i = 0; i < 33; i++) raw.sendFrames([updateFrame(doc, `after-${i}`)])
	await waitFor(() => raw.ended(), 'the server cuts the TCP connection', 10_000)
	const cutAfterMs = Date.now() - closedAt
	expect(cutAfterMs).toBeLessThan(10_000)

	// What came before the bad frame was applied and shared; nothing after it, ever.
	await waitFor(() => records.has('before'), 'the update before the bad frame reached the others')
	const late = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
	cleanups.push(() => late.destroy())
	await synced(late)
	expect([...late.doc.getMap('records').keys()]).toEqual(['before'])
	expect([...records.keys()]).toEqual(['before'])
}, 20_000)
