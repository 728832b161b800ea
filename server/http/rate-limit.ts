import type { MiddlewareHandler } from 'hono'
import { verifyToken } from '../auth/tokens.ts'
import { bearerToken } from './bearer-token.ts'
import { clientAddress } from './client-address.ts'

/** A token bucket's size and refill: `burst` requests at once, then `perSecond`. */
export interface BucketLimit {
	burst: number
	perSecond: number
}

export interface RateLimitOptions {
	/** Per client address: sized for a whole room behind one venue NAT. */
	address: BucketLimit
	/** Per participant (the personal token's participant id, on every device it is used). */
	participant: BucketLimit
	/** Token signing key: only a genuine personal token names a participant. */
	secret: string
	trustProxy: boolean
	/** Which requests count (default: every one the middleware sees). */
	counts?: (method: string, pathname: string) => boolean
	now?: () => number
}

interface Bucket {
	tokens: number
	at: number
}

/**
 * Rate limits HTTP requests per address and per participant with token buckets (SPEC H2). Never a
 * ban: a refused request gets 429 `rate_limited` with `Retry-After` (whole seconds until a token
 * is back) and the client retries. The address bucket is large because a whole room may share
 * one address behind a venue's NAT; the participant bucket keeps one person (or one leaked token)
 * from drowning the others, while an offline outbox can still flush its intents in one go.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
	const { address, participant, secret, trustProxy, counts = () => true, now = Date.now } = options
	const byAddress = new Map<string, Bucket>()
	const byParticipant = new Map<string, Bucket>()
	let sweptAt = now()

	const refilled = (buckets: Map<string, Bucket>, key: string, limit: BucketLimit, time: number): Bucket => {
		const bucket = buckets.get(key) ?? { tokens: limit.burst, at: time }
		bucket.tokens = Math.min(limit.burst, bucket.tokens + ((time - bucket.at) / 1000) * limit.perSecond)
		bucket.at = time
		buckets.set(key, bucket)
		return bucket
	}
	// Full buckets are the same as no bucket: forget them now and then, so memory follows activity.
	const sweep = (time: number) => {
		if (time - sweptAt < 60_000) return
		sweptAt = time
		for (const [buckets, limit] of [
			[byAddress, address],
			[byParticipant, participant],
		] as const) {
			for (const [key, bucket] of buckets) {
				if (bucket.tokens + ((time - bucket.at) / 1000) * limit.perSecond >= limit.burst) buckets.delete(key)
			}
		}
	}
	const participantOf = (token: string | null): string | null => {
		if (!token) return null
		const claims = verifyToken(secret, token)
		return claims.ok && claims.value.kind === 'personal' ? `${claims.value.workshop}/${claims.value.participant}` : null
	}
	const waitSeconds = (bucket: Bucket, limit: BucketLimit) =>
		Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond))

	return async function rateLimitMiddleware(c, next) {
		if (!counts(c.req.method, c.req.path)) return next()
		const time = now()
		sweep(time)
		const buckets: [Bucket, BucketLimit][] = [
			[refilled(byAddress, clientAddress(c, trustProxy), address, time), address],
		]
		const who = participantOf(bearerToken(c))
		if (who) buckets.push([refilled(byParticipant, who, participant, time), participant])
		const empty = buckets.filter(([bucket]) => bucket.tokens < 1)
		if (empty.length > 0) {
			const retryAfter = Math.max(...empty.map(([bucket, limit]) => waitSeconds(bucket, limit)))
			return c.json({ error: { code: 'rate_limited', message: `too many requests; retry in ${retryAfter} s` } }, 429, {
				'retry-after': String(retryAfter),
			})
		}
		for (const [bucket] of buckets) bucket.tokens -= 1
		return next()
	}
}
