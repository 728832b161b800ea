import { open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import path from 'node:path'
import type { Adapter } from 'lowdb'

/**
 * A lowdb adapter for one JSON file whose `write` resolves only once the data is durable:
 * written to a temp file, flushed, renamed over the target, and the directory flushed so the
 * rename itself survives a power cut. lowdb's own JSONFile renames without flushing.
 *
 * `read` throws {@link CorruptFileError} for a file that is not JSON, so that a damaged file is
 * never mistaken for an absent one.
 */
export class DurableJsonFile<T> implements Adapter<T> {
	private queue: Promise<unknown> = Promise.resolve()
	private readonly file: string

	constructor(file: string) {
		this.file = file
	}

	async read(): Promise<T | null> {
		const found = await this.readJson()
		return found.exists ? (found.data as T) : null
	}

	/**
	 * The parsed content, telling a missing file from one that holds `null`, `0` or `""` (lowdb's
	 * own `Low.read` keeps only truthy data, which would make such a damaged file look absent).
	 */
	async readJson(): Promise<{ exists: false } | { exists: true; data: unknown }> {
		let text: string
		try {
			text = await readFile(this.file, 'utf8')
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false }
			throw error
		}
		try {
			return { exists: true, data: JSON.parse(text) }
		} catch (error) {
			throw new CorruptFileError(this.file, (error as Error).message)
		}
	}

	write(data: T): Promise<void> {
		// Writes to one file are serialised: two renames racing could otherwise land out of order.
		const next = this.queue.then(() => writeDurably(this.file, `${JSON.stringify(data)}\n`))
		this.queue = next.catch(() => undefined)
		return next
	}

	/**
	 * Deletes the file durably (unlink, then the directory flushed), after the writes queued before
	 * it. A missing file is not an error. One unlink is atomic: the file is either whole or gone.
	 */
	remove(): Promise<void> {
		const next = this.queue.then(async () => {
			try {
				await unlink(this.file)
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
			}
			await syncDirectory(path.dirname(this.file))
		})
		this.queue = next.catch(() => undefined)
		return next
	}
}

/** Flushes a directory, so that a rename or unlink in it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
	const handle = await open(dir, 'r')
	try {
		await handle.sync()
	} finally {
		await handle.close()
	}
}

/**
 * Removes the temp files a killed process left half-written in the data directory (`*.tmp`
 * beside the files it was replacing: workshops, logs, syntheses, the deletion journal, uploaded
 * files). Only ever called under the data directory's lock, so no other process is writing one.
 * None of them was renamed into place, so none holds anything acknowledged. Returns how many.
 */
export async function removeStaleTempFiles(dataDir: string): Promise<number> {
	const list = (dir: string) =>
		readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return []
			throw error
		})
	const dirs = ['workshops', 'syntheses', 'deletions'].map((name) => path.join(dataDir, name))
	for (const entry of await list(path.join(dataDir, 'assets')))
		if (entry.isDirectory()) dirs.push(path.join(dataDir, 'assets', entry.name))
	let removed = 0
	for (const dir of dirs) {
		const stale = (await list(dir)).filter((entry) => entry.isFile() && entry.name.endsWith('.tmp'))
		for (const entry of stale) {
			await unlink(path.join(dir, entry.name)).catch(() => undefined)
			removed++
		}
		if (stale.length > 0) await syncDirectory(dir)
	}
	return removed
}

export class CorruptFileError extends Error {
	readonly file: string
	constructor(file: string, detail: string) {
		super(`${file} is not valid JSON: ${detail}`)
		this.name = 'CorruptFileError'
		this.file = file
	}
}

let tempCounter = 0

async function writeDurably(file: string, text: string): Promise<void> {
	const temp = `${file}.${process.pid}.${++tempCounter}.tmp`
	try {
		const handle = await open(temp, 'w', 0o600)
		try {
			await handle.writeFile(text, 'utf8')
			await handle.sync()
		} finally {
			await handle.close()
		}
		await rename(temp, file)
	} catch (error) {
		await unlink(temp).catch(() => undefined)
		throw error
	}
	await syncDirectory(path.dirname(file))
}
