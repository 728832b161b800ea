import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Low } from 'lowdb'
import { err } from '../../shared/result.ts'
import { CorruptFileError, DurableJsonFile } from './durable-json-file.ts'
import type { WorkshopRecord, WorkshopStore } from './workshop-store.ts'
import { parseRecord } from './workshop-store.ts'

/**
 * The embedded default store: lowdb, one JSON file per workshop under `<dataDir>/workshops/`,
 * so saving one workshop never rewrites another. A file that cannot be read back is reported as
 * corrupt and left untouched: nothing loads it, so nothing ever writes over it.
 */
export class LowdbStore implements WorkshopStore {
	private readonly dir: string
	private readonly files = new Map<string, Low<WorkshopRecord | null>>()

	constructor(dataDir: string) {
		this.dir = path.join(dataDir, 'workshops')
	}

	/** Creates the data directory; call once before use. */
	async open(): Promise<this> {
		await mkdir(this.dir, { recursive: true })
		return this
	}

	fileOf(id: string): string {
		return path.join(this.dir, `${id}.json`)
	}

	async load(id: string) {
		const db = this.db(id)
		try {
			await db.read()
		} catch (error) {
			if (error instanceof CorruptFileError) return err({ code: 'corrupt' as const, message: error.message })
			return err({ code: 'unavailable' as const, message: (error as Error).message })
		}
		const data = db.data
		db.data = null // the room keeps the state; the store need not hold the parsed JSON too
		return data === null ? { ok: true as const, value: null } : parseRecord(data, id)
	}

	async save(record: WorkshopRecord) {
		const db = this.db(record.id)
		db.data = record
		try {
			await db.write()
		} finally {
			db.data = null
		}
	}

	/** One lowdb instance per file, kept so that its adapter serialises the writes to that file. */
	private db(id: string): Low<WorkshopRecord | null> {
		let db = this.files.get(id)
		if (!db) {
			db = new Low<WorkshopRecord | null>(new DurableJsonFile(this.fileOf(id)), null)
			this.files.set(id, db)
		}
		return db
	}
}
