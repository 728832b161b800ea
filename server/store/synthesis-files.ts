import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { ConsolidationModel } from '../../shared/consolidation/model.ts'
import { readConsolidation } from '../../shared/consolidation/read-consolidation.ts'
import type { ConfirmedGroup } from '../../shared/consolidation/synthesis.ts'
import * as v from 'valibot'
import { CorruptFileError, DurableJsonFile } from './durable-json-file.ts'
import { firstProblem, MAX_NESTING, nestedDeeperThan, synthesisRecordSchema } from './synthesis-schema.ts'

/**
 * A saved national synthesis: its sources (as exported) and the groupings the user confirmed. `id`
 * is the read link; `editKey` the edit capability — null for a synthesis stored before the two were
 * separate (version 1), whose id still edits until its holder asks for an edit key (N12).
 * `revision` counts saved edits, so a write made on a stale copy is refused (N13).
 */
export interface SynthesisRecord {
	version: 2
	id: string
	editKey: string | null
	revision: number
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

	/**
	 * The record, or null when there is none. A damaged file — not JSON, or not a synthesis by its
	 * schema — throws {@link CorruptSynthesisError} (never read as absent, never handed to a renderer).
	 */
	async load(id: string): Promise<SynthesisRecord | null> {
		if (!/^[a-z0-9]{8,40}$/.test(id)) return null
		const file = this.fileOf(id)
		let found: Awaited<ReturnType<DurableJsonFile<SynthesisRecord>['readJson']>>
		try {
			found = await new DurableJsonFile<SynthesisRecord>(file).readJson()
		} catch (error) {
			if (error instanceof CorruptFileError) throw new CorruptSynthesisError(file, error.message)
			throw error
		}
		if (!found.exists) return null
		return readSynthesisRecord(found.data, id, file)
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

/**
 * Validates a synthesis read back from storage (`where` names it in errors): a damaged one throws
 * {@link CorruptSynthesisError}; version 1 sources are migrated on the way in.
 */
export function readSynthesisRecord(data: unknown, id: string, where: string): SynthesisRecord {
	if (nestedDeeperThan(data, MAX_NESTING)) throw new CorruptSynthesisError(where, 'nested too deep')
	const parsed = v.safeParse(synthesisRecordSchema, data)
	if (!parsed.success) throw new CorruptSynthesisError(where, firstProblem(parsed.issues))
	if (parsed.output.id !== id) throw new CorruptSynthesisError(where, `it holds synthesis ${parsed.output.id}`)
	// Syntheses stored before consolidation version 2 hold version 1 sources: migrated on the way in.
	const sources = parsed.output.sources.map((source, index) => {
		const read = readConsolidation(source)
		if (!read.ok) throw new CorruptSynthesisError(where, `sources.${index}: ${read.error}`)
		return read.value
	})
	const stored = parsed.output
	// Version 1 (one id that read and edited) is migrated: no edit key yet, revision 0.
	const access =
		stored.version === 1 ? { editKey: null, revision: 0 } : { editKey: stored.editKey, revision: stored.revision }
	return { ...(stored as Omit<SynthesisRecord, 'version' | 'editKey' | 'revision'>), ...access, version: 2, sources }
}

/** A stored synthesis that cannot be read back as one; its file is left as it is. */
export class CorruptSynthesisError extends Error {
	readonly file: string
	constructor(file: string, detail: string) {
		super(`${file} is not a valid synthesis: ${detail}`)
		this.name = 'CorruptSynthesisError'
		this.file = file
	}
}
