import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import type { MediaExtension } from '../assets/asset-files.ts'
import { assetNamePattern, mediaTypes } from '../assets/asset-files.ts'
import { randomId } from '../auth/random-id.ts'
import { err, ok } from '../../shared/result.ts'
import { isId } from '../../shared/workshop/ids.ts'
import * as v from 'valibot'
import { KeyedLock } from './keyed-lock.ts'
import { LOCK_SPACE, migrate } from './pg-migrations.ts'
import {
	contentsOf,
	noRows,
	readServerOnlyRows,
	restOf,
	type RowContents,
	rowsOf,
	withRows,
	writeServerOnlyRows,
} from './pg-server-only.ts'
import {
	type AssetStore,
	type DeletionJournal,
	type SecretStore,
	type Storage,
	StorageRefusedError,
	StorageUnavailableError,
	type SynthesisStore,
} from './storage.ts'
import { readSynthesisRecord, type SynthesisRecord } from './synthesis-files.ts'
import type { Result } from '../../shared/result.ts'
import type { DocumentName, SaveConflict, StoreError, WorkshopRecord, WorkshopStore } from './workshop-store.ts'
import { checksumOf, foldUpdates, parseRecord, serverOnlySchema, withServerOnly } from './workshop-store.ts'

/** The PostgreSQL adapters, with what moving an installation in needs besides the ports. */
export interface PgStorage extends Storage {
	workshops: PgWorkshopStore
	syntheses: PgSyntheses
	assets: PgAssets
	deletions: PgDeletions
	/** The stored secret (created when absent), even when TABLEE_SECRET is configured. */
	storedSecret: PgSecret
	close(): Promise<void>
	probe(): Promise<string | null>
}

