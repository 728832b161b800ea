import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import type { Contribution } from '../shared/concertation/contribution.ts'
import type { Tally } from '../shared/concertation/tally.ts'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { migrate, SCHEMA_VERSION } from '../server/store/pg-migrations.ts'
import { openPgStorage } from '../server/store/pg-store.ts'
import { StorageRefusedError } from '../server/store/storage.ts'
import { checksumOf, type WorkshopRecord } from '../server/store/workshop-store.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import type { TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

// Time budget of this file: 20 s.

afterAll(dropTestDatabases)

// The default template's agenda: 5 proposals, 6 vote, 7 consensus check.
const PROPOSALS = 5
const VOTE = 6

/** A workshop with two proposals and a vote open (budget 3, at most 2 per proposal). */
async function votingWorkshop(server: TestServer) {
	const workshop = await createWorkshop(server)
	const call = async (pathname: string, token: string, body?: unknown, headers?: Record<string, string>) => {
		const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, {
			token,
			body,
			...(headers ? { headers } : {}),
		})
		const json = (await response.json()) as Record<string, unknown> & { error?: { code: string } }
		return { status: response.status, body: json, code: json.error?.code ?? null, headers: response.headers }
	}
	const facilitator = workshop.tokens.facilitator
	const alice = await joinWorkshop(server, workshop, 'Alice', 'assos-benevoles')
	const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
	await call('/phase', facilitator, { index: PROPOSALS })
	const proposals: string[] = []
	for (const text of ['Conventions de 3 ans', 'Guichet unique']) {
		const made = await call('/contributions', alice.token, {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			text,
		})
		proposals.push((made.body.contribution as Contribution).id)
	}
	await call('/vote/open', facilitator, { budget: 3, maxPerProposal: 2, banOwn: false, anonymous: true })
	await call('/phase', facilitator, { index: VOTE })
	const tally = async () => (await call('/vote/tally', facilitator)).body as unknown as Tally
	return { workshop, call, facilitator, alice, bob, proposals, tally }
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
	const client = new pg.Client({ connectionString: url })
	await client.connect()
	try {
		return (await client.query<R>(text, values)).rows
	} finally {
		await client.end()
	}
}

/** The SQLSTATE PostgreSQL refuses `text` with (null: it was accepted). */
async function refusal(url: string, text: string, values: unknown[] = []): Promise<string | null> {
	return sql(url, text, values).then(
		() => null,
		(error: { code?: string }) => error.code ?? 'unknown',
	)
}

