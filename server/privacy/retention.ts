import * as Y from 'yjs'
import { anonymisationDay, isDue } from '../../shared/privacy/anonymise.ts'
import { readMeta } from '../../shared/workshop/control-document.ts'
import type { Logger } from '../logger.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { WorkshopStore } from '../store/workshop-store.ts'
import { anonymiseRoom } from './personal-data.ts'
import type { WorkshopDeletion } from './workshop-deletion.ts'

/** Time as the scheduler sees it: the system's, or one a test moves by hand. */
export interface Clock {
	now(): number
	/** Calls `run` after `ms`; the returned function cancels it. */
	after(ms: number, run: () => void): () => void
}

export const systemClock: Clock = {
	now: () => Date.now(),
	after: (ms, run) => {
		const timer = setTimeout(run, ms)
		timer.unref()
		return () => clearTimeout(timer)
	},
}

export const DAY_MS = 24 * 60 * 60 * 1000

export interface RetentionOptions {
	store: WorkshopStore
	registry: RoomRegistry
	deletion: WorkshopDeletion
	logger: Logger
	/** `RETENTION_DAYS`: days after a workshop's date before its names are removed. */
	retentionDays: number
	clock?: Clock
	/**
	 * Several processes (docs/scale-out.md): runs a sweep unless another process runs it, null
	 * when skipped (SPEC X10). Absent, every sweep runs here.
	 */
	alone?: <T>(run: () => Promise<T>) => Promise<T | null>
}

export interface SweepReport {
	checked: number
	anonymised: string[]
	failed: string[]
	resumedDeletions: string[]
	/** Another process of the installation ran this sweep, or one finished a few hours ago. */
	skipped: boolean
}

/**
 * The retention period (SPEC D2): at start and then once a day, every workshop whose
 * anonymisation day has come (`RETENTION_DAYS` after its date, or after its creation without
 * one) loses its personal data (`anonymiseRoom`); interrupted deletions are finished first.
 * Each sweep is logged — ids and counts, never a name.
 */
export class RetentionScheduler {
	private readonly options: RetentionOptions
	private readonly clock: Clock
	private cancel: (() => void) | null = null
	private running: Promise<SweepReport> | null = null
	private stopped = false

	constructor(options: RetentionOptions) {
		this.options = options
		this.clock = options.clock ?? systemClock
	}

	/** Sweeps now, then every day. */
	start(): void {
		this.stopped = false
		this.tick()
	}

	/** Stops the schedule and waits for a sweep under way. */
	async stop(): Promise<void> {
		this.stopped = true
		this.cancel?.()
		this.cancel = null
		await this.running?.catch(() => undefined)
	}

	/** One sweep (the schedule's, or a test's); concurrent calls share it. */
	sweep(): Promise<SweepReport> {
		const alone = this.options.alone
		const sweep = alone
			? () =>
					alone(() => this.runSweep()).then((report) => {
						if (report) return report
						this.options.logger.info('privacy.retention_skipped', { reason: 'another process sweeps' })
						return { checked: 0, anonymised: [], failed: [], resumedDeletions: [], skipped: true }
					})
			: () => this.runSweep()
		this.running ??= sweep().finally(() => {
			this.running = null
		})
		return this.running
	}

	private tick(): void {
		if (this.stopped) return
		this.sweep().then(
			() => undefined,
			(error: unknown) => this.options.logger.error('privacy.retention_failed', { error }),
		)
		this.cancel = this.clock.after(DAY_MS, () => this.tick())
	}

	private async runSweep(): Promise<SweepReport> {
		const { store, registry, deletion, logger, retentionDays } = this.options
		const report: SweepReport = { checked: 0, anonymised: [], failed: [], resumedDeletions: [], skipped: false }
		report.resumedDeletions = await deletion.resumePending()
		const now = this.clock.now()
		for (const id of await store.ids()) {
			if (this.stopped) break
			report.checked++
			try {
				const loaded = await store.load(id)
				if (!loaded.ok) throw new Error(loaded.error.message)
				if (!loaded.value) continue // deleted meanwhile
				const control = new Y.Doc()
				Y.applyUpdate(control, Buffer.from(loaded.value.control, 'base64'))
				const meta = readMeta(control)
				control.destroy()
				if (!meta || meta.anonymisedAt || !isDue(meta, retentionDays, now)) continue
				const acquired = await registry.acquire(id)
				if (!acquired.ok) throw new Error(acquired.error.message)
				if (!acquired.value) continue
				try {
					await anonymiseRoom(acquired.value, new Date(now))
				} finally {
					acquired.value.release()
				}
				report.anonymised.push(id)
				logger.info('privacy.anonymised', {
					workshop: id,
					reason: 'retention',
					due: anonymisationDay(meta, retentionDays),
				})
			} catch (error) {
				report.failed.push(id)
				logger.error('privacy.anonymise_failed', { workshop: id, error })
			}
		}
		logger.info('privacy.retention_sweep', {
			retentionDays,
			checked: report.checked,
			anonymised: report.anonymised.length,
			failed: report.failed.length,
			resumedDeletions: report.resumedDeletions.length,
		})
		return report
	}
}
