import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { readConfig } from '../server/config.ts'
import { SCHEMA_VERSION } from '../server/store/pg-migrations.ts'
import { openPgStorage } from '../server/store/pg-store.ts'
import type { Storage } from '../server/store/storage.ts'
import { createRecord } from '../server/store/workshop-store.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import { createWorkshop, joinWorkshop, startTestServer, testConfig } from './helpers/test-server.ts'
import { startServer } from '../server/server.ts'

const opened: Storage[] = []
afterAll(async () => {
	for (const storage of opened.splice(0)) await storage.close?.()
	await dropTestDatabases()
})

async function open(url: string, exclusive = false) {
	const storage = await openPgStorage(url, { exclusive, secret: null })
	opened.push(storage)
	return storage
}

async function count(url: string, sql: string): Promise<number> {
	const client = new pg.Client({ connectionString: url })
	await client.connect()
	try {
		const { rows } = await client.query<{ n: string }>(sql)
		return Number(rows[0]?.n)
	} finally {
		await client.end()
	}
}

const png = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
)

describe('[S6] DATABASE_URL selects PostgreSQL', () => {
	test('a value that is not a PostgreSQL connection string is refused, naming the variable', () => {
		for (const value of ['mysql://root@localhost/tablee', 'not a url', 'postgresql://db.example.org:port/tablee']) {
			const config = readConfig({ DATABASE_URL: value })
			expect(config.ok || config.error).toContain('DATABASE_URL')
		}
		const good = readConfig({ DATABASE_URL: 'postgresql://tablee:secret@db.example.org:5433/tablee?sslmode=require' })
		expect(good.ok && good.value.databaseUrl).toBe(
			'postgresql://tablee:secret@db.example.org:5433/tablee?sslmode=require',
		)
		expect(readConfig({}).ok && readConfig({})).toMatchObject({ value: { databaseUrl: null } })
	})

	test('a database that does not answer stops the server at start, naming the variable', async () => {
		const config = await testConfig({ databaseUrl: 'postgresql://root@127.0.0.1:1/tablee?connect_timeout=2' })
		await expect(startServer(config)).rejects.toThrow(/DATABASE_URL: cannot reach 127\.0\.0\.1:1\/tablee/)
	})

	test('sslmode and the other parameters of the URL are honoured', async () => {
		const databaseUrl = await createTestDatabase()
		const name = `tablee-${randomBytes(4).toString('hex')}`
		const server = await startTestServer({ databaseUrl: `${databaseUrl}?application_name=${name}&sslmode=disable` })
		try {
			const sessions = await count(
				databaseUrl,
				`SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = '${name}' AND NOT s.ssl`,
			)
			expect(sessions).toBeGreaterThan(0)
		} finally {
			await server.dispose()
		}
		// sslmode=require: encrypted sessions where the server offers TLS, a refusal naming the
		// variable where it does not (this machine's PostgreSQL answers SSL off or on).
		const sslOn = (await count(databaseUrl, `SELECT (current_setting('ssl') = 'on')::int AS n`)) === 1
		const required = `${databaseUrl}?sslmode=require&application_name=${name}-tls`
		if (sslOn) {
			const secure = await startTestServer({ databaseUrl: required })
			try {
				const sessions = await count(
					databaseUrl,
					`SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = '${name}-tls' AND s.ssl`,
				)
				expect(sessions).toBeGreaterThan(0)
			} finally {
				await secure.dispose()
			}
		} else {
			await expect(startServer(await testConfig({ databaseUrl: required }))).rejects.toThrow(
				/DATABASE_URL: cannot reach .*: The server does not support SSL connections/,
			)
		}
	})

	test('workshops, tokens, board files and the secret live in the database and survive a restart; DATA_DIR stays empty', async () => {
		const databaseUrl = await createTestDatabase()
		const first = await startTestServer({ databaseUrl, secret: null })
		let workshop: Awaited<ReturnType<typeof createWorkshop>>
		let src: string
		try {
			workshop = await createWorkshop(first)
			const alice = await joinWorkshop(first, workshop, 'Alice')
			const uploaded = await fetch(`${first.url}/api/workshops/${workshop.id}/assets`, {
				method: 'POST',
				headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'image/png' },
				body: png,
			})
			expect(uploaded.status).toBe(201)
			src = ((await uploaded.json()) as { src: string }).src
			await first.registry.closeAll()
			expect(await readdir(first.config.dataDir).catch(() => [])).toEqual([])
		} finally {
			await first.dispose()
		}
		const second = await startTestServer({ databaseUrl, secret: null })
		try {
			// The same secret: the links made by the first server still open the workshop.
			const joined = await joinWorkshop(second, workshop, 'Bruno')
			expect(joined.token).toBeTruthy()
			const served = await fetch(`${second.url}${src}`)
			expect(Buffer.from(await served.arrayBuffer())).toEqual(png)
		} finally {
			await second.dispose()
		}
		expect(await count(databaseUrl, 'SELECT count(*) AS n FROM workshops')).toBe(1)
	})
})

describe('[S7] migrations', () => {
	test('a fresh database is migrated to the current version, and opening it again changes nothing', async () => {
		const url = await createTestDatabase()
		await open(url)
		await open(url)
		expect(await count(url, 'SELECT max(version) AS n FROM tablee_migrations')).toBe(SCHEMA_VERSION)
		expect(await count(url, 'SELECT count(*) AS n FROM tablee_migrations')).toBe(SCHEMA_VERSION)
	})

	test('a database migrated by a newer Tablée is refused with a clear message', async () => {
		const url = await createTestDatabase()
		await open(url)
		await count(url, `INSERT INTO tablee_migrations (version) VALUES (${SCHEMA_VERSION + 1}) RETURNING 1 AS n`)
		await expect(openPgStorage(url, { exclusive: false, secret: null })).rejects.toThrow(
			new RegExp(`DATABASE_URL: the database schema is at version ${SCHEMA_VERSION + 1}, newer than this Tablée knows`),
		)
	})
})

