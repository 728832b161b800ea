import type { Logger } from '../logger.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { KeyedLock } from '../store/keyed-lock.ts'
import type { AssetStore, DeletionJournal, SynthesisStore } from '../store/storage.ts'
import type { WorkshopStore } from '../store/workshop-store.ts'
import { markDeleted } from './deleted-sources.ts'
import { closeConnections } from './room-connections.ts'

export interface WorkshopDeletionOptions {
	/** The lock synthesis edits take: a mark never overwrites an edit made meanwhile, nor the reverse. */
	synthesisEdits: KeyedLock
	/** Where deletions under way are written down: the data directory's, or the database's. */
	journal: DeletionJournal
	/** This server's public URL: a synthesis's source exported from here names it (`context.workshop`). */
	publicUrl: string
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
 * keep to it. Several stores are involved, so a deletion is written down first in the storage's
 * journal (`DATA_DIR/deletions/<id>.json`, or the database's `workshop_deletions` table), and the
 * record's removal is the commit point:
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

	constructor(options: WorkshopDeletionOptions) {
		this.options = options
	}

	/** Deletes the workshop; resolves once everything is durably gone. */
	async delete(id: string): Promise<DeletionResult> {
		const { store, registry, logger, journal } = this.options
		try {
			// The registry runs one deletion of a workshop at a time: a retry, a second click and the
			// sweep's resumption never interleave their steps.
			return await registry.delete(
				id,
				async (): Promise<DeletionResult> => {
					// An interrupted deletion is rolled forward, whether or not its record is gone yet.
					const resumed = (await journal.pending()).includes(id)
					if (!resumed) {
						const found = await store.load(id).catch(() => null)
						if (found === null || (!found.ok && found.error.code === 'unavailable')) throw new Refused('unavailable')
						// A damaged record can still be deleted: that is its owner's right too.
						if (found.ok && found.value === null) throw new Refused('not-found')
						await journal.begin(id, new Date(this.now()).toISOString())
					}
					try {
						await store.delete(id)
					} catch (error) {
						if (!resumed) await journal.end(id).catch(() => undefined)
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
		const ids = await this.options.journal.pending()
		for (const id of ids) {
			const result = await this.delete(id)
			this.options.logger.info('privacy.deletion_resumed', { workshop: id, result })
		}
		return ids
	}

	private async finish(id: string): Promise<void> {
		await this.markSyntheses(id)
		await this.options.assets.deleteWorkshop(id)
		await this.options.journal.end(id)
	}

	/**
	 * Syntheses that included the workshop say it was deleted; their copy of its figures stays. A
	 * source is this workshop when the synthesis took it from here (`origins`) or when it is an
	 * uploaded export of it (its `context.workshop` names this server and this id).
	 */
	private async markSyntheses(id: string): Promise<void> {
		const { syntheses, synthesisEdits, publicUrl } = this.options
		for (const synthesisId of await syntheses.ids()) {
			await synthesisEdits.run(synthesisId, async () => {
				const record = await syntheses.load(synthesisId)
				if (!record) return
				const marked = markDeleted(record, id, publicUrl, new Date(this.now()).toISOString())
				if (marked !== record) await syntheses.save(marked)
			})
		}
	}

	private now(): number {
		return this.options.now?.() ?? Date.now()
	}
}
