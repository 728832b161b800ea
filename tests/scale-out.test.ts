import pg from 'pg'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { readContributions, readResults, readSession } from '../shared/workshop/control-document.ts'
import { readConfig } from '../server/config.ts'
import { createClient } from 'redis'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import { createLogger } from '../server/logger.ts'
import { HEARTBEAT_MS, PROCESS_DEAD_MS } from '../server/scale/redis-room-sharing.ts'
import { LOCK_SPACE } from '../server/store/pg-migrations.ts'
import { openPgStorage } from '../server/store/pg-store.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import { dropTestKeys, testKeyPrefix, testRedisUrl } from './helpers/redis.ts'
import { freePort } from './helpers/redis-setup.ts'
import type { TestServer } from './helpers/test-server.ts'
import { ackedWriter } from './helpers/acked-writer.ts'
import { openRawSocket, updateFrame } from './reliability/raw-socket.ts'
import {
	connect,
	createWorkshop,
	joinWorkshop,
	nextClose,
	startTestServer,
	synced,
	waitFor,
} from './helpers/test-server.ts'

/**
 * Several Tablée processes on one PostgreSQL and one Redis (docs/scale-out.md): two real servers
 * on their own ports, unmodified y-websocket clients on each, intents sent through either.
 */
const running: TestServer[] = []
const providers: { destroy(): void }[] = []

afterEach(async () => {
	for (const provider of providers.splice(0)) provider.destroy()
	for (const server of running.splice(0)) await server.dispose()
	await dropTestKeys()
})
afterAll(async () => {
	await dropTestDatabases()
})

/** `count` processes of one installation: same database, same Redis, same key prefix. */
async function installation(count: number) {
	const databaseUrl = await createTestDatabase()
	const redisKeyPrefix = testKeyPrefix()
	const servers: TestServer[] = []
	for (let index = 0; index < count; index++) {
		const server = await startTestServer({ databaseUrl, redisUrl: testRedisUrl(), redisKeyPrefix })
		running.push(server)
		servers.push(server)
	}
	return servers
}

function client(server: TestServer, room: string, token: string) {
	const provider = connect(server.wsUrl, room, token)
	providers.push(provider)
	return provider
}

/** The board's shapes in a stable order (a Y.Map iterates in no set order). */
const sorted = (doc: Y.Doc) => JSON.stringify(Object.entries(doc.getMap('shapes').toJSON()).sort())

async function call(server: TestServer, workshop: string, pathname: string, token: string, body?: unknown) {
	const response = await server.api(`/api/workshops/${workshop}${pathname}`, { token, body })
	return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('configuration', () => {
	test('[X1] REDIS_URL without DATABASE_URL is refused at start, naming both variables', () => {
		const refused = readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })
		expect(refused.ok).toBe(false)
		expect(!refused.ok && refused.error).toMatch(/REDIS_URL.*DATABASE_URL/s)
		const wrong = readConfig({ REDIS_URL: 'http://redis', DATABASE_URL: 'postgresql://root@localhost/tablee' })
		expect(!wrong.ok && wrong.error).toMatch(/REDIS_URL: must be a Redis connection string/)
		const both = readConfig({ REDIS_URL: 'redis://redis:6379', DATABASE_URL: 'postgresql://root@localhost/tablee' })
		expect(both.ok && both.value.redisUrl).toBe('redis://redis:6379')
	})

	test('[X1] a Redis that does not answer stops the server at start, naming REDIS_URL', async () => {
		const databaseUrl = await createTestDatabase()
		const port = await freePort()
		await expect(startTestServer({ databaseUrl, redisUrl: `redis://127.0.0.1:${port}` })).rejects.toThrow(
			/^REDIS_URL: cannot reach Redis/,
		)
	})

	test('[X1] with REDIS_URL, a second process on the same database starts (the one-server lock is lifted)', async () => {
		const [first, second] = await installation(2)
		expect(first?.port).not.toBe(second?.port)
		expect((await second?.api('/api/health'))?.status).toBe(200)
		// Never beside a process without REDIS_URL: it would write board snapshots from its memory.
		await expect(startTestServer({ databaseUrl: first?.config.databaseUrl ?? null })).rejects.toThrow(
			/DATABASE_URL: another Tablée server already uses .*set REDIS_URL on every process/,
		)
	})

	test('[X1] a process with REDIS_URL is refused beside one running without it on the same database', async () => {
		const databaseUrl = await createTestDatabase()
		const alone = await startTestServer({ databaseUrl })
		running.push(alone)
		await expect(
			startTestServer({ databaseUrl, redisUrl: testRedisUrl(), redisKeyPrefix: testKeyPrefix() }),
		).rejects.toThrow(/DATABASE_URL: a Tablée server without REDIS_URL .* all need REDIS_URL/)
	})
})