describe('[S8] one server per database', () => {
	test('a second server on the same DATABASE_URL is refused while the first runs, and starts once it stopped', async () => {
		const databaseUrl = await createTestDatabase()
		const first = await startTestServer({ databaseUrl })
		try {
			await expect(startServer(await testConfig({ databaseUrl }))).rejects.toThrow(
				/DATABASE_URL: another Tablée server already uses/,
			)
		} finally {
			await first.dispose()
		}
		const second = await startTestServer({ databaseUrl })
		await second.dispose()
	})

	test('the workshop lock holds across two stores on one database (as two processes would)', async () => {
		const url = await createTestDatabase()
		const [a, b] = [await open(url), await open(url)]
		const events: string[] = []
		let release: () => void = () => undefined
		let entered: () => void = () => undefined
		const inside = new Promise<void>((resolve) => (entered = resolve))
		const held = a.workshops.lock('aaaaaaaaaaaa', async () => {
			events.push('a in')
			entered()
			await new Promise<void>((resolve) => (release = resolve))
			events.push('a out')
		})
		await inside
		const waiting = b.workshops.lock('aaaaaaaaaaaa', async () => {
			events.push('b in')
		})
		// b cannot enter while a holds the lock: another workshop's lock, taken meanwhile, proves b was asked first.
		await b.workshops.lock('bbbbbbbbbbbb', async () => events.push('other'))
		release()
		await Promise.all([held, waiting])
		expect(events).toEqual(['a in', 'other', 'a out', 'b in'])
	})
})

describe('[S9] the update log on PostgreSQL', () => {
	test('an update appended again (a replay) stores nothing new; a compaction empties the log', async () => {
		const url = await createTestDatabase()
		const storage = await open(url)
		const id = randomBytes(6)
			.toString('hex')
			.replace(/[^a-z0-9]/g, 'a')
		await storage.workshops.save(
			createRecord({ id, linkGeneration: 0, board: new Uint8Array([0, 0]), control: new Uint8Array([0, 0]) }),
			null,
		)
		const doc = new Y.Doc()
		doc.getMap('cards').set('c1', 'one')
		const update = Y.encodeStateAsUpdate(doc)
		await storage.workshops.appendUpdates(id, 'board', [update])
		await Promise.all([
			storage.workshops.appendUpdates(id, 'board', [update]),
			storage.workshops.appendUpdates(id, 'board', [update, update]),
		])
		expect(await count(url, 'SELECT count(*) AS n FROM workshop_updates')).toBe(1)
		expect(await storage.workshops.compact(id)).toEqual({ ok: true, value: { revision: 2 } })
		expect(await count(url, 'SELECT count(*) AS n FROM workshop_updates')).toBe(0)
		const loaded = await storage.workshops.load(id)
		const state = new Y.Doc()
		if (loaded.ok && loaded.value) Y.applyUpdate(state, Buffer.from(loaded.value.board, 'base64'))
		expect(state.getMap('cards').toJSON()).toEqual({ c1: 'one' })
	})
})

describe('[S10] the database lost at run time', () => {
	/** Cuts the server off its database: new connections refused, open ones ended. */
	async function cut(url: string, allow: boolean) {
		const name = new URL(url).pathname.slice(1)
		const admin = new URL(url)
		admin.pathname = '/postgres'
		const client = new pg.Client({ connectionString: admin.toString() })
		await client.connect()
		try {
			await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${allow}`)
			if (!allow) {
				await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name])
			}
		} finally {
			await client.end()
		}
	}

	test('health answers 503 degraded and intents 503, to be retried with success once it is back', async () => {
		const databaseUrl = await createTestDatabase()
		const server = await startTestServer({ databaseUrl })
		try {
			const workshop = await createWorkshop(server)
			const alice = await joinWorkshop(server, workshop, 'Alice')
			expect((await server.api('/api/health')).status).toBe(200)
			await cut(databaseUrl, false)
			const health = await server.api('/api/health')
			expect(health.status).toBe(503)
			expect(await health.json()).toMatchObject({ status: 'degraded', reason: expect.stringContaining('database') })
			expect(await (await server.api('/api/metrics')).text()).toMatch(/^tablee_storage_up 0$/m)
			const body = { type: 'idee', zone: 'parking', text: 'Une idée gardée' }
			const headers = { 'idempotency-key': 'k-lost-database' }
			const refused = await server.api(`/api/workshops/${workshop.id}/contributions`, {
				token: alice.token,
				body,
				headers,
			})
			expect(refused.status).toBe(503)
			expect(await refused.json()).toMatchObject({ error: { code: expect.stringMatching(/unavailable/) } })
			await cut(databaseUrl, true)
			const retried = await server.api(`/api/workshops/${workshop.id}/contributions`, {
				token: alice.token,
				body,
				headers,
			})
			expect(retried.status).toBe(201)
			expect((await server.api('/api/health')).status).toBe(200)
			expect(await (await server.api('/api/metrics')).text()).toMatch(/^tablee_storage_up 1$/m)
		} finally {
			await cut(databaseUrl, true)
			await server.dispose()
		}
	})
})
