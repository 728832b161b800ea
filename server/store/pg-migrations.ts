import type { ClientBase } from 'pg'
import { noRows, restOf, rowsOf, writeServerOnlyRows } from './pg-server-only.ts'
import { checksumOf, type ServerOnlyState } from './workshop-store.ts'

/**
 * The PostgreSQL schema, as numbered steps. A database records the steps applied in
 * `tablee_migrations`; at start the missing ones run in one transaction, and a database that
 * holds a step this code does not know is refused (it was migrated by a newer Tablée).
 * Never edit a released step: add the next one. A step is its `sql`, then its `data` (moving
 * stored data into the new shape), in that same transaction.
 */
export const migrations: readonly MigrationStep[] = [
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
			-- Ballots, consensus answers and idempotent answers as rows the database protects (SPEC
			-- S13), written in the transaction that saves the workshop; they leave server_only.
			-- A ballot fits its vote: every count a whole number from 1 to the maximum per proposal,
			-- their sum within the budget. Immutable (its arguments alone decide): usable in a CHECK.
			CREATE FUNCTION tablee_ballot_fits(allocation json, budget integer, max_per_proposal integer)
			RETURNS boolean LANGUAGE sql IMMUTABLE AS $fits$
				SELECT CASE WHEN json_typeof(allocation) IS DISTINCT FROM 'object' THEN false ELSE coalesce((
					SELECT bool_and(dots BETWEEN 1 AND max_per_proposal) AND sum(dots) <= budget
					FROM (
						SELECT CASE WHEN json_typeof(value) = 'number' AND value::text ~ '^[0-9]{1,6}$'
							THEN value::text::integer ELSE -1 END AS dots
						FROM json_each(allocation)
					) AS given
				), false) END
			$fits$;
			CREATE FUNCTION tablee_answers_fit(answers json) RETURNS boolean LANGUAGE sql IMMUTABLE AS $fit$
				SELECT CASE WHEN json_typeof(answers) IS DISTINCT FROM 'object' THEN false ELSE coalesce((
					SELECT bool_and(json_typeof(value) = 'object' AND (value ->> 'answer') IN ('agree', 'disagree', 'unsure'))
					FROM json_each(answers)
				), true) END
			$fit$;
			-- The polls of a workshop: at most one vote and one consensus check (the current ones).
			CREATE TABLE workshop_polls (
				workshop text NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
				poll text NOT NULL,
				kind text NOT NULL CHECK (kind IN ('vote', 'consensus')),
				budget integer,
				max_per_proposal integer,
				PRIMARY KEY (workshop, poll),
				UNIQUE (workshop, kind),
				UNIQUE (workshop, poll, kind),
				UNIQUE (workshop, poll, kind, budget, max_per_proposal),
				CHECK (CASE kind
					WHEN 'vote' THEN budget >= 1 AND max_per_proposal BETWEEN 1 AND budget
					ELSE budget IS NULL AND max_per_proposal IS NULL END)
			);
			-- One ballot per poll and voter (the primary key): a voter is never counted twice. The
			-- budget and maximum are the poll's (the foreign key), and the allocation fits them (the
			-- check), both checked by PostgreSQL in the transaction that writes the ballot.
			CREATE TABLE workshop_ballots (
				workshop text NOT NULL,
				poll text NOT NULL,
				voter text NOT NULL,
				kind text NOT NULL DEFAULT 'vote' CHECK (kind = 'vote'),
				budget integer NOT NULL,
				max_per_proposal integer NOT NULL,
				allocation json NOT NULL,
				proxy boolean NOT NULL,
				cast_at text NOT NULL,
				position bigint GENERATED ALWAYS AS IDENTITY,
				PRIMARY KEY (workshop, poll, voter),
				FOREIGN KEY (workshop, poll, kind, budget, max_per_proposal)
					REFERENCES workshop_polls (workshop, poll, kind, budget, max_per_proposal)
					ON UPDATE CASCADE ON DELETE CASCADE,
				CONSTRAINT ballot_fits_the_vote CHECK (tablee_ballot_fits(allocation, budget, max_per_proposal))
			);
			-- One set of consensus answers per poll and respondent.
			CREATE TABLE workshop_answers (
				workshop text NOT NULL,
				poll text NOT NULL,
				voter text NOT NULL,
				kind text NOT NULL DEFAULT 'consensus' CHECK (kind = 'consensus'),
				answers json NOT NULL CONSTRAINT answers_fit CHECK (tablee_answers_fit(answers)),
				position bigint GENERATED ALWAYS AS IDENTITY,
				PRIMARY KEY (workshop, poll, voter),
				FOREIGN KEY (workshop, poll, kind) REFERENCES workshop_polls (workshop, poll, kind)
					ON UPDATE CASCADE ON DELETE CASCADE
			);
			-- The answer given to each Idempotency-Key (scope: participant and key), stored with the
			-- change it answered.
			CREATE TABLE workshop_intents (
				workshop text NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
				scope text NOT NULL,
				fingerprint text NOT NULL,
				status integer NOT NULL,
				body json NOT NULL,
				answered_at text NOT NULL,
				position bigint GENERATED ALWAYS AS IDENTITY,
				PRIMARY KEY (workshop, scope)
			);
		`,
		// Moves what server_only held into the tables. A row whose checksum does not match is left
		// as it was: it loads as corrupt, as it did before. Hazard: this uses the adapter's row
		// code (pg-server-only.ts) as it is at step 3; a later step that changes these tables must
		// give this one a frozen copy of what it calls.
		data: async (client) => {
			const { rows } = await client.query<{ id: string; server_only: string; checksum: string }>(
				'SELECT id, server_only::text AS server_only, checksum FROM workshops ORDER BY id FOR UPDATE',
			)
			for (const row of rows) {
				const serverOnly = JSON.parse(row.server_only) as ServerOnlyState
				const documents = await client.query<{ document: string; snapshot: Buffer }>(
					'SELECT document, snapshot FROM workshop_documents WHERE workshop = $1',
					[row.id],
				)
				const state = (name: string) =>
					(documents.rows.find((document) => document.document === name)?.snapshot ?? Buffer.alloc(0)).toString(
						'base64',
					)
				const [board, control] = [state('board'), state('control')]
				if (checksumOf(board, control, serverOnly) !== row.checksum) continue
				const filled = { ...serverOnly, ballots: serverOnly.ballots ?? {}, answers: serverOnly.answers ?? {} }
				const rest = restOf(filled)
				await client.query('UPDATE workshops SET server_only = $2, checksum = $3 WHERE id = $1', [
					row.id,
					JSON.stringify(rest),
					checksumOf(board, control, rest),
				])
				await writeServerOnlyRows(client, row.id, rowsOf(filled, control), noRows())
			}
		},
	},
	{
		version: 4,
		sql: `
			-- Workshop deletions under way (SPEC D1, D5): a row is committed before the workshop's
			-- rows are deleted and removed once its files and synthesis links are done, so a server
			-- that crashed in between finishes the deletion at its next start.
			CREATE TABLE workshop_deletions (
				workshop text PRIMARY KEY,
				requested_at text NOT NULL
			);
		`,
	},
	{
		version: 5,
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

/** One step of the schema: SQL, and what moves existing data into it (same transaction). */
export interface MigrationStep {
	version: number
	sql: string
	data?: (client: ClientBase) => Promise<void>
}

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
	/** Tried (never waited for) around a retention sweep: one process of an installation sweeps. */
	retention: 0x7ab1e4,
} as const

/** Applies the missing migrations in one transaction; refuses a database newer than this code. */
export async function migrate(client: ClientBase, upTo = SCHEMA_VERSION): Promise<{ from: number; to: number }> {
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
			if (step.version <= from || step.version > upTo) continue
			await client.query(step.sql)
			await step.data?.(client)
			await client.query('INSERT INTO tablee_migrations (version) VALUES ($1)', [step.version])
		}
		await client.query('COMMIT')
		return { from, to: Math.max(from, Math.min(upTo, SCHEMA_VERSION)) }
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined)
		throw error
	}
}
