/**
 * Connection attempts per address: a token bucket. The burst lets a whole room behind one venue
 * NAT (200 people) reconnect at once after a restart; past it, attempts are told to retry later
 * (1013), never banned: the bucket refills at `ratePerSecond`.
 */
export interface ConnectionLimiterOptions {
	burst: number
	ratePerSecond: number
	now?: () => number
}

export interface ConnectionLimiter {
	/** Takes one token for `address`; false when the bucket is empty. */
	tryConnect(address: string): boolean
	/** Forgets full buckets (they are the same as no bucket); call now and then. */
	sweep(): void
}

export function createConnectionLimiter({
	burst,
	ratePerSecond,
	now = Date.now,
}: ConnectionLimiterOptions): ConnectionLimiter {
	const buckets = new Map<string, { tokens: number; at: number }>()
	const refill = (bucket: { tokens: number; at: number }, time: number) => {
		bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * ratePerSecond)
		bucket.at = time
	}
	return {
		tryConnect(address) {
			const time = now()
			let bucket = buckets.get(address)
			if (!bucket) {
				bucket = { tokens: burst, at: time }
				buckets.set(address, bucket)
			}
			refill(bucket, time)
			if (bucket.tokens < 1) return false
			bucket.tokens -= 1
			return true
		},
		sweep() {
			const time = now()
			for (const [address, bucket] of buckets) {
				refill(bucket, time)
				if (bucket.tokens >= burst) buckets.delete(address)
			}
		},
	}
}