describe('two processes, one workshop', () => {
	test('[X2] board edits made on either process converge on both, and presence crosses processes', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		const alice = await joinWorkshop(a, workshop, 'Alice', 'assos-benevoles')
		const bob = await joinWorkshop(b, workshop, 'Bob', 'etat')
		const onA = client(a, workshop.id, alice.token)
		const onB = client(b, workshop.id, bob.token)
		await Promise.all([synced(onA), synced(onB)])

		onA.doc.getMap('shapes').set('from-a', { text: 'écrit sur A' })
		onB.doc.getMap('shapes').set('from-b', { text: 'écrit sur B' })
		for (let index = 0; index < 20; index++) onB.doc.getMap('shapes').set(`b-${index}`, index)
		const same = () => onA.doc.getMap('shapes').size === 22 && sorted(onA.doc) === sorted(onB.doc)
		await waitFor(same, 'both processes converge')

		onA.awareness.setLocalStateField('presence', { cursor: { x: 1, y: 2 } })
		await waitFor(
			() => [...onB.awareness.getStates().values()].some((state) => state.user?.participantId === alice.participantId),
			'Alice’s presence reaches a client of the other process',
		)
		// Leaving is seen too.
		onA.destroy()
		await waitFor(
			() => ![...onB.awareness.getStates().values()].some((state) => state.user?.participantId === alice.participantId),
			'Alice’s departure reaches the other process',
		)

		// A client joining later, on either process, gets everything from the store.
		const late = client(a, workshop.id, bob.token)
		await synced(late)
		await waitFor(() => late.doc.getMap('shapes').size === 22, 'a late client gets the whole board')
	})

	test('[X3] a contribution, a phase change and a revealed tally made through one process reach clients of the other', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		const facilitator = workshop.tokens.facilitator
		const alice = await joinWorkshop(a, workshop, 'Alice', 'assos-benevoles')
		const bob = await joinWorkshop(b, workshop, 'Bob', 'etat')
		const watchB = client(b, `${workshop.id}/control`, bob.token)
		const watchA = client(a, `${workshop.id}/control`, alice.token)
		await Promise.all([synced(watchA), synced(watchB)])

		// A private draft written through A is its author's on B too (server-only state, read per request).
		expect((await call(a, workshop.id, '/phase', facilitator, { index: 2 })).status).toBe(200)
		const draft = await call(a, workshop.id, '/contributions', alice.token, {
			type: 'besoin',
			zone: 'grille-besoins',
			row: 'r1',
			column: 'c2',
			text: 'Brouillon écrit sur A',
		})
		expect(draft.status).toBe(201)
		const mineOnB = async () =>
			JSON.stringify(
				await (await b.api(`/api/workshops/${workshop.id}/contributions/mine`, { token: alice.token })).json(),
			)
		await waitFor(async () => (await mineOnB()).includes('Brouillon écrit sur A'), 'the draft is Alice’s on B')

		expect((await call(a, workshop.id, '/phase', facilitator, { index: 5 })).status).toBe(200)
		await waitFor(() => readSession(watchB.doc).phaseIndex === 5, 'the phase change reaches process B')
		const made = await call(b, workshop.id, '/contributions', bob.token, {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			text: 'Proposée sur B',
		})
		expect(made.status).toBe(201)
		const id = (made.body.contribution as { id: string }).id
		await waitFor(() => readContributions(watchA.doc).get(id)?.text === 'Proposée sur B', 'the contribution reaches A')
		// The author is known on A too (server-only state): Bob edits his own proposal through A.
		const edited = await a.api(`/api/workshops/${workshop.id}/contributions/${id}`, {
			token: bob.token,
			method: 'PATCH',
			body: { text: 'Précisée sur A' },
		})
		expect(edited.status).toBe(200)
		const notHers = await a.api(`/api/workshops/${workshop.id}/contributions/${id}`, {
			token: alice.token,
			method: 'PATCH',
			body: { text: 'x' },
		})
		expect(notHers.status).toBe(403)

		expect(
			(
				await call(b, workshop.id, '/vote/open', facilitator, {
					budget: 3,
					maxPerProposal: 2,
					banOwn: false,
					anonymous: true,
				})
			).status,
		).toBe(200)
		expect((await call(a, workshop.id, '/phase', facilitator, { index: 6 })).status).toBe(200)
		expect((await call(a, workshop.id, '/vote/ballot', alice.token, { allocation: { [id]: 2 } })).status).toBe(200)
		// Bob's ballot goes through B, which must see Alice's, taken by A, to count both.
		expect((await call(b, workshop.id, '/vote/ballot', bob.token, { allocation: { [id]: 1 } })).status).toBe(200)
		expect((await call(a, workshop.id, '/vote/close', facilitator, {})).status).toBe(200)
		expect((await call(b, workshop.id, '/vote/reveal', facilitator, {})).status).toBe(200)
		await waitFor(() => readResults(watchA.doc).tally !== null, 'the tally revealed through B reaches A')
		const tallyA = readResults(watchA.doc).tally
		await waitFor(() => readResults(watchB.doc).tally !== null, 'and B')
		expect(JSON.stringify(readResults(watchB.doc).tally)).toBe(JSON.stringify(tallyA))
		expect(JSON.stringify(tallyA)).toContain(id)
		expect(tallyA?.voters).toBe(2)
	})

	test('[X4] intents committed at the same time through two processes are all stored once, and both processes agree', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		await call(a, workshop.id, '/phase', workshop.tokens.facilitator, { index: 5 })
		const people = await Promise.all(
			Array.from({ length: 10 }, (_, index) => joinWorkshop(index % 2 ? b : a, workshop, `P${index}`, 'etat')),
		)
		const sent = await Promise.all(
			people.flatMap((person, index) =>
				[0, 1].map(async (round) => {
					const through = (index + round) % 2 ? b : a
					const response = await through.api(`/api/workshops/${workshop.id}/contributions`, {
						token: person.token,
						body: { type: 'proposition', zone: 'propositions', column: 'financeurs', text: `P${index}-${round}` },
						headers: { 'idempotency-key': `key-${index}-${round}-${workshop.id.slice(0, 6)}` },
					})
					return response.status
				}),
			),
		)
		expect(sent.every((status) => status === 201)).toBe(true)
		// A replay through the other process gets the same answer and adds nothing.
		const replay = await b.api(`/api/workshops/${workshop.id}/contributions`, {
			token: people[0]?.token,
			body: { type: 'proposition', zone: 'propositions', column: 'financeurs', text: 'P0-0' },
			headers: { 'idempotency-key': `key-0-0-${workshop.id.slice(0, 6)}` },
		})
		expect(replay.status).toBe(201)
		expect(replay.headers.get('idempotent-replayed')).toBe('true')

		const watchA = client(a, `${workshop.id}/control`, workshop.tokens.facilitator)
		const watchB = client(b, `${workshop.id}/control`, workshop.tokens.facilitator)
		await Promise.all([synced(watchA), synced(watchB)])
		const texts = (doc: Y.Doc) =>
			[...readContributions(doc).values()]
				.map((contribution) => contribution.text)
				.sort()
				.join(',')
		await waitFor(() => readContributions(watchA.doc).size === 20, 'all twenty on A')
		await waitFor(() => texts(watchB.doc) === texts(watchA.doc), 'B agrees with A')
		expect(new Set(texts(watchA.doc).split(',')).size).toBe(20)
		// What a third process loads from the store is the same.
		const [c] = [await startTestServer({ ...a.config, port: 0 })]
		if (!c) throw new Error('third server')
		running.push(c)
		const watchC = client(c, `${workshop.id}/control`, workshop.tokens.facilitator)
		await synced(watchC)
		await waitFor(() => texts(watchC.doc) === texts(watchA.doc), 'a third process loads the same')
	})
})

