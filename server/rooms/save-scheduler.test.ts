import { describe, expect, test } from 'vitest'
import { ManualTimers } from '../../tests/helpers/manual-timers.ts'
import { type SaveReason, SaveScheduler } from './save-scheduler.ts'

/** A scheduler whose writes are recorded and settled by hand. */
function scheduler(options: { fail?: () => boolean } = {}) {
	const timers = new ManualTimers()
	const writes: { reason: SaveReason; pending: string | undefined; count: number }[] = []
	const failures: number[] = []
	let timerSaves = 0
	const saves = new SaveScheduler<string>({
		debounceMs: 1000,
		maxWaitMs: 5000,
		timers,
		write: async (reason, pending, count) => {
			writes.push({ reason, pending, count })
			if (options.fail?.()) throw new Error('disk full')
		},
		onFailed: (_error, retryInMs) => failures.push(retryInMs),
		onTimerSaved: () => timerSaves++,
	})
	return { timers, writes, failures, saves, timerSaves: () => timerSaves }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('[P1] save scheduling, without waiting', () => {
	test('a burst of changes is saved once, a debounce after the last one', async () => {
		const { timers, writes, saves } = scheduler()
		saves.noteChange()
		timers.advance(600)
		saves.noteChange()
		timers.advance(600)
		expect(writes).toEqual([])
		expect(saves.saveLagSeconds()).toBe(1.2)
		timers.advance(400)
		await settle()
		expect(writes).toEqual([{ reason: 'debounce', pending: undefined, count: 2 }])
		expect(saves.hasUnsavedChanges).toBe(false)
		expect(saves.saveLagSeconds()).toBe(0)
	})

	test('changes that never pause are saved at the maximum wait', async () => {
		const { timers, writes, saves, timerSaves } = scheduler()
		for (let elapsed = 0; elapsed < 5000; elapsed += 500) {
			saves.noteChange()
			timers.advance(500)
		}
		await settle()
		expect(writes.map((write) => write.reason)).toEqual(['max-wait'])
		expect(timerSaves()).toBe(1)
	})

	test('flush resolves once every earlier change is stored; an intent save carries its pending change', async () => {
		const { writes, saves } = scheduler()
		saves.noteChange()
		await saves.flush()
		await saves.saveWith('intent change')
		expect(writes).toEqual([
			{ reason: 'flush', pending: undefined, count: 1 },
			{ reason: 'intent', pending: 'intent change', count: 1 },
		])
		await saves.flush()
		expect(writes).toHaveLength(2)
	})

	test('[P3] a failed save keeps the changes unsaved and is retried with backoff until it succeeds', async () => {
		let failing = 3
		const { timers, writes, failures, saves } = scheduler({ fail: () => failing-- > 0 })
		saves.noteChange()
		timers.advance(1000)
		await settle()
		expect(failures).toEqual([500])
		expect(saves.hasUnsavedChanges).toBe(true)
		timers.advance(500)
		await settle()
		timers.advance(1000)
		await settle()
		expect(failures).toEqual([500, 1000, 2000])
		timers.advance(2000)
		await settle()
		expect(writes.map((write) => write.reason)).toEqual(['debounce', 'retry', 'retry', 'retry'])
		expect(saves.hasUnsavedChanges).toBe(false)
		expect(timers.armed).toBe(0)
	})

	test('once stopped, no timer is armed', () => {
		const { timers, saves } = scheduler()
		saves.noteChange()
		saves.stop()
		expect(timers.armed).toBe(0)
		saves.noteChange()
		expect(timers.armed).toBe(0)
	})
})