/** Where a connection string points, without its password (for messages). */
export function describeDatabase(url: string): string {
	try {
		const parsed = new URL(url)
		return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`
	} catch {
		return 'the configured database'
	}
}

/**
 * Opens the PostgreSQL storage at `url` (pg parses the connection string: `sslmode`,
 * `application_name`, `connect_timeout`… are honoured): checks that it answers, applies the
 * missing migrations, and — when `exclusive` — takes the installation lock, refusing to start
 * beside another server on the same database. `shared` (several processes, docs/scale-out.md)
 * takes it in shared mode: any number of shared holders, but never beside an exclusive one (a
 * server without REDIS_URL, or `npm run migrate`). Every failure names `DATABASE_URL`.
 */
export async function openPgStorage(
	url: string,
	options: { exclusive: boolean; shared?: boolean; secret: string | null },
): Promise<PgStorage> {
	const where = describeDatabase(url)
	const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000 })
	// A separate pool for the workshop locks: a lock holder keeps its connection while its work
	// queries through `pool`, so holders can never take every connection work needs.
	const lockPool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000, max: 20 })
	// An idle client that loses its server emits here; without a listener the process would exit.
	pool.on('error', () => undefined)
	lockPool.on('error', () => undefined)
	let holder: pg.PoolClient | null = null
	const close = async () => {
		holder?.release()
		holder = null
		await Promise.all([pool.end(), lockPool.end()])
	}
	try {
		let client: pg.PoolClient
		try {
			client = await pool.connect()
		} catch (error) {
			throw new Error(`DATABASE_URL: cannot reach ${where}: ${(error as Error).message}`, { cause: error })
		}
		try {
			await migrate(client)
		} finally {
			client.release()
		}
		if (options.exclusive || options.shared) {
			const shared = !options.exclusive
			holder = await lockPool.connect()
			holder.on('error', () => undefined)
			// A server killed a moment ago holds it until PostgreSQL notices its connection closed:
			// a few tries over 3 s tell that apart from a server that is running.
			let locked = false
			for (let attempt = 0; attempt < 10 && !locked; attempt++) {
				if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 300))
				const { rows } = await holder.query<{ locked: boolean }>(
					`SELECT pg_try_advisory_lock${shared ? '_shared' : ''}($1, 0) AS locked`,
					[LOCK_SPACE.installation],
				)
				locked = rows[0]?.locked === true
			}
			if (!locked) {
				throw new Error(
					shared
						? `DATABASE_URL: a Tablée server without REDIS_URL (or npm run migrate) already uses ${where}; processes sharing a database all need REDIS_URL`
						: `DATABASE_URL: another Tablée server already uses ${where}; one server per database (stop it first, or set REDIS_URL on every process to run several)`,
				)
			}
		}
	} catch (error) {
		await close().catch(() => undefined)
		throw error
	}
	const configured = options.secret
	return {
		probe: () => probeDatabase(pool, where),
		workshops: new PgWorkshopStore(pool, lockPool),
		syntheses: new PgSyntheses(pool),
		assets: new PgAssets(pool),
		deletions: new PgDeletions(pool),
		secret: configured ? { load: async () => configured } : new PgSecret(pool),
		storedSecret: new PgSecret(pool),
		close,
	}
}

/** Whether a write transaction can run now, answered within 3 s (health must answer quickly). */
async function probeDatabase(pool: pg.Pool, where: string): Promise<string | null> {
	let timer: NodeJS.Timeout | undefined
	const timeout = new Promise<string>((resolve) => {
		timer = setTimeout(() => resolve(`the database at ${where} does not answer`), 3000)
	})
	const probe = pool.query('SELECT txid_current()').then(
		() => null,
		(error: Error) =>
			`the database at ${where} cannot be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`,
	)
	try {
		return await Promise.race([probe, timeout])
	} finally {
		clearTimeout(timer)
	}
}

const conflict = (id: string, current: number | null, expected: number | null) =>
	err({
		code: 'conflict' as const,
		message: `workshop ${id} is at revision ${current ?? 'none'}, not ${expected ?? 'none'}`,
	})

const unavailable = (error: unknown): { ok: false; error: StoreError } =>
	err({ code: 'unavailable' as const, message: (error as Error).message })

interface PendingAppend {
	rows: { workshop: string; document: DocumentName; sourceId: string; update: Buffer }[]
	resolve(): void
	reject(error: unknown): void
}

/** How many workshops' rows the store remembers, to write only the rows a save changed. */
const REMEMBERED_ROWS = 256

/**
 * Workshops in PostgreSQL: a `workshops` row (revision, server-only state, checksum), the
 * compacted snapshot of each document in `workshop_documents`, and the append-only log in
 * `workshop_updates`. Revisions are checked by the UPDATE itself (`WHERE revision = expected`),
 * so two processes on one database see each other's saves as conflicts. Ballots, consensus
 * answers and remembered intents are rows of their own tables, written in the save's
 * transaction (pg-server-only.ts); the row's `checksum` covers the documents and the rest of the
 * server-only state, and a loaded record carries the checksum of the whole, recomputed.
 */
export class PgWorkshopStore implements WorkshopStore {
	private readonly locks = new KeyedLock()
	/**
	 * The rows as last written or read, with the revision they belong to: a save based on that
	 * revision writes only what differs. Any other revision (another process saved) reads them.
	 */
	private readonly rowsAt = new Map<string, { revision: number; contents: RowContents }>()
	private pending: PendingAppend[] = []
	private writing = false

	private readonly pool: pg.Pool
	private readonly lockPool: pg.Pool

	constructor(pool: pg.Pool, lockPool: pg.Pool) {
		this.pool = pool
		this.lockPool = lockPool
	}

	async load(id: string) {
		let client: pg.PoolClient
		try {
			client = await this.pool.connect()
		} catch (error) {
			return unavailable(error)
		}
		try {
			// One snapshot of the database: a compaction committing meanwhile cannot make the
			// updates it folded vanish from both the log and the snapshot we read.
			await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
			const read = await readRows(client, id)
			const rows = read === null ? null : await readServerOnlyRows(client, id)
			await client.query('COMMIT')
			if (read === null || rows === null) return ok(null)
			const parsed = parseRecord(read.record, id)
			if (!parsed.ok) return parsed
			const serverOnly = v.safeParse(serverOnlySchema, withRows(parsed.value.serverOnly, rows))
			if (!serverOnly.success) {
				return err({ code: 'corrupt' as const, message: `record ${id}: its ballot, answer or intent rows are damaged` })
			}
			// A save that committed after this read began may have remembered a newer revision.
			if ((this.rowsAt.get(id)?.revision ?? -1) <= parsed.value.revision) {
				this.remember(id, parsed.value.revision, contentsOf(rows))
			}
			return ok(foldUpdates(withServerOnly(parsed.value, serverOnly.output), read.logs))
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined)
			return unavailable(error)
		} finally {
			client.release()
		}
	}

	async save(record: WorkshopRecord, expectedRevision: number | null) {
		const wanted = rowsOf(record.serverOnly, record.control)
		const rest = restOf(record.serverOnly)
		let storedRows: RowContents | null = null
		const revision = (expectedRevision ?? 0) + 1
		const saved = this.transaction<Result<{ revision: number }, SaveConflict>>(async (client) => {
			const values = [
				record.id,
				revision,
				record.version,
				record.linkGeneration,
				JSON.stringify(rest),
				checksumOf(record.board, record.control, rest),
				record.savedAt,
			]
			const written =
				expectedRevision === null
					? await client.query(
							`INSERT INTO workshops (id, revision, record_version, link_generation, server_only, checksum, saved_at)
							 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
							values,
						)
					: await client.query(
							`UPDATE workshops SET revision = $2, record_version = $3, link_generation = $4, server_only = $5,
							 checksum = $6, saved_at = $7 WHERE id = $1 AND revision = $8`,
							[...values, expectedRevision],
						)
			if (written.rowCount !== 1) {
				await client.query('ROLLBACK')
				const { rows } = await this.pool.query<{ revision: number }>('SELECT revision FROM workshops WHERE id = $1', [
					record.id,
				])
				return { rolledBack: true, answer: conflict(record.id, rows[0]?.revision ?? null, expectedRevision) }
			}
			// The workshop row is locked by the write above: nobody changes its rows meanwhile.
			const known = this.rowsAt.get(record.id)
			const current =
				expectedRevision === null
					? noRows()
					: known?.revision === expectedRevision
						? known.contents
						: contentsOf(await readServerOnlyRows(client, record.id))
			const rowsNow = await writeServerOnlyRows(client, record.id, wanted, current)
			await writeSnapshots(client, record.id, {
				board: Buffer.from(record.board, 'base64'),
				control: Buffer.from(record.control, 'base64'),
			})
			storedRows = rowsNow
			return { rolledBack: false, answer: ok({ revision }) }
		})
		try {
			const answer = await saved
			if (answer.ok && storedRows !== null) this.remember(record.id, revision, storedRows)
			return answer
		} catch (error) {
			// The commit may or may not have happened: the next save reads the rows.
			this.rowsAt.delete(record.id)
			throw refusedOrUnavailable(error, record.id)
		}
	}

	private remember(workshop: string, revision: number, contents: RowContents): void {
		this.rowsAt.delete(workshop)
		this.rowsAt.set(workshop, { revision, contents })
		if (this.rowsAt.size > REMEMBERED_ROWS) {
			const oldest = this.rowsAt.keys().next().value
			if (oldest !== undefined) this.rowsAt.delete(oldest)
		}
	}

	appendUpdates(workshop: string, document: DocumentName, updates: readonly Uint8Array[]): Promise<void> {
		if (updates.length === 0) return Promise.resolve()
		return new Promise<void>((resolve, reject) => {
			this.pending.push({
				rows: updates.map((update) => {
					const bytes = Buffer.from(update)
					return { workshop, document, sourceId: createHash('sha256').update(bytes).digest('hex'), update: bytes }
				}),
				resolve,
				reject,
			})
			void this.flush()
		})
	}

	/** Group commit: appends that arrive while an INSERT runs go together in the next one. */
	private async flush(): Promise<void> {
		if (this.writing) return
		this.writing = true
		try {
			while (this.pending.length > 0) {
				const batch = this.pending
				this.pending = []
				const rows = batch.flatMap((append) => append.rows)
				try {
					await this.pool.query(
						`INSERT INTO workshop_updates (workshop, document, source_id, update)
						 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[])
						 ON CONFLICT (workshop, document, source_id) DO NOTHING`,
						[
							rows.map((row) => row.workshop),
							rows.map((row) => row.document),
							rows.map((row) => row.sourceId),
							rows.map((row) => row.update),
						],
					)
					for (const append of batch) append.resolve()
				} catch (error) {
					for (const append of batch) append.reject(error)
				}
			}
		} finally {
			this.writing = false
		}
	}

	async compact(workshop: string) {
		return this.compactRows(workshop).catch(unavailable)
	}

	private compactRows(workshop: string) {
		return this.transaction<Result<{ revision: number } | null, StoreError | SaveConflict>>(async (client) => {
			await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE.rows, workshop])
			const read = await readRows(client, workshop, true)
			if (read === null) return { rolledBack: false, answer: ok(null) }
			const parsed = parseRecord(read.record, workshop)
			if (!parsed.ok) {
				await client.query('ROLLBACK')
				return { rolledBack: true, answer: parsed }
			}
			const folded = foldUpdates(parsed.value, read.logs)
			const revision = parsed.value.revision + 1
			await client.query(
				'UPDATE workshops SET revision = $2, server_only = $3, checksum = $4 WHERE id = $1 AND revision = $5',
				// Checksummed as written (the parsed state may hold defaults the stored text lacked).
				[
					workshop,
					revision,
					JSON.stringify(folded.serverOnly),
					checksumOf(folded.board, folded.control, folded.serverOnly),
					parsed.value.revision,
				],
			)
			await writeSnapshots(client, workshop, {
				board: Buffer.from(folded.board, 'base64'),
				control: Buffer.from(folded.control, 'base64'),
			})
			// Only the rows folded: an update appended meanwhile stays in the log.
			await client.query('DELETE FROM workshop_updates WHERE seq = ANY($1::bigint[])', [read.seqs])
			// The ballot, answer and intent rows are untouched: what was known of them still holds.
			const known = this.rowsAt.get(workshop)
			if (known?.revision === parsed.value.revision) known.revision = revision
			return { rolledBack: false, answer: ok({ revision }) }
		})
	}

	/** The workshop lock: a PostgreSQL advisory lock, so it holds across processes too. */
	lock<T>(workshop: string, work: () => Promise<T>): Promise<T> {
		// Holders in this process queue here first, so each waits without holding a connection.
		return this.locks.run(workshop, async () => {
			const client = await this.lockPool.connect().catch((error: unknown) => {
				throw new StorageUnavailableError(`workshop lock of ${workshop}: ${(error as Error).message}`, { cause: error })
			})
			let broken = false
			const onError = () => (broken = true)
			client.on('error', onError)
			try {
				await client
					.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE.workshop, workshop])
					.catch((error: unknown) => {
						broken = true
						throw new StorageUnavailableError(`workshop lock of ${workshop}: ${(error as Error).message}`, {
							cause: error,
						})
					})
				try {
					return await work()
				} finally {
					await client
						.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE.workshop, workshop])
						.catch(() => (broken = true))
				}
			} finally {
				client.off('error', onError)
				// A connection that failed is dropped (its session, and so its lock, ends with it).
				client.release(broken)
			}
		})
	}

	async clientOwners(workshop: string) {
		try {
			const { rows } = await this.pool.query<{ client: string; participant: string }>(
				'SELECT client, participant FROM workshop_clients WHERE workshop = $1',
				[workshop],
			)
			return ok(new Map<number, string>(rows.map((row) => [Number(row.client), row.participant])))
		} catch (error) {
			return unavailable(error)
		}
	}

	async claimClients(workshop: string, claims: ReadonlyMap<number, string>) {
		if (claims.size === 0) return
		const clients = [...claims.keys()]
		const participants = clients.map((client) => claims.get(client) ?? '')
		await this.pool.query(
			`INSERT INTO workshop_clients (workshop, client, participant)
			 SELECT $1, client, participant FROM unnest($2::bigint[], $3::text[]) AS claim(client, participant)
			 ON CONFLICT (workshop, client) DO NOTHING`,
			[workshop, clients, participants],
		)
	}

	// --- Personal data (SPEC D1–D2) ---
	/** Removes the workshop, its snapshots and its update log in one transaction (all or nothing). */
	async delete(id: string): Promise<void> {
		this.rowsAt.delete(id)
		await this.transaction(async (client) => {
			// The rows' lock, as compaction takes it: no compaction folds a log being deleted.
			await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE.rows, id])
			await client.query('DELETE FROM workshop_updates WHERE workshop = $1', [id])
			await client.query('DELETE FROM workshop_clients WHERE workshop = $1', [id])
			// The poll, ballot, answer and intent rows go with the workshop row (on delete cascade).
			await client.query('DELETE FROM workshop_documents WHERE workshop = $1', [id])
			await client.query('DELETE FROM workshops WHERE id = $1', [id])
			return { rolledBack: false, answer: undefined }
		})
	}

	async ids(): Promise<string[]> {
		const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM workshops ORDER BY id')
		return rows.map((row) => row.id)
	}

	/** Runs `body` in a transaction; `body` says whether it rolled back itself. */
	private async transaction<T>(
		body: (client: pg.PoolClient) => Promise<{ rolledBack: boolean; answer: T }>,
	): Promise<T> {
		const client = await this.pool.connect()
		try {
			await client.query('BEGIN')
			const { rolledBack, answer } = await body(client)
			if (!rolledBack) await client.query('COMMIT')
			return answer
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined)
			throw error
		} finally {
			client.release()
		}
	}
}

