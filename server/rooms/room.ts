import * as Y from 'yjs'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import { CONTROL_LAYOUT_VERSION, controlStructures, migrateControl } from '../../shared/workshop/control-document.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { ServerOnlyState, WorkshopRecord, WorkshopStore } from '../store/workshop-store.ts'
import { createRecord } from '../store/workshop-store.ts'
import { BoardReplica } from './board-replica.ts'
import { Channel } from './channel.ts'
import { ControlCommits } from './control-commits.ts'
import type { RoomSharing, StoredControl } from './room-sharing.ts'
import { type SaveReason, SaveScheduler } from './save-scheduler.ts'
import type { Timers } from './timers.ts'

/** A save compacts the board's update log once this much was appended since the last compaction. */
const COMPACT_LOG_BYTES = 256 * 1024

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
	/** Set when several processes serve the installation (server/scale/, docs/scale-out.md). */
	sharing?: RoomSharing
}

/** The origin of changes that another process made and stored (never a peer: sent to all). */
export const REMOTE = Symbol('another process')

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
	/**
	 * Settles once every board update applied so far is durable in the store's log (or its
	 * append failed). Board broadcasts, acknowledgements and sync answers wait for it, in order.
	 */
	private boardStored: Promise<void> = Promise.resolve()
	/** When each board append not yet settled started, oldest first (they settle in order). */
	private readonly appending: number[] = []
	/** Board client id → the participant who first wrote under it (SPEC R14), as stored. */
	private readonly clientOwners: Map<number, string>
	/**
	 * Several processes: settles with the client ids lost to another process's earlier claim
	 * (SPEC X11) among the claims under way, once they are all answered; null when none is.
	 */
	private claimsUnderWay: Promise<ReadonlySet<number>> | null = null
	private pendingClaims = 0
	/** Bytes appended to the board log since the last compaction (this process's share). */
	private loggedBytes = 0
	/** An append failed: the next save writes the whole record instead of compacting the log. */
	private logIncomplete = false
	/** The error of the last save when it failed, null once a save succeeds (health, O2). */
	lastSaveError: unknown = null
	private readonly options: RoomOptions
	/** The catch-up from the store under way, and the one queued behind it (catchUpWithStore). */
	private storeCatchUp: Promise<boolean> | null = null
	private storeCatchUpNext: Promise<boolean> | null = null

	constructor(record: WorkshopRecord, options: RoomOptions, clientOwners: Map<number, string> = new Map()) {
		this.id = record.id
		this.clientOwners = clientOwners
		this.options = options
		this.linkGeneration = record.linkGeneration
		// Shared: the room's revision counts control commits (the stored control revision), learnt
		// under the lock before the first intent; unknown until then (docs/scale-out.md).
		this.revision = options.sharing ? -1 : record.revision
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
		this.commits = new ControlCommits(
			this.controlDraft,
			this.control,
			record.serverOnly,
			options.sharing?.controlWriter,
		)
		if (needsMigration(this.controlDraft)) {
			// Like any server change: stored first, then published. Later intents queue behind it.
			this.changeControl((doc) => migrateControl(doc)).catch((error: unknown) =>
				options.logger.error('room.migration_failed', { workshop: this.id, error }),
			)
		}
	}

	/** True when other processes serve this workshop too (docs/scale-out.md). */
	get isShared(): boolean {
		return this.options.sharing !== undefined
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
	 * Applies a client's update to the board. A damaged one leaves the board as it was (see
	 * BoardReplica); one that would take the board past `maxDocBytes` is refused untouched. What
	 * integrated is appended to the store's log and broadcast only once durable (stored before
	 * shared, SPEC P11): `stored` resolves true then, false when the append failed (then it is
	 * not broadcast, and the next save writes the whole board).
	 */
	applyBoardUpdate(
		update: Uint8Array,
		origin: unknown,
		claims: ReadonlyMap<number, string> = new Map(),
	): Result<{ incomplete: boolean; stored: Promise<boolean | 'claim-lost'> }, 'damaged' | 'too-large'> {
		const applied = this.replica.apply(update, origin)
		if (!applied.ok) return applied
		const { held, incomplete } = applied.value
		const before = this.boardStored
		const updates = held.map((entry) => entry.update)
		// Ownership first: an update stored without its owner could later be claimed by another.
		for (const [client, participant] of claims) this.clientOwners.set(client, participant)
		const append =
			held.length === 0
				? Promise.resolve()
				: this.options.sharing && (claims.size > 0 || this.claimsUnderWay)
					? this.appendAfterClaims(this.options.sharing, updates, claims)
					: claims.size === 0
						? this.options.store.appendUpdates(this.id, 'board', updates)
						: this.options.store
								.claimClients(this.id, claims)
								.then(() => this.options.store.appendUpdates(this.id, 'board', updates))
		// In order: an update is published only after every earlier one (the store may resolve
		// appends out of order; the lowdb log does not, a database might).
		if (held.length > 0) this.appending.push(Date.now())
		for (const entry of held) this.loggedBytes += entry.update.length
		const settled = () => {
			if (held.length > 0) this.appending.shift()
		}
		const stored = Promise.all([before, append]).then(
			() => {
				settled()
				this.board.publish(held)
				if (held.length > 0) this.options.sharing?.boardStored(this, updates, claims)
				return true
			},
			(error: unknown) => {
				settled()
				if (error instanceof ClaimLost) {
					// Never stored nor shared: take it back out of the board, and bring in what
					// the winner stored under those ids.
					if (!this.destroyed) {
						this.replica.withdraw(update)
						void this.catchUpWithStore()
					}
					this.options.logger.warn('room.client_claim_lost', { workshop: this.id, clients: error.clients })
					this.options.metrics.inc('tablee_refused_frames_total', { reason: 'client_id_not_owned' })
					return 'claim-lost' as const
				}
				this.logIncomplete = true
				this.lastSaveError = error
				this.options.logger.error('room.append_failed', { workshop: this.id, error })
				this.options.metrics.inc('tablee_saves_total', { result: 'failed' })
				return false
			},
		)
		this.boardStored = stored.then(() => undefined)
		return { ok: true, value: { incomplete, stored } }
	}

	/**
	 * Several processes (SPEC X11): two participants may claim the same new client id through
	 * two processes within milliseconds, each before the other's claim reached its process. The
	 * database keeps the first claim; the other process learns it here, before appending, and
	 * refuses the update, and every update applied meanwhile that writes under an id it lost.
	 */
	private appendAfterClaims(
		sharing: RoomSharing,
		updates: Uint8Array[],
		claims: ReadonlyMap<number, string>,
	): Promise<void> {
		const earlier = this.claimsUnderWay ?? Promise.resolve(new Set<number>())
		let lostHere: Promise<ReadonlySet<number>> = earlier
		if (claims.size > 0) {
			const answered = sharing.claim(this.id, claims).then((owners) => {
				const lost = new Set<number>()
				for (const [client, participant] of claims) {
					const owner = owners.get(client)
					if (owner === undefined || owner === participant) continue
					lost.add(client)
					this.clientOwners.set(client, owner)
				}
				return lost
			})
			lostHere = Promise.all([earlier, answered]).then(([before, now]) => new Set([...before, ...now]))
			this.pendingClaims++
			const settled = lostHere.then(
				() => undefined,
				() => undefined,
			)
			this.claimsUnderWay = lostHere.catch(() => new Set<number>())
			void settled.then(() => {
				if (--this.pendingClaims === 0) this.claimsUnderWay = null
			})
		}
		return lostHere.then((lost) => {
			const under = lost.size === 0 ? [] : clientsOf(updates).filter((client) => lost.has(client))
			if (under.length > 0) throw new ClaimLost(under)
			return this.options.store.appendUpdates(this.id, 'board', updates)
		})
	}

	/**
	 * Checks that an update writes only under `participant`'s client ids (SPEC R14): every struct
	 * beyond what the board already holds must be under an id nobody else owns — by a stored
	 * claim or, for an id not yet claimed, by the presence it was last seen with. Structs the
	 * board already holds (an honest client's sync answer may repeat others' edits) and delete
	 * sets (deleting others' items is allowed) are not checked. Answers the ids to claim.
	 */
	checkClients(
		structs: readonly (Y.GC | Y.Item | Y.Skip)[],
		participant: string,
		presence: ReadonlyMap<number, string>,
	): Result<Map<number, string>, number> {
		const claims = new Map<number, string>()
		for (const struct of structs) {
			if (struct instanceof Y.Skip) continue
			const { client, clock } = struct.id
			if (clock + struct.length <= Y.getState(this.board.doc.store, client)) continue
			const owner = this.clientOwners.get(client) ?? presence.get(client) ?? participant
			if (owner !== participant) return err(client)
			if (!this.clientOwners.has(client)) claims.set(client, participant)
		}
		return ok(claims)
	}

	/**
	 * Applies board updates that another process stored (or what the stored board holds beyond
	 * this one, when catching up): through the replica, so a rebuild keeps them, and sent to every
	 * peer here at once. Yjs updates are idempotent: what the board already holds changes nothing
	 * and is sent to nobody. The size limit was checked by the process that accepted them.
	 */
	applyStoredBoard(update: Uint8Array, claims: ReadonlyMap<number, string> = new Map()): boolean {
		for (const [client, participant] of claims)
			if (!this.clientOwners.has(client)) this.clientOwners.set(client, participant)
		const applied = this.replica.apply(update, REMOTE, false)
		if (!applied.ok) {
			this.options.logger.warn('room.remote_update_refused', { workshop: this.id, reason: applied.error })
			return false
		}
		this.board.publish(applied.value.held)
		return true
	}

	/**
	 * Several processes: brings in what the stored board holds beyond this room — edits another
	 * process stored but never shared (it died in between), or that its stream has not delivered
	 * yet — with the owners of their client ids. A catch-up under way may have read the store
	 * before the need arose, so a request made meanwhile waits for the next one, which every
	 * request made meanwhile shares. Resolves false with one process, or when the store cannot
	 * be read.
	 */
	catchUpWithStore(): Promise<boolean> {
		const sharing = this.options.sharing
		if (!sharing || this.destroyed) return Promise.resolve(false)
		if (this.storeCatchUpNext) return this.storeCatchUpNext
		const start = (): Promise<boolean> => {
			const running: Promise<boolean> = sharing.catchUp(this).finally(() => {
				if (this.storeCatchUp === running) this.storeCatchUp = null
			})
			this.storeCatchUp = running
			return running
		}
		if (!this.storeCatchUp) return start()
		const queued = this.storeCatchUp.then(() => {
			this.storeCatchUpNext = null
			return start()
		})
		this.storeCatchUpNext = queued
		return queued
	}

	/**
	 * Applies a control change that another process stored: to the draft and to what clients see.
	 * The server-only state it came with is read from the store under the lock (see catchUp).
	 */
	applyStoredControl(update: Uint8Array): void {
		Y.applyUpdate(this.controlDraft, update, REMOTE)
		Y.applyUpdate(this.control.doc, update, REMOTE)
	}

	/** Resolves once every board update applied before the call is durable (or failed to be). */
	whenBoardStored(): Promise<void> {
		return this.boardStored
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
		const value = this.commits.apply(prepared)
		this.options.sharing?.controlCommitted(this, prepared.update, this.revision)
		return value
	}

	/** Invalidates the shared join links issued so far (personal tokens are unaffected). */
	bumpLinkGeneration(): Promise<number> {
		return this.intent(async () => {
			const next = this.linkGeneration + 1
			await this.saves.saveWith({ linkGeneration: next })
			this.linkGeneration = next
			this.options.sharing?.controlCommitted(this, null, this.revision)
			return next
		})
	}

	/** Resolves once every change made before the call is durably stored. */
	flush(reason: SaveReason = 'flush'): Promise<void> {
		return this.saves.flush(reason)
	}

	/**
	 * Seconds since the oldest change not yet stored (0 when everything is stored). A board
	 * change is stored once in the log; compacting it later is housekeeping, not a risk — unless
	 * an append failed, and then every change since the last save counts.
	 */
	saveLagSeconds(now = Date.now()): number {
		const oldest = this.appending[0]
		const appendLag = oldest === undefined ? 0 : Math.max(0, now - oldest) / 1000
		return Math.max(appendLag, this.logIncomplete ? this.saves.saveLagSeconds(now) : 0)
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
		this.options.sharing?.detach(this)
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

	/**
	 * Intents run one at a time, under the store's lock of this workshop. Shared with other
	 * processes, the room first catches up with what they committed (the lock is the database's).
	 */
	private intent<T>(work: () => Promise<T>): Promise<T> {
		const sharing = this.options.sharing
		if (!sharing) return this.options.store.lock(this.id, work)
		return this.options.store.lock(this.id, async () => {
			await this.catchUp(sharing)
			return work()
		})
	}

	/**
	 * Under the workshop lock: when another process committed since this room's last commit, the
	 * stored control document, server-only state and link generation replace the room's (the
	 * document merges: Yjs updates are idempotent). Then the intent decides on what is stored.
	 */
	private async catchUp(sharing: RoomSharing): Promise<void> {
		const revision = await sharing.storedRevision(this.id)
		if (revision === null || revision <= this.revision) return
		const stored = await sharing.storedControl(this.id)
		if (stored && stored.revision > this.revision) this.adoptControl(stored)
	}

	/**
	 * Another process committed: server-only reads (own drafts, own ballot) follow at once. No lock
	 * is needed: the stored state is adopted only when newer than the room's, so a read racing an
	 * intent of this process can never take the room back (the intent still catches up under the
	 * lock before it decides).
	 */
	async refreshControl(): Promise<void> {
		const stored = await this.options.sharing?.storedControl(this.id)
		if (stored && stored.revision > this.revision && !this.destroyed) this.adoptControl(stored)
	}

	private adoptControl(stored: StoredControl): void {
		this.applyStoredControl(stored.control)
		this.commits.adopt(stored.serverOnly)
		this.linkGeneration = stored.linkGeneration
		this.revision = stored.revision
	}

	/**
	 * One save (the save scheduler decides when). Board edits are already durable in the log;
	 * once the log has grown past COMPACT_LOG_BYTES, a save with no intent compacts: the store
	 * folds the log into its snapshot and empties it, which keeps logs small. Otherwise the save
	 * writes the whole record from memory, which costs less than reading the snapshot back (the
	 * log it leaves holds nothing the record lacks; load folds it in harmlessly).
	 */
	private async write(reason: SaveReason, pending: PendingIntent, count: number): Promise<void> {
		if (this.options.sharing) return this.writeShared(this.options.sharing, reason, pending, count)
		const position = this.replica.position
		// Encoded once: written now, and the next base if the save succeeds.
		const boardState = Y.encodeStateAsUpdate(this.board.doc)
		const savedVector = Buffer.from(Y.encodeStateVector(this.board.doc)).toString('base64')
		const isIntent = Object.keys(pending).length > 0
		const compacting = !isIntent && !this.logIncomplete && this.loggedBytes >= COMPACT_LOG_BYTES
		// Every board change counted so far is in the log once its append settles.
		if (compacting) await this.boardStored
		let bytes = 0
		if (compacting) {
			const logged = this.loggedBytes
			const compacted = await this.options.store.compact(this.id)
			if (!compacted.ok) throw new Error(compacted.error.message)
			this.loggedBytes -= logged
			if (compacted.value !== null) {
				this.revision = compacted.value.revision
			} else {
				await this.saveRecord(this.toRecord(pending, boardState))
			}
		} else {
			// The whole board is in this save: a failed append before it is covered once it succeeds.
			const wasIncomplete = this.logIncomplete
			this.logIncomplete = false
			const record = this.toRecord(pending, boardState)
			bytes = record.board.length + record.control.length
			try {
				await this.saveRecord(record)
			} catch (error) {
				this.logIncomplete ||= wasIncomplete
				throw error
			}
		}
		this.lastSaveError = null
		this.replica.rebase(position, boardState)
		this.options.metrics.inc('tablee_saves_total', { result: 'ok' })
		this.options.logger.debug('room.saved', {
			workshop: this.id,
			reason,
			count,
			...(bytes > 0 ? { bytes } : { compacted: true }),
			boardStateVector: savedVector,
		})
	}

	/**
	 * One save when several processes share the workshop. The room never writes the board from
	 * memory: another process may have logged edits this one has not received yet, and a snapshot
	 * written without them would lose them once compaction empties the log. So an intent stores
	 * the control side only; an edit whose append failed is appended again, as the whole board
	 * (Yjs updates are idempotent); and past COMPACT_LOG_BYTES the store compacts from its rows.
	 */
	private async writeShared(
		sharing: RoomSharing,
		reason: SaveReason,
		pending: PendingIntent,
		count: number,
	): Promise<void> {
		const position = this.replica.position
		const boardState = Y.encodeStateAsUpdate(this.board.doc)
		if (Object.keys(pending).length > 0) {
			const saved = await sharing.saveControl(
				this.id,
				{
					control: pending.control ?? Y.encodeStateAsUpdate(this.controlDraft),
					serverOnly: pending.serverOnly ?? this.commits.serverOnly,
					linkGeneration: pending.linkGeneration ?? this.linkGeneration,
				},
				this.revision,
			)
			if (!saved.ok) throw new Error(saved.error.message)
			this.revision = saved.value.revision
		} else if (this.logIncomplete) {
			this.logIncomplete = false
			try {
				await this.options.store.appendUpdates(this.id, 'board', [boardState])
			} catch (error) {
				this.logIncomplete = true
				throw error
			}
			sharing.boardStored(this, [boardState], new Map())
		} else if (this.loggedBytes >= COMPACT_LOG_BYTES) {
			await this.boardStored
			const logged = this.loggedBytes
			const compacted = await this.options.store.compact(this.id)
			if (!compacted.ok) throw new Error(compacted.error.message)
			this.loggedBytes -= logged
			// Not this.revision: it counts control commits, which compaction leaves as they are.
		}
		this.lastSaveError = null
		this.replica.rebase(position, boardState)
		this.options.metrics.inc('tablee_saves_total', { result: 'ok' })
		this.options.logger.debug('room.saved', { workshop: this.id, reason, count, shared: true })
	}

	private async saveRecord(record: WorkshopRecord): Promise<void> {
		const saved = await this.options.store.save(record, this.revision)
		// Someone else saved this workshop since it was loaded: writing over their save would
		// lose it, so the room keeps its state and reports (docs/architecture.md §Storage).
		if (!saved.ok) throw new Error(saved.error.message)
		this.revision = saved.value.revision
	}
}

function needsMigration(control: Y.Doc): boolean {
	const version = controlStructures(control).meta.get('controlLayout')
	return typeof version === 'number' && version < CONTROL_LAYOUT_VERSION
}

/** An update written under a client id another process's participant claimed first (SPEC X11). */
class ClaimLost extends Error {
	readonly clients: number[]
	constructor(clients: number[]) {
		super(`client ids ${clients.join(', ')} were claimed first through another process`)
		this.clients = clients
	}
}

/** The client ids an update writes structs under. */
function clientsOf(updates: readonly Uint8Array[]): number[] {
	const clients = new Set<number>()
	for (const update of updates) for (const struct of Y.decodeUpdate(update).structs) clients.add(struct.id.client)
	return [...clients]
}
