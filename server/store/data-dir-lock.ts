import { readFile, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'

const LOCK_FILE = 'tablee.lock'

/**
 * One server per data directory: two processes saving the same workshop files would overwrite
 * each other's work. The lock file names the holder's pid and host; a lock whose process is gone
 * (after a crash or `kill -9`) is taken over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
	const file = path.join(dataDir, LOCK_FILE)
	const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			await writeFile(file, mine, { flag: 'wx', mode: 0o600 })
			return async () => {
				const current = await readFile(file, 'utf8').catch(() => '')
				if (current === mine) await unlink(file).catch(() => undefined)
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
		}
		const holder = await readHolder(file)
		if (holder && holder.host === hostname() && isAlive(holder.pid)) {
			throw new Error(
				`${dataDir} is in use by another Tablée process (pid ${holder.pid}). Stop it first, or point DATA_DIR elsewhere.`,
			)
		}
		if (holder && holder.host !== hostname()) {
			throw new Error(
				`${dataDir} is locked by a Tablée process on host ${holder.host} (pid ${holder.pid}). If it is not running, delete ${file}.`,
			)
		}
		// A stale lock (its process is gone): remove it and try again.
		await unlink(file).catch(() => undefined)
	}
	throw new Error(`could not lock ${dataDir}`)
}

async function readHolder(file: string): Promise<{ pid: number; host: string } | null> {
	try {
		const parsed = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; host?: unknown }
		return typeof parsed.pid === 'number' && typeof parsed.host === 'string'
			? { pid: parsed.pid, host: parsed.host }
			: null
	} catch {
		return null
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0)
		return true
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'
	}
}
