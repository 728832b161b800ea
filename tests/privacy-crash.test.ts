import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { PAPER_NAME, PEOPLE, runWorkshop } from './helpers/full-workshop.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import type { ServerProcess } from './helpers/server-process.ts'
import { freePort, spawnServer } from './helpers/server-process.ts'
import { apiAt, TEST_SECRET } from './helpers/test-server.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(() => dropTestDatabases())

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9])

/** What is stored of one workshop: all of it, or none of it. */
interface StoredState {
	record: boolean
	assets: boolean
	/** The synthesis that included it says it was deleted. */
	marked: boolean
	/** Deletions still written down as under way. */
	journal: number
}

/**
 * Where a server process keeps its data, read from outside the process as a restarted server
 * would find it: the files of DATA_DIR, or the rows of a PostgreSQL database.
 */
interface Backend {
	env: Record<string, string>
	stateOf(id: string, synthesis: string): Promise<StoredState>
	/** The stored control document state (what an anonymisation rewrites). */
	controlOf(id: string): Promise<Buffer>
	/** Leaves the exact state a crash right after a deletion's commit point leaves. */
	crashAfterCommit(id: string): Promise<void>
}

const marked = (record: unknown) =>
	(record as { origins: { deletedAt: string | null }[] }).origins.some((origin) => origin.deletedAt !== null)

async function filesBackend(): Promise<Backend> {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-privacy-crash-'))
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
	return {
		env: { DATA_DIR: dataDir },
		stateOf: async (id, synthesis) => {
			const assets = path.join(dataDir, 'assets', id)
			const journal = path.join(dataDir, 'deletions')
			return {
				record: existsSync(path.join(dataDir, 'workshops', `${id}.json`)),
				assets: existsSync(assets) && (await readdir(assets)).length > 0,
				marked: marked(JSON.parse(await readFile(path.join(dataDir, 'syntheses', `${synthesis}.json`), 'utf8'))),
				journal: existsSync(journal) ? (await readdir(journal)).length : 0,
			}
		},
		controlOf: async (id) => {
			const file = await readFile(path.join(dataDir, 'workshops', `${id}.json`), 'utf8')
			return Buffer.from((JSON.parse(file) as { control: string }).control, 'base64')
		},
		crashAfterCommit: async (id) => {
			await mkdir(path.join(dataDir, 'deletions'), { recursive: true })
			await writeFile(path.join(dataDir, 'deletions', `${id}.json`), JSON.stringify({ id }))
			await unlink(path.join(dataDir, 'workshops', `${id}.json`))
		},
	}
}

async function postgresBackend(): Promise<Backend> {
	const databaseUrl = await createTestDatabase()
	// DATA_DIR stays empty: with a database, nothing of a deletion may be kept outside it.
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-privacy-crash-pg-'))
	cleanups.push(async () => {
		expect(await readdir(dataDir)).toEqual([])
		await rm(dataDir, { recursive: true, force: true })
	})
	const query = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => {
		const client = new pg.Client({ connectionString: databaseUrl })
		await client.connect()
		try {
			return (await client.query<Row>(sql, values)).rows
		} finally {
			await client.end()
		}
	}
	return {
		env: { DATABASE_URL: databaseUrl, DATA_DIR: dataDir },
		stateOf: async (id, synthesis) => {
			const [row] = await query<{ record: number; assets: number; synthesis: unknown; journal: number }>(
				`SELECT (SELECT count(*)::int FROM workshops WHERE id = $1) AS record,
				        (SELECT count(*)::int FROM assets WHERE workshop = $1) AS assets,
				        (SELECT record FROM syntheses WHERE id = $2) AS synthesis,
				        (SELECT count(*)::int FROM workshop_deletions) AS journal`,
				[id, synthesis],
			)
			if (!row) throw new Error('no answer')
			// A deleted workshop leaves no row in any of its tables.
			const [leftovers] = await query<{ rows: number }>(
				`SELECT (SELECT count(*) FROM workshop_documents WHERE workshop = $1)
				      + (SELECT count(*) FROM workshop_updates WHERE workshop = $1)
				      + (SELECT count(*) FROM workshop_clients WHERE workshop = $1) AS rows`,
				[id],
			)
			if (row.record === 0) expect(Number(leftovers?.rows)).toBe(0)
			return { record: row.record > 0, assets: row.assets > 0, marked: marked(row.synthesis), journal: row.journal }
		},
		controlOf: async (id) => {
			const [row] = await query<{ snapshot: Buffer }>(
				"SELECT snapshot FROM workshop_documents WHERE workshop = $1 AND document = 'control'",
				[id],
			)
			if (!row) throw new Error(`no control document stored for ${id}`)
			return row.snapshot
		},
		crashAfterCommit: async (id) => {
			await query("INSERT INTO workshop_deletions (workshop, requested_at) VALUES ($1, '2026-11-30T00:00:00Z')", [id])
			await query('DELETE FROM workshop_updates WHERE workshop = $1', [id])
			await query('DELETE FROM workshop_clients WHERE workshop = $1', [id])
			await query('DELETE FROM workshops WHERE id = $1', [id])
		},
	}
}

const backends: [string, () => Promise<Backend>][] = [
	['lowdb', filesBackend],
	['postgresql', postgresBackend],
]

