import * as Y from 'yjs'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { Logger } from '../logger.ts'
import type { WorkshopRecord, WorkshopStore } from '../store/workshop-store.ts'
import { RECORD_VERSION } from '../store/workshop-store.ts'
import { Channel } from './channel.ts'

export interface RoomOptions {
	store: WorkshopStore
	logger: Logger
	saveDebounceMs: number
	saveMaxWaitMs: number
	presenceFlushMs: number
	/** Upper bound on a board's stored size; updates that would pass it are refused. */
	maxDocBytes: number
	/** Called whenever the room may have become unused, or has just saved. */
	onIdle: (room: WorkshopRoom) => void
}

/** Delay before retrying a failed save; doubles up to the maximum. */
const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 30_000
/** The board's replay log is folded into a new base only past this size (see rebaseBoard). */
const REBASE_MIN_LOG_BYTES = 4 * 1024 * 1024

/**
 * One workshop in memory: its two documents with their presence and peers, and its save state
 * (STYLE §3). Only the registry creates rooms.
 *
 * The control document exists twice. The server writes `controlDraft`; clients sync against
 * `control.doc`, the *published* copy, which receives a change only once a save that includes
 * it has succeeded. So no client ever holds control state that a crash could take from the
 * server (DESIGN §4). The board document is free co-editing: its updates are relayed at once
 * and saved within the debounce window; after a crash, clients re-sync what the server missed.
 *
 * Damaged updates: Yjs can throw *after* integrating part of an update. So the room keeps the
 * board as it was at the last save (`boardBase`) plus every update applied since, as received
 * (`boardLog`); an update is broadcast only once it applied whole, and when one fails the board
 * is rebuilt by replaying base + log, which leaves it exactly as it was before the damaged
 * update.
 *
 * Incomplete updates: Yjs keeps the parts of an update whose dependencies it lacks ("pending")
 * and retries them with every later update, so one crafted update could make every later update
 * fail. The board keeps no pending parts: what integrates stays, the rest is dropped, and the
 * connection asks its client for a full sync, which an honest client answers with everything,
 * dependencies included. The base keeps Yjs's *pending* parts (updates waiting for a missing dependency) apart:
 * `Y.encodeStateAsUpdate` merges them into the state, and that merge does not always decode back
 * to the same document. The cost is memory: about twice the board's size plus the updates of one
 * save window.
 */
export class WorkshopRoom {
	readonly id: string
	readonly board: Channel
	readonly control: Channel
	readonly controlDraft: Y.Doc

	private linkGeneration: number
	private boardBase: BoardSnapshot
	private boardBaseSeq = 0
	private boardSeq = 0
	private boardLog: { seq: number; update: Uint8Array }[] = []
	private boardLogBytes = 0
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
		const stored = new Uint8Array(Buffer.from(record.board, 'base64'))
		this.boardBase = { state: stored, pending: [] }
		Y.applyUpdate(board, stored)
		const channelOptions = { presenceFlushMs: options.presenceFlushMs }
		this.board = new Channel('board', board, channelOptions)
		board.on('update', this.onBoardUpdate)

