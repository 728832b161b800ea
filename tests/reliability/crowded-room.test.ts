import { afterEach, expect, test } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type { TestServer } from '../helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 60 s (200 real clients in one process with the server).

const PEOPLE = 200
const EDITS_EACH = 1

let server: TestServer | null = null
const clients: WebsocketProvider[] = []
afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy()
	await server?.dispose()
	server = null
})

test(`[R1][R10][R13] ${PEOPLE} people behind one address in one room: every edit reaches everyone, then the room unloads`, async () => {
	server = await startTestServer()
	const workshop = await createWorkshop(server)
	const people = await Promise.all(
		Array.from({ length: PEOPLE }, (_, i) => joinWorkshop(server as TestServer, workshop, `Personne ${i}`, 'etat')),
	)
	for (const person of people) clients.push(connect(server.wsUrl, workshop.id, person.token))
	await Promise.all(clients.map((client) => synced(client, 30_000)))

	for (let round = 0; round < EDITS_EACH; round++) {
		for (const [i, client] of clients.entries()) client.doc.getMap('records').set(`shape:${i}-${round}`, { i, round })
	}
	const total = PEOPLE * EDITS_EACH
	await waitFor(
		() => clients.every((client) => client.doc.getMap('records').size === total),
		`${total * PEOPLE} deliveries`,
		45_000,
	)
	expect(server.relay.connectionCount).toBe(PEOPLE)

	for (const client of clients.splice(0)) client.destroy()
	await waitFor(() => server?.relay.connectionCount === 0 && server.registry.size === 0, 'room unloaded', 10_000)
}, 90_000)