describe('a process that falls silent', () => {
	test('[X5] what a process stored but never shared (it died first) reaches the others once it falls silent', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		const alice = await joinWorkshop(b, workshop, 'Alice', 'assos-benevoles')
		const onB = client(b, workshop.id, alice.token)
		await synced(onB)
		// An edit in A's log that never went to a stream, as when A dies between the two.
		const writer = new Y.Doc()
		writer.getMap('shapes').set('stocké, jamais partagé', true)
		const storage = await openPgStorage(a.config.databaseUrl ?? '', { exclusive: false, secret: null })
		try {
			await storage.workshops.appendUpdates(workshop.id, 'board', [Y.encodeStateAsUpdate(writer)])
		} finally {
			await storage.close()
		}
		running.splice(running.indexOf(a), 1)
		await a.dispose()
		await waitFor(
			() => onB.doc.getMap('shapes').has('stocké, jamais partagé'),
			'B catches up from the database once A is silent',
			PROCESS_DEAD_MS + 3 * HEARTBEAT_MS + 2000,
		)
	}, 30_000)
})

describe('a client that comes back through another process', () => {
	test('[X12] edits of others it brings that were stored but not yet shared are judged after a catch-up from the database: accepted, while a forged one is still refused with 4400', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		const bob = await joinWorkshop(a, workshop, 'Bob', 'etat')
		const alice = await joinWorkshop(b, workshop, 'Alice', 'assos-benevoles')
		const watcher = client(b, workshop.id, workshop.tokens.facilitator)
		await synced(watcher)
		// Bob writes through A; B learns his client id with his first edit.
		const onA = client(a, workshop.id, bob.token)
		await synced(onA)
		onA.doc.getMap('shapes').set('bob 1', true)
		await waitFor(() => watcher.doc.getMap('shapes').has('bob 1'), "Bob's first edit on B")
		// His second edit is stored by A, which dies before sharing it; Alice had received it.
		onA.disconnect()
		const before = Y.encodeStateVector(onA.doc)
		onA.doc.getMap('shapes').set('bob 2', true)
		const storage = await openPgStorage(a.config.databaseUrl ?? '', { exclusive: false, secret: null })
		try {
			await storage.workshops.appendUpdates(workshop.id, 'board', [Y.encodeStateAsUpdate(onA.doc, before)])
		} finally {
			await storage.close()
		}
		expect(watcher.doc.getMap('shapes').has('bob 2')).toBe(false)
		const aliceDoc = new Y.Doc()
		Y.applyUpdate(aliceDoc, Y.encodeStateAsUpdate(onA.doc))
		aliceDoc.getMap('shapes').set('alice', true)
		// She reconnects to B: her sync answer carries Bob's unshared edit under Bob's id.
		const writer = ackedWriter(b.wsUrl, workshop.id, alice.token, aliceDoc)
		providers.push(writer.provider)
		await waitFor(() => writer.acknowledged(), "Alice's edits acknowledged by B")
		expect(writer.closes).toEqual([])
		for (const key of ['bob 1', 'bob 2', 'alice'])
			await waitFor(() => watcher.doc.getMap('shapes').has(key), `${key} on B`)

		// A write under Bob's id that nobody stored is refused after the catch-up, as R14 says.
		const forged = new Y.Doc()
		Y.applyUpdate(forged, Y.encodeStateAsUpdate(onA.doc))
		// After the update: Yjs gives a document a new id when a remote update writes under its own.
		forged.clientID = onA.doc.clientID
		const socket = await openRawSocket(b.port, `/ws/${workshop.id}?token=${alice.token}`)
		try {
			socket.sendFrames([updateFrame(forged, 'forged under Bob')])
			await waitFor(() => socket.closeCode() !== null, 'the forged update refused')
			expect(socket.closeCode()).toBe(CloseCode.badMessage)
			expect(watcher.doc.getMap('records').has('forged under Bob')).toBe(false)
		} finally {
			socket.destroy()
		}
	}, 30_000)
})

