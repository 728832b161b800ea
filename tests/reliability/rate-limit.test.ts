import { afterEach, expect, test } from 'vitest'
import type { TestServer } from '../helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 30 s (200 joins and 200 intents, one wait for a bucket to refill).

let server: TestServer | null = null
afterEach(async () => {
	await server?.dispose()
	server = null
})

const note = { type: 'idee', zone: 'parking', text: 'Une idée pour la suite' }

async function expectRateLimited(response: Response) {
	expect(response.status).toBe(429)
	expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
	expect(await response.json()).toMatchObject({ error: { code: 'rate_limited' } })
}

test('[H2] a room of 200 behind one address joins and contributes at once with the default limits', async () => {
	server = await startTestServer()
	const workshop = await createWorkshop(server)
	const people = await Promise.all(
		Array.from({ length: 200 }, (_, i) => joinWorkshop(server as TestServer, workshop, `Personne ${i}`, 'etat')),
	)
	const answers = await Promise.all(
		people.map((person) =>
			(server as TestServer).api(`/api/workshops/${workshop.id}/contributions`, { token: person.token, body: note }),
		),
	)
	expect(answers.map((answer) => answer.status)).toEqual(people.map(() => 201))
}, 60_000)

test('[H2] one participant past their burst gets 429 with Retry-After; the others at the same address go on', async () => {
	server = await startTestServer({ participantBurst: 5, participantRatePerSecond: 2 })
	const workshop = await createWorkshop(server)
	const alice = await joinWorkshop(server, workshop, 'Alice', 'etat')
	const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
	const intent = (token: string) =>
		(server as TestServer).api(`/api/workshops/${workshop.id}/contributions`, { token, body: note })
	for (let i = 0; i < 5; i++) expect((await intent(alice.token)).status).toBe(201)
	await expectRateLimited(await intent(alice.token))
	expect((await intent(bob.token)).status).toBe(201)
	// Reads are not limited.
	const read = await server.api(`/api/workshops/${workshop.id}`, { token: alice.token })
	expect(read.status).toBe(200)
	// Never a ban: once the bucket refills, Alice is served again (refused requests cost nothing).
	let status = 0
	await waitFor(async () => (status = (await intent(alice.token)).status) === 201, 'bucket refilled', 3000)
	expect(status).toBe(201)
})

test('[H2] per address: joins and creations past the burst get 429; behind a trusted proxy each client has its own bucket', async () => {
	server = await startTestServer({ httpBurst: 3, httpRatePerSecond: 1, trustProxy: true })
	const create = (address: string) =>
		(server as TestServer).api('/api/workshops', {
			body: { title: 'Atelier' },
			headers: { 'x-forwarded-for': `203.0.113.9, ${address}` },
		})
	for (let i = 0; i < 3; i++) expect((await create('198.51.100.1')).status).toBe(201)
	await expectRateLimited(await create('198.51.100.1'))
	expect((await create('198.51.100.2')).status).toBe(201)
	// The client-set left part of X-Forwarded-For changes nothing.
	await expectRateLimited(
		await server.api('/api/workshops', {
			body: { title: 'Atelier' },
			headers: { 'x-forwarded-for': `10.0.0.1, 198.51.100.1` },
		}),
	)
})
