import { afterEach, expect, test } from 'vitest'
import type { TestServer } from '../helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from '../helpers/test-server.ts'
import { openRawSocket } from './raw-socket.ts'

// Time budget of this file: 10 s.

let server: TestServer | null = null
const cleanups: (() => void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) cleanup()
	await server?.dispose()
	server = null
})

test('[R7] a half-open client (reads nothing, answers no ping) holds neither the others nor the room, and is dropped', async () => {
	server = await startTestServer({ heartbeatMs: 300 })
	const workshop = await createWorkshop(server)
	const ghost = await joinWorkshop(server, workshop, 'Fantôme', 'etat')
	const silent = await openRawSocket(server.port, `/ws/${workshop.id}?token=${ghost.token}`)
	cleanups.push(() => silent.destroy())
	// From now on it reads nothing: the server's writes to it pile up in the kernel's buffers.
	silent.socket.pause()

	const writer = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
	const reader = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
	cleanups.push(() => writer.destroy())
	cleanups.push(() => reader.destroy())
	await Promise.all([synced(writer), synced(reader)])
	// About 4 MB of edits: more than the half-open peer's buffers take.
	const records = writer.doc.getMap('records')
	for (let i = 0; i < 200; i++) records.set(`shape:${i}`, { text: `${i} ${'x'.repeat(20_000)}` })
	await waitFor(() => reader.doc.getMap('records').size === 200, 'the others get every edit', 10_000)

	await waitFor(() => server?.relay.connectionCount === 2, 'the silent connection is dropped', 5000)
	writer.destroy()
	reader.destroy()
	await waitFor(() => server?.registry.size === 0, 'the room unloads once the real clients leave', 5000)
	expect(server.relay.connectionCount).toBe(0)
})
