import { type FileHandle, open, readFile, rename, truncate, unlink } from 'node:fs/promises'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'

/**
 * An append-only log of Yjs updates in one file. Each update is a frame: its length (uint32 LE),
 * the CRC-32 of its bytes (uint32 LE), then the bytes. A crash can tear only the last frame
 * (an append is one write at the end of the file): a frame that runs past the end is a torn
 * tail, ignored at read and cut off before the next append. A complete frame whose CRC does not
 * match is damage, reported as such.
 */
const HEADER_BYTES = 8
/**
 * How long a log file stays open after its last append. A busy room appends several times a
 * second; opening and closing the file for every batch cost ~6 % of the server's samples in the
 * 200-reader fan-out (docs/performance.md). A quiet log gives its descriptor back.
 */
const IDLE_CLOSE_MS = 2000

/** Encodes updates as consecutive frames. */
export function encodeFrames(updates: readonly Uint8Array[]): Buffer {
	const size = updates.reduce((sum, update) => sum + HEADER_BYTES + update.length, 0)
	const out = Buffer.allocUnsafe(size)
	let at = 0
	for (const update of updates) {
		out.writeUInt32LE(update.length, at)
		out.writeUInt32LE(crc32(update), at + 4)
		out.set(update, at + HEADER_BYTES)
		at += HEADER_BYTES + update.length
	}
	return out
}

/** The updates of a log, and how many of its bytes are whole frames (the rest is a torn tail). */
export function decodeFrames(bytes: Uint8Array): Result<{ updates: Uint8Array[]; validBytes: number }, string> {
	const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
	const updates: Uint8Array[] = []
	let at = 0
	while (at + HEADER_BYTES <= view.length) {
		const length = view.readUInt32LE(at)
		if (at + HEADER_BYTES + length > view.length) break // torn tail
		const update = view.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length)
		if (crc32(update) !== view.readUInt32LE(at + 4)) return err(`damaged frame at byte ${at}`)
		updates.push(new Uint8Array(update))
		at += HEADER_BYTES + length
	}
	return ok({ updates, validBytes: at })
}

interface PendingAppend {
	frames: Buffer
	resolve: () => void
	reject: (error: unknown) => void
}

/**
 * The log file of one document, with group commit: appends that arrive while a write is under
 * way wait and are written, and flushed, together by the next write. Every operation on the file
 * (append, read, reset) runs one at a time.
 */
export class UpdateLogFile {
	readonly file: string
	private queue: Promise<unknown> = Promise.resolve()
	private pending: PendingAppend[] = []
	private writing = false
	/** Set once the file was read and any torn tail cut off; appends first make sure of it. */
	private checked = false
	/** False while the file may not exist: its first append also flushes the directory entry. */
	private exists = false
	/** The file opened for appending (O_APPEND: every write lands at the end, even after a truncate). */
	private handle: FileHandle | null = null
	private idleTimer: NodeJS.Timeout | null = null

	constructor(file: string) {
		this.file = file
	}

	/** Resolves once the updates are durable in the file. */
	append(updates: readonly Uint8Array[]): Promise<void> {
		if (updates.length === 0) return Promise.resolve()
		return new Promise<void>((resolve, reject) => {
			this.pending.push({ frames: encodeFrames(updates), resolve, reject })
			if (!this.writing) this.writeBatch()
		})
	}

	/** The logged updates; a torn tail is ignored (and cut off, so later appends stay readable). */
	read(): Promise<Result<Uint8Array[], string>> {
		return this.exclusive(() => this.readNow())
	}

	/**
	 * Runs `work` with the logged updates while no append writes; when `work` resolves true, the
	 * log is emptied (what it read is folded elsewhere). Appends made meanwhile wait and are kept.
	 */
	consume(work: (updates: Uint8Array[]) => Promise<boolean>): Promise<Result<void, string>> {
		return this.exclusive(async () => {
			const read = await this.readNow()
			if (!read.ok) return read
			if (await work(read.value)) await this.reset()
			return ok(undefined)
		})
	}

	private exclusive<T>(work: () => Promise<T>): Promise<T> {
		const run = this.queue.then(work)
		this.queue = run.catch(() => undefined)
		return run
	}

	private writeBatch(): void {
		this.writing = true
		const batch = this.pending
		this.pending = []
		this.exclusive(async () => {
			if (!this.checked) {
				const read = await this.readNow()
				if (!read.ok) throw new Error(`${this.file}: ${read.error}`)
			}
			if (this.idleTimer) clearTimeout(this.idleTimer)
			this.idleTimer = null
			// Reopened when the file may have been replaced or removed since (reset, a first append).
			if (!this.exists) await this.closeHandle()
			this.handle ??= await open(this.file, 'a', 0o600)
			try {
				await this.handle.write(Buffer.concat(batch.map((entry) => entry.frames)))
				await this.handle.datasync()
			} catch (error) {
				await this.closeHandle()
				throw error
			}
			// A file just created is durable only once its directory entry is.
			if (!this.exists) await syncDirectory(this.file)
			this.exists = true
			this.idleTimer = setTimeout(() => void this.exclusive(() => this.closeHandle()), IDLE_CLOSE_MS)
			this.idleTimer.unref()
		})
			.then(
				() => {
					for (const entry of batch) entry.resolve()
				},
				(error: unknown) => {
					for (const entry of batch) entry.reject(error)
				},
			)
			.finally(() => {
				this.writing = false
				if (this.pending.length > 0) this.writeBatch()
			})
	}

	private async readNow(): Promise<Result<Uint8Array[], string>> {
		let bytes: Buffer
		try {
			bytes = await readFile(this.file)
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
			this.checked = true
			this.exists = false
			return ok([])
		}
		const decoded = decodeFrames(bytes)
		if (!decoded.ok) return decoded
		if (decoded.value.validBytes < bytes.length) await truncate(this.file, decoded.value.validBytes)
		this.checked = true
		this.exists = true
		return ok(decoded.value.updates)
	}

	/** Empties the log durably: an empty file renamed over it. */
	private async reset(): Promise<void> {
		// The open handle would keep appending to the file being replaced.
		await this.closeHandle()
		const temp = `${this.file}.${process.pid}.tmp`
		try {
			const handle = await open(temp, 'w', 0o600)
			await handle.sync()
			await handle.close()
			await rename(temp, this.file)
		} catch (error) {
			await unlink(temp).catch(() => undefined)
			throw error
		}
		await syncDirectory(this.file)
		this.exists = true
	}

	private async closeHandle(): Promise<void> {
		const handle = this.handle
		this.handle = null
		await handle?.close().catch(() => undefined)
	}
}

/** Flushes the directory holding `file`, so that a created or renamed entry survives a crash. */
async function syncDirectory(file: string): Promise<void> {
	const dir = await open(path.dirname(file), 'r')
	try {
		await dir.sync()
	} finally {
		await dir.close()
	}
}
