import { realTimers, type Timers } from './timers.ts'
import { UnsavedChanges } from './unsaved-changes.ts'

/** Why a save ran; logged with `room.saved` (tests use it to tell the timers apart). */
export type SaveReason = 'debounce' | 'max-wait' | 'retry' | 'flush' | 'intent'

/** Delay before retrying a failed save; doubles up to the maximum. */
export const RETRY_MIN_MS = 500
export const RETRY_MAX_MS = 30_000

export interface SaveSchedulerOptions<P> {
	debounceMs: number
	maxWaitMs: number
	/**
	 * Writes the whole state, with an intent's uncommitted `pending` changes if given; `count` is
	 * the change count it covers. Resolves once durable, rejects when not.
	 */
	write(reason: SaveReason, pending: P | undefined, count: number): Promise<void>
	/** A failed write: it is retried in `retryInMs`. */
	onFailed(error: unknown, retryInMs: number): void
	/** A save started by a timer succeeded (the room may have become idle). */
	onTimerSaved(): void
	timers?: Timers
}

/**
 * When a room saves (SPEC P1, P3): every change bumps a counter and (re)arms a debounce timer
 * and, if not armed, a maximum-wait timer; a save records the count it covers, so `flush`
 * knows when every earlier change is stored. One save runs at a time. A failed save is
 * retried with backoff, and the room keeps its state meanwhile.
 */
export class SaveScheduler<P> {
	private changeCount = 0
	private savedCount = 0
	private inFlight: { count: number; promise: Promise<void> } | null = null
	/** When the oldest change not yet stored was made (save lag, O3). */
	private readonly unsaved = new UnsavedChanges()
	private debounceTimer: unknown = null
	private maxWaitTimer: unknown = null
	private retryTimer: unknown = null
	private retryDelay = RETRY_MIN_MS
	private stopped = false
	/** Set while the workshop is being deleted: nothing may be written (see pause). */
	private paused = false
	private readonly options: SaveSchedulerOptions<P>
	private readonly timers: Timers

	constructor(options: SaveSchedulerOptions<P>) {
		this.options = options
		this.timers = options.timers ?? realTimers
	}

	get hasUnsavedChanges(): boolean {
		return this.savedCount < this.changeCount
	}

	/** Seconds since the oldest change not yet stored (0 when everything is stored). */
	saveLagSeconds(now = this.timers.now()): number {
		const oldest = this.unsaved.oldest()
		return oldest === null ? 0 : Math.max(0, now - oldest) / 1000
	}

	/** Records a change to save within the window. */
	noteChange(): void {
		this.changeCount++
		this.unsaved.changed(this.changeCount, this.timers.now())
		if (this.stopped || this.paused) return
		const { debounceMs, maxWaitMs } = this.options
		if (this.debounceTimer !== null) this.timers.clear(this.debounceTimer)
		this.debounceTimer = this.timers.set(() => this.onTimer('debounce'), debounceMs)
		this.maxWaitTimer ??= this.timers.set(() => this.onTimer('max-wait'), maxWaitMs)
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

	/** One save that includes an intent's uncommitted changes, after any save under way. */
	async saveWith(pending: P): Promise<void> {
		while (this.inFlight) await this.inFlight.promise.catch(() => undefined)
		await this.saveOnce('intent', pending)
	}

	/** No save starts until {@link resume}; resolves once a save under way has ended. */
	async pause(): Promise<void> {
		this.paused = true
		this.clearTimers()
		while (this.inFlight) await this.inFlight.promise.catch(() => undefined)
	}

	/** Saving goes on after a pause, starting with what changed meanwhile. */
	resume(): void {
		this.paused = false
		if (this.hasUnsavedChanges) this.onTimer('retry')
	}

	/** No more timers or retries (the room is being unloaded). */
	stop(): void {
		this.stopped = true
		this.clearTimers()
	}

	private readonly onTimer = (reason: SaveReason) => {
		this.flush(reason).then(
			() => this.options.onTimerSaved(),
			() => undefined, // reported by onFailed, and a retry is scheduled
		)
	}

	private saveOnce(reason: SaveReason, pending?: P): Promise<void> {
		this.clearTimers()
		if (this.paused) return Promise.reject(new Error('saving is paused: the workshop is being deleted'))
		const count = this.changeCount
		// write() encodes the state before its first await: later changes are not in this save.
		this.unsaved.snapshotTaken()
		const promise = this.options.write(reason, pending, count).then(
			() => {
				this.savedCount = Math.max(this.savedCount, count)
				this.unsaved.savedUpTo(this.savedCount)
				this.retryDelay = RETRY_MIN_MS
			},
			(error: unknown) => {
				this.options.onFailed(error, this.retryDelay)
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
		if (this.stopped || this.paused || this.retryTimer !== null) return
		this.retryTimer = this.timers.set(() => {
			this.retryTimer = null
			this.onTimer('retry')
		}, this.retryDelay)
		this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS)
	}

	private clearTimers(): void {
		for (const timer of [this.debounceTimer, this.maxWaitTimer, this.retryTimer]) {
			if (timer !== null) this.timers.clear(timer)
		}
		this.debounceTimer = null
		this.maxWaitTimer = null
		this.retryTimer = null
	}
}
