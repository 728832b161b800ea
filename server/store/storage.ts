import { randomBytes } from 'node:crypto'
import type { MediaExtension } from '../assets/asset-files.ts'
import { AssetFiles } from '../assets/asset-files.ts'
import { loadSecret } from '../auth/secret.ts'
import { LowdbStore } from './lowdb-store.ts'
import { DeletionFiles } from './deletion-files.ts'
import { MemoryAssets, MemoryDeletions, MemorySyntheses } from './memory-files.ts'
import { MemoryStore } from './memory-store.ts'
import { SynthesisFiles, type SynthesisRecord } from './synthesis-files.ts'
import type { WorkshopStore } from './workshop-store.ts'

/**
 * The storage could not be reached (a database connection lost, say): nothing was changed and
 * the request may be retried. HTTP answers it 503 `storage_unavailable`.
 */
export class StorageUnavailableError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options)
		this.name = 'StorageUnavailableError'
	}
}

/**
 * The storage refused a change as inconsistent: a database constraint (a voter counted twice, a
 * ballot over its vote's budget…) caught what the server's own checks should have. Nothing was
 * changed; the same change will be refused again. HTTP answers it 409 `refused_by_storage`.
 */
export class StorageRefusedError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options)
		this.name = 'StorageRefusedError'
	}
}

/** Saved national syntheses. A missing one is `null`; a damaged one throws (never "absent"). */
export interface SynthesisStore {
	load(id: string): Promise<SynthesisRecord | null>
	save(record: SynthesisRecord): Promise<void>
	/** Ids of every stored synthesis (a deleted workshop's syntheses are marked, SPEC D1). */
	ids(): Promise<string[]>
}

/**
 * Workshop deletions under way (SPEC D1, D5). An entry is durable before a workshop's record goes
 * and is removed once everything of it is gone, so a deletion a crash interrupted is finished at
 * the next start. It lives where the workshops live: the data directory, or the database.
 */
export interface DeletionJournal {
	/** Records that `workshop` is being deleted; resolves once durable. An entry already there stays. */
	begin(workshop: string, requestedAt: string): Promise<void>
	/** Removes the entry, durably; nothing to remove is fine. */
	end(workshop: string): Promise<void>
	/** Ids of the deletions begun and not ended. */
	pending(): Promise<string[]>
}

/** Images and videos pasted on boards, under a random name that acts as a capability. */
export interface AssetStore {
	/** Stores the bytes durably and returns the name to serve them under. */
	save(workshop: string, extension: MediaExtension, bytes: Uint8Array): Promise<string>
	/** The bytes and media type of a stored file, or null when there is none. */
	read(workshop: string, name: string): Promise<{ bytes: Buffer; type: string } | null>
	/** Removes every file of a workshop, durably (SPEC D1); nothing to remove is fine. */
	deleteWorkshop(workshop: string): Promise<void>
}

/** Where the token signing secret is kept when `TABLEE_SECRET` does not give it. */
export interface SecretStore {
	/** The secret, created on first use; every process of one installation must read the same. */
	load(): Promise<string>
}

/** Every port of the storage, from one adapter family. */
export interface Storage {
	workshops: WorkshopStore
	syntheses: SynthesisStore
	assets: AssetStore
	deletions: DeletionJournal
	secret: SecretStore
	/** Releases connections and locks the adapter holds (the database adapter); absent: nothing to release. */
	close?(): Promise<void>
	/**
	 * Why the storage cannot be written right now, or null when it can (health). Absent: the
	 * data directory is probed instead (the file adapters).
	 */
	probe?(): Promise<string | null>
}

/**
 * The adapters `STORE` selects when `DATABASE_URL` is not set: files in `DATA_DIR` (default), or
 * memory for throw-away servers. `DATABASE_URL` selects PostgreSQL for every port.
 */
export const storeKinds = ['lowdb', 'memory'] as const
export type StoreKind = (typeof storeKinds)[number]

/**
 * Opens the storage the configuration names. `TABLEE_SECRET`, when set, is the secret whatever
 * the adapter.
 */
export async function openStorage(config: {
	store: StoreKind
	dataDir: string
	secret: string | null
	databaseUrl?: string | null
	/** Set: several processes share the database (docs/scale-out.md): its lock is taken shared. */
	redisUrl?: string | null
}): Promise<Storage> {
	const configured = config.secret
	if (config.databaseUrl) {
		// Loaded only with a database: the driver and its adapter are ~3 MiB of resident memory a
		// file-backed server never uses (docs/architecture.md §Memory).
		const { openPgStorage } = await import('./pg-store.ts')
		return openPgStorage(config.databaseUrl, {
			exclusive: !config.redisUrl,
			shared: Boolean(config.redisUrl),
			secret: configured,
		})
	}
	if (config.store === 'memory') {
		const generated = randomBytes(32).toString('base64url')
		return {
			workshops: new MemoryStore(),
			syntheses: new MemorySyntheses(),
			assets: new MemoryAssets(),
			deletions: new MemoryDeletions(),
			secret: { load: async () => configured ?? generated },
		}
	}
	return {
		workshops: await new LowdbStore(config.dataDir).open(),
		syntheses: new SynthesisFiles(config.dataDir),
		assets: new AssetFiles(config.dataDir),
		deletions: new DeletionFiles(config.dataDir),
		secret: { load: () => loadSecret(configured, config.dataDir) },
	}
}
