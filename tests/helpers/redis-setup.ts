import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient } from 'redis'

/**
 * Vitest global setup: the scale-out tests need a Redis. The one named by TABLEE_TEST_REDIS_URL
 * (default: the development and CI machines' own, 127.0.0.1:6379) when it answers; otherwise a
 * throwaway `redis-server` (Debian's package, installed with apt-get when running as root) on a
 * free port, nothing kept on disk. Without either, the run stops with what to install: these tests are never skipped. Tests read the URL
 * from TABLEE_TEST_REDIS_URL and use a key prefix of their own (tests/helpers/redis.ts).
 */
const configured = process.env.TABLEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
export const REDIS_SERVER = '/usr/bin/redis-server'

export async function redisAnswers(url: string): Promise<boolean> {
	const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } })
	client.on('error', () => undefined)
	try {
		await client.connect()
		return (await client.ping()) === 'PONG'
	} catch {
		return false
	} finally {
		client.destroy()
	}
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer()
		server.once('error', reject)
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number }
			server.close(() => resolve(port))
		})
	})
}

/** Starts a throwaway redis-server on `port` (no persistence) and resolves once it answers. */
export async function startRedisServer(port: number): Promise<{ child: ChildProcess; url: string }> {
	if (!existsSync(REDIS_SERVER) && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
		process.stdout.write('redis-server is not installed: installing Debian’s redis-server package…\n')
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env })
	}
	if (!existsSync(REDIS_SERVER)) {
		throw new Error(
			`The scale-out tests need Redis: nothing answers at ${configured} and ${REDIS_SERVER} is missing. ` +
				'Install it (e.g. `sudo apt-get install redis-server`) or set TABLEE_TEST_REDIS_URL, then run `npm test` again.',
		)
	}
	const dir = mkdtempSync(path.join(tmpdir(), 'tablee-redis-'))
	const child = spawn(
		REDIS_SERVER,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
		{ stdio: 'ignore' },
	)
	child.once('exit', () => rmSync(dir, { recursive: true, force: true }))
	const url = `redis://127.0.0.1:${port}`
	const deadline = Date.now() + 10_000
	while (!(await redisAnswers(url))) {
		if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server on port ${port} never answered`)
		await new Promise((resolve) => setTimeout(resolve, 50))
	}
	return { child, url }
}

export default async function setup(): Promise<(() => void) | undefined> {
	if (await redisAnswers(configured)) {
		process.env.TABLEE_TEST_REDIS_URL = configured
		return undefined
	}
	const { child, url } = await startRedisServer(await freePort())
	process.stdout.write(`Redis tests use a throwaway redis-server at ${url}\n`)
	process.env.TABLEE_TEST_REDIS_URL = url
	return () => {
		child.kill('SIGKILL')
	}
}
