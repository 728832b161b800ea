import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { lockDataDir } from '../../server/store/data-dir-lock.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import { apiAt, createWorkshop, TEST_SECRET, waitFor } from '../helpers/test-server.ts'
import type { NamespacedServer } from './pid-namespace.ts'
import { spawnAsPid1 } from './pid-namespace.ts'

// Time budget of this file: 40 s (two waits for a heartbeat to stop, a few server starts).

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDataDir() {
	const dir = await mkdtemp(path.join(tmpdir(), 'tablee-lock-'))
	cleanups.push(() => rm(dir, { recursive: true, force: true }))
	return dir
}

async function ownIdentity() {
	const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim()
	const pidNamespace = await readlink('/proc/self/ns/pid')
	return { host: hostname(), bootId, pidNamespace }
}

async function startTicksOf(pid: number) {
	const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''
}

test('[P9] a server running as pid 1 of its own pid namespace is killed with -9, and the next pid 1 starts by itself with the data intact', async () => {
	const dataDir = await tempDataDir()
	const port = await freePort()
	const env = { PORT: String(port), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET }
	let running: NamespacedServer = await spawnAsPid1(env)
	cleanups.push(() => running.stop())
	const lock = JSON.parse(await readFile(path.join(dataDir, 'tablee.lock'), 'utf8')) as { pid: number }
	expect(lock.pid).toBe(1)
	const workshop = await createWorkshop({ api: apiAt(`http://127.0.0.1:${port}`) })

	await running.kill9()
	running = await spawnAsPid1(env)
	const response = await fetch(`http://127.0.0.1:${port}/api/workshops/${workshop.id}`, {
		headers: { authorization: `Bearer ${workshop.tokens.facilitator}` },
	})
	expect(response.status).toBe(200)
	// Killed again right after its start: the lock is then fresh, and still taken over.
	await running.kill9()
	running = await spawnAsPid1(env)
	expect(running.output()).toContain('"server.started"')
}, 40_000)

test('[P9] a real second server in another pid namespace is refused while the first one runs', async () => {
	const dataDir = await tempDataDir()
	const first = await spawnAsPid1({ PORT: String(await freePort()), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET })
	cleanups.push(() => first.stop())
	const second = await spawnAsPid1({
		PORT: String(await freePort()),
		DATA_DIR: dataDir,
		TABLEE_SECRET: TEST_SECRET,
	}).then(
		(running) => ({ running, error: null as Error | null }),
		(error: Error) => ({ running: null, error }),
	)
	if (second.running) cleanups.push(() => second.running?.stop())
	expect(second.error?.message).toMatch(/in use by another Tablée process/)
	// And from this namespace too (the plain `node server/main.ts`).
	const third = await spawnServer({
		PORT: String(await freePort()),
		DATA_DIR: dataDir,
		TABLEE_SECRET: TEST_SECRET,
	}).then(
		(running) => ({ running, error: null as Error | null }),
		(error: Error) => ({ running: null, error }),
	)
	if (third.running) cleanups.push(() => third.running?.stop())
	expect(third.error?.message).toMatch(/in use by another Tablée process/)
}, 40_000)

test('[P9] a lock naming this very pid, a pid now used by a process started at another time, or a zombie is taken over at once; a live holder is not', async () => {
	const me = await ownIdentity()
	const lockIn = async (holder: Record<string, unknown>) => {
		const dir = await tempDataDir()
		await writeFile(path.join(dir, 'tablee.lock'), JSON.stringify({ ...me, ...holder }))
		return dir
	}
	const takesOver = async (dir: string) => {
		const started = Date.now()
		const release = await lockDataDir(dir, { staleMs: 60_000 })
		await release()
		// No wait for a heartbeat: the holder was judged from /proc.
		expect(Date.now() - started).toBeLessThan(30_000)
	}

	// Our own pid in an earlier life (as pid 1 after a container restart).
	await takesOver(await lockIn({ pid: process.pid, startTicks: '1' }))

	// A live process that got the holder's pid, but started at another time.
	await takesOver(await lockIn({ pid: process.ppid, startTicks: `${(await startTicksOf(process.ppid)) + 1}` }))

	// A zombie: a child that exited and is never reaped by its parent (`sleep`).
	const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
	cleanups.push(() => void parent.kill('SIGKILL'))
	let printed = ''
	parent.stdout.on('data', (chunk) => (printed += chunk))
	await waitFor(() => printed.includes('\n'), 'zombie pid printed')
	const zombie = Number(printed.trim())
	await waitFor(
		async () => (await readFile(`/proc/${zombie}/stat`, 'utf8')).split(') ')[1]?.startsWith('Z') ?? false,
		'child is a zombie',
	)
	await takesOver(await lockIn({ pid: zombie, startTicks: await startTicksOf(zombie) }))

	// A live holder with its start time: refused, and its lock is left alone.
	const held = await lockIn({ pid: process.ppid, startTicks: await startTicksOf(process.ppid) })
	await expect(lockDataDir(held)).rejects.toThrow(/in use by another Tablée process/)
	expect(JSON.parse(await readFile(path.join(held, 'tablee.lock'), 'utf8'))).toMatchObject({ pid: process.ppid })

	// Twice in one process: the second is a second server too.
	const dir = await tempDataDir()
	const release = await lockDataDir(dir)
	await expect(lockDataDir(dir)).rejects.toThrow(/in use by another Tablée process/)
	await release()
})
