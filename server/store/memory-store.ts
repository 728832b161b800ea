import { err, ok } from '../../shared/result.ts'
import { KeyedLock } from './keyed-lock.ts'
import type { DocumentName, WorkshopRecord, WorkshopStore } from './workshop-store.ts'
import { foldUpdates, parseRecord } from './workshop-store.ts'

/**
 * Keeps records in memory, serialised as JSON so that callers never share objects with the
 * store (the same guarantee a file gives), and update logs as copies of the updates.
 */
export class MemoryStore implements WorkshopStore {
	private readonly records = new Map<string, { json: string; revision: number }>()
	private readonly logs = new Map<string, Record<DocumentName, Uint8Array[]>>()
	private readonly locks = new KeyedLock()
	private readonly owners = new Map<string, Map<number, string>>()

	async load(id: string) {
		const stored = this.records.get(id)
		if (stored === undefined) return ok(null)
		const parsed = parseRecord(JSON.parse(stored.json), id)
		if (!parsed.ok) return parsed
		return ok(foldUpdates(parsed.value, this.logOf(id)))
	}

	async save(record: WorkshopRecord, expectedRevision: number | null) {
		const current = this.records.get(record.id)?.revision ?? null
		if (current !== expectedRevision) {
			return err({
				code: 'conflict' as const,
				message: `workshop ${record.id} is at revision ${current ?? 'none'}, not ${expectedRevision ?? 'none'}`,
			})
		}
		const revision = (expectedRevision ?? 0) + 1
		this.records.set(record.id, { json: JSON.stringify({ ...record, revision }), revision })
		return ok({ revision })
	}

	async appendUpdates(workshop: string, document: DocumentName, updates: readonly Uint8Array[]) {
		this.logOf(workshop)[document].push(...updates.map((update) => new Uint8Array(update)))
	}

	async compact(workshop: string) {
		const stored = this.records.get(workshop)
		if (!stored) return ok(null)
		const parsed = parseRecord(JSON.parse(stored.json), workshop)
		if (!parsed.ok) return parsed
		const saved = await this.save(foldUpdates(parsed.value, this.logOf(workshop)), stored.revision)
		if (saved.ok) this.logs.delete(workshop)
		return saved
	}

	async clientOwners(workshop: string) {
		return ok(new Map(this.owners.get(workshop)))
	}

	async claimClients(workshop: string, claims: ReadonlyMap<number, string>) {
		let owners = this.owners.get(workshop)
		if (!owners) {
			owners = new Map()
			this.owners.set(workshop, owners)
		}
		for (const [client, participant] of claims) if (!owners.has(client)) owners.set(client, participant)
	}

	lock<T>(workshop: string, work: () => Promise<T>): Promise<T> {
		return this.locks.run(workshop, work)
	}

	private logOf(id: string): Record<DocumentName, Uint8Array[]> {
		let log = this.logs.get(id)
		if (!log) {
			log = { board: [], control: [] }
			this.logs.set(id, log)
		}
		return log
	}

	// --- Personal data (SPEC D1–D2) ---
	async delete(id: string) {
		this.records.delete(id)
		this.logs.delete(id)
	}

	async ids() {
		return [...this.records.keys()]
	}
}
