import { mkdir, open, readdir, unlink } from 'node:fs/promises'
import path from 'node:path'
import { Low } from 'lowdb'
import { err, ok } from '../../shared/result.ts'
import { CorruptFileError, DurableJsonFile, syncDirectory } from './durable-json-file.ts'
import { KeyedLock } from './keyed-lock.ts'
import { UpdateLogFile } from './update-log.ts'
import type { DocumentName, WorkshopRecord, WorkshopStore } from './workshop-store.ts'
import { encodeClaim, foldUpdates, ownersFromClaims, parseRecord } from './workshop-store.ts'

interface WorkshopFile {
	file: DurableJsonFile<WorkshopRecord | null>
	db: Low<WorkshopRecord | null>
	logs: Record<DocumentName, UpdateLogFile>
	/** Ownership claims of board client ids (`<id>.clients.log`), one JSON frame per claim. */
	claims: UpdateLogFile
	/** The claims read back, once read: later claims are checked against it. */
	owners: Map<number, string> | null
}

/**
 * The embedded default store: lowdb, one JSON file per workshop under `<dataDir>/workshops/`,
 * so saving one workshop never rewrites another, and beside it one update log per document
 * (`<id>.board.log`, `<id>.control.log`). A file that cannot be read back is reported as corrupt
 * and left untouched: nothing loads it, so nothing ever writes over it.
 *
 * Revisions are checked against the file itself (its first bytes), so two stores on one
 * directory see each other's saves; the check and the write are atomic within this process
 * only — one process per data directory (the data-directory lock) keeps that true.
 */
