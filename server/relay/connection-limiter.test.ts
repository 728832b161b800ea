import { expect, test } from 'vitest'
import { createConnectionLimiter } from './connection-limiter.ts'

test('[R10] a burst passes, the next attempts wait for the bucket to refill, other addresses are unaffected', () => {
	let time = 0
	const limiter = createConnectionLimiter({ burst: 200, ratePerSecond: 10, now: () => time })
	const admitted = Array.from({ length: 220 }, () => limiter.tryConnect('10.0.0.1')).filter(Boolean).length
	expect(admitted).toBe(200)
	expect(limiter.tryConnect('10.0.0.2')).toBe(true)
	time += 100 // 0.1 s at 10/s: one token
	expect(limiter.tryConnect('10.0.0.1')).toBe(true)
	expect(limiter.tryConnect('10.0.0.1')).toBe(false)
	time += 60_000
	expect(Array.from({ length: 200 }, () => limiter.tryConnect('10.0.0.1')).every(Boolean)).toBe(true)
})

test('[R10] full buckets are forgotten by a sweep', () => {
	let time = 0
	const limiter = createConnectionLimiter({ burst: 2, ratePerSecond: 1, now: () => time })
	limiter.tryConnect('a')
	limiter.tryConnect('a')
	expect(limiter.tryConnect('a')).toBe(false)
	time += 10_000
	limiter.sweep()
	expect(limiter.tryConnect('a')).toBe(true)
})
