import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Config } from '../../server/config.ts'
import { LowdbStore } from '../../server/store/lowdb-store.ts'
import { openPgStorage } from '../../server/store/pg-store.ts'
import type { WorkshopStore } from '../../server/store/workshop-store.ts'
import { createTestDatabase, dropTestDatabases } from './postgres.ts'

/**
 * The installations the reliability suite runs on (SPEC S14): the embedded default (files in a
 * fresh DATA_DIR) and PostgreSQL (a fresh database). Each gives a server process's environment
 * or an in-process server's configuration, and reads back what a server left behind.
 */
export interface StoreUnderTest {
	name: 'lowdb' | 'postgresql'
	/** Where a new server stores its data: a fresh data directory or database. */
	fresh(): Promise<StoreLocation>
}

export interface StoreLocation {
	/** Environment variables of a server process (`node server/main.ts`). */
	env: Record<string, string>
	/** The same, as configuration of an in-process test server. */
	config: Partial<Config>
	/** The workshop store on that location, opened beside (or after) the server, and how to close it. */
	open(): Promise<{ workshops: WorkshopStore; close(): Promise<void> }>
}

const dirs: string[] = []

export const storesUnderTest: StoreUnderTest[] = [
	{
		name: 'lowdb',
		fresh: async () => {
			const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-store-'))
			dirs.push(dataDir)
			return {
				env: { DATA_DIR: dataDir },
				config: { dataDir },
				open: async () => ({ workshops: new LowdbStore(dataDir), close: async () => undefined }),
			}
		},
	},
	{
		name: 'postgresql',
		fresh: async () => {
			const databaseUrl = await createTestDatabase()
			return {
				env: { DATABASE_URL: databaseUrl },
				config: { databaseUrl },
				open: async () => {
					const storage = await openPgStorage(databaseUrl, { exclusive: false, secret: null })
					return { workshops: storage.workshops, close: () => storage.close() }
				},
			}
		},
	},
]

/** Removes every data directory and database made here (call it in afterAll). */
export async function removeStores(): Promise<void> {
	for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
	await dropTestDatabases()
}
