import { createHash } from 'node:crypto'
import type pg from 'pg'
import * as Y from 'yjs'
import { readConsensus, readVote } from '../../shared/workshop/control-document.ts'
import type { ServerOnlyState } from './workshop-store.ts'

/**
 * On PostgreSQL, the ballots, consensus answers and remembered intents of a workshop's
 * server-only state are rows of tables whose constraints make double counting impossible
 * (migration step 3, docs/document-schema.md §PostgreSQL): one ballot per poll and voter, the
 * vote's budget checked on each row by the database, one answer per poll and respondent, one
 * answer per idempotency key. They are written in the transaction that saves the record and read
 * back at load; the `workshops` row keeps the rest of the state (those three maps empty there).
 */

/** The poll rows: the vote and the consensus check that ballots and answers belong to. */
export interface PollRow {
	poll: string
	kind: 'vote' | 'consensus'
	budget: number | null
	maxPerProposal: number | null
}

/** A ballot row; `allocation` is the JSON text stored (json keeps it as written). */
export interface BallotRow {
	poll: string
	voter: string
	allocation: string
	proxy: boolean
	at: string
}

export interface AnswerRow {
	poll: string
	voter: string
	answers: string
}

export interface IntentRow {
	scope: string
	fingerprint: string
	status: number
	body: string
	at: string
}

/** A workshop's rows, keyed as their primary keys are, in the order they were first written. */
export interface ServerOnlyRows {
	polls: Map<string, PollRow>
	ballots: Map<string, BallotRow>
	answers: Map<string, AnswerRow>
	intents: Map<string, IntentRow>
}

/** What a workshop's rows hold, as comparable text per primary key (the store's diff base). */
export type RowContents = Record<keyof ServerOnlyRows, Map<string, string>>

const key = (poll: string, voter: string) => `${poll} ${voter}`

/** The state without what the tables hold: the `workshops` row's `server_only`. */
export function restOf(serverOnly: ServerOnlyState): ServerOnlyState {
	return { ...serverOnly, intents: {}, ballots: {}, answers: {} }
}

/**
 * The rows a state is stored as. A record from before polls had ids (`votePoll` null, ballots
 * present: saved by an older Tablée, moved from files or imported) gets an id derived from the
 * poll's opening time and the limits of the vote in its control document — the same each time.
 */
export function rowsOf(serverOnly: ServerOnlyState, control: string): ServerOnlyRows {
	const rows: ServerOnlyRows = { polls: new Map(), ballots: new Map(), answers: new Map(), intents: new Map() }
	const hasBallots = Object.keys(serverOnly.ballots).length > 0
	const hasAnswers = Object.keys(serverOnly.answers).length > 0
	let legacy: ReturnType<typeof legacyPolls> | null = null
	const legacyOf = () => (legacy ??= legacyPolls(control, serverOnly))
	const vote = serverOnly.votePoll ?? (hasBallots ? legacyOf().vote : null)
	const consensus = serverOnly.consensusPoll ?? (hasAnswers ? legacyOf().consensus : null)
	if (vote) {
		rows.polls.set(vote.id, { poll: vote.id, kind: 'vote', budget: vote.budget, maxPerProposal: vote.maxPerProposal })
		for (const [voter, ballot] of Object.entries(serverOnly.ballots)) {
			rows.ballots.set(key(vote.id, voter), {
				poll: vote.id,
				voter,
				allocation: JSON.stringify(ballot.allocation),
				proxy: ballot.proxy,
				at: ballot.at,
			})
		}
	}
	if (consensus) {
		rows.polls.set(consensus.id, { poll: consensus.id, kind: 'consensus', budget: null, maxPerProposal: null })
		for (const [voter, answers] of Object.entries(serverOnly.answers)) {
			rows.answers.set(key(consensus.id, voter), { poll: consensus.id, voter, answers: JSON.stringify(answers) })
		}
	}
	for (const [scope, intent] of Object.entries(serverOnly.intents)) {
		rows.intents.set(scope, {
			scope,
			fingerprint: intent.fingerprint,
			status: intent.status,
			body: JSON.stringify(intent.body ?? null),
			at: intent.at,
		})
	}
	return rows
}

