import type { ChildProcess } from 'node:child_process'
import { afterAll, afterEach, expect, test } from 'vitest'
import { createTestDatabase, dropTestDatabases } from '../helpers/postgres.ts'
import { freePort, startRedisServer } from '../helpers/redis-setup.ts'
import { startTestServer, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 10 s (one server process, a redis-server of its own killed and restarted).

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(dropTestDatabases)

test('[X9] losing Redis shows in health (503 degraded) and in tablee_redis_up, and both recover when it is back', async () => {
	const port = await freePort()
	let redis: ChildProcess = (await startRedisServer(port)).child
	cleanups.push(() => {
		redis.kill('SIGKILL')
	})
	const server = await startTestServer({
		databaseUrl: await createTestDatabase(),
		redisUrl: `redis://127.0.0.1:${port}`,
		redisKeyPrefix: 'tablee:',
		logLevel: 'silent',
	})
	cleanups.push(() => server.dispose())
	const health = async () => {
		const response = await server.api('/api/health')
		return { status: response.status, body: (await response.json()) as Record<string, unknown> }
	}
	const redisUp = async () => {
		const text = await (await server.api('/api/metrics')).text()
		expect(text).toContain('# TYPE tablee_redis_up gauge\n')
		return Number(/^tablee_redis_up (\d+)$/m.exec(text)?.[1])
	}

	expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } })
	expect(await redisUp()).toBe(1)

	redis.kill('SIGKILL')
	await new Promise((resolve) => redis.once('exit', resolve))
	await waitFor(async () => (await health()).status === 503, 'health degraded without Redis')
	expect(await health()).toMatchObject({
		status: 503,
		body: { status: 'degraded', reason: 'redis unreachable', rooms: 0, connections: 0 },
	})
	expect(await redisUp()).toBe(0)

	// A new, empty Redis on the same address: node-redis reconnects (backoff up to 2 s).
	redis = (await startRedisServer(port)).child
	await waitFor(async () => (await health()).status === 200, 'health ok once Redis is back', 10_000)
	expect((await health()).body).toMatchObject({ status: 'ok' })
	expect(await redisUp()).toBe(1)
}, 30_000)
