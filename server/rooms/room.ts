import { getRandomValues } from 'node:crypto'
import * as Y from 'yjs'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { ServerOnlyState, WorkshopRecord, WorkshopStore } from '../store/workshop-store.ts'
import { createRecord } from '../store/workshop-store.ts'
import { Channel } from './channel.ts'
import { CONTROL_LAYOUT_VERSION, controlStructures, migrateControl } from '../../shared/workshop/control-document.ts'
import { UnsavedChanges } from './unsaved-changes.ts'

export interface RoomOptions {
	store: WorkshopStore
	logger: Logger
	saveDebounceMs: number
	saveMaxWaitMs: number
	presenceFlushMs: number
	/** Upper bound on a board's stored size; updates that would pass it are refused. */
	maxDocBytes: number
	metrics: Metrics
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
 * Intents (changes to the control document, link regeneration) are committed one at a time: the
 * change is computed on a copy, a save that includes it must succeed, and only then is it
 * applied to the room's control state (`controlDraft`, what the server reads) and to the
 * *published* document clients sync against (`control.doc`). A change whose save fails is
 * dropped whole: the caller answers 503 and nothing of it is ever stored or shown. So no client
 * holds control state that a crash could take from the server (DESIGN §4). The board document is free co-editing: its updates are relayed at once
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
 * dependencies included (a stored state's pending parts are dropped at load the same way). So
 * the board's encoded state is exactly its integrated content, and the state a save writes is
 * also the next base. The cost is memory: about twice the board's size plus the updates of one
 * save window.
 */
export class WorkshopRoom {
	readonly id: string
	readonly board: Channel
	readonly control: Channel
	readonly controlDraft: Y.Doc

	private linkGeneration: number
	/** The Yjs client id under which the server writes the control document (see writerOf). */
	private readonly controlWriter: number
	/** Kept by the server, published to nobody (record v3); replaced whole by each intent. */
	private serverOnlyState: ServerOnlyState
	/** The board's state at the last save (or load) that became the base; see rebaseBoard. */
	private boardBase: Uint8Array
	private boardBaseSeq = 0
	private boardSeq = 0
	private boardLog: { seq: number; update: Uint8Array }[] = []
	private boardLogBytes = 0
	private holds = 0
	private destroyed = false
	/** Set while the workshop is being deleted (see retire, at the end of the class). */
	private retired = false

	/** Bumped on every change; a save records the count it covers. */
	private changeCount = 0
	private savedCount = 0
	private inFlight: { count: number; promise: Promise<void> } | null = null
	/** Intents run one after the other (see the class comment). */
	private intents: Promise<unknown> = Promise.resolve()

	// Monitoring (save lag, health): the oldest unsaved change, and the last save's failure.
	private readonly unsaved = new UnsavedChanges()
	/** The error of the last save when it failed, null once a save succeeds. */
	lastSaveError: unknown = null
	private debounceTimer: NodeJS.Timeout | null = null
	private maxWaitTimer: NodeJS.Timeout | null = null
	private retryTimer: NodeJS.Timeout | null = null
	private retryDelay = RETRY_MIN_MS
	private readonly options: RoomOptions

	constructor(record: WorkshopRecord, options: RoomOptions) {
		this.id = record.id
		this.options = options
		this.linkGeneration = record.linkGeneration
		this.serverOnlyState = record.serverOnly

		const board = new Y.Doc({ gc: true })
		this.boardBase = new Uint8Array(Buffer.from(record.board, 'base64'))
		Y.applyUpdate(board, this.boardBase)
		dropPending(board)
		const channelOptions = { presenceFlushMs: options.presenceFlushMs }
		this.board = new Channel('board', board, channelOptions)
		board.on('update', this.onBoardUpdate)

		this.controlDraft = new Y.Doc({ gc: true })
		const controlState = Buffer.from(record.control, 'base64')
		Y.applyUpdate(this.controlDraft, controlState)
		this.controlWriter = writerOf(this.controlDraft)
		const published = new Y.Doc({ gc: true })
		Y.applyUpdate(published, controlState)
		this.control = new Channel('control', published, channelOptions)
		if (needsMigration(this.controlDraft)) {
			// Like any server change: stored first, then published. Later intents queue behind it.
			this.changeControl((doc) => migrateControl(doc)).catch((error: unknown) =>
				options.logger.error('room.migration_failed', { workshop: this.id, error }),
			)
		}
	}

	get isDestroyed(): boolean {
		return this.destroyed
	}

	get currentLinkGeneration(): number {
		return this.linkGeneration
	}

	/** Estimated stored size of the board: its last saved state plus the updates since. */
	get boardBytes(): number {
		return this.boardBase.length + this.boardLogBytes
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

	/** What the server keeps and publishes to nobody. Read it; change it only through an intent. */
	get serverOnly(): Readonly<ServerOnlyState> {
		return this.serverOnlyState
	}

	/**
	 * Commits a server change to the control document: resolves once it is durably stored and
	 * published. Rejects when it could not be stored — then nothing of it remains anywhere.
	 */
	changeControl<T>(change: (doc: Y.Doc, serverOnly: ServerOnlyState) => T): Promise<T> {
		return this.intent(() => this.commitControl(change))
	}

	/**
	 * Runs `work` alone: no other intent starts until it settles. Inside, read the state and
	 * call {@link commitControl} at most once — so a check and the change it allows are atomic.
	 */
	exclusive<T>(work: () => Promise<T>): Promise<T> {
		return this.intent(work)
	}

	/**
	 * The commit of {@link changeControl}, for use inside {@link exclusive} only. `change` works on
	 * copies of the control document and of the server-only state; if it throws, nothing changes.
	 */
	async commitControl<T>(change: (doc: Y.Doc, serverOnly: ServerOnlyState) => T): Promise<T> {
		const draft = this.controlDraft
		// Compute the change on a copy, always with the same writer id (none of the room's
		// documents has it as its own); intents are serialized, so no two copies write the same ids.
		const copy = new Y.Doc({ gc: true })
		const current = Y.encodeStateAsUpdate(draft)
		Y.applyUpdate(copy, current)
		// Set after loading: Yjs gives a document a new id when a received update already holds
		// structs of its own id, which would add one client to the state vector per intent.
		copy.clientID = this.controlWriter
		const before = Y.encodeStateVector(draft)
		const serverOnly = structuredClone(this.serverOnlyState)
		let value: T
		let update: Uint8Array
		let state: Uint8Array
		try {
			value = copy.transact(() => change(copy, serverOnly))
			update = Y.encodeStateAsUpdate(copy, before)
			// The copy's own encoding, not `mergeUpdates([current, update])`: merging keeps the content
			// of what the change deleted (a removed name, a deleted contribution's text) in the stored
			// state, where the garbage-collected copy has none (SPEC D5).
			state = Y.encodeStateAsUpdate(copy)
		} finally {
			copy.destroy()
		}
		await this.saveWith({ control: state, serverOnly })
		Y.applyUpdate(draft, update)
		Y.applyUpdate(this.control.doc, update)
		this.serverOnlyState = serverOnly
		return value
	}

	/** Invalidates the shared join links issued so far (personal tokens are unaffected). */
	bumpLinkGeneration(): Promise<number> {
		return this.intent(async () => {
			const next = this.linkGeneration + 1
			await this.saveWith({ linkGeneration: next })
			this.linkGeneration = next
			return next
		})
	}

	/** Resolves once every change made before the call is durably stored. */
	async flush(reason: SaveReason = 'flush'): Promise<void> {
		const target = this.changeCount
		while (this.savedCount < target) {
			const running = this.inFlight
			if (running && running.count >= target) {
				await running.promise
				return
			}
			if (running) await running.promise.catch(() => undefined)
			else await this.saveOnce(reason)
		}
	}

	/** The record as it would be stored now, with an intent's uncommitted changes if given. */
	toRecord(pending: PendingIntent = {}, board = Y.encodeStateAsUpdate(this.board.doc)): WorkshopRecord {
		return createRecord({
			id: this.id,
			linkGeneration: pending.linkGeneration ?? this.linkGeneration,
			board,
			control: pending.control ?? Y.encodeStateAsUpdate(this.controlDraft),
			serverOnly: pending.serverOnly ?? this.serverOnlyState,
		})
	}

	/** Drops the room's memory. Only the registry calls this, once the room is idle. */
	destroy(): void {
		this.destroyed = true
		this.clearTimers()
		this.board.doc.off('update', this.onBoardUpdate)
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
		Y.applyUpdate(rebuilt, this.boardBase)
		dropPending(rebuilt)
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
	private rebaseBoard(seq: number, state: Uint8Array): void {
		if (seq < this.boardBaseSeq) return
		if (this.boardLogBytes < Math.max(REBASE_MIN_LOG_BYTES, 2 * this.boardBase.length)) return
		this.boardBase = state
		this.boardBaseSeq = seq
		this.boardLog = this.boardLog.filter((entry) => entry.seq > seq)
		this.boardLogBytes = this.boardLog.reduce((sum, entry) => sum + entry.update.length, 0)
	}

	private intent<T>(work: () => Promise<T>): Promise<T> {
		const run = this.intents.then(work)
		this.intents = run.catch(() => undefined)
		return run
	}

	/** One save that includes an intent's uncommitted changes, after any save under way. */
	private async saveWith(pending: PendingIntent): Promise<void> {
		while (this.inFlight) await this.inFlight.promise.catch(() => undefined)
		await this.saveOnce('intent', pending)
	}

	/** Seconds since the oldest change not yet stored (0 when everything is stored). */
	saveLagSeconds(now = Date.now()): number {
		const oldest = this.unsaved.oldest()
		return oldest === null ? 0 : Math.max(0, now - oldest) / 1000
	}

	private noteChange(): void {
		this.changeCount++
		this.unsaved.changed(this.changeCount)
		if (this.retired) return
		const { saveDebounceMs, saveMaxWaitMs } = this.options
		if (this.debounceTimer) clearTimeout(this.debounceTimer)
		this.debounceTimer = setTimeout(() => this.onTimer('debounce'), saveDebounceMs)
		this.maxWaitTimer ??= setTimeout(() => this.onTimer('max-wait'), saveMaxWaitMs)
	}

	private readonly onTimer = (reason: SaveReason) => {
		this.flush(reason).then(
			() => this.options.onIdle(this),
			() => undefined, // saveOnce has logged it and scheduled a retry
		)
	}

	private saveOnce(reason: SaveReason, pending: PendingIntent = {}): Promise<void> {
		this.clearTimers()
		if (this.retired) return Promise.reject(new Error(`workshop ${this.id} is being deleted`))
		const count = this.changeCount
		const boardSeq = this.boardSeq
		// Encoded once: written now, and the next base if the save succeeds.
		const boardState = Y.encodeStateAsUpdate(this.board.doc)
		const record = this.toRecord(pending, boardState)
		this.unsaved.snapshotTaken()
		const savedVector = Buffer.from(Y.encodeStateVector(this.board.doc)).toString('base64')
		const promise = this.options.store.save(record).then(
			() => {
				this.savedCount = Math.max(this.savedCount, count)
				this.unsaved.savedUpTo(this.savedCount)
				this.lastSaveError = null
				this.rebaseBoard(boardSeq, boardState)
				this.retryDelay = RETRY_MIN_MS
				this.options.metrics.inc('tablee_saves_total', { result: 'ok' })
				this.options.logger.debug('room.saved', {
					workshop: this.id,
					reason,
					count,
					bytes: record.board.length + record.control.length,
					boardStateVector: savedVector,
				})
			},
			(error: unknown) => {
				this.lastSaveError = error
				this.options.logger.error('room.save_failed', { workshop: this.id, error, retryInMs: this.retryDelay })
				this.options.metrics.inc('tablee_saves_total', { result: 'failed' })
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

	private scheduleRetry(): void {
		if (this.destroyed || this.retired || this.retryTimer) return
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null
			this.onTimer('retry')
		}, this.retryDelay)
		this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS)
	}

	private clearTimers(): void {
		for (const timer of [this.debounceTimer, this.maxWaitTimer, this.retryTimer]) if (timer) clearTimeout(timer)
		this.debounceTimer = null
		this.maxWaitTimer = null
		this.retryTimer = null
	}
	// --- Deletion (SPEC D1) ---
	// A room being deleted stops writing, so that no save lands after the store removed the
	// workshop; if the deletion fails, it carries on.

	/** Stops every save (one under way is awaited); changes are still counted. */
	async retire(): Promise<void> {
		this.retired = true
		this.clearTimers()
		while (this.inFlight) await this.inFlight.promise.catch(() => undefined)
	}

	/** Undoes {@link retire} after a failed deletion, saving what changed meanwhile. */
	resume(): void {
		this.retired = false
		if (this.hasUnsavedChanges) this.onTimer('retry')
	}
}

/** Forgets the parts of the last update that could not integrate; true if there were any. */
function dropPending(doc: Y.Doc): boolean {
	const store = doc.store
	const had = store.pendingStructs !== null || store.pendingDs !== null
	store.pendingStructs = null
	store.pendingDs = null
	return had
}

/** Why a save ran; logged with `room.saved` (tests use it to tell the timers apart). */
type SaveReason = 'debounce' | 'max-wait' | 'retry' | 'flush' | 'intent'

/** An intent's changes, stored with the save but applied to the room only once it succeeded. */
interface PendingIntent {
	control?: Uint8Array
	serverOnly?: ServerOnlyState
	linkGeneration?: number
}

function needsMigration(control: Y.Doc): boolean {
	const version = controlStructures(control).meta.get('controlLayout')
	return typeof version === 'number' && version < CONTROL_LAYOUT_VERSION
}

/**
 * The client id the server keeps writing the control document with. The server is its only
 * writer (one process per DATA_DIR, one room per workshop, intents one at a time), so it reuses
 * the highest id already there, and the document holds a handful of client ids instead of one
 * per room load.
 */
function writerOf(control: Y.Doc): number {
	const ids = [...Y.decodeStateVector(Y.encodeStateVector(control)).keys()]
	const writer = ids.length > 0 ? Math.max(...ids) : (getRandomValues(new Uint32Array(1))[0] ?? 1)
	// The draft must never hold the writer id as its own (see commitControl).
	if (control.clientID === writer) control.clientID = writer === 1 ? 2 : writer - 1
	return writer
}
