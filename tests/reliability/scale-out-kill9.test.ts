import { afterAll, afterEach, expect, test } from 'vitest'
import type * as Y from 'yjs'
import { readContributions } from '../../shared/workshop/control-document.ts'
import { type AckedWriter, ackedWriter } from '../helpers/acked-writer.ts'
import { createTestDatabase, dropTestDatabases } from '../helpers/postgres.ts'
import { dropTestKeys, testKeyPrefix, testRedisUrl } from '../helpers/redis.ts'
import type { ServerProcess } from '../helpers/server-process.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import { tcpProxy } from '../helpers/tcp-proxy.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 30 s (two server processes, one killed with -9 and restarted).

const WRITERS = 20
const AUTHORS = 5

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
	await dropTestKeys()
})
afterAll(dropTestDatabases)

test(`[X5] kill -9 of a process while ${WRITERS} clients write through it: they come back through the load balancer on the other, every acknowledged edit and intent is there once, no 44xx, and the restarted process rejoins`, async () => {
	const databaseUrl = await createTestDatabase()
	const [portA, portB] = [await freePort(), await freePort()]
	const env = (port: number) => ({
		PORT: String(port),
		DATABASE_URL: databaseUrl,
		REDIS_URL: testRedisUrl(),
		REDIS_KEY_PREFIX: prefix,
		TABLEE_SECRET: TEST_SECRET,
		PUBLIC_URL: 'http://tablee.test',
	})
	const prefix = testKeyPrefix()
	let a: ServerProcess = await spawnServer(env(portA))
	cleanups.push(() => a.stop())
	const b = await spawnServer(env(portB))
	cleanups.push(() => b.stop())
	// The load balancer prefers A while it answers: every client starts there.
	const proxy = await tcpProxy(() => [portA, portB])
	cleanups.push(() => proxy.close())
	const api = { api: apiAt(`http://127.0.0.1:${proxy.port}`) }
	const wsUrl = `ws://127.0.0.1:${proxy.port}/ws`

	const workshop = await createWorkshop(api)
	const phase = await api.api(`/api/workshops/${workshop.id}/phase`, {
		token: workshop.tokens.facilitator,
		body: { index: 5 },
	})
	expect(phase.status).toBe(200)
	const people = []
	for (let i = 0; i < WRITERS; i++) people.push(await joinWorkshop(api, workshop, `Personne ${i}`, 'etat'))
	const writers: AckedWriter[] = people.map((person) => ackedWriter(wsUrl, workshop.id, person.token))
	cleanups.push(() => {
		for (const writer of writers) writer.provider.destroy()
	})
	await Promise.all(writers.map((writer) => synced(writer.provider, 10_000)))
	expect(proxy.reached.get(portB) ?? 0).toBe(0)
	// A client of B all along: it sees the others' edits through the streams.
	const onB = connect(`ws://127.0.0.1:${portB}/ws`, workshop.id, workshop.tokens.facilitator)
	const controlOnB = connect(`ws://127.0.0.1:${portB}/ws`, `${workshop.id}/control`, workshop.tokens.facilitator)
	cleanups.push(() => {
		onB.destroy()
		controlOnB.destroy()
	})
	await Promise.all([synced(onB, 10_000), synced(controlOnB, 10_000)])

	let written = 0
	const ticker = setInterval(() => {
		for (const [i, writer] of writers.entries()) writer.doc.getArray('notes').push([`${i}-${written}`])
		written++
	}, 100)
	cleanups.push(() => clearInterval(ticker))

	// Intents sent as the outbox sends them: retried with the same key until answered.
	let sending = true
	const acknowledged: string[] = []
	const authors = people.slice(0, AUTHORS).map(async (person, i) => {
		for (let n = 0; sending; n++) {
			const text = `Proposition ${i}-${n}`
			for (;;) {
				const response = await api
					.api(`/api/workshops/${workshop.id}/contributions`, {
						token: person.token,
						body: { type: 'proposition', zone: 'propositions', column: 'financeurs', text },
						headers: { 'idempotency-key': `k-${i}-${n}-${workshop.id.slice(0, 8)}` },
					})
					.catch(() => null)
				if (response?.status === 201) break
				expect(response === null || response.status >= 500).toBe(true)
				await new Promise((resolve) => setTimeout(resolve, 100))
			}
			acknowledged.push(text)
		}
	})

	await waitFor(() => written >= 10 && acknowledged.length >= AUTHORS, 'edits and intents before the kill', 10_000)
	await a.kill9()
	const atKill = written
	await waitFor(() => written >= atKill + 10, 'edits while the process is down', 10_000)
	await waitFor(() => writers.every((writer) => writer.provider.wsconnected), 'writers back through B', 15_000)
	expect(proxy.reached.get(portB) ?? 0).toBeGreaterThanOrEqual(WRITERS)
	const afterKill = acknowledged.length
	await waitFor(() => acknowledged.length >= afterKill + AUTHORS, 'intents answered after the kill', 15_000)
	clearInterval(ticker)
	sending = false
	await Promise.all(authors)

	await waitFor(() => writers.every((writer) => writer.acknowledged()), 'every edit acknowledged', 15_000)
	const total = written * WRITERS
	const notes = (doc: Y.Doc) => doc.getArray<string>('notes').toArray()
	await waitFor(() => notes(onB.doc).length >= total, 'B holds every edit', 15_000)
	expect(notes(onB.doc).length).toBe(total)
	expect(new Set(notes(onB.doc)).size).toBe(total)
	const texts = () => [...readContributions(controlOnB.doc).values()].map((contribution) => contribution.text)
	await waitFor(() => acknowledged.every((text) => texts().includes(text)), 'every answered intent on B', 10_000)
	expect(texts().length).toBe(new Set(texts()).size)
	expect(texts().length).toBe(acknowledged.length)
	expect(writers.flatMap((writer) => writer.closes).filter((code) => code >= 4400 && code < 4500)).toEqual([])

	// The killed process comes back and rejoins: what it serves is what B serves, both ways.
	a = await spawnServer(env(portA))
	const onA = connect(`ws://127.0.0.1:${portA}/ws`, workshop.id, workshop.tokens.facilitator)
	cleanups.push(() => onA.destroy())
	await synced(onA, 10_000)
	await waitFor(() => notes(onA.doc).length === total, 'the restarted process serves every edit', 10_000)
	onA.doc.getArray('notes').push(['après le retour'])
	await waitFor(() => notes(onB.doc).includes('après le retour'), 'its edits reach B again', 10_000)
}, 90_000)
