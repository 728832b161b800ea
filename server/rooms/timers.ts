/** The clock and timers a room's mechanisms use; tests pass a manual one to run without waiting. */
export interface Timers {
	set(callback: () => void, ms: number): unknown
	clear(handle: unknown): void
	now(): number
}

export const realTimers: Timers = {
	set: (callback, ms) => setTimeout(callback, ms),
	clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
	now: () => Date.now(),
}
