import { isId } from '../../shared/workshop/ids.ts'
import { randomId } from '../auth/random-id.ts'
import { assetNamePattern, type MediaExtension, mediaTypes } from '../assets/asset-files.ts'
import type { AssetStore, DeletionJournal, SynthesisStore } from './storage.ts'
import type { SynthesisRecord } from './synthesis-files.ts'

/** Syntheses in memory, kept as JSON so that callers never share objects with the store. */
export class MemorySyntheses implements SynthesisStore {
	private readonly records = new Map<string, string>()

	async load(id: string): Promise<SynthesisRecord | null> {
		const json = this.records.get(id)
		return json === undefined ? null : (JSON.parse(json) as SynthesisRecord)
	}

	async save(record: SynthesisRecord): Promise<void> {
		this.records.set(record.id, JSON.stringify(record))
	}

	async ids(): Promise<string[]> {
		return [...this.records.keys()]
	}
}

/** Board files in memory, named and checked as the file adapter names and checks them. */
export class MemoryAssets implements AssetStore {
	private readonly files = new Map<string, Buffer>()

	async save(workshop: string, extension: MediaExtension, bytes: Uint8Array): Promise<string> {
		const name = `${randomId()}.${extension}`
		this.files.set(`${workshop}/${name}`, Buffer.from(bytes))
		return name
	}

	async read(workshop: string, name: string): Promise<{ bytes: Buffer; type: string } | null> {
		if (!assetNamePattern.test(name) || !isId(workshop)) return null
		const bytes = this.files.get(`${workshop}/${name}`)
		if (!bytes) return null
		const extension = name.slice(name.lastIndexOf('.') + 1) as MediaExtension
		return { bytes: Buffer.from(bytes), type: mediaTypes[extension] }
	}

	async deleteWorkshop(workshop: string): Promise<void> {
		for (const key of [...this.files.keys()]) if (key.startsWith(`${workshop}/`)) this.files.delete(key)
	}
}

/** Deletions under way, in memory (a memory server loses its workshops at exit anyway). */
export class MemoryDeletions implements DeletionJournal {
	private readonly entries = new Map<string, string>()

	async begin(workshop: string, requestedAt: string): Promise<void> {
		if (!this.entries.has(workshop)) this.entries.set(workshop, requestedAt)
	}

	async end(workshop: string): Promise<void> {
		this.entries.delete(workshop)
	}

	async pending(): Promise<string[]> {
		return [...this.entries.keys()]
	}
}
