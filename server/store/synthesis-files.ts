import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { ConsolidationModel } from '../../shared/consolidation/model.ts'
import type { ConfirmedGroup } from '../../shared/consolidation/synthesis.ts'
import { DurableJsonFile } from './durable-json-file.ts'

/** A saved national synthesis: its sources (as exported) and the groupings the user confirmed. */
export interface SynthesisRecord {
	version: 1
	id: string
	title: string
	createdAt: string
	updatedAt: string
	sources: ConsolidationModel[]
	groups: ConfirmedGroup[]
	/**
	 * Where each source came from, index for index: a workshop of this server (and when it was
	 * deleted, SPEC D1), or null for an uploaded export. Absent in syntheses made before it existed.
	 */
	origins?: ({ workshop: string; deletedAt: string | null } | null)[]
}

/** Syntheses as one durable JSON file each, in `DATA_DIR/syntheses/<id>.json`. */
export class SynthesisFiles {
	private readonly dir: string

	constructor(dataDir: string) {
		this.dir = path.join(dataDir, 'syntheses')
	}

	/** The record, or null when there is none; a damaged file throws (never read as absent). */
	async load(id: string): Promise<SynthesisRecord | null> {
		if (!/^[a-z0-9]{8,40}$/.test(id)) return null
		const found = await new DurableJsonFile<SynthesisRecord>(this.fileOf(id)).readJson()
		return found.exists ? (found.data as SynthesisRecord) : null
	}

	async save(record: SynthesisRecord): Promise<void> {
		await mkdir(this.dir, { recursive: true })
		await new DurableJsonFile<SynthesisRecord>(this.fileOf(record.id)).write(record)
	}

	/** Ids of every saved synthesis. */
	async ids(): Promise<string[]> {
		const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return []
			throw error
		})
		return names.filter((name) => /^[a-z0-9]{8,40}\.json$/.test(name)).map((name) => name.slice(0, -5))
	}

	private fileOf(id: string): string {
		return path.join(this.dir, `${id}.json`)
	}
}