		this.controlDraft = new Y.Doc({ gc: true })
		const controlState = Buffer.from(record.control, 'base64')
		Y.applyUpdate(this.controlDraft, controlState)
		const published = new Y.Doc({ gc: true })
		Y.applyUpdate(published, controlState)
		this.control = new Channel('control', published, channelOptions)
		this.controlDraft.on('update', this.onControlDraft)
	}

	get isDestroyed(): boolean {
		return this.destroyed
	}

	get currentLinkGeneration(): number {
		return this.linkGeneration
	}

	/** Estimated stored size of the board: its last saved state plus the updates since. */
	get boardBytes(): number {
		return snapshotBytes(this.boardBase) + this.boardLogBytes
	}

	/**
	 * Applies a client's update to the board. It is broadcast only if it applied whole; a
	 * damaged one leaves the board as it was (see the class comment). An update that would take
	 * the board past `maxDocBytes` is refused untouched.
	 */
	applyBoardUpdate(update: Uint8Array, origin: unknown): Result<{ incomplete: boolean }, 'damaged' | 'too-large'> {
		if (this.boardBytes + update.length > this.options.maxDocBytes) return err('too-large')
		const logLength = this.boardLog.length
		this.board.holdUpdates()
		try {
			Y.applyUpdate(this.board.doc, update, origin)
		} catch {
			this.board.releaseUpdates(false)
			this.boardLog.length = logLength
			this.boardLogBytes = this.boardLog.reduce((sum, entry) => sum + entry.update.length, 0)
			this.rebuildBoard()
			return err('damaged')
		}
		const incomplete = dropPending(this.board.doc)
		this.board.releaseUpdates(true)
		this.boardLog.push({ seq: ++this.boardSeq, update })
		this.boardLogBytes += update.length
		return ok({ incomplete })
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
	toRecord(boardState = Y.encodeStateAsUpdate(this.board.doc)): WorkshopRecord {
		return {
			version: RECORD_VERSION,
			id: this.id,
			linkGeneration: this.linkGeneration,
			board: Buffer.from(boardState).toString('base64'),
			control: Buffer.from(Y.encodeStateAsUpdate(this.controlDraft)).toString('base64'),
			savedAt: new Date().toISOString(),
		}
	}

	/** Drops the room's memory. Only the registry calls this, once the room is idle. */
	destroy(): void {
		this.destroyed = true
		this.clearTimers()
		this.board.doc.off('update', this.onBoardUpdate)
		this.controlDraft.off('update', this.onControlDraft)
		this.board.destroy()
		this.control.destroy()
		this.board.doc.destroy()
		this.control.doc.destroy()
		this.controlDraft.destroy()
	}

	private readonly onBoardUpdate = () => {
		this.noteChange()
	}

	private rebuildBoard(): void {
		const rebuilt = new Y.Doc({ gc: true })
		Y.applyUpdate(rebuilt, this.boardBase.state)
		for (const pending of this.boardBase.pending) Y.applyUpdate(rebuilt, pending)
		for (const { update } of this.boardLog) {
			Y.applyUpdate(rebuilt, update)
			dropPending(rebuilt)
		}
		this.board.doc.off('update', this.onBoardUpdate)
		this.board.replaceDoc(rebuilt)
		rebuilt.on('update', this.onBoardUpdate)
		this.options.logger.warn('room.board_rebuilt', { workshop: this.id })
	}

	/**
	 * After a save that covered the board up to `seq`, that state may become the new base. Only
	 * once the log has grown large: replaying updates exactly as received is the surest way back
	 * to the same document (a re-encoded state may integrate malformed-but-accepted structs in
	 * another order), so the log is kept as long as memory allows.
	 */
	private rebaseBoard(seq: number, snapshot: BoardSnapshot): void {
		if (seq < this.boardBaseSeq) return
		if (this.boardLogBytes < Math.max(REBASE_MIN_LOG_BYTES, 2 * snapshotBytes(this.boardBase))) return
		this.boardBase = snapshot
		this.boardBaseSeq = seq
		this.boardLog = this.boardLog.filter((entry) => entry.seq > seq)
		this.boardLogBytes = this.boardLog.reduce((sum, entry) => sum + entry.update.length, 0)
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
		const boardSeq = this.boardSeq
		const snapshot = snapshotOf(this.board.doc)
		const promise = this.options.store.save(this.toRecord()).then(
			() => {
				this.savedCount = Math.max(this.savedCount, count)
				this.rebaseBoard(boardSeq, snapshot)
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

/** A board state that replays exactly: integrated state, then the pending updates as received. */
interface BoardSnapshot {
	state: Uint8Array
	pending: Uint8Array[]
}

function snapshotOf(doc: Y.Doc): BoardSnapshot {
	// Yjs offers no way to encode the state without its pending parts: detach them for the call.
	const store = doc.store
	const { pendingStructs, pendingDs } = store
	store.pendingStructs = null
	store.pendingDs = null
	try {
		const pending = [pendingDs, pendingStructs?.update].filter((part): part is Uint8Array => part instanceof Uint8Array)
		return { state: Y.encodeStateAsUpdate(doc), pending }
	} finally {
		store.pendingStructs = pendingStructs
		store.pendingDs = pendingDs
	}
}

function snapshotBytes(snapshot: BoardSnapshot): number {
	return snapshot.pending.reduce((sum, part) => sum + part.length, snapshot.state.length)
}

/** Forgets the parts of the last update that could not integrate; true if there were any. */
function dropPending(doc: Y.Doc): boolean {
	const store = doc.store
	const had = store.pendingStructs !== null || store.pendingDs !== null
	store.pendingStructs = null
	store.pendingDs = null
	return had
}
