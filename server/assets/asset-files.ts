import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises'
import path from 'node:path'
import { isId } from '../../shared/workshop/ids.ts'
import { randomId } from '../auth/random-id.ts'
import { syncDirectory } from '../store/durable-json-file.ts'

/**
 * Images and videos pasted on a board, kept as files beside the workshops:
 * `DATA_DIR/assets/<workshop>/<random id>.<ext>`. The document only holds their URL. The name is
 * random (128 bits), so the URL is a capability: it is known only to people on the board.
 */
export const mediaTypes = {
	png: 'image/png',
	jpg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	mp4: 'video/mp4',
	webm: 'video/webm',
} as const

export type MediaExtension = keyof typeof mediaTypes

/** The type of a file judged by its first bytes, never by what the client claims. */
export function sniffMedia(bytes: Uint8Array): MediaExtension | null {
	const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte)
	const ascii = (from: number, text: string) => [...text].every((char, i) => bytes[from + i] === char.charCodeAt(0))
	if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
	if (starts(0xff, 0xd8, 0xff)) return 'jpg'
	if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif'
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp'
	if (ascii(4, 'ftyp')) return 'mp4'
	if (starts(0x1a, 0x45, 0xdf, 0xa3)) return 'webm'
	return null
}

export const assetNamePattern = /^[a-z0-9]{26}\.(png|jpg|gif|webp|mp4|webm)$/

export class AssetFiles {
	private readonly dir: string

	constructor(dataDir: string) {
		this.dir = path.join(dataDir, 'assets')
	}

	/** Stores the bytes durably and returns the file name. */
	async save(workshop: string, extension: MediaExtension, bytes: Uint8Array): Promise<string> {
		const folder = path.join(this.dir, workshop)
		await mkdir(folder, { recursive: true })
		const name = `${randomId()}.${extension}`
		const target = path.join(folder, name)
		const temp = `${target}.tmp`
		try {
			const handle = await open(temp, 'wx', 0o600)
			try {
				await handle.writeFile(bytes)
				await handle.sync()
			} finally {
				await handle.close()
			}
			await rename(temp, target)
		} catch (error) {
			await unlink(temp).catch(() => undefined)
			throw error
		}
		return name
	}

	/** Removes every file of a workshop, durably (SPEC D1); nothing to remove is not an error. */
	async deleteWorkshop(workshop: string): Promise<void> {
		if (!/^[a-z0-9]{8,40}$/.test(workshop)) return
		await rm(path.join(this.dir, workshop), { recursive: true, force: true })
		await syncDirectory(this.dir).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOENT') throw error
		})
	}

	/** The bytes and media type of a stored file, or null when there is none. */
	async read(workshop: string, name: string): Promise<{ bytes: Buffer; type: string } | null> {
		if (!assetNamePattern.test(name) || !isId(workshop)) return null
		try {
			const bytes = await readFile(path.join(this.dir, workshop, name))
			const extension = name.slice(name.lastIndexOf('.') + 1) as MediaExtension
			return { bytes, type: mediaTypes[extension] }
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
			throw error
		}
	}
}