describe('deletion', () => {
	test('[X8] a workshop deleted through one process closes its sockets on every process with 4410, and nothing more is stored for it', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		const alice = await joinWorkshop(b, workshop, 'Alice', 'assos-benevoles')
		const onB = client(b, workshop.id, alice.token)
		const controlOnB = client(b, `${workshop.id}/control`, alice.token)
		await Promise.all([synced(onB), synced(controlOnB)])
		onB.doc.getMap('shapes').set('avant', 1)
		const closes = [nextClose(onB), nextClose(controlOnB)]
		const deleted = await a.api(`/api/workshops/${workshop.id}`, {
			method: 'DELETE',
			token: workshop.tokens.facilitator,
		})
		expect(deleted.status).toBe(200)
		expect((await Promise.all(closes)).map((close) => close.code)).toEqual([4410, 4410])
		// Gone for every process: nothing is served, nothing is left in the database.
		expect((await b.api(`/api/workshops/${workshop.id}`, { token: alice.token })).status).toBe(404)
		const db = new pg.Client({ connectionString: a.config.databaseUrl ?? '' })
		await db.connect()
		try {
			const left = async () =>
				(
					await db.query<{ n: number }>('SELECT count(*)::int AS n FROM workshop_updates WHERE workshop = $1', [
						workshop.id,
					])
				).rows[0]?.n
			await waitFor(async () => (await left()) === 0, 'no update of the workshop left in the database')
		} finally {
			await db.end()
		}
	})
})

