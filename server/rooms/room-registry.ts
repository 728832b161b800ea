import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { StoreError, WorkshopRecord, WorkshopStore } from '../store/workshop-store.ts'
import { type RoomOptions, WorkshopRoom } from './room.ts'
import type { StreamPositions } from './room-sharing.ts'

/** What every room is made with (the registry adds its own idle callback). */
export type RegistryOptions = Omit<RoomOptions, 'onIdle'>

type Loading = Promise<Result<WorkshopRoom | null, StoreError>>

/**
 * The only way to get a room (docs/conventions.md §Rooms). A room is loaded on first use, shared by every
 * connection and request on that workshop, and unloaded once idle and saved. A failed load is
 * reported and forgotten (the next request tries again); it never creates an empty room that
 * could be saved over the real data.
 */
export class RoomRegistry {
	private readonly rooms = new Map<string, Loading>()
	/** Rooms fully loaded, for gauges. */
	private readonly loaded = new Set<WorkshopRoom>()
	private readonly options: RegistryOptions
	private closing = false
	/** The last workshop creation's storage error, null once one succeeds. */
	private createError: unknown = null

	constructor(options: RegistryOptions) {
		this.options = options
	}

	/** Number of rooms loaded or loading. */
	get size(): number {
		return this.rooms.size
	}

	/** Seconds since the oldest change not yet stored, over every loaded room. */
	saveLagSeconds(): number {
		const now = Date.now()
		let lag = 0
		for (const room of this.loaded) lag = Math.max(lag, room.saveLagSeconds(now))
		return lag
	}

	/**
	 * Whether saves succeed (O2): null when they do, otherwise why not — the rooms whose last save
	 * failed (they keep retrying) and whether the last workshop creation could not be stored.
	 */
	storageTrouble(): string | null {
		const failing = [...this.loaded].filter((room) => room.lastSaveError !== null)
		const errors = [...failing.map((room) => room.lastSaveError), this.createError].filter((e) => e !== null)
		if (errors.length === 0) return null
		const codes = [...new Set(errors.map((e) => (e as NodeJS.ErrnoException).code ?? (e as Error).message ?? 'error'))]
		const parts = [
			failing.length > 0 ? `saves failing for ${failing.length} workshop(s)` : null,
			this.createError !== null ? 'new workshops cannot be stored' : null,
		].filter(Boolean)
		return `${parts.join('; ')} (${codes.join(', ')})`
	}

	/** Ids of the rooms loaded or loading. */
	ids(): string[] {
		return [...this.rooms.keys()]
	}

	/**
	 * Returns the room of a workshop, retained: call `room.release()` (or register a peer and let
	 * it leave) when done. `null` when the workshop does not exist.
	 */
	async acquire(id: string): Promise<Result<WorkshopRoom | null, StoreError>> {
		for (;;) {
			if (this.closing) return err({ code: 'unavailable', message: 'server is shutting down' })
			const deleting = this.deleting.get(id)
			if (deleting) {
				await deleting.catch(() => undefined) // then find what the deletion left (SPEC D1)
				continue
			}
			const loaded = await this.open(id)
			if (!loaded.ok || loaded.value === null) return loaded
			// A room unloaded while we waited is gone: load it again.
			if (loaded.value.isDestroyed) continue
			loaded.value.retain()
			return loaded
		}
	}

	/** Stores a new workshop durably. It is loaded when first used. */
	async create(record: WorkshopRecord): Promise<void> {
		try {
			const saved = await this.options.store.save(record, null)
			// Ids are random (128 bits): a conflict means a bug or another writer, never a retry.
			if (!saved.ok) throw new Error(saved.error.message)
			this.createError = null
		} catch (error) {
			this.createError = error
			throw error
		}
	}

	/** Saves every room and unloads it; used on shutdown. Rooms whose save fails are reported. */
	async closeAll(): Promise<{ failed: string[] }> {
		this.closing = true
		const failed: string[] = []
		for (const [id, loading] of this.rooms) {
			const loaded = await loading
			if (!loaded.ok || !loaded.value) continue
			try {
				await loaded.value.flush()
			} catch {
				// One more try: the first failure may have been transient.
				try {
					await loaded.value.flush()
				} catch (error) {
					failed.push(id)
					this.options.logger.error('room.unsaved_at_shutdown', { workshop: id, error })
				}
			}
			loaded.value.destroy()
		}
		this.rooms.clear()
		this.loaded.clear()
		return { failed }
	}