/** The polls of a record saved before polls had ids, from its control document. */
function legacyPolls(control: string, serverOnly: ServerOnlyState) {
	const doc = new Y.Doc()
	try {
		Y.applyUpdate(doc, Buffer.from(control, 'base64'))
		const vote = readVote(doc)
		const consensus = readConsensus(doc)
		const id = (kind: string, openedAt: string | null) =>
			`l${createHash('sha256')
				.update(`${kind} ${openedAt ?? 'never opened'}`)
				.digest('hex')
				.slice(0, 25)}`
		// Ballots imported without their vote's settings: the largest ones stored are the limits.
		const allocations = Object.values(serverOnly.ballots).map((ballot) => Object.values(ballot.allocation))
		const largestTotal = Math.max(1, ...allocations.map((dots) => dots.reduce((sum, n) => sum + n, 0)))
		const largestDots = Math.max(1, ...allocations.flat())
		return {
			vote: {
				id: id('vote', vote.openedAt),
				budget: vote.settings?.budget ?? largestTotal,
				maxPerProposal: vote.settings?.maxPerProposal ?? Math.min(largestDots, largestTotal),
			},
			consensus: { id: id('consensus', consensus.openedAt) },
		}
	} finally {
		doc.destroy()
	}
}

/** The rows as comparable text, to tell at the next save which changed. */
export function contentsOf(rows: ServerOnlyRows): RowContents {
	const text = <R>(map: Map<string, R>) => new Map([...map].map(([k, row]) => [k, JSON.stringify(row)]))
	return {
		polls: text(rows.polls),
		ballots: text(rows.ballots),
		answers: text(rows.answers),
		intents: text(rows.intents),
	}
}

/**
 * A workshop's rows as stored, in the order they were first written: one round trip, each table
 * as a JSON array of rows (`json` columns as their text, so they come back as written).
 */
export async function readServerOnlyRows(client: pg.ClientBase, workshop: string): Promise<ServerOnlyRows> {
	const { rows } = await client.query<{
		polls: [string, 'vote' | 'consensus', number | null, number | null][]
		ballots: [string, string, string, boolean, string][]
		answers: [string, string, string][]
		intents: [string, string, number, string, string][]
	}>(
		`SELECT
			(SELECT coalesce(json_agg(json_build_array(poll, kind, budget, max_per_proposal)), '[]')
			 FROM workshop_polls WHERE workshop = $1) AS polls,
			(SELECT coalesce(json_agg(json_build_array(poll, voter, allocation::text, proxy, cast_at) ORDER BY position), '[]')
			 FROM workshop_ballots WHERE workshop = $1) AS ballots,
			(SELECT coalesce(json_agg(json_build_array(poll, voter, answers::text) ORDER BY position), '[]')
			 FROM workshop_answers WHERE workshop = $1) AS answers,
			(SELECT coalesce(json_agg(json_build_array(scope, fingerprint, status, body::text, answered_at) ORDER BY position), '[]')
			 FROM workshop_intents WHERE workshop = $1) AS intents`,
		[workshop],
	)
	const row = rows[0]
	if (!row) throw new Error('the server-only rows query answered nothing')
	return {
		polls: new Map(
			row.polls.map(([poll, kind, budget, maxPerProposal]) => [poll, { poll, kind, budget, maxPerProposal }]),
		),
		ballots: new Map(
			row.ballots.map(([poll, voter, allocation, proxy, at]) => [
				key(poll, voter),
				{ poll, voter, allocation, proxy, at },
			]),
		),
		answers: new Map(row.answers.map(([poll, voter, answers]) => [key(poll, voter), { poll, voter, answers }])),
		intents: new Map(
			row.intents.map(([scope, fingerprint, status, body, at]) => [scope, { scope, fingerprint, status, body, at }]),
		),
	}
}

/**
 * The state with the maps the tables hold filled from `rows` (JSON parsed; the caller validates
 * the result). A workshop has at most one poll of each kind (a constraint), so ballots and
 * answers are keyed by voter as in memory.
 */
export function withRows(rest: ServerOnlyState, rows: ServerOnlyRows): Record<string, unknown> {
	const ballots: Record<string, unknown> = {}
	for (const row of rows.ballots.values()) {
		ballots[row.voter] = { allocation: JSON.parse(row.allocation) as unknown, proxy: row.proxy, at: row.at }
	}
	const answers: Record<string, unknown> = {}
	for (const row of rows.answers.values()) answers[row.voter] = JSON.parse(row.answers) as unknown
	const intents: Record<string, unknown> = {}
	for (const row of rows.intents.values()) {
		intents[row.scope] = {
			fingerprint: row.fingerprint,
			status: row.status,
			body: JSON.parse(row.body) as unknown,
			at: row.at,
		}
	}
	return { ...rest, intents, ballots, answers }
}

/** How one table is written: its key columns (after `workshop`) and every column's type and value. */
interface TableWrite<R> {
	table: string
	keys: readonly string[]
	columns: readonly (readonly [name: string, type: string, value: (row: R) => unknown])[]
}

