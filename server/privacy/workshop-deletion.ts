import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from '../logger.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { DurableJsonFile } from '../store/durable-json-file.ts'
import type { AssetStore, SynthesisStore } from '../store/storage.ts'
import type { WorkshopStore } from '../store/workshop-store.ts'
import { closeConnections } from './room-connections.ts'

export interface WorkshopDeletionOptions {
	dataDir: string
	store: WorkshopStore
	registry: RoomRegistry
	assets: AssetStore
	syntheses: SynthesisStore
	logger: Logger
	now?: () => number
}

/**
 * `unfinished`: the record is deleted but the rest could not be (the next attempt, a restart or
 * the daily sweep finishes it); `unavailable`: nothing was deleted.
 */
export type DeletionResult = 'deleted' | 'unfinished' | 'not-found' | 'unavailable'

/** Thrown inside the registry's deletion to leave the room as it was. */
class Refused extends Error {
	readonly result: DeletionResult
	constructor(result: DeletionResult) {
		super(result)
		this.result = result
	}
}

/**
 * Deleting a workshop (SPEC D1): its record, its uploaded files, and the link that syntheses
 * keep to it. Several stores are involved, so a deletion is written down first, in
 * `DATA_DIR/deletions/<id>.json`, and the record's removal is the commit point:
 *
 * 1. the room stops saving (registry.delete), the journal entry is written durably;
 * 2. the store deletes the record — until then a failure undoes the entry and nothing changed;
 * 3. syntheses that used the workshop mark it deleted (they keep their own copy of its figures);
 *    its files go; the entry is removed.
 *
 * A crash anywhere after 1 leaves the entry, and {@link resumePending} — at start, before anything
 * is served, and with every retention sweep — finishes the job: the workshop is then either whole
 * (crash before 2, entry found but record still there: the unacknowledged deletion completes) or
 * entirely gone. Each step can run twice.
 */
export class WorkshopDeletion {
	private readonly options: WorkshopDeletionOptions
	private readonly dir: string

	constructor(options: WorkshopDeletionOptions) {
		this.options = options
		this.dir = path.join(options.dataDir, 'deletions')
	}

	/** Deletes the workshop; resolves once everything is durably gone. */
	async delete(id: string): Promise<DeletionResult> {
		const { store, registry, logger } = this.options
		try {
			// The registry runs one deletion of a workshop at a time: a retry, a second click and the
			// sweep's resumption never interleave their steps.
			return await registry.delete(
				id,
				async (): Promise<DeletionResult> => {
					const entry = this.entry(id)
					// An interrupted deletion is rolled forward, whether or not its record is gone yet.
					const resumed = (await this.pendingIds()).includes(id)
					if (!resumed) {
						const found = await store.load(id).catch(() => null)
						if (found === null || (!found.ok && found.error.code === 'unavailable')) throw new Refused('unavailable')
						// A damaged record can still be deleted: that is its owner's right too.
						if (found.ok && found.value === null) throw new Refused('not-found')
						await mkdir(this.dir, { recursive: true })
						await entry.write({ id, requestedAt: new Date(this.now()).toISOString() })
					}
					try {
						await store.delete(id)
					} catch (error) {
						if (!resumed) await entry.remove().catch(() => undefined)
						throw error
					}
					logger.info('privacy.workshop_deleted', { workshop: id })
					// The record is gone: from here on the room must not come back, whatever fails.
					try {
						await this.finish(id)
						return 'deleted'
					} catch (error) {
						logger.error('privacy.deletion_unfinished', { workshop: id, error })
						return 'unfinished'
					}
				},
				(room: WorkshopRoom) => closeConnections(room, 'workshopDeleted'),
			)
		} catch (error) {
			if (error instanceof Refused) return error.result
			logger.error('privacy.deletion_failed', { workshop: id, error })
			return 'unavailable'
		}
	}

	/** Finishes every deletion a crash or a failure interrupted; returns their ids. */
	async resumePending(): Promise<string[]> {
		const ids = await this.pendingIds()
		for (const id of ids) {
			const result = await this.delete(id)
			this.options.logger.info('privacy.deletion_resumed', { workshop: id, result })
		}
		return ids
	}

	private async finish(id: string): Promise<void> {
		await this.markSyntheses(id)
		await this.options.assets.deleteWorkshop(id)
		await this.entry(id).remove()
	}

	/** Syntheses that included the workshop say it was deleted; their copy of its figures stays. */
	private async markSyntheses(id: string): Promise<void> {
		const { syntheses } = this.options
		for (const synthesisId of await syntheses.ids()) {
			const record = await syntheses.load(synthesisId)
			const origins = record?.origins
			if (!record || !origins?.some((origin) => origin?.workshop === id && origin.deletedAt === null)) continue
			const deletedAt = new Date(this.now()).toISOString()
			await syntheses.save({
				...record,
				origins: origins.map((origin) => (origin?.workshop === id ? { ...origin, deletedAt } : origin)),
			})
		}
	}

	private async pendingIds(): Promise<string[]> {
		const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return []
			throw error
		})
		return names.filter((name) => /^[a-z0-9]{8,40}\.json$/.test(name)).map((name) => name.slice(0, -5))
	}

	private entry(id: string) {
		return new DurableJsonFile<{ id: string; requestedAt: string }>(path.join(this.dir, `${id}.json`))
	}

	private now(): number {
		return this.options.now?.() ?? Date.now()
	}
}
