import type { ChildProcess } from 'node:child_process'
import { afterAll, afterEach, expect, test } from 'vitest'
import type * as Y from 'yjs'
import { readContributions } from '../../shared/workshop/control-document.ts'
import { type AckedWriter, ackedWriter } from '../helpers/acked-writer.ts'
import { createTestDatabase, dropTestDatabases } from '../helpers/postgres.ts'
import { freePort, startRedisServer } from '../helpers/redis-setup.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 20 s (two server processes, a redis-server of its own restarted).

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(dropTestDatabases)

test('[X6] a Redis restart in the middle of a workshop loses nothing acknowledged: both processes catch up from PostgreSQL', async () => {
	const port = await freePort()
	let redis: ChildProcess = (await startRedisServer(port)).child
	cleanups.push(() => {
		redis.kill('SIGKILL')
	})
	const overrides = {
		databaseUrl: await createTestDatabase(),
		redisUrl: `redis://127.0.0.1:${port}`,
		redisKeyPrefix: 'tablee:',
	}
	const a: TestServer = await startTestServer(overrides)
	cleanups.push(() => a.dispose())
	const b: TestServer = await startTestServer(overrides)
	cleanups.push(() => b.dispose())

	const workshop = await createWorkshop(a)
	const facilitator = workshop.tokens.facilitator
	expect((await a.api(`/api/workshops/${workshop.id}/phase`, { token: facilitator, body: { index: 5 } })).status).toBe(
		200,
	)
	const people = await Promise.all([0, 1, 2, 3].map((i) => joinWorkshop(a, workshop, `Personne ${i}`, 'etat')))
	// Two writers on each process, and a watcher of each document on each.
	const writers: AckedWriter[] = people.map((person, i) =>
		ackedWriter((i % 2 ? b : a).wsUrl, workshop.id, person.token),
	)
	const watchers = [a, b].map((server) => ({
		board: connect(server.wsUrl, workshop.id, facilitator),
		control: connect(server.wsUrl, `${workshop.id}/control`, facilitator),
	}))
	cleanups.push(() => {
		for (const writer of writers) writer.provider.destroy()
		for (const watcher of watchers) {
			watcher.board.destroy()
			watcher.control.destroy()
		}
	})
	await Promise.all([
		...writers.map((writer) => synced(writer.provider)),
		...watchers.flatMap((watcher) => [synced(watcher.board), synced(watcher.control)]),
	])

	let round = 0
	const write = () => {
		for (const [i, writer] of writers.entries()) writer.doc.getArray('notes').push([`${i}-${round}`])
		round++
	}
	const propose = async (server: TestServer, i: number, text: string) => {
		const person = people[i]
		const response = await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: person?.token,
			body: { type: 'proposition', zone: 'propositions', column: 'financeurs', text },
		})
		expect(response.status).toBe(201)
	}
	const notes = (doc: Y.Doc) => doc.getArray<string>('notes').length
	const texts = (doc: Y.Doc) => [...readContributions(doc).values()].map((contribution) => contribution.text).sort()

	write()
	await propose(a, 0, 'Avant, sur A')
	await waitFor(() => watchers.every((watcher) => notes(watcher.board.doc) === 4), 'before: shared')

	// Redis dies; the workshop goes on, each process serving its own clients.
	redis.kill('SIGKILL')
	await new Promise((resolve) => redis.once('exit', resolve))
	for (let i = 0; i < 5; i++) write()
	await propose(a, 0, 'Pendant, sur A')
	await propose(b, 1, 'Pendant, sur B')
	await waitFor(() => writers.every((writer) => writer.acknowledged()), 'edits acknowledged without Redis')

	// A new Redis, empty (nothing kept on disk), on the same address.
	redis = (await startRedisServer(port)).child
	write()
	await propose(b, 3, 'Après, sur B')
	const total = round * writers.length
	await waitFor(
		() => watchers.every((watcher) => notes(watcher.board.doc) === total),
		'every acknowledged edit on both processes',
		15_000,
	)
	const expected = ['Après, sur B', 'Avant, sur A', 'Pendant, sur A', 'Pendant, sur B']
	await waitFor(
		() => watchers.every((watcher) => JSON.stringify(texts(watcher.control.doc)) === JSON.stringify(expected)),
		'every intent on both processes',
		15_000,
	)
	for (const watcher of watchers) expect(new Set(watcher.board.doc.getArray('notes').toArray()).size).toBe(total)
}, 60_000)