describe('ballots through two processes', () => {
	test('[X7] 100 ballots sent at once, half through each process, some replayed and some over budget: each voter counted once, over-budget ballots refused, the same totals on both processes', async () => {
		const [a, b] = await installation(2)
		if (!a || !b) throw new Error('two servers')
		const workshop = await createWorkshop(a)
		const facilitator = workshop.tokens.facilitator
		await call(a, workshop.id, '/phase', facilitator, { index: 5 })
		const proposals: string[] = []
		for (let i = 0; i < 3; i++) {
			const made = await call(i % 2 ? b : a, workshop.id, '/contributions', facilitator, {
				type: 'proposition',
				zone: 'propositions',
				column: 'financeurs',
				text: `Proposition ${i}`,
			})
			proposals.push((made.body.contribution as { id: string }).id)
		}
		const open = await call(b, workshop.id, '/vote/open', facilitator, {
			budget: 3,
			maxPerProposal: 3,
			banOwn: false,
			anonymous: true,
		})
		expect(open.status).toBe(200)
		await call(a, workshop.id, '/phase', facilitator, { index: 6 })
		const colleges = ['assos-benevoles', 'assos-salaries', 'etat', 'collectivites', 'protection-sociale']
		const voters = await Promise.all(
			Array.from({ length: 70 }, (_, i) => joinWorkshop(i % 2 ? b : a, workshop, `Votant ${i}`, colleges[i % 5])),
		)
		// 60 ballots, 25 of them replayed through the other process with the same key, and 15 over
		// budget from the 10 other voters: 100 requests, all at once.
		const ballot = (i: number) => ({ [proposals[i % 3] ?? '']: 1 + (i % 3) })
		const send = (server: TestServer, i: number, allocation: Record<string, number>, key: string) =>
			server
				.api(`/api/workshops/${workshop.id}/vote/ballot`, {
					token: voters[i]?.token,
					body: { allocation },
					headers: { 'idempotency-key': key },
				})
				.then((response) => ({ i, status: response.status, replayed: response.headers.get('idempotent-replayed') }))
		const requests = [
			...Array.from({ length: 60 }, (_, i) => send(i % 2 ? b : a, i, ballot(i), `ballot-${i}-key`)),
			...Array.from({ length: 25 }, (_, i) => send(i % 2 ? a : b, i, ballot(i), `ballot-${i}-key`)),
			...Array.from({ length: 15 }, (_, n) =>
				send(n % 2 ? a : b, 60 + (n % 10), { [proposals[0] ?? '']: 2, [proposals[1] ?? '']: 2 }, `over-${n}-key`),
			),
		]
		expect(requests).toHaveLength(100)
		const answers = await Promise.all(requests)
		expect(answers.slice(0, 85).every((answer) => answer.status === 200)).toBe(true)
		expect(answers.slice(0, 85).filter((answer) => answer.replayed === 'true')).toHaveLength(25)
		expect(answers.slice(85).every((answer) => answer.status === 409)).toBe(true)

		expect((await call(a, workshop.id, '/vote/close', facilitator, {})).status).toBe(200)
		expect((await call(b, workshop.id, '/vote/reveal', facilitator, {})).status).toBe(200)
		const watchA = client(a, `${workshop.id}/control`, facilitator)
		const watchB = client(b, `${workshop.id}/control`, facilitator)
		await Promise.all([synced(watchA), synced(watchB)])
		await waitFor(() => readResults(watchA.doc).tally !== null && readResults(watchB.doc).tally !== null, 'tallies')
		const tally = readResults(watchA.doc).tally
		expect(JSON.stringify(readResults(watchB.doc).tally)).toBe(JSON.stringify(tally))
		expect(tally?.voters).toBe(60)
		const dots = Array.from({ length: 60 }, (_, i) => 1 + (i % 3)).reduce((sum, n) => sum + n, 0)
		expect(tally?.proposals.reduce((sum, proposal) => sum + proposal.dots, 0)).toBe(dots)
		// Counted by the rows the database protects (S13), one per voter, whichever process wrote them.
		const database = new pg.Client({ connectionString: a.config.databaseUrl ?? '' })
		await database.connect()
		try {
			const { rows } = await database.query<{ ballots: string; voters: string }>(
				'SELECT count(*) AS ballots, count(DISTINCT voter) AS voters FROM workshop_ballots WHERE workshop = $1',
				[workshop.id],
			)
			expect(rows[0]).toEqual({ ballots: '60', voters: '60' })
		} finally {
			await database.end()
		}
	})
})

