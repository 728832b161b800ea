import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import { isId } from '../../shared/workshop/ids.ts'
import { DurableJsonFile } from './durable-json-file.ts'
import type { DeletionJournal } from './storage.ts'

interface Entry {
	id: string
	requestedAt: string
}

/**
 * The deletion journal of the embedded installation: one durable file per deletion under way,
 * `DATA_DIR/deletions/<id>.json` (written with fsync and rename, removed with unlink and a flush
 * of the directory).
 */
export class DeletionFiles implements DeletionJournal {
	private readonly dir: string

	constructor(dataDir: string) {
		this.dir = path.join(dataDir, 'deletions')
	}

	async begin(workshop: string, requestedAt: string): Promise<void> {
		const entry = this.entry(workshop)
		if ((await entry.readJson().catch(() => ({ exists: false }))).exists) return
		await mkdir(this.dir, { recursive: true })
		await entry.write({ id: workshop, requestedAt })
	}

	async end(workshop: string): Promise<void> {
		if ((await this.pending()).includes(workshop)) await this.entry(workshop).remove()
	}

	async pending(): Promise<string[]> {
		const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return []
			throw error
		})
		return names
			.filter((name) => name.endsWith('.json') && isId(name.slice(0, -5)))
			.map((name) => name.slice(0, -5))
			.sort()
	}

	private entry(workshop: string) {
		return new DurableJsonFile<Entry>(path.join(this.dir, `${workshop}.json`))
	}
}
