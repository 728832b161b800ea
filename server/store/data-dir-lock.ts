import { readFile, readlink, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'

const LOCK_FILE = 'tablee.lock'

export interface LockOptions {
	/** How often the holder refreshes the lock file's modification time. */
	heartbeatMs?: number
	/**
	 * A lock whose holder cannot be seen from here (another pid namespace, another host) is taken
	 * over once its heartbeat has stopped for this long.
	 */
	staleMs?: number
}

/** What a lock file says about its holder. Fields other than `pid` and `host` are absent in old locks. */
interface Holder {
	pid: number
	host: string
	/** Field 22 of `/proc/<pid>/stat`: clock ticks since boot when the process started. */
	startTicks?: string
	/** `/proc/sys/kernel/random/boot_id`: tells a reboot (or another kernel) apart. */
	bootId?: string
	/** `readlink /proc/self/ns/pid`: only in the same pid namespace does our `/proc` show the holder. */
	pidNamespace?: string
}

/** Data directories locked by this very process (a second lock of one of them is a second server too). */
const lockedHere = new Set<string>()

/**
 * One server per data directory: two processes saving the same workshop files would overwrite
 * each other's work. Node has no `flock`, so the lock file says who holds it — pid, the process's
 * start time, the boot id, the pid namespace and the host — and the holder refreshes its
 * modification time every `heartbeatMs`.
 *
 * A holder we can see (same boot, same pid namespace) is alive only if a process with its pid and
 * its start time exists and is not a zombie: after `kill -9` or an OOM kill, a new server takes
 * over at once, even when it gets the same pid (pid 1 in a container). A holder we cannot see (a
 * container restarted in a new pid namespace, or another host on a shared disk) is alive while its
 * heartbeat is: the new server waits at most `staleMs` for it to stop. Returns the release function.
 */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<() => Promise<void>> {
	const heartbeatMs = options.heartbeatMs ?? 1000
	const staleMs = options.staleMs ?? 6000
	const key = path.resolve(dataDir)
	const file = path.join(dataDir, LOCK_FILE)
	if (lockedHere.has(key)) throw new Error(inUse(dataDir, { pid: process.pid, host: hostname() }))
	const self = await processIdentity('self')
	const me: Holder = { pid: process.pid, host: hostname() }
	if (self.startTicks !== undefined) me.startTicks = self.startTicks
	if (self.bootId !== undefined) me.bootId = self.bootId
	if (self.pidNamespace !== undefined) me.pidNamespace = self.pidNamespace
	const mine = JSON.stringify({ ...me, since: new Date().toISOString() })
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			await writeFile(file, mine, { flag: 'wx', mode: 0o600 })
			return holdLock(key, file, mine, heartbeatMs)
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
		}
		const seen = await readFile(file, 'utf8').catch(() => null)
		if (seen === null) continue
		const holder = parseHolder(seen)
		if (holder) {
			const verdict = await judge(holder, me, file, staleMs)
			if (verdict === 'alive') throw new Error(inUse(dataDir, holder))
		}
		// A stale lock: remove it, unless another starter replaced it meanwhile.
		if ((await readFile(file, 'utf8').catch(() => null)) === seen) await unlink(file).catch(() => undefined)
	}
	throw new Error(`could not lock ${dataDir}: its lock file keeps changing`)
}

function inUse(dataDir: string, holder: Pick<Holder, 'pid' | 'host'>): string {
	const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`
	return `${dataDir} is in use by another Tablée process (${where}). Stop it first, or point DATA_DIR elsewhere.`
}

function holdLock(key: string, file: string, mine: string, heartbeatMs: number): () => Promise<void> {
	lockedHere.add(key)
	const heartbeat = setInterval(() => {
		const now = new Date()
		utimes(file, now, now).catch(() => undefined)
	}, heartbeatMs)
	heartbeat.unref()
	let released = false
	return async () => {
		if (released) return
		released = true
		clearInterval(heartbeat)
		lockedHere.delete(key)
		const current = await readFile(file, 'utf8').catch(() => '')
		if (current === mine) await unlink(file).catch(() => undefined)
	}
}

async function judge(holder: Holder, me: Holder, file: string, staleMs: number): Promise<'alive' | 'dead'> {
	const sameBoot = holder.bootId !== undefined && holder.bootId === me.bootId
	if (sameBoot && holder.pidNamespace !== undefined && holder.pidNamespace === me.pidNamespace) {
		// Our /proc shows the holder if it lives. (A namespace's number is reused only once it is
		// gone, and with it every process of the holder's.) Our own pid is never another holder: this process
		// has not locked the directory (checked above), so the lock is a previous life's.
		if (holder.pid === process.pid) return 'dead'
		const now = await processIdentity(String(holder.pid))
		return now.startTicks !== undefined && now.startTicks === holder.startTicks && !now.zombie ? 'alive' : 'dead'
	}
	if (holder.bootId !== undefined && me.bootId !== undefined && !sameBoot && holder.host === me.host) {
		return 'dead' // this machine rebooted since
	}
	if (holder.bootId === undefined && holder.host === me.host) {
		// A lock written by an older version: only its pid to go by.
		return holder.pid !== process.pid && isAlive(holder.pid) ? 'alive' : 'dead'
	}
	return (await heartbeatStops(file, staleMs)) ? 'dead' : 'alive'
}

/** Watches the lock's modification time: true once it has not moved for `staleMs`. */
async function heartbeatStops(file: string, staleMs: number): Promise<boolean> {
	const first = await stat(file).catch(() => null)
	if (!first) return true
	if (Date.now() - first.mtimeMs > staleMs) return true
	const until = Date.now() + staleMs
	while (Date.now() < until) {
		await new Promise((resolve) => setTimeout(resolve, Math.min(250, staleMs)))
		const now = await stat(file).catch(() => null)
		if (!now) return true
		if (now.mtimeMs !== first.mtimeMs) return false
	}
	return true
}

function parseHolder(text: string): Holder | null {
	try {
		const parsed = JSON.parse(text) as Record<string, unknown>
		if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null
		const optional = (value: unknown) => (typeof value === 'string' ? value : undefined)
		const holder: Holder = { pid: parsed.pid, host: parsed.host }
		const startTicks = optional(parsed.startTicks)
		const bootId = optional(parsed.bootId)
		const pidNamespace = optional(parsed.pidNamespace)
		if (startTicks !== undefined) holder.startTicks = startTicks
		if (bootId !== undefined) holder.bootId = bootId
		if (pidNamespace !== undefined) holder.pidNamespace = pidNamespace
		return holder
	} catch {
		return null
	}
}

/** Start time, state, boot id and pid namespace of a process, where `/proc` tells them (Linux). */
async function processIdentity(
	pid: string,
): Promise<{ startTicks?: string; zombie?: boolean; bootId?: string; pidNamespace?: string }> {
	const identity: { startTicks?: string; zombie?: boolean; bootId?: string; pidNamespace?: string } = {}
	const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
	if (stat) {
		// The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
		const state = fields[0]
		const startTicks = fields[19]
		if (startTicks !== undefined) identity.startTicks = startTicks
		identity.zombie = state === 'Z' || state === 'X' || state === 'x'
	}
	if (pid === 'self') {
		const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => null)
		if (bootId) identity.bootId = bootId.trim()
		const namespace = await readlink('/proc/self/ns/pid').catch(() => null)
		if (namespace) identity.pidNamespace = namespace
	}
	return identity
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0)
		return true
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'
	}
}
