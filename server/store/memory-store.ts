import { ok } from '../../shared/result.ts'
import type { WorkshopRecord, WorkshopStore } from './workshop-store.ts'
import { parseRecord } from './workshop-store.ts'

/**
 * Keeps records in memory, serialised as JSON so that callers never share objects with the
 * store (the same guarantee a file gives).
 */
export class MemoryStore implements WorkshopStore {
	private readonly records = new Map<string, string>()

	async load(id: string) {
		const json = this.records.get(id)
		if (json === undefined) return ok(null)
		return parseRecord(JSON.parse(json), id)
	}

	async save(record: WorkshopRecord) {
		this.records.set(record.id, JSON.stringify(record))
	}

	// --- Personal data (SPEC D1–D2) ---
	async delete(id: string) {
		this.records.delete(id)
	}

	async ids() {
		return [...this.records.keys()]
	}
}
