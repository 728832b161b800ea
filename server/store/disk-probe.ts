import { open, unlink } from 'node:fs/promises'
import path from 'node:path'

/**
 * Whether a file can be written to the data directory right now: a small file written, flushed
 * and removed. Saves only tell about the workshops in use; this tells an idle server that its disk
 * went read-only or full before anyone loses an edit. Results are kept `cacheMs`, so health checks
 * polled often cost one write at most that often.
 */
export function createDiskProbe(dataDir: string, cacheMs = 5000) {
	const file = path.join(dataDir, '.health-probe')
	let last: { at: number; trouble: Promise<string | null> } | null = null
	const probe = async (): Promise<string | null> => {
		try {
			const handle = await open(file, 'w', 0o600)
			try {
				await handle.writeFile('ok\n')
				await handle.sync()
			} finally {
				await handle.close()
			}
			await unlink(file)
			return null
		} catch (error) {
			return `the data directory cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`
		}
	}
	return {
		/** Null when a write succeeds, otherwise why it does not. */
		check(now = Date.now()): Promise<string | null> {
			if (!last || now - last.at >= cacheMs) last = { at: now, trouble: probe() }
			return last.trouble
		},
	}
}