	// --- Deletion (SPEC D1) ---
	private readonly deleting = new Map<string, Promise<unknown>>()

	/**
	 * Takes a workshop out of service while `erase` deletes what is stored: its room, if loaded,
	 * runs no intent and saves nothing meanwhile, and new users wait, then find what `erase` left.
	 * Once `erase` succeeds, `closePeers` closes the room's sockets and the room is dropped; when it
	 * fails, the room carries on as before.
	 */
	async delete<T>(id: string, erase: () => Promise<T>, closePeers: (room: WorkshopRoom) => void): Promise<T> {
		while (this.deleting.has(id)) await this.deleting.get(id)?.catch(() => undefined)
		const run = (async () => {
			const loading = this.rooms.get(id)
			const loaded = loading ? await loading : null
			const room = loaded?.ok ? loaded.value : null
			if (!room || room.isDestroyed) {
				const result = await erase()
				this.options.sharing?.workshopDeleted(id)
				return result
			}
			return room.exclusive(async () => {
				await room.retire()
				let result: T
				try {
					result = await erase()
				} catch (error) {
					room.resume()
					throw error
				}
				this.options.sharing?.workshopDeleted(id)
				closePeers(room)
				room.destroy()
				this.loaded.delete(room)
				if (this.rooms.get(id) === loading) this.rooms.delete(id)
				return result
			})
		})()
		this.deleting.set(id, run)
		try {
			return await run
		} finally {
			this.deleting.delete(id)
		}
	}

	private open(id: string): Loading {
		let loading = this.rooms.get(id)
		if (!loading) {
			loading = this.load(id)
			this.rooms.set(id, loading)
			const current = loading
			loading.then((result) => {
				if ((!result.ok || result.value === null) && this.rooms.get(id) === current) this.rooms.delete(id)
			})
		}
		return loading
	}

	private async load(id: string): Loading {
		const { store, logger, sharing } = this.options
		let loaded: Awaited<ReturnType<WorkshopStore['load']>>
		let positions: StreamPositions = {}
		try {
			// Where the other processes' streams stand *before* the load: what they share after
			// this point is read from the streams, what they shared before is in the load.
			if (sharing) positions = await sharing.positions(id)
			loaded = await store.load(id)
		} catch (error) {
			loaded = err({ code: 'unavailable', message: (error as Error).message })
		}
		if (!loaded.ok) {
			logger.error('room.load_failed', { workshop: id, code: loaded.error.code, detail: loaded.error.message })
			return loaded
		}
		if (loaded.value === null) return ok(null)
		let owners: Awaited<ReturnType<WorkshopStore['clientOwners']>>
		try {
			owners = await store.clientOwners(id)
		} catch (error) {
			owners = err({ code: 'unavailable', message: (error as Error).message })
		}
		if (!owners.ok) {
			logger.error('room.load_failed', { workshop: id, code: owners.error.code, detail: owners.error.message })
			return owners
		}
		try {
			const room = new WorkshopRoom(loaded.value, { ...this.options, onIdle: this.onIdle }, owners.value)
			sharing?.attach(room, positions)
			this.loaded.add(room)
			logger.debug('room.loaded', { workshop: id })
			return ok(room)
		} catch (error) {
			// The record parsed but its Yjs state did not: as damaged as unparsable JSON.
			logger.error('room.load_failed', { workshop: id, code: 'corrupt', error })
			return err({ code: 'corrupt', message: `workshop ${id}: ${(error as Error).message}` })
		}
	}

	private readonly onIdle = (room: WorkshopRoom) => {
		if (room.isDestroyed || this.closing || !room.isUnused) return
		if (room.hasUnsavedChanges) {
			// Unload once saved; a failed save is retried by the room, which calls back here.
			room.flush().then(
				() => this.onIdle(room),
				() => undefined,
			)
			return
		}
		room.destroy()
		this.loaded.delete(room)
		this.rooms.delete(room.id)
		this.options.logger.debug('room.unloaded', { workshop: room.id })
	}
}
