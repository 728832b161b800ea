import type { Timers } from '../../server/rooms/timers.ts'

/** Timers that fire only when told: a room's mechanisms tested without waiting. */
export class ManualTimers implements Timers {
	private time = 0
	private nextId = 0
	private readonly due = new Map<number, { at: number; callback: () => void }>()

	set(callback: () => void, ms: number): unknown {
		const id = ++this.nextId
		this.due.set(id, { at: this.time + ms, callback })
		return id
	}

	clear(handle: unknown): void {
		this.due.delete(handle as number)
	}

	now(): number {
		return this.time
	}

	/** How many timers are armed. */
	get armed(): number {
		return this.due.size
	}

	/** Moves the clock on by `ms`, firing every timer that falls due, in order. */
	advance(ms: number): void {
		const end = this.time + ms
		for (;;) {
			const next = [...this.due.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
			if (!next) break
			this.due.delete(next[0])
			this.time = next[1].at
			next[1].callback()
		}
		this.time = end
	}
}
