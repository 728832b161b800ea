import * as Y from 'yjs'
import type { Result } from '../../shared/result.ts'
import { CONTROL_LAYOUT_VERSION, controlStructures, migrateControl } from '../../shared/workshop/control-document.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { ServerOnlyState, WorkshopRecord, WorkshopStore } from '../store/workshop-store.ts'
import { createRecord } from '../store/workshop-store.ts'
import { BoardReplica } from './board-replica.ts'
import { Channel } from './channel.ts'
import { ControlCommits } from './control-commits.ts'
import { type SaveReason, SaveScheduler } from './save-scheduler.ts'
import type { Timers } from './timers.ts'

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
	/** The save timers' clock (tests); real timers by default. */
	timers?: Timers
}

/** An intent's changes, stored with the save but applied to the room only once it succeeded. */
interface PendingIntent {
	control?: Uint8Array
	serverOnly?: ServerOnlyState
	linkGeneration?: number
}

/**
 * One workshop in memory: its two documents with their presence and peers, and its save state.
 * Only the registry creates rooms, so there is one room per loaded workshop. The room wires
 * three mechanisms, each in its own module:
 *
 * - the board replica (board-replica.ts): the board document relayed at once, with the replay
 *   log that lets a damaged update leave no trace;
 * - the control commits (control-commits.ts): a server change is computed on copies, stored,
 *   and only then applied and published — so no client holds control state that a crash could
 *   take from the server;
 * - the save scheduler (save-scheduler.ts): board edits are saved within the debounce window
 *   (after a crash, clients re-sync what the server missed); a failed save is retried.
 *
 * Intents (control commits, link regeneration) run one at a time under the store's lock of the
 * workshop.
 */
export class WorkshopRoom {
	readonly id: string
	readonly board: Channel
	readonly control: Channel
	readonly controlDraft: Y.Doc

	private linkGeneration: number
	/** The stored revision this room's state is based on; each save must find it unchanged. */
	private revision: number
	private readonly replica: BoardReplica
	private readonly commits: ControlCommits
	private readonly saves: SaveScheduler<PendingIntent>
	private holds = 0
	private destroyed = false
	/** The error of the last save when it failed, null once a save succeeds (health, O2). */
	lastSaveError: unknown = null
	private readonly options: RoomOptions

	constructor(record: WorkshopRecord, options: RoomOptions) {
		this.id = record.id
		this.options = options
		this.linkGeneration = record.linkGeneration
		this.revision = record.revision
		this.saves = new SaveScheduler<PendingIntent>({
			debounceMs: options.saveDebounceMs,
			maxWaitMs: options.saveMaxWaitMs,
			write: (reason, pending, count) => this.write(reason, pending ?? {}, count),
			onFailed: (error, retryInMs) => {
				this.lastSaveError = error
				options.logger.error('room.save_failed', { workshop: this.id, error, retryInMs })
				options.metrics.inc('tablee_saves_total', { result: 'failed' })
			},
			onTimerSaved: () => options.onIdle(this),
			...(options.timers ? { timers: options.timers } : {}),
		})

		const channelOptions = { presenceFlushMs: options.presenceFlushMs }
		const boardState = new Uint8Array(Buffer.from(record.board, 'base64'))
		const board = new Y.Doc({ gc: true })
		Y.applyUpdate(board, boardState)
		this.board = new Channel('board', board, channelOptions)
		this.replica = new BoardReplica(this.board, boardState, {
			maxBytes: options.maxDocBytes,
			onChange: () => this.saves.noteChange(),
			onRebuilt: () => options.logger.warn('room.board_rebuilt', { workshop: this.id }),
		})

		this.controlDraft = new Y.Doc({ gc: true })
		const controlState = Buffer.from(record.control, 'base64')
		Y.applyUpdate(this.controlDraft, controlState)
		const published = new Y.Doc({ gc: true })
		Y.applyUpdate(published, controlState)
		this.control = new Channel('control', published, channelOptions)
		this.commits = new ControlCommits(this.controlDraft, this.control, record.serverOnly)
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
		return this.replica.bytes
	}