export class LowdbStore implements WorkshopStore {
	private readonly dir: string
	private readonly files = new Map<string, WorkshopFile>()
	private readonly locks = new KeyedLock()
	/** Serialises check-and-write per workshop (not the intent lock: saves run outside intents). */
	private readonly writes = new KeyedLock()
	/** Serialises ownership claims per workshop, so the first claim of an id is the one kept. */
	private readonly claiming = new KeyedLock()

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
		const stored = await this.loadSnapshot(id)
		if (!stored.ok || stored.value === null) return stored
		const logs = await this.readLogs(id)
		if (!logs.ok) return logs
		return ok(foldUpdates(stored.value, logs.value))
	}

	save(record: WorkshopRecord, expectedRevision: number | null) {
		return this.writes.run(record.id, async () => {
			const current = await this.storedRevision(record.id)
			if (current !== expectedRevision) {
				return err({
					code: 'conflict' as const,
					message: `workshop ${record.id} is at revision ${current ?? 'none'}, not ${expectedRevision ?? 'none'}`,
				})
			}
			const revision = (expectedRevision ?? 0) + 1
			const { db } = this.workshop(record.id)
			// `version`, `id` and `revision` first: storedRevision reads them from the file's start.
			const { version, id, revision: _previous, ...rest } = record
			db.data = { version, id, revision, ...rest }
			try {
				await db.write()
			} finally {
				db.data = null // the room keeps the state; the store need not hold it too
			}
			return ok({ revision })
		})
	}

	appendUpdates(workshop: string, document: DocumentName, updates: readonly Uint8Array[]) {
		return this.workshop(workshop).logs[document].append(updates)
	}

	async compact(workshop: string) {
		const { logs } = this.workshop(workshop)
		let answer: Awaited<ReturnType<WorkshopStore['compact']>> = ok(null)
		// Both logs are held while the snapshot is folded, saved, and the logs emptied.
		const consumed = await logs.board.consume((board) =>
			logs.control
				.consume(async (control) => {
					const stored = await this.loadSnapshot(workshop)
					if (!stored.ok) {
						answer = stored
						return false
					}
					if (stored.value === null) return false
					const folded = foldUpdates(stored.value, { board, control })
					const saved = await this.save(folded, stored.value.revision)
					answer = saved
					return saved.ok
				})
				.then((inner) => {
					if (!inner.ok) answer = err({ code: 'corrupt' as const, message: `${workshop}: ${inner.error}` })
					return answer.ok && answer.value !== null
				}),
		)
		if (!consumed.ok) return err({ code: 'corrupt' as const, message: `${workshop}: ${consumed.error}` })
		return answer
	}

	clientOwners(workshop: string) {
		return this.claiming.run(workshop, async () => {
			const owners = await this.readOwners(workshop)
			return owners.ok ? ok(new Map(owners.value)) : owners
		})
	}

	claimClients(workshop: string, claims: ReadonlyMap<number, string>) {
		return this.claiming.run(workshop, async () => {
			const owners = await this.readOwners(workshop)
			if (!owners.ok) throw new Error(owners.error.message)
			const fresh = [...claims].filter(([client]) => !owners.value.has(client))
			if (fresh.length === 0) return
			await this.workshop(workshop).claims.append(
				fresh.map(([client, participant]) => encodeClaim(client, participant)),
			)
			for (const [client, participant] of fresh) owners.value.set(client, participant)
		})
	}

	private async readOwners(workshop: string) {
		const entry = this.workshop(workshop)
		if (entry.owners) return ok(entry.owners)
		let read: Awaited<ReturnType<UpdateLogFile['read']>>
		try {
			read = await entry.claims.read()
		} catch (error) {
			return err({ code: 'unavailable' as const, message: (error as Error).message })
		}
		const owners = read.ok ? ownersFromClaims(read.value) : null
		if (!owners) {
			return err({
				code: 'corrupt' as const,
				message: `client owners of ${workshop}: ${read.ok ? 'damaged claim' : read.error}`,
			})
		}
		entry.owners = owners
		return ok(owners)
	}

	lock<T>(workshop: string, work: () => Promise<T>): Promise<T> {
		return this.locks.run(workshop, work)
	}

	private async loadSnapshot(id: string) {
		let found: Awaited<ReturnType<DurableJsonFile<unknown>['readJson']>>
		try {
			found = await this.workshop(id).file.readJson()
		} catch (error) {
			if (error instanceof CorruptFileError) return err({ code: 'corrupt' as const, message: error.message })
			return err({ code: 'unavailable' as const, message: (error as Error).message })
		}
		return found.exists ? parseRecord(found.data, id) : ok(null)
	}

	private async readLogs(id: string) {
		const { logs } = this.workshop(id)
		try {
			const board = await logs.board.read()
			const control = await logs.control.read()
			if (!board.ok || !control.ok) {
				return err({
					code: 'corrupt' as const,
					message: `update log of ${id}: ${board.ok ? '' : board.error}${control.ok ? '' : control.error}`,
				})
			}
			return ok({ board: board.value, control: control.value })
		} catch (error) {
			return err({ code: 'unavailable' as const, message: (error as Error).message })
		}
	}

	/**
	 * The revision of the stored record, read from the start of its file (a record is written
	 * with `version`, `id` and `revision` first); 0 for a record older than revisions, null when
	 * there is no file.
	 */
	private async storedRevision(id: string): Promise<number | null> {
		let head: string
		try {
			const handle = await open(this.fileOf(id), 'r')
			try {
				const buffer = Buffer.alloc(256)
				const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
				head = buffer.subarray(0, bytesRead).toString('utf8')
			} finally {
				await handle.close()
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
			throw error
		}
		const match = /^\{"version":(\d+),"id":"[a-z0-9]+"(?:,"revision":(\d+))?/.exec(head)
		if (!match) return -1 // unreadable: never equal to an expected revision
		return match[2] === undefined ? 0 : Number(match[2])
	}

	// --- Personal data (SPEC D1–D2) ---
	/**
	 * The record's unlink is the commit point (after the writes queued before it); then any other
	 * file of the workshop (temp files a crash left behind) goes too.
	 */
	delete(id: string) {
		// In the same queue as saves: a deletion after a save is never undone by it.
		return this.writes.run(id, async () => {
			await this.workshop(id).file.remove()
			this.files.delete(id)
			const leftovers = (await readdir(this.dir)).filter((name) => name.startsWith(`${id}.`))
			for (const name of leftovers) await unlink(path.join(this.dir, name)).catch(() => undefined)
			if (leftovers.length > 0) await syncDirectory(this.dir)
		})
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
			entry = {
				file,
				db: new Low<WorkshopRecord | null>(file, null),
				logs: {
					board: new UpdateLogFile(path.join(this.dir, `${id}.board.log`)),
					control: new UpdateLogFile(path.join(this.dir, `${id}.control.log`)),
				},
				claims: new UpdateLogFile(path.join(this.dir, `${id}.clients.log`)),
				owners: null,
			}
			this.files.set(id, entry)
		}
		return entry
	}
}
