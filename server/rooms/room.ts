import * as Y from 'yjs'
import type { Logger } from '../logger.ts'
import type { WorkshopRecord, WorkshopStore } from '../store/workshop-store.ts'
import { RECORD_VERSION } from '../store/workshop-store.ts'
import { Channel } from './channel.ts'

export interface RoomOptions {
	store: WorkshopStore
	logger: Logger
	saveDebounceMs: number
	saveMaxWaitMs: number
	/** Called whenever the room may have become unused, or has just saved. */
	onIdle: (room: WorkshopRoom) => void
}

/** Delay before retrying a failed save; doubles up to the maximum. */
const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 30_000

/**
 * One workshop in memory: its two documents with their presence and peers, and its save state
 * (STYLE §3). Only the registry creates rooms.
 *
 * The control document exists twice. The server writes `controlDraft`; clients sync against
 * `control.doc`, the *published* copy, which receives a change only once a save that includes
 * it has succeeded. So no client ever holds control state that a crash could take from the
 * server (DESIGN §4). The board document is free co-editing: its updates are relayed at once
 * and saved within the debounce window; after a crash, clients re-sync what the server missed.
 */
export class WorkshopRoom {
	readonly id: string
	readonly board: Channel
	readonly control: Channel
	readonly controlDraft: Y.Doc

	private linkGeneration: number
	private holds = 0
	private destroyed = false

	/** Bumped on every change; a save records the count it covers. */
	private changeCount = 0
	private savedCount = 0
	private inFlight: { count: number; promise: Promise<void> } | null = null
	/** Control updates waiting for a save to cover them before they are published. */
	private unpublished: { count: number; update: Uint8Array }[] = []

	private debounceTimer: NodeJS.Timeout | null = null
	private maxWaitTimer: NodeJS.Timeout | null = null
	private retryTimer: NodeJS.Timeout | null = null
	private retryDelay = RETRY_MIN_MS
	private readonly options: RoomOptions

	constructor(record: WorkshopRecord, options: RoomOptions) {
		this.id = record.id
		this.options = options
		this.linkGeneration = record.linkGeneration

		const board = new Y.Doc({ gc: true })
		Y.applyUpdate(board, Buffer.from(record.board, 'base64'))
		this.board = new Channel('board', board)
		board.on('update', this.onChange)

		this.controlDraft = new Y.Doc({ gc: true })
		const controlState = Buffer.from(record.control, 'base64')
		Y.applyUpdate(this.controlDraft, controlState)
		const published = new Y.Doc({ gc: true })
		Y.applyUpdate(published, controlState)
		this.control = new Channel('control', published)
		this.controlDraft.on('update', this.onControlDraft)
	}

	get isDestroyed(): boolean {
		return this.destroyed
	}

	get currentLinkGeneration(): number {
		return this.linkGeneration
	}

	/** True when no peer is connected and no request holds the room. */
	get isUnused(): boolean {
		return this.holds === 0 && this.board.peers.size === 0 && this.control.peers.size === 0
	}

	get hasUnsavedChanges(): boolean {
		return this.savedCount < this.changeCount
	}

	/** Keeps the room loaded while an HTTP request works on it; pair with {@link release}. */
	retain(): void {
		this.holds++
	}

	release(): void {
		this.holds--
		this.options.onIdle(this)
	}

	/** Called by connections when a peer leaves a channel. */
	peerLeft(): void {
		this.options.onIdle(this)
	}

	/**
	 * Applies a server change to the control document and resolves once it is durably stored
	 * and published to clients. Rejects when it could not be stored: the change stays in the
	 * draft and is retried, but the caller must not acknowledge it yet.
	 */
	async changeControl(change: (doc: Y.Doc) => void): Promise<void> {
		this.controlDraft.transact(() => change(this.controlDraft))
		await this.flush()
	}

	/** Invalidates the shared join links issued so far (personal tokens are unaffected). */
	async bumpLinkGeneration(): Promise<number> {
		this.linkGeneration++
		this.noteChange()
		await this.flush()
		return this.linkGeneration
	}

	/** Resolves once every change made before the call is durably stored. */
	async flush(): Promise<void> {
		const target = this.changeCount
		while (this.savedCount < target) {
			const running = this.inFlight
			if (running && running.count >= target) {
				await running.promise
				return
			}
			if (running) await running.promise.catch(() => undefined)
			else await this.saveOnce()
		}
	}

	/** The record as it would be stored now. */
	toRecord(): WorkshopRecord {
		return {
			version: RECORD_VERSION,
			id: this.id,
			linkGeneration: this.linkGeneration,
			board: Buffer.from(Y.encodeStateAsUpdate(this.board.doc)).toString('base64'),
			control: Buffer.from(Y.encodeStateAsUpdate(this.controlDraft)).toString('base64'),
			savedAt: new Date().toISOString(),
		}
	}

	/** Drops the room's memory. Only the registry calls this, once the room is idle. */
	destroy(): void {
		this.destroyed = true
		this.clearTimers()
		this.board.doc.off('update', this.onChange)
		this.controlDraft.off('update', this.onControlDraft)
		this.board.destroy()
		this.control.destroy()
		this.board.doc.destroy()
		this.control.doc.destroy()
		this.controlDraft.destroy()
	}

	private readonly onChange = () => {
		this.noteChange()
	}

	private readonly onControlDraft = (update: Uint8Array) => {
		this.noteChange()
		this.unpublished.push({ count: this.changeCount, update })
	}

	private noteChange(): void {
		this.changeCount++
		const { saveDebounceMs, saveMaxWaitMs } = this.options
		if (this.debounceTimer) clearTimeout(this.debounceTimer)
		this.debounceTimer = setTimeout(this.onTimer, saveDebounceMs)
		this.maxWaitTimer ??= setTimeout(this.onTimer, saveMaxWaitMs)
	}

	private readonly onTimer = () => {
		this.flush().then(
			() => this.options.onIdle(this),
			() => undefined, // saveOnce has logged it and scheduled a retry
		)
	}

	private saveOnce(): Promise<void> {
		this.clearTimers()
		const count = this.changeCount
		const promise = this.options.store.save(this.toRecord()).then(
			() => {
				this.savedCount = Math.max(this.savedCount, count)
				this.retryDelay = RETRY_MIN_MS
				this.publishUpTo(count)
			},
			(error: unknown) => {
				this.options.logger.error('room.save_failed', { workshop: this.id, error, retryInMs: this.retryDelay })
				this.scheduleRetry()
				throw error
			},
		)
		this.inFlight = { count, promise }
		const clear = () => {
			if (this.inFlight?.promise === promise) this.inFlight = null
		}
		promise.then(clear, clear)
		return promise
	}

	private publishUpTo(count: number): void {
		const ready = this.unpublished.filter((entry) => entry.count <= count)
		if (ready.length === 0) return
		this.unpublished = this.unpublished.filter((entry) => entry.count > count)
		const published = this.control.doc
		published.transact(() => {
			for (const { update } of ready) Y.applyUpdate(published, update)
		})
	}

	private scheduleRetry(): void {
		if (this.destroyed || this.retryTimer) return
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null
			this.onTimer()
		}, this.retryDelay)
		this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS)
	}

	private clearTimers(): void {
		for (const timer of [this.debounceTimer, this.maxWaitTimer, this.retryTimer]) if (timer) clearTimeout(timer)
		this.debounceTimer = null
		this.maxWaitTimer = null
		this.retryTimer = null
	}
}
