import { mkdir } from 'node:fs/promises'
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

	private fileOf(id: string): string {
		return path.join(this.dir, `${id}.json`)
	}
}