	/**
	 * Applies a client's update to the board. It is broadcast only if it applied whole; a
	 * damaged one leaves the board as it was (see BoardReplica). An update that would take the
	 * board past `maxDocBytes` is refused untouched.
	 */
	applyBoardUpdate(update: Uint8Array, origin: unknown): Result<{ incomplete: boolean }, 'damaged' | 'too-large'> {
		return this.replica.apply(update, origin)
	}

	/** True when no peer is connected and no request holds the room. */
	get isUnused(): boolean {
		return this.holds === 0 && this.board.peers.size === 0 && this.control.peers.size === 0
	}

	get hasUnsavedChanges(): boolean {
		return this.saves.hasUnsavedChanges
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
		return this.commits.serverOnly
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
		const prepared = this.commits.prepare(change)
		await this.saves.saveWith({ control: prepared.control, serverOnly: prepared.serverOnly })
		return this.commits.apply(prepared)
	}

	/** Invalidates the shared join links issued so far (personal tokens are unaffected). */
	bumpLinkGeneration(): Promise<number> {
		return this.intent(async () => {
			const next = this.linkGeneration + 1
			await this.saves.saveWith({ linkGeneration: next })
			this.linkGeneration = next
			return next
		})
	}

	/** Resolves once every change made before the call is durably stored. */
	flush(reason: SaveReason = 'flush'): Promise<void> {
		return this.saves.flush(reason)
	}

	/** Seconds since the oldest change not yet stored (0 when everything is stored). */
	saveLagSeconds(now = Date.now()): number {
		return this.saves.saveLagSeconds(now)
	}

	/** The record as it would be stored now, with an intent's uncommitted changes if given. */
	toRecord(pending: PendingIntent = {}, board = Y.encodeStateAsUpdate(this.board.doc)): WorkshopRecord {
		return createRecord({
			id: this.id,
			linkGeneration: pending.linkGeneration ?? this.linkGeneration,
			board,
			control: pending.control ?? Y.encodeStateAsUpdate(this.controlDraft),
			serverOnly: pending.serverOnly ?? this.commits.serverOnly,
			revision: this.revision,
		})
	}

	/** Drops the room's memory. Only the registry calls this, once the room is idle. */
	destroy(): void {
		this.destroyed = true
		this.saves.stop()
		this.replica.destroy()
		this.board.destroy()
		this.control.destroy()
		this.board.doc.destroy()
		this.control.doc.destroy()
		this.controlDraft.destroy()
	}

	// --- Deletion (SPEC D1) ---
	// A room being deleted stops writing, so that no save lands after the store removed the
	// workshop; if the deletion fails, it carries on.

	/** Stops every save (one under way is awaited); changes are still counted. */
	retire(): Promise<void> {
		return this.saves.pause()
	}

	/** Undoes {@link retire} after a failed deletion, saving what changed meanwhile. */
	resume(): void {
		this.saves.resume()
	}

	/** Intents run one at a time, under the store's lock of this workshop. */
	private intent<T>(work: () => Promise<T>): Promise<T> {
		return this.options.store.lock(this.id, work)
	}

	/** One save of the whole workshop (the save scheduler decides when). */
	private async write(reason: SaveReason, pending: PendingIntent, count: number): Promise<void> {
		const position = this.replica.position
		// Encoded once: written now, and the next base if the save succeeds.
		const boardState = Y.encodeStateAsUpdate(this.board.doc)
		const record = this.toRecord(pending, boardState)
		const savedVector = Buffer.from(Y.encodeStateVector(this.board.doc)).toString('base64')
		const saved = await this.options.store.save(record, this.revision)
		// Someone else saved this workshop since it was loaded: writing over their save would
		// lose it, so the room keeps its state and reports (docs/architecture.md §Storage).
		if (!saved.ok) throw new Error(saved.error.message)
		this.revision = saved.value.revision
		this.lastSaveError = null
		this.replica.rebase(position, boardState)
		this.options.metrics.inc('tablee_saves_total', { result: 'ok' })
		this.options.logger.debug('room.saved', {
			workshop: this.id,
			reason,
			count,
			bytes: record.board.length + record.control.length,
			boardStateVector: savedVector,
		})
	}
}

function needsMigration(control: Y.Doc): boolean {
	const version = controlStructures(control).meta.get('controlLayout')
	return typeof version === 'number' && version < CONTROL_LAYOUT_VERSION
}
