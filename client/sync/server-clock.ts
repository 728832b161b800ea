import { api } from '../api.ts'
import type { CellFactory } from './cell.ts'

/**
 * The server's clock, as seen from this device: deadlines (timer, vote) are server times, and a
 * phone's clock can be minutes off. The offset is measured from `GET /api/time` (half the round
 * trip assumed each way) and refreshed every few minutes; `now()` ticks every second.
 */
export class ServerClock {
	readonly now: () => number
	private offset = 0
	private readonly timers: ReturnType<typeof setInterval>[] = []

	constructor(cells: CellFactory) {
		const now = cells(Date.now())
		this.now = now.get
		const tick = () => now.set(Date.now() + this.offset)
		this.timers.push(setInterval(tick, 1000))
		const measure = async () => {
			try {
				const sent = Date.now()
				const answer = await api.time()
				const received = Date.now()
				this.offset = answer.now - (sent + received) / 2
				tick()
			} catch {
				// offline: keep the last offset
			}
		}
		void measure()
		this.timers.push(setInterval(measure, 5 * 60_000))
	}

	destroy(): void {
		for (const timer of this.timers) clearInterval(timer)
	}
}

/** "12:05" (minutes:seconds) for a duration in milliseconds. */
export function formatCountdown(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000))
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}
