import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'

/** The Redis the global setup found or started (tests/helpers/redis-setup.ts). */
export function testRedisUrl(): string {
	const url = process.env.TABLEE_TEST_REDIS_URL
	if (!url) throw new Error('TABLEE_TEST_REDIS_URL is not set: the Redis global setup did not run')
	return url
}

const prefixes: { url: string; prefix: string }[] = []

/** A key prefix of its own for one test's installation; `dropTestKeys` removes its keys. */
export function testKeyPrefix(url = testRedisUrl()): string {
	const prefix = `tablee-test-${randomBytes(6).toString('hex')}:`
	prefixes.push({ url, prefix })
	return prefix
}

/** Deletes every key under the prefixes this worker handed out (on the shared Redis too). */
export async function dropTestKeys(): Promise<void> {
	for (const { url, prefix } of prefixes.splice(0)) {
		const client = createClient({ url, socket: { reconnectStrategy: false } })
		client.on('error', () => undefined)
		try {
			await client.connect()
			const keys: string[] = []
			for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch)
			if (keys.length > 0) await client.del(keys)
		} catch {
			// A throwaway Redis already stopped took its keys with it.
		} finally {
			client.destroy()
		}
	}
}
