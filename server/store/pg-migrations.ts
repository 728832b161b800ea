import type { PoolClient } from 'pg'

/**
 * The PostgreSQL schema, as numbered steps. A database records the steps applied in
 * `tablee_migrations`; at start the missing ones run in one transaction, and a database that
 * holds a step this code does not know is refused (it was migrated by a newer Tablée).
 * Never edit a released step: add the next one.
 */
export const migrations: readonly { version: number; sql: string }[] = [
	{
		version: 1,
		sql: `
			-- One row per workshop: what the record holds besides the documents' states.
			-- server_only is json (not jsonb): its text is kept as written, and the record's
			-- checksum covers that text.
			CREATE TABLE workshops (
				id text PRIMARY KEY,
				revision integer NOT NULL CHECK (revision >= 0),
				record_version integer NOT NULL,
				link_generation integer NOT NULL CHECK (link_generation >= 0),
				server_only json NOT NULL,
				checksum text NOT NULL,
				saved_at text NOT NULL
			);
			-- Each Yjs document's compacted snapshot (Y.encodeStateAsUpdate).
			CREATE TABLE workshop_documents (
				workshop text NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
				document text NOT NULL CHECK (document IN ('board', 'control')),
				snapshot bytea NOT NULL,
				PRIMARY KEY (workshop, document)
			);
			-- The append-only update log: source_id (sha256 of the update) is unique per document,
			-- so appending the same update again after a crash or a retry stores nothing new.
			CREATE TABLE workshop_updates (
				seq bigserial PRIMARY KEY,
				workshop text NOT NULL,
				document text NOT NULL CHECK (document IN ('board', 'control')),
				source_id text NOT NULL,
				update bytea NOT NULL,
				UNIQUE (workshop, document, source_id)
			);
			CREATE TABLE syntheses (
				id text PRIMARY KEY,
				record json NOT NULL
			);
			CREATE TABLE assets (
				workshop text NOT NULL,
				name text NOT NULL,
				media_type text NOT NULL,
				bytes bytea NOT NULL,
				PRIMARY KEY (workshop, name)
			);
			CREATE TABLE installation_secret (
				id integer PRIMARY KEY CHECK (id = 1),
				secret text NOT NULL CHECK (length(secret) >= 32)
			);
		`,
	},
	{
		version: 2,
		sql: `
			-- Which participant writes under each Yjs client id of a workshop (SPEC R14): the first
			-- claim wins (insert ... on conflict do nothing), so two processes agree on one owner.
			CREATE TABLE workshop_clients (
				workshop text NOT NULL,
				client bigint NOT NULL,
				participant text NOT NULL,
				PRIMARY KEY (workshop, client)
			);
		`,
	},
	{
		version: 3,
		sql: `
			-- Several processes (REDIS_URL, docs/scale-out.md). control_revision counts the commits of
			-- the control side (control document, server-only state, link generation): a process
			-- catches up when it moved, while compaction, which moves revision, leaves it alone.
			ALTER TABLE workshops ADD COLUMN control_revision integer NOT NULL DEFAULT 0 CHECK (control_revision >= 0);
			-- The Yjs client id each process writes control documents under: claimed once per
			-- process start (primary key: never two processes on one id).
			CREATE TABLE control_writers (
				client bigint PRIMARY KEY CHECK (client > 0 AND client < 4294967296),
				process text NOT NULL,
				claimed_at timestamptz NOT NULL DEFAULT now()
			);
		`,
	},
]

export const SCHEMA_VERSION = Math.max(...migrations.map((step) => step.version))

/** Advisory lock namespaces (first key of the two-key form) used by this application. */
export const LOCK_SPACE = {
	/** Held while migrating, so two starting servers do not migrate at once. */
	migrate: 0x7ab1e0,
	/** Held for a server's whole life: one server per database. */
	installation: 0x7ab1e1,
	/** Per workshop (second key: hashtext of its id): the port's workshop lock. */
	workshop: 0x7ab1e2,
	/** Per workshop: compaction and saves of its rows. */
	rows: 0x7ab1e3,
} as const

/** Applies the missing migrations in one transaction; refuses a database newer than this code. */
export async function migrate(client: PoolClient): Promise<{ from: number; to: number }> {
	await client.query('BEGIN')
	try {
		await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE.migrate])
		await client.query(
			'CREATE TABLE IF NOT EXISTS tablee_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
		)
		const { rows } = await client.query<{ version: number | null }>(
			'SELECT max(version) AS version FROM tablee_migrations',
		)
		const from = rows[0]?.version ?? 0
		if (from > SCHEMA_VERSION) {
			throw new Error(
				`DATABASE_URL: the database schema is at version ${from}, newer than this Tablée knows (${SCHEMA_VERSION}); ` +
					'run the Tablée version that migrated it, or a newer one',
			)
		}
		for (const step of migrations) {
			if (step.version <= from) continue
			await client.query(step.sql)
			await client.query('INSERT INTO tablee_migrations (version) VALUES ($1)', [step.version])
		}
		await client.query('COMMIT')
		return { from, to: SCHEMA_VERSION }
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined)
		throw error
	}
}