describe('retention with several processes', () => {
	test('[X10] one process of an installation runs a retention sweep: never two at once, and not again hours later', async () => {
		const databaseUrl = await createTestDatabase()
		const redisKeyPrefix = testKeyPrefix()
		const lines: string[] = []
		const servers: TestServer[] = []
		for (let index = 0; index < 2; index++) {
			const server = await startTestServer(
				{ databaseUrl, redisUrl: testRedisUrl(), redisKeyPrefix, retentionDays: 30 },
				{ logger: createLogger('info', (line) => lines.push(line)) },
			)
			running.push(server)
			servers.push(server)
		}
		const [a, b] = servers as [TestServer, TestServer]
		const count = (event: string) => lines.filter((line) => line.includes(`"${event}"`)).length
		// At start: the first process swept (an empty database), the second found its mark.
		await waitFor(() => count('privacy.retention_sweep') + count('privacy.retention_skipped') === 2, 'start sweeps')
		expect(count('privacy.retention_sweep')).toBe(1)
		expect(count('privacy.retention_skipped')).toBe(1)

		// A workshop held in January, due 30 days later.
		const workshop = await createWorkshop(a, { date: '2026-01-10' })
		const mark = `${redisKeyPrefix}retention:swept`
		const redis = createClient({ url: testRedisUrl() })
		await redis.connect()
		const database = new pg.Client({ connectionString: databaseUrl })
		await database.connect()
		try {
			// Still marked: a sweep a few hours later elsewhere reads nothing.
			expect((await b.retention.sweep()).skipped).toBe(true)

			// The mark gone (expired, or Redis lost it): a sweep runs, but not while another
			// process holds the sweep's lock.
			await redis.del(mark)
			await database.query('SELECT pg_advisory_lock($1, 0)', [LOCK_SPACE.retention])
			expect((await a.retention.sweep()).skipped).toBe(true)
			expect((await b.retention.sweep()).skipped).toBe(true)
			await database.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_SPACE.retention])

			// Both processes' schedules at once: one sweeps and anonymises, the other skips.
			const reports = await Promise.all([a.retention.sweep(), b.retention.sweep()])
			const ran = reports.filter((report) => !report.skipped)
			expect(ran).toHaveLength(1)
			expect(ran[0]?.anonymised).toEqual([workshop.id])
			expect(count('privacy.anonymised')).toBe(1)
			expect(await redis.exists(mark)).toBe(1)
		} finally {
			await database.end()
			await redis.quit()
		}
	})
})

