import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, test } from 'vitest'
import { openPgStorage } from '../server/store/pg-store.ts'
import { checksumOf, type ServerOnlyState, type WorkshopRecord } from '../server/store/workshop-store.ts'
import { DeletionFiles } from '../server/store/deletion-files.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

afterAll(dropTestDatabases)

const run = promisify(execFile)
const script = path.resolve(import.meta.dirname, '../scripts/migrate.ts')

async function migrate(from: string, to: string) {
	try {
		const { stdout, stderr } = await run(process.execPath, [script, '--from', from, '--to', to])
		return { code: 0, stdout, stderr }
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string }
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
	}
}

/** sha256 of every file under `dir`, by relative path. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
	const result: Record<string, string> = {}
	for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue
		const file = path.join(entry.parentPath, entry.name)
		result[path.relative(dir, file)] = createHash('sha256')
			.update(await readFile(file))
			.digest('hex')
	}
	return result
}

const png = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
)

describe('[S11] npm run migrate moves an embedded installation into PostgreSQL', () => {
	test('copies workshops, board files and the secret, checks them, reports counts, is idempotent and leaves the files as they were', async () => {
		const embedded = await startTestServer({ secret: null })
		const dataDir = embedded.config.dataDir
		try {
			const workshop = await createWorkshop(embedded)
			const alice = await joinWorkshop(embedded, workshop, 'Alice')
			const created = await embedded.api(`/api/workshops/${workshop.id}/contributions`, {
				token: alice.token,
				body: { type: 'idee', zone: 'parking', text: 'Une idée à garder' },
			})
			expect(created.status).toBe(201)
			const contribution = ((await created.json()) as { contribution: { id: string } }).contribution.id
			const uploaded = await fetch(`${embedded.url}/api/workshops/${workshop.id}/assets`, {
				method: 'POST',
				headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'image/png' },
				body: png,
			})
			const { src } = (await uploaded.json()) as { src: string }
			await embedded.close()
			const before = await fingerprint(dataDir)

			const databaseUrl = await createTestDatabase()
			const first = await migrate(dataDir, databaseUrl)
			expect(first).toMatchObject({ code: 0, stderr: '' })
			expect(first.stdout).toContain('workshops: 1 copied, 0 already there')
			expect(first.stdout).toContain('board files: 1 copied, 0 already there')
			expect(first.stdout).toContain('signing secret: in the database')
			const again = await migrate(dataDir, databaseUrl)
			expect(again).toMatchObject({ code: 0, stderr: '' })
			expect(again.stdout).toContain('workshops: 0 copied, 1 already there')
			expect(again.stdout).toContain('board files: 0 copied, 1 already there')
			expect(await fingerprint(dataDir)).toEqual(before)

			// The database installation opens the old links, with the contribution and the file.
			const moved = await startTestServer({ databaseUrl, secret: null })
			try {
				const bruno = await joinWorkshop(moved, workshop, 'Bruno')
				const contributions = await moved.api(`/api/workshops/${workshop.id}/contributions/mine`, {
					token: alice.token,
				})
				expect(contributions.status).toBe(200)
				expect(await contributions.json()).toMatchObject({ ids: [contribution] })
				expect(bruno.token).toBeTruthy()
				const served = await fetch(`${moved.url}${src}`)
				expect(Buffer.from(await served.arrayBuffer())).toEqual(png)
			} finally {
				await moved.dispose()
			}
		} finally {
			await rm(dataDir, { recursive: true, force: true })
		}
	})

	test('[S13] ballots of files written before polls had ids move into the ballot tables; ballots that break their vote are reported and left alone', async () => {
		const embedded = await startTestServer()
		const dataDir = embedded.config.dataDir
		try {
			const made: { id: string; voter: string }[] = []
			for (const title of ['Atelier A', 'Atelier B']) {
				const workshop = await createWorkshop(embedded, { title })
				const call = (pathname: string, token: string, body: unknown) =>
					embedded.api(`/api/workshops/${workshop.id}${pathname}`, { token, body })
				const alice = await joinWorkshop(embedded, workshop, 'Alice')
				await call('/phase', workshop.tokens.facilitator, { index: 5 })
				const created = await call('/contributions', alice.token, {
					type: 'proposition',
					zone: 'propositions',
					column: 'financeurs',
					text: 'Conventions de 3 ans',
				})
				const proposal = ((await created.json()) as { contribution: { id: string } }).contribution.id
				await call('/vote/open', workshop.tokens.facilitator, {
					budget: 3,
					maxPerProposal: 2,
					banOwn: false,
					anonymous: true,
				})
				await call('/phase', workshop.tokens.facilitator, { index: 6 })
				expect((await call('/vote/ballot', alice.token, { allocation: { [proposal]: 2 } })).status).toBe(200)
				made.push({ id: workshop.id, voter: alice.participantId })
			}
			await embedded.close()
			// As an older Tablée wrote them: no poll ids; workshop B's ballot edited past its budget.
			for (const [index, { id, voter }] of made.entries()) {
				const file = path.join(dataDir, 'workshops', `${id}.json`)
				const record = JSON.parse(await readFile(file, 'utf8')) as WorkshopRecord
				const { votePoll: _vote, consensusPoll: _consensus, ...older } = record.serverOnly
				const ballot = older.ballots[voter]
				if (index === 1 && ballot)
					ballot.allocation = Object.fromEntries(Object.keys(ballot.allocation).map((k) => [k, 9]))
				record.serverOnly = older as ServerOnlyState
				record.checksum = checksumOf(record.board, record.control, record.serverOnly)
				await writeFile(file, JSON.stringify(record))
			}
			const databaseUrl = await createTestDatabase()
			const moved = await migrate(dataDir, databaseUrl)
			expect(moved.code).toBe(1)
			expect(moved.stdout).toContain('workshops: 1 copied, 0 already there')
			expect(moved.stderr).toContain(`not moved: workshop ${made[1]?.id}: its ballots do not fit its vote`)
			const again = await migrate(dataDir, databaseUrl)
			expect(again.stdout).toContain('workshops: 0 copied, 1 already there')
			const storage = await openPgStorage(databaseUrl, { exclusive: false, secret: null })
			try {
				const loaded = await storage.workshops.load(made[0]?.id as string)
				const ballot = loaded.ok ? loaded.value?.serverOnly.ballots[made[0]?.voter as string] : null
				expect(Object.values(ballot?.allocation ?? {})).toEqual([2])
				expect(await storage.workshops.load(made[1]?.id as string)).toEqual({ ok: true, value: null })
			} finally {
				await storage.close()
			}
		} finally {
			await rm(dataDir, { recursive: true, force: true })
		}
	})

	test('[D5] a deletion the files could not finish is finished by the first server on the database', async () => {
		const embedded = await startTestServer({ secret: null })
		const dataDir = embedded.config.dataDir
		try {
			const kept = await createWorkshop(embedded)
			const deleted = await createWorkshop(embedded)
			await embedded.close()
			// What a crash in the middle of a deletion leaves on the files: the entry, the record still there.
			await new DeletionFiles(dataDir).begin(deleted.id, '2026-11-30T00:00:00.000Z')
			const databaseUrl = await createTestDatabase()
			const moved = await migrate(dataDir, databaseUrl)
			expect(moved).toMatchObject({ code: 0, stderr: '' })
			expect(moved.stdout).toContain('interrupted deletions: 1')
			const server = await startTestServer({ databaseUrl, secret: null })
			try {
				expect((await server.api(`/api/workshops/${deleted.id}`, { token: deleted.tokens.facilitator })).status).toBe(
					404,
				)
				expect((await server.api(`/api/workshops/${kept.id}`, { token: kept.tokens.facilitator })).status).toBe(200)
			} finally {
				await server.dispose()
			}
		} finally {
			await rm(dataDir, { recursive: true, force: true })
		}
	})

	test('without both arguments it explains its usage', async () => {
		const answer = await migrate('', '')
		expect(answer.code).toBe(2)
		expect(answer.stderr).toContain('usage: npm run migrate -- --from <DATA_DIR> --to <DATABASE_URL>')
	})
})