describe('[S13] ballots and answers in tables PostgreSQL protects', () => {
	test('concurrent ballots of one voter are each answered and counted once: one row per poll and voter', async () => {
		const databaseUrl = await createTestDatabase()
		const server = await startTestServer({ databaseUrl })
		try {
			const { workshop, call, alice, bob, proposals, tally } = await votingWorkshop(server)
			const [p1, p2] = proposals as [string, string]
			const allocations = [{ [p1]: 2 }, { [p1]: 1, [p2]: 2 }, { [p2]: 1 }, { [p1]: 2, [p2]: 1 }, { [p2]: 2 }]
			const answers = await Promise.all([
				...allocations.map((allocation) => call('/vote/ballot', bob.token, { allocation })),
				...allocations.map((allocation) => call('/vote/ballot', alice.token, { allocation })),
			])
			expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200))
			const counted = await tally()
			expect(counted.voters).toBe(2)
			const rows = await sql<{ voter: string; allocation: Record<string, number> }>(
				databaseUrl,
				'SELECT voter, allocation FROM workshop_ballots WHERE workshop = $1',
				[workshop.id],
			)
			expect(rows).toHaveLength(2)
			// Each voter's row is the ballot the server holds for them: one of those sent, whole.
			for (const voter of [alice, bob]) {
				const mine = (await call('/vote/mine', voter.token)).body as { allocation: Record<string, number> }
				expect(allocations).toContainEqual(mine.allocation)
			}
			expect(rows.map((row) => row.allocation)).toEqual(
				expect.arrayContaining([
					((await call('/vote/mine', alice.token)).body as { allocation: unknown }).allocation,
					((await call('/vote/mine', bob.token)).body as { allocation: unknown }).allocation,
				]),
			)
			// The workshop row keeps no copy of them.
			const [stored] = await sql<{ ballots: unknown }>(
				databaseUrl,
				`SELECT server_only -> 'ballots' AS ballots FROM workshops WHERE id = $1`,
				[workshop.id],
			)
			expect(stored?.ballots).toEqual({})
		} finally {
			await server.dispose()
		}
	})

	test('a ballot over the budget is refused by the server, and a writer that skipped the check by the database', async () => {
		const databaseUrl = await createTestDatabase()
		const server = await startTestServer({ databaseUrl })
		const storage = await openPgStorage(databaseUrl, { exclusive: false, secret: null })
		try {
			const { workshop, call, bob, proposals, tally } = await votingWorkshop(server)
			const [p1, p2] = proposals as [string, string]
			expect((await call('/vote/ballot', bob.token, { allocation: { [p1]: 2, [p2]: 2 } })).code).toBe('over_budget')
			expect((await call('/vote/ballot', bob.token, { allocation: { [p1]: 1 } })).status).toBe(200)

			// A buggy writer: the same store, a record whose ballot breaks the vote's limits.
			const loaded = await storage.workshops.load(workshop.id)
			if (!loaded.ok || !loaded.value) throw new Error('workshop not loaded')
			const record = loaded.value
			const voter = Object.keys(record.serverOnly.ballots)[0] as string
			for (const allocation of [{ [p1]: 2, [p2]: 2 }, { [p1]: 3 }, { [p1]: -1 }, {}]) {
				const broken = structuredClone(record)
				const ballot = broken.serverOnly.ballots[voter]
				if (ballot) ballot.allocation = allocation
				await expect(storage.workshops.save(broken, record.revision), JSON.stringify(allocation)).rejects.toThrow(
					StorageRefusedError,
				)
			}
			// Nothing of it was stored, and the workshop still saves and loads.
			const again = await storage.workshops.load(workshop.id)
			expect(again.ok && again.value?.serverOnly.ballots[voter]?.allocation).toEqual({ [p1]: 1 })
			expect(again.ok && again.value?.revision).toBe(record.revision)
			// The server still counts Bob once, with his own ballot.
			expect((await tally()).voters).toBe(1)
			expect((await call('/vote/mine', bob.token)).body).toEqual({ allocation: { [p1]: 1 }, remaining: 2 })
		} finally {
			await storage.close()
			await server.dispose()
		}
	})

	test('a ballot the database refuses is answered 409 refused_by_storage, and nothing of it is kept', async () => {
		const databaseUrl = await createTestDatabase()
		// A buggy writer between the server and PostgreSQL: while `tamper` is on, every ballot it is
		// handed gets ten dots on each proposal it names.
		const storage = await openPgStorage(databaseUrl, { exclusive: false, secret: null })
		let tamper = false
		const store = new Proxy(storage.workshops, {
			get(target, property) {
				if (property === 'save') {
					return (record: WorkshopRecord, expected: number | null) => {
						if (!tamper) return target.save(record, expected)
						const broken = structuredClone(record)
						for (const ballot of Object.values(broken.serverOnly.ballots)) {
							ballot.allocation = Object.fromEntries(Object.keys(ballot.allocation).map((k) => [k, 10]))
						}
						return target.save(broken, expected)
					}
				}
				const value: unknown = Reflect.get(target, property)
				return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
			},
		})
		const server = await startTestServer({ databaseUrl }, { store })
		try {
			const { call, bob, proposals, tally } = await votingWorkshop(server)
			const [p1] = proposals as [string]
			tamper = true
			const refused = await call('/vote/ballot', bob.token, { allocation: { [p1]: 2 } })
			tamper = false
			expect(refused).toMatchObject({ status: 409, code: 'refused_by_storage' })
			expect((await call('/vote/mine', bob.token)).body).toEqual({ allocation: {}, remaining: 3 })
			expect((await tally()).voters).toBe(0)
			expect(await sql(databaseUrl, 'SELECT count(*)::int AS n FROM workshop_ballots')).toEqual([{ n: 0 }])
			// The writer mended, the same ballot is taken.
			expect((await call('/vote/ballot', bob.token, { allocation: { [p1]: 2 } })).status).toBe(200)
			expect((await tally()).voters).toBe(1)
		} finally {
			await server.dispose()
			await storage.close()
		}
	})

	test('[D1][D3] a direct SQL insert or update that would count a voter twice or pass the budget is rejected by PostgreSQL; anonymising and deleting leave no ballot row', async () => {
		const databaseUrl = await createTestDatabase()
		const server = await startTestServer({ databaseUrl })
		try {
			const { workshop, call, bob, proposals } = await votingWorkshop(server)
			const [p1, p2] = proposals as [string, string]
			expect((await call('/vote/ballot', bob.token, { allocation: { [p1]: 1 } })).status).toBe(200)
			const [poll] = await sql<{ poll: string; budget: number; max_per_proposal: number }>(
				databaseUrl,
				`SELECT poll, budget, max_per_proposal FROM workshop_polls WHERE workshop = $1 AND kind = 'vote'`,
				[workshop.id],
			)
			expect(poll).toMatchObject({ budget: 3, max_per_proposal: 2 })
			const insert = (voter: string, budget: number, max: number, allocation: object, pollId = poll?.poll) =>
				refusal(
					databaseUrl,
					`INSERT INTO workshop_ballots (workshop, poll, voter, budget, max_per_proposal, allocation, proxy, cast_at)
					 VALUES ($1, $2, $3, $4, $5, $6, false, now()::text)`,
					[workshop.id, pollId, voter, budget, max, JSON.stringify(allocation)],
				)
			const [bobRow] = await sql<{ voter: string }>(databaseUrl, 'SELECT voter FROM workshop_ballots')
			const bobId = bobRow?.voter as string
			// unique_violation: Bob's second ballot in the same poll.
			expect(await insert(bobId, 3, 2, { [p2]: 1 })).toBe('23505')
			// check_violation: over the budget, over the maximum, no dot, a fraction, not an object.
			expect(await insert('carolcarolcarol', 3, 2, { [p1]: 2, [p2]: 2 })).toBe('23514')
			expect(await insert('carolcarolcarol', 3, 2, { [p1]: 3 })).toBe('23514')
			expect(await insert('carolcarolcarol', 3, 2, {})).toBe('23514')
			expect(await insert('carolcarolcarol', 3, 2, { [p1]: 1.5 })).toBe('23514')
			expect(await insert('carolcarolcarol', 3, 2, [1])).toBe('23514')
			// foreign_key_violation: a budget that is not the poll's, a poll that does not exist.
			expect(await insert('carolcarolcarol', 10, 10, { [p1]: 2, [p2]: 2 })).toBe('23503')
			expect(await insert('carolcarolcarol', 3, 2, { [p1]: 1 }, 'nosuchpoll')).toBe('23503')
			// A second vote in the workshop, or a budget lowered under a ballot already cast.
			expect(
				await refusal(
					databaseUrl,
					`INSERT INTO workshop_polls (workshop, poll, kind, budget, max_per_proposal) VALUES ($1, 'other', 'vote', 3, 2)`,
					[workshop.id],
				),
			).toBe('23505')
			await call('/vote/ballot', bob.token, { allocation: { [p1]: 2, [p2]: 1 } })
			expect(
				await refusal(databaseUrl, 'UPDATE workshop_polls SET budget = 2, max_per_proposal = 2 WHERE poll = $1', [
					poll?.poll,
				]),
			).toBe('23514')
			// An answer that is not one of the three, and an answer to a poll that is not a consensus check.
			expect(
				await refusal(
					databaseUrl,
					`INSERT INTO workshop_answers (workshop, poll, voter, answers) VALUES ($1, $2, 'carolcarolcarol', $3)`,
					[workshop.id, poll?.poll, JSON.stringify({ [p1]: { answer: 'agree', why: null } })],
				),
			).toBe('23503')
			// The legitimate row is untouched.
			expect(await sql(databaseUrl, 'SELECT count(*)::int AS n FROM workshop_ballots')).toEqual([{ n: 1 }])
			// [D1] Anonymised, the workshop keeps no ballot; deleted, none of its rows remain.
			expect((await call('/anonymise', workshop.tokens.facilitator, {})).status).toBe(200)
			expect(await sql(databaseUrl, 'SELECT count(*)::int AS n FROM workshop_ballots')).toEqual([{ n: 0 }])
			const deleted = await server.api(`/api/workshops/${workshop.id}`, {
				method: 'DELETE',
				token: workshop.tokens.facilitator,
			})
			expect(deleted.status).toBe(200)
			const left = await sql(
				databaseUrl,
				`SELECT (SELECT count(*) FROM workshop_polls) + (SELECT count(*) FROM workshop_ballots)
				 + (SELECT count(*) FROM workshop_answers) + (SELECT count(*) FROM workshop_intents) AS n`,
			)
			expect(left).toEqual([{ n: '0' }])
		} finally {
			await server.dispose()
		}
	})

	test('[K11] a replayed Idempotency-Key is answered from workshop_intents, also after a restart', async () => {
		const databaseUrl = await createTestDatabase()
		const first = await startTestServer({ databaseUrl })
		let setup: Awaited<ReturnType<typeof votingWorkshop>>
		const key = { 'idempotency-key': 'ballot-key-0001' }
		let ballot: { allocation: Record<string, number> }
		try {
			setup = await votingWorkshop(first)
			ballot = { allocation: { [setup.proposals[0] as string]: 2 } }
			const answered = await setup.call('/vote/ballot', setup.bob.token, ballot, key)
			expect(answered.status).toBe(200)
			const rows = await sql<{ scope: string; status: number; body: unknown }>(
				databaseUrl,
				'SELECT scope, status, body FROM workshop_intents WHERE workshop = $1',
				[setup.workshop.id],
			)
			expect(rows).toEqual([{ scope: expect.stringMatching(/:ballot-key-0001$/), status: 200, body: answered.body }])
			const [stored] = await sql<{ intents: unknown }>(
				databaseUrl,
				`SELECT server_only -> 'intents' AS intents FROM workshops WHERE id = $1`,
				[setup.workshop.id],
			)
			expect(stored?.intents).toEqual({})
		} finally {
			await first.dispose()
		}
		// The row is the answer: marked by hand while no server runs, the replay returns the mark.
		await sql(databaseUrl, `UPDATE workshop_intents SET body = json_build_object('from', 'workshop_intents')`)
		const second = await startTestServer({ databaseUrl })
		try {
			const response = await second.api(`/api/workshops/${setup.workshop.id}/vote/ballot`, {
				token: setup.bob.token,
				body: ballot,
				headers: key,
			})
			expect(response.status).toBe(200)
			expect(response.headers.get('idempotent-replayed')).toBe('true')
			expect(await response.json()).toEqual({ from: 'workshop_intents' })
			expect(await sql(databaseUrl, 'SELECT count(*)::int AS n FROM workshop_intents')).toEqual([{ n: 1 }])
		} finally {
			await second.dispose()
		}
	})

	test('[S7] a database at step 2 with ballots, answers and intents in JSON has them moved into the tables', async () => {
		// A workshop with a ballot, consensus answers and a remembered intent, made on files.
		const files = await startTestServer()
		let record: WorkshopRecord
		let setup: Awaited<ReturnType<typeof votingWorkshop>>
		try {
			setup = await votingWorkshop(files)
			const [p1, p2] = setup.proposals as [string, string]
			await setup.call(
				'/vote/ballot',
				setup.bob.token,
				{ allocation: { [p1]: 2, [p2]: 1 } },
				{
					'idempotency-key': 'from-step-two',
				},
			)
			await setup.call('/vote/ballot', setup.alice.token, { allocation: { [p2]: 2 } })
			await setup.call('/consensus/open', setup.facilitator, { proposals: [p1, p2] })
			await setup.call('/phase', setup.facilitator, { index: VOTE + 1 })
			await setup.call('/consensus/answer', setup.bob.token, { answers: { [p1]: { answer: 'agree' } } })
			await files.registry.closeAll()
			const loaded = await new LowdbStore(files.config.dataDir).load(setup.workshop.id)
			if (!loaded.ok || !loaded.value) throw new Error('not loaded')
			record = loaded.value
		} finally {
			await files.dispose()
		}
		// As an older Tablée stored it: no poll ids, everything in server_only, checksummed whole.
		const { votePoll: _vote, consensusPoll: _consensus, ...older } = record.serverOnly
		expect(Object.keys(older.ballots)).toHaveLength(2)
		const databaseUrl = await createTestDatabase()
		const client = new pg.Client({ connectionString: databaseUrl })
		await client.connect()
		try {
			expect(await migrate(client, 2)).toEqual({ from: 0, to: 2 })
			await client.query(
				`INSERT INTO workshops (id, revision, record_version, link_generation, server_only, checksum, saved_at)
				 VALUES ($1, 1, 4, $2, $3, $4, $5)`,
				[
					record.id,
					record.linkGeneration,
					JSON.stringify(older),
					checksumOf(record.board, record.control, older as typeof record.serverOnly),
					record.savedAt,
				],
			)
			await client.query(
				`INSERT INTO workshop_documents (workshop, document, snapshot) VALUES ($1, 'board', $2), ($1, 'control', $3)`,
				[record.id, Buffer.from(record.board, 'base64'), Buffer.from(record.control, 'base64')],
			)
		} finally {
			await client.end()
		}
		const storage = await openPgStorage(databaseUrl, { exclusive: false, secret: null })
		try {
			const [step] = await sql<{ n: number }>(databaseUrl, 'SELECT max(version) AS n FROM tablee_migrations')
			expect(step?.n).toBe(SCHEMA_VERSION)
			const counts = await sql<{ ballots: number; answers: number; intents: number; polls: number }>(
				databaseUrl,
				`SELECT (SELECT count(*)::int FROM workshop_ballots) AS ballots, (SELECT count(*)::int FROM workshop_answers) AS answers,
				 (SELECT count(*)::int FROM workshop_intents) AS intents, (SELECT count(*)::int FROM workshop_polls) AS polls`,
			)
			expect(counts).toEqual([
				{
					ballots: 2,
					answers: 1,
					intents: Object.keys(older.intents).length,
					polls: 2,
				},
			])
			// The vote's limits came from its control document.
			expect(await sql(databaseUrl, `SELECT budget, max_per_proposal FROM workshop_polls WHERE kind = 'vote'`)).toEqual(
				[{ budget: 3, max_per_proposal: 2 }],
			)
			const loaded = await storage.workshops.load(record.id)
			if (!loaded.ok || !loaded.value) throw new Error('not loaded after the migration')
			expect(loaded.value.serverOnly.ballots).toEqual(older.ballots)
			expect(loaded.value.serverOnly.answers).toEqual(older.answers)
			expect(loaded.value.serverOnly.intents).toEqual(older.intents)
		} finally {
			await storage.close()
		}
		// A server on it counts both voters and replays Bob's key.
		const server = await startTestServer({ databaseUrl })
		try {
			const tally = (await (
				await server.api(`/api/workshops/${record.id}/vote/tally`, { token: setup.facilitator })
			).json()) as Tally
			expect(tally.voters).toBe(2)
			const [p1, p2] = setup.proposals as [string, string]
			const replay = await server.api(`/api/workshops/${record.id}/vote/ballot`, {
				token: setup.bob.token,
				body: { allocation: { [p1]: 2, [p2]: 1 } },
				headers: { 'idempotency-key': 'from-step-two' },
			})
			expect(replay.headers.get('idempotent-replayed')).toBe('true')
		} finally {
			await server.dispose()
		}
	})
})