async function setup(makeBackend: () => Promise<Backend>) {
	const backend = await makeBackend()
	const port = await freePort()
	const env = { ...backend.env, PORT: String(port), TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test' }
	const api = apiAt(`http://127.0.0.1:${port}`)
	const holder: { running: ServerProcess | null } = { running: null }
	cleanups.push(() => holder.running?.stop())
	const restart = async () => {
		holder.running = await spawnServer(env)
		return holder.running
	}
	return { backend, api, holder, restart }
}

describe.each(backends)('[D5] crashes on %s', (_name, makeBackend) => {
	test('[D5] kill -9 during deletions: after a restart each workshop is whole or entirely gone', async () => {
		const { backend, api, holder, restart } = await setup(makeBackend)
		await restart()
		const outcomes: string[] = []
		for (let round = 0; round < 6; round++) {
			const created = await api('/api/workshops', { body: { title: `Atelier ${round}` } })
			const workshop = (await created.json()) as { id: string; tokens: { facilitator: string } }
			for (let n = 0; n < 20; n++) {
				await fetch(`http://127.0.0.1:${holder.running?.port}/api/workshops/${workshop.id}/assets`, {
					method: 'POST',
					headers: { authorization: `Bearer ${workshop.tokens.facilitator}` },
					body: png,
				})
			}
			const synthesis = (await (
				await api('/api/syntheses', {
					body: { title: 'S', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
				})
			).json()) as { id: string }
			const output = holder.running?.output().length ?? 0
			// Kill at a different moment of the deletion each round: as soon as it is sent, or once the
			// record's removal is logged (the middle: files and synthesis still to do), or a bit later.
			const request = api(`/api/workshops/${workshop.id}`, {
				method: 'DELETE',
				token: workshop.tokens.facilitator,
			}).catch(() => null)
			if (round % 3 === 1) {
				const running = holder.running
				const deadline = Date.now() + 5000
				while (
					running &&
					!running.output().slice(output).includes('privacy.workshop_deleted') &&
					Date.now() < deadline
				) {
					await new Promise((resolve) => setImmediate(resolve))
				}
			} else if (round % 3 === 2) {
				await new Promise((resolve) => setTimeout(resolve, 5 * round))
			}
			await holder.running?.kill9()
			await request
			await restart()
			const state = await backend.stateOf(workshop.id, synthesis.id)
			expect(state.journal).toBe(0)
			const whole = { record: true, assets: true, marked: false, journal: 0 }
			const gone = { record: false, assets: false, marked: true, journal: 0 }
			expect([whole, gone]).toContainEqual(state)
			outcomes.push(
				state.record
					? 'whole'
					: holder.running?.output().includes('deletion_resumed')
						? 'gone (finished at start)'
						: 'gone',
			)
			const answer = await api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
			expect(answer.status).toBe(state.record ? 200 : 404)
		}
		expect(outcomes).toHaveLength(6)
	}, 180_000)

	test('[D5] a deletion interrupted after its commit point is finished at start, before anything is served', async () => {
		const { backend, api, holder, restart } = await setup(makeBackend)
		await restart()
		const created = await api('/api/workshops', { body: { title: 'Atelier' } })
		const workshop = (await created.json()) as { id: string; tokens: { facilitator: string } }
		await fetch(`http://127.0.0.1:${holder.running?.port}/api/workshops/${workshop.id}/assets`, {
			method: 'POST',
			headers: { authorization: `Bearer ${workshop.tokens.facilitator}` },
			body: png,
		})
		const synthesis = (await (
			await api('/api/syntheses', {
				body: { title: 'S', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
			})
		).json()) as { id: string }
		await holder.running?.kill9()
		// The exact state a crash right after the record's removal leaves.
		await backend.crashAfterCommit(workshop.id)
		const running = await restart()
		expect(await backend.stateOf(workshop.id, synthesis.id)).toEqual({
			record: false,
			assets: false,
			marked: true,
			journal: 0,
		})
		expect(running.output()).toContain('privacy.deletion_resumed')
	}, 60_000)

	test('[D5] kill -9 during anonymisations: the stored workshop has every name or none, and always loads', async () => {
		const { backend, api, holder, restart } = await setup(makeBackend)
		await restart()
		const names = [...PEOPLE.map((person) => person.name), PAPER_NAME]
		const outcomes: string[] = []
		for (let round = 0; round < 4; round++) {
			const run = await runWorkshop(api)
			const request = api(`/api/workshops/${run.workshop.id}/anonymise`, {
				token: run.workshop.tokens.facilitator,
				body: {},
			}).catch(() => null)
			await new Promise((resolve) => setTimeout(resolve, 10 * round))
			await holder.running?.kill9()
			await request
			await restart()
			const control = (await backend.controlOf(run.workshop.id)).toString('latin1')
			const present = names.filter((name) => control.includes(Buffer.from(name).toString('latin1')))
			expect([0, names.length]).toContain(present.length)
			// It loads (checksum and Yjs state intact) and reads as one state or the other.
			const answer = await api(`/api/workshops/${run.workshop.id}/privacy`, { token: run.workshop.tokens.facilitator })
			expect(answer.status).toBe(200)
			const { anonymisedAt } = (await answer.json()) as { anonymisedAt: string | null }
			expect(anonymisedAt === null).toBe(present.length > 0)
			outcomes.push(present.length > 0 ? 'old' : 'anonymised')
		}
		expect(outcomes).toHaveLength(4)
	}, 180_000)
})