/**
 * Brings a workshop's rows from `current` to `wanted`, inside the caller's transaction: rows that
 * went are deleted, new or changed ones upserted (an upsert keeps a row's position, as assigning
 * an existing key keeps its place in a JavaScript object). Polls first: a poll that went takes
 * its ballots or answers with it (on delete cascade), and a new one must exist before its rows.
 * Answers what the rows now hold.
 */
export async function writeServerOnlyRows(
	client: pg.ClientBase,
	workshop: string,
	wanted: ServerOnlyRows,
	current: RowContents,
): Promise<RowContents> {
	const wantedText = contentsOf(wanted)
	// The budget and maximum a ballot names must be its poll's: the foreign key checks them.
	const limits = (row: BallotRow) => wanted.polls.get(row.poll)
	await writeTable(client, workshop, wanted.polls, current.polls, wantedText.polls, {
		table: 'workshop_polls',
		keys: ['poll'],
		columns: [
			['poll', 'text', (row) => row.poll],
			['kind', 'text', (row) => row.kind],
			['budget', 'integer', (row) => row.budget],
			['max_per_proposal', 'integer', (row) => row.maxPerProposal],
		],
	})
	await writeTable(client, workshop, wanted.ballots, current.ballots, wantedText.ballots, {
		table: 'workshop_ballots',
		keys: ['poll', 'voter'],
		columns: [
			['poll', 'text', (row) => row.poll],
			['voter', 'text', (row) => row.voter],
			['budget', 'integer', (row) => limits(row)?.budget ?? null],
			['max_per_proposal', 'integer', (row) => limits(row)?.maxPerProposal ?? null],
			['allocation', 'json', (row) => row.allocation],
			['proxy', 'boolean', (row) => row.proxy],
			['cast_at', 'text', (row) => row.at],
		],
	})
	await writeTable(client, workshop, wanted.answers, current.answers, wantedText.answers, {
		table: 'workshop_answers',
		keys: ['poll', 'voter'],
		columns: [
			['poll', 'text', (row) => row.poll],
			['voter', 'text', (row) => row.voter],
			['answers', 'json', (row) => row.answers],
		],
	})
	await writeTable(client, workshop, wanted.intents, current.intents, wantedText.intents, {
		table: 'workshop_intents',
		keys: ['scope'],
		columns: [
			['scope', 'text', (row) => row.scope],
			['fingerprint', 'text', (row) => row.fingerprint],
			['status', 'integer', (row) => row.status],
			['body', 'json', (row) => row.body],
			['answered_at', 'text', (row) => row.at],
		],
	})
	return wantedText
}

/** One table's part of {@link writeServerOnlyRows}: one DELETE and one upsert at most. */
async function writeTable<R>(
	client: pg.ClientBase,
	workshop: string,
	rows: Map<string, R>,
	current: Map<string, string>,
	wantedText: Map<string, string>,
	how: TableWrite<R>,
): Promise<void> {
	const gone = [...current.keys()].filter((k) => !rows.has(k))
	if (gone.length > 0) {
		// Keys are their columns joined by a space (ids and idempotency scopes have none).
		const parts = gone.map((k) => k.split(' '))
		const keys = how.keys.join(', ')
		const arrays = how.keys.map((_, i) => `$${i + 2}::text[]`).join(', ')
		await client.query(
			`DELETE FROM ${how.table} WHERE workshop = $1 AND (${keys}) IN (SELECT * FROM unnest(${arrays}))`,
			[workshop, ...how.keys.map((_, i) => parts.map((part) => part[i]))],
		)
	}
	const written = [...rows].filter(([k]) => current.get(k) !== wantedText.get(k)).map(([, row]) => row)
	if (written.length === 0) return
	const names = how.columns.map(([name]) => name)
	const arrays = how.columns.map(([, type], i) => `$${i + 2}::${type}[]`).join(', ')
	const updates = names.filter((name) => !how.keys.includes(name)).map((name) => `${name} = excluded.${name}`)
	await client.query(
		`INSERT INTO ${how.table} (workshop, ${names.join(', ')}) SELECT $1, * FROM unnest(${arrays})
		 ON CONFLICT (workshop, ${how.keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
		[workshop, ...how.columns.map(([, , value]) => written.map(value))],
	)
}

/** Nothing stored yet. */
export const noRows = (): RowContents => ({
	polls: new Map(),
	ballots: new Map(),
	answers: new Map(),
	intents: new Map(),
})
