import { mkdir, readdir, unlink } from 'node:fs/promises'
import path from 'node:path'
import { Low } from 'lowdb'
import { err, ok } from '../../shared/result.ts'
import { CorruptFileError, DurableJsonFile, syncDirectory } from './durable-json-file.ts'
import type { WorkshopRecord, WorkshopStore } from './workshop-store.ts'
import { parseRecord } from './workshop-store.ts'

interface WorkshopFile {
	file: DurableJsonFile<WorkshopRecord | null>
	db: Low<WorkshopRecord | null>
}

/**
 * The embedded default store: lowdb, one JSON file per workshop under `<dataDir>/workshops/`,
 * so saving one workshop never rewrites another. A file that cannot be read back is reported as
 * corrupt and left untouched: nothing loads it, so nothing ever writes over it.
 */
export class LowdbStore implements WorkshopStore {
	private readonly dir: string
	private readonly files = new Map<string, WorkshopFile>()

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
		let found: Awaited<ReturnType<DurableJsonFile<unknown>['readJson']>>
		try {
			found = await this.workshop(id).file.readJson()
		} catch (error) {
			if (error instanceof CorruptFileError) return err({ code: 'corrupt' as const, message: error.message })
			return err({ code: 'unavailable' as const, message: (error as Error).message })
		}
		return found.exists ? parseRecord(found.data, id) : ok(null)
	}

	async save(record: WorkshopRecord) {
		const { db } = this.workshop(record.id)
		db.data = record
		try {
			await db.write()
		} finally {
			db.data = null // the room keeps the state; the store need not hold it too
		}
	}

	// --- Personal data (SPEC D1–D2) ---
	/**
	 * The record's unlink is the commit point (after the writes queued before it); then any other
	 * file of the workshop (temp files a crash left behind) goes too.
	 */
	async delete(id: string) {
		await this.workshop(id).file.remove()
		this.files.delete(id)
		const leftovers = (await readdir(this.dir)).filter((name) => name.startsWith(`${id}.`))
		for (const name of leftovers) await unlink(path.join(this.dir, name)).catch(() => undefined)
		if (leftovers.length > 0) await syncDirectory(this.dir)
	}

	async ids() {
		return (await readdir(this.dir))
			.filter((name) => /^[a-z0-9]{8,40}\.json$/.test(name))
			.map((name) => name.slice(0, -'.json'.length))
	}

	/** One lowdb instance per file, kept so that its adapter serialises the writes to that file. */
	private workshop(id: string): WorkshopFile {
		let entry = this.files.get(id)
		if (!entry) {
			const file = new DurableJsonFile<WorkshopRecord | null>(this.fileOf(id))
			entry = { file, db: new Low<WorkshopRecord | null>(file, null) }
			this.files.set(id, entry)
		}
		return entry
	}
}
