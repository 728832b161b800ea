import { getRandomValues } from 'node:crypto'
import type pg from 'pg'
import * as v from 'valibot'
import * as Y from 'yjs'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { StoredControl } from '../rooms/room-sharing.ts'
import { LOCK_SPACE } from '../store/pg-migrations.ts'
import {
	contentsOf,
	readServerOnlyRows,
	restOf,
	rowsOf,
	withRows,
	writeServerOnlyRows,
} from '../store/pg-server-only.ts'
import { refusedOrUnavailable } from '../store/pg-store.ts'
import type { SaveConflict, ServerOnlyState } from '../store/workshop-store.ts'
import { checksumOf, serverOnlySchema } from '../store/workshop-store.ts'

/**
 * The control side of a workshop's PostgreSQL rows, as several processes share it (migration
 * step 5): its commit counter, the stored control state, and the commit of an intent that
 * leaves the board's rows alone. The record layout, checksum and the rows of ballots, consensus
 * answers and idempotent answers (SPEC S13) are the PostgreSQL adapter's (server/store/pg-store.ts,
 * pg-server-only.ts); this module only writes what an intent changes.
 */
export class PgControlRows {
	private readonly pool: pg.Pool

	constructor(pool: pg.Pool) {
		this.pool = pool
	}

	/** Claims a Yjs client id no other process writes under (random, unique by primary key). */
	async claimWriter(process: string): Promise<number> {
		for (;;) {
			const candidate = getRandomValues(new Uint32Array(1))[0] ?? 0
			if (candidate === 0) continue
			const { rowCount } = await this.pool.query(
				'INSERT INTO control_writers (client, process) VALUES ($1, $2) ON CONFLICT (client) DO NOTHING',
				[candidate, process],
			)
			if (rowCount === 1) return candidate
		}
	}

	async revision(workshop: string): Promise<number | null> {
		const { rows } = await this.pool.query<{ control_revision: number }>(
			'SELECT control_revision FROM workshops WHERE id = $1',
			[workshop],
		)
		return rows[0]?.control_revision ?? null
	}

	/** The stored control state, read in one snapshot of the database; null when the workshop is gone. */
	async read(workshop: string): Promise<StoredControl | null> {
		const client = await this.pool.connect()
		try {
			await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
			const { rows } = await client.query<{ control_revision: number; link_generation: number; server_only: unknown }>(
				'SELECT control_revision, link_generation, server_only FROM workshops WHERE id = $1',
				[workshop],
			)
			const row = rows[0]
			if (!row) {
				await client.query('COMMIT')
				return null
			}
			const snapshot = await client.query<{ snapshot: Buffer }>(
				"SELECT snapshot FROM workshop_documents WHERE workshop = $1 AND document = 'control'",
				[workshop],
			)
			const log = await client.query<{ update: Buffer }>(
				"SELECT update FROM workshop_updates WHERE workshop = $1 AND document = 'control' ORDER BY seq",
				[workshop],
			)
			const tableRows = await readServerOnlyRows(client, workshop)
			await client.query('COMMIT')
			const parts = [snapshot.rows[0]?.snapshot, ...log.rows.map((entry) => entry.update)]
				.filter((part): part is Buffer => part !== undefined && part.length > 0)
				.map((part) => new Uint8Array(part))
			return {
				revision: row.control_revision,
				linkGeneration: row.link_generation,
				control: parts.length === 0 ? new Uint8Array([0, 0]) : Y.mergeUpdates(parts),
				serverOnly: v.parse(serverOnlySchema, withRows(row.server_only as ServerOnlyState, tableRows)),
			}
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined)
			throw error
		} finally {
			client.release()
		}
	}

	/**
	 * Claims board client ids (SPEC R14, X11) and answers who owns each as stored: the first
	 * claim of an id wins, so a claimant whose id another process claimed first learns it here.
	 */
	async claim(workshop: string, claims: ReadonlyMap<number, string>): Promise<Map<number, string>> {
		const clients = [...claims.keys()]
		const participants = clients.map((client) => claims.get(client) ?? '')
		await this.pool.query(
			`INSERT INTO workshop_clients (workshop, client, participant)
			 SELECT $1, client, participant FROM unnest($2::bigint[], $3::text[]) AS claim(client, participant)
			 ON CONFLICT (workshop, client) DO NOTHING`,
			[workshop, clients, participants],
		)
		const { rows } = await this.pool.query<{ client: string; participant: string }>(
			'SELECT client, participant FROM workshop_clients WHERE workshop = $1 AND client = ANY($2::bigint[])',
			[workshop, clients],
		)
		return new Map(rows.map((row) => [Number(row.client), row.participant]))
	}

	/**
	 * Stores an intent's control side if `control_revision` is still `expected`, under the rows'
	 * advisory lock (compaction's): the checksum covers the stored board snapshot, read here.
	 */
	async save(
		workshop: string,
		parts: { control: Uint8Array; serverOnly: ServerOnlyState; linkGeneration: number },
		expected: number,
	): Promise<Result<{ revision: number }, SaveConflict>> {
		const client = await this.pool.connect()
		try {
			await client.query('BEGIN')
			await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE.rows, workshop])
			const { rows } = await client.query<{ control_revision: number }>(
				'SELECT control_revision FROM workshops WHERE id = $1 FOR UPDATE',
				[workshop],
			)
			const current = rows[0]?.control_revision ?? null
			if (current !== expected) {
				await client.query('ROLLBACK')
				return err({
					code: 'conflict',
					message: `workshop ${workshop}: control at revision ${current ?? 'none'}, not ${expected}`,
				})
			}
			const board = await client.query<{ snapshot: Buffer }>(
				"SELECT snapshot FROM workshop_documents WHERE workshop = $1 AND document = 'board'",
				[workshop],
			)
			const control = Buffer.from(parts.control).toString('base64')
			const rest = restOf(parts.serverOnly)
			const checksum = checksumOf((board.rows[0]?.snapshot ?? Buffer.alloc(0)).toString('base64'), control, rest)
			const revision = expected + 1
			await client.query(
				`UPDATE workshops SET revision = revision + 1, control_revision = $2, link_generation = $3,
				 server_only = $4, checksum = $5, saved_at = $6 WHERE id = $1`,
				[workshop, revision, parts.linkGeneration, JSON.stringify(rest), checksum, new Date().toISOString()],
			)
			// Ballots, answers and idempotent answers as the rows the database protects (SPEC S13).
			const stored = contentsOf(await readServerOnlyRows(client, workshop))
			await writeServerOnlyRows(client, workshop, rowsOf(parts.serverOnly, control), stored)
			await client.query(
				`INSERT INTO workshop_documents (workshop, document, snapshot) VALUES ($1, 'control', $2)
				 ON CONFLICT (workshop, document) DO UPDATE SET snapshot = excluded.snapshot`,
				[workshop, Buffer.from(parts.control)],
			)
			await client.query('COMMIT')
			return ok({ revision })
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined)
			throw refusedOrUnavailable(error, workshop)
		} finally {
			client.release()
		}
	}
}