describe('client ids claimed through two processes', () => {
	test('[X11] two participants claiming one new client id through two processes at once: the first claim stored wins, the other is refused with 4400 and leaves no trace', async () => {
		const [a, b] = (await installation(2)) as [TestServer, TestServer]
		const workshop = await createWorkshop(a)
		const first = await joinWorkshop(a, workshop, 'Première', 'etat')
		const second = await joinWorkshop(b, workshop, 'Seconde', 'etat')
		const watchers = [
			client(a, workshop.id, workshop.tokens.facilitator),
			client(b, workshop.id, workshop.tokens.facilitator),
		]
		await Promise.all(watchers.map((watcher) => synced(watcher)))
		// No presence (raw sockets): neither process can learn the other's claim before the database.
		const sockets = [
			await openRawSocket(a.port, `/ws/${workshop.id}?token=${first.token}`),
			await openRawSocket(b.port, `/ws/${workshop.id}?token=${second.token}`),
		]
		const docs = [new Y.Doc(), new Y.Doc()]
		for (const doc of docs) doc.clientID = 424242
		const keys = ['shape:first', 'shape:second']
		const database = new pg.Client({ connectionString: a.config.databaseUrl ?? '' })
		await database.connect()
		try {
			// Claims wait while the test holds the table: both processes accept their update, each
			// unaware of the other's, and their claims reach the database together.
			await database.query('BEGIN')
			await database.query('LOCK TABLE workshop_clients IN SHARE ROW EXCLUSIVE MODE')
			for (const [index, socket] of sockets.entries()) {
				socket.sendFrames([updateFrame(docs[index] as Y.Doc, keys[index] as string)])
				await new Promise((resolve) => setTimeout(resolve, 150))
			}
			expect(sockets.map((socket) => socket.closeCode())).toEqual([null, null])
			await database.query('COMMIT')

			await waitFor(() => sockets.some((socket) => socket.closeCode() !== null), 'the later claimant refused')
			const codes = sockets.map((socket) => socket.closeCode())
			expect(codes.filter((code) => code === CloseCode.badMessage)).toHaveLength(1)
			const winner = codes.indexOf(null)
			expect(winner).toBeGreaterThanOrEqual(0)
			const { rows } = await database.query<{ participant: string }>(
				'SELECT participant FROM workshop_clients WHERE workshop = $1 AND client = 424242',
				[workshop.id],
			)
			expect(rows).toHaveLength(1)

			// Every process shows the winner's edit and never the loser's, and so does a process
			// loading the workshop from the database afterwards.
			const wins = keys[winner] as string
			const loses = keys[1 - winner] as string
			const shows = (doc: Y.Doc) => doc.getMap('records').has(wins) && !doc.getMap('records').has(loses)
			await waitFor(() => watchers.every((watcher) => shows(watcher.doc)), 'the winner on both processes')
			const late = await startTestServer({
				databaseUrl: a.config.databaseUrl,
				redisUrl: testRedisUrl(),
				redisKeyPrefix: a.config.redisKeyPrefix,
			})
			running.push(late)
			const fresh = [
				client(a, workshop.id, workshop.tokens.facilitator),
				client(b, workshop.id, workshop.tokens.facilitator),
				client(late, workshop.id, workshop.tokens.facilitator),
			]
			await Promise.all(fresh.map((provider) => synced(provider)))
			for (const provider of fresh) expect(shows(provider.doc)).toBe(true)
		} finally {
			await database.end()
		}
	})
})