/**
 * A constraint of the database refused the save (a voter counted twice, a ballot over its
 * budget…): a bug of the writer, not a storage failure; anything else is passed on as it is.
 */
export function refusedOrUnavailable(error: unknown, workshop: string): unknown {
	const code = (error as { code?: unknown }).code
	if (typeof code === 'string' && code.startsWith('23')) {
		return new StorageRefusedError(`workshop ${workshop}: PostgreSQL refused the save (${(error as Error).message})`, {
			cause: error,
		})
	}
	return error
}

/** The stored rows of a workshop, as the record layout `parseRecord` validates, and its logs. */
async function readRows(client: pg.PoolClient, id: string, forUpdate = false) {
	const workshop = await client.query<{
		revision: number
		record_version: number
		link_generation: number
		server_only: unknown
		checksum: string
		saved_at: string
	}>(
		`SELECT revision, record_version, link_generation, server_only, checksum, saved_at FROM workshops WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
		[id],
	)
	const row = workshop.rows[0]
	if (!row) return null
	const documents = await client.query<{ document: DocumentName; snapshot: Buffer }>(
		'SELECT document, snapshot FROM workshop_documents WHERE workshop = $1',
		[id],
	)
	const snapshot = (name: DocumentName) =>
		(documents.rows.find((document) => document.document === name)?.snapshot ?? Buffer.alloc(0)).toString('base64')
	const updates = await client.query<{ seq: string; document: DocumentName; update: Buffer }>(
		'SELECT seq, document, update FROM workshop_updates WHERE workshop = $1 ORDER BY seq',
		[id],
	)
	const logs: Record<DocumentName, Uint8Array[]> = { board: [], control: [] }
	for (const update of updates.rows) logs[update.document].push(new Uint8Array(update.update))
	return {
		record: {
			version: row.record_version,
			id,
			revision: row.revision,
			linkGeneration: row.link_generation,
			board: snapshot('board'),
			control: snapshot('control'),
			serverOnly: row.server_only,
			checksum: row.checksum,
			savedAt: row.saved_at,
		},
		logs,
		seqs: updates.rows.map((update) => update.seq),
	}
}

async function writeSnapshots(client: pg.PoolClient, id: string, states: Record<DocumentName, Buffer>) {
	await client.query(
		`INSERT INTO workshop_documents (workshop, document, snapshot) VALUES ($1, 'board', $2), ($1, 'control', $3)
		 ON CONFLICT (workshop, document) DO UPDATE SET snapshot = excluded.snapshot`,
		[id, states.board, states.control],
	)
}

/** Syntheses as JSON rows, validated on the way out like the files are. */
export class PgSyntheses implements SynthesisStore {
	private readonly pool: pg.Pool

	constructor(pool: pg.Pool) {
		this.pool = pool
	}

	async load(id: string): Promise<SynthesisRecord | null> {
		if (!/^[a-z0-9]{8,40}$/.test(id)) return null
		const { rows } = await this.pool.query<{ record: unknown }>('SELECT record FROM syntheses WHERE id = $1', [id])
		const row = rows[0]
		return row ? readSynthesisRecord(row.record, id, `syntheses row ${id}`) : null
	}

	async save(record: SynthesisRecord): Promise<void> {
		await this.pool.query(
			'INSERT INTO syntheses (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
			[record.id, JSON.stringify(record)],
		)
	}

	async ids(): Promise<string[]> {
		const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM syntheses ORDER BY id')
		return rows.map((row) => row.id)
	}
}

/**
 * Board files in the database (bytea), not on a directory: the database is then the whole
 * installation — one backup, and the several processes of a larger installation share files
 * without a shared disk. Uploads are capped by MAX_UPLOAD_BYTES (10 MB by default).
 */
export class PgAssets implements AssetStore {
	private readonly pool: pg.Pool

	constructor(pool: pg.Pool) {
		this.pool = pool
	}

	async save(workshop: string, extension: MediaExtension, bytes: Uint8Array): Promise<string> {
		const name = `${randomId()}.${extension}`
		await this.pool.query('INSERT INTO assets (workshop, name, media_type, bytes) VALUES ($1, $2, $3, $4)', [
			workshop,
			name,
			mediaTypes[extension],
			Buffer.from(bytes),
		])
		return name
	}

	async deleteWorkshop(workshop: string): Promise<void> {
		await this.pool.query('DELETE FROM assets WHERE workshop = $1', [workshop])
	}

	/**
	 * Stores a file under the name it already has (moving an installation in); an existing row of
	 * that name is kept. Answers whether the stored bytes are these.
	 */
	async adopt(workshop: string, name: string, bytes: Buffer): Promise<boolean> {
		const extension = name.slice(name.lastIndexOf('.') + 1) as MediaExtension
		await this.pool.query(
			'INSERT INTO assets (workshop, name, media_type, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
			[workshop, name, mediaTypes[extension], bytes],
		)
		const stored = await this.read(workshop, name)
		return stored !== null && stored.bytes.equals(bytes)
	}

	async read(workshop: string, name: string): Promise<{ bytes: Buffer; type: string } | null> {
		if (!assetNamePattern.test(name) || !isId(workshop)) return null
		const { rows } = await this.pool.query<{ bytes: Buffer; media_type: string }>(
			'SELECT bytes, media_type FROM assets WHERE workshop = $1 AND name = $2',
			[workshop, name],
		)
		const row = rows[0]
		return row ? { bytes: row.bytes, type: row.media_type } : null
	}
}

/**
 * Deletions under way in their table (migration step 4): a row commits before the workshop's
 * rows go, in the same database, so a deletion is durable and finished by whichever start or
 * sweep comes next — nothing of it is kept outside the database.
 */
export class PgDeletions implements DeletionJournal {
	private readonly pool: pg.Pool

	constructor(pool: pg.Pool) {
		this.pool = pool
	}

	async begin(workshop: string, requestedAt: string): Promise<void> {
		await this.pool.query(
			'INSERT INTO workshop_deletions (workshop, requested_at) VALUES ($1, $2) ON CONFLICT (workshop) DO NOTHING',
			[workshop, requestedAt],
		)
	}

	async end(workshop: string): Promise<void> {
		await this.pool.query('DELETE FROM workshop_deletions WHERE workshop = $1', [workshop])
	}

	async pending(): Promise<string[]> {
		const { rows } = await this.pool.query<{ workshop: string }>(
			'SELECT workshop FROM workshop_deletions ORDER BY requested_at, workshop',
		)
		return rows.map((row) => row.workshop)
	}
}

/** The signing secret in its one-row table, created by the first server that needs it. */
export class PgSecret implements SecretStore {
	private readonly pool: pg.Pool

	constructor(pool: pg.Pool) {
		this.pool = pool
	}

	/** The stored secret, `candidate` stored first when there is none yet. */
	async load(candidate = randomBytes(32).toString('base64url')): Promise<string> {
		// ON CONFLICT: a second process creating it at the same time reads the first one's instead.
		await this.pool.query('INSERT INTO installation_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
			candidate,
		])
		const { rows } = await this.pool.query<{ secret: string }>('SELECT secret FROM installation_secret WHERE id = 1')
		const secret = rows[0]?.secret
		if (!secret) throw new Error('installation_secret holds no secret')
		return secret
	}
}
