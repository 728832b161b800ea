import { describe, expect, test } from 'vitest'
import { hasUnsentChanges, reconnectDelay } from './unsent-changes.ts'

const sv = (entries: [number, number][]) => new Map(entries)

describe('[C1] unsent changes', () => {
	test.each([
		['nothing local, nothing acknowledged yet', sv([]), null, false],
		['local edits, no acknowledgement yet', sv([[1, 3]]), null, true],
		['server has everything', sv([[1, 3]]), sv([[1, 3]]), false],
		[
			'server has more (from others)',
			sv([[1, 3]]),
			sv([
				[1, 3],
				[2, 9],
			]),
			false,
		],
		[
			'local ahead for one client',
			sv([
				[1, 4],
				[2, 9],
			]),
			sv([
				[1, 3],
				[2, 9],
			]),
			true,
		],
		['a client the server never saw (offline edits of an earlier visit)', sv([[7, 1]]), sv([[1, 3]]), true],
	])('%s', (_name, local, server, expected) => {
		expect(hasUnsentChanges(local, server)).toBe(expected)
	})
})

describe('[C2] reconnection backoff with jitter', () => {
	test('grows exponentially, stays within [ceiling/2, ceiling], capped', () => {
		expect(reconnectDelay(0, 0)).toBe(250)
		expect(reconnectDelay(0, 1)).toBe(500)
		expect(reconnectDelay(3, 0.5)).toBe(3000)
		expect(reconnectDelay(30, 1)).toBe(15_000)
		expect(reconnectDelay(30, 0)).toBe(7500)
	})

	test('two clients reconnecting together are spread apart', () => {
		const delays = [0.1, 0.35, 0.6, 0.9].map((random) => reconnectDelay(2, random))
		expect(new Set(delays).size).toBe(4)
	})
})
