import type { DocumentName, WorkshopRecord, WorkshopStore } from '../../server/store/workshop-store.ts'

/**
 * Wraps a real store to inject the failures a disk can have: saves that fail or wait at a
 * gate, loads that fail. What it stores goes through the real adapter.
 */
export class FaultyStore implements WorkshopStore {
	failSaves = 0
	failLoads = false
	saveCalls = 0
	private gate: Promise<void> | null = null
	private openGate: (() => void) | null = null
	private readonly inner: WorkshopStore

	constructor(inner: WorkshopStore) {
		this.inner = inner
	}

	/** Holds every save until {@link release} is called. */
	hold(): void {
		this.gate = new Promise((resolve) => {
			this.openGate = resolve
		})
	}

	release(): void {
		this.openGate?.()
		this.gate = null
	}

	async load(id: string) {
		if (this.failLoads) throw new Error('EIO: simulated read failure')
		return this.inner.load(id)
	}

	async save(record: WorkshopRecord, expectedRevision: number | null) {
		this.saveCalls++
		if (this.gate) await this.gate
		if (this.failSaves > 0) {
			this.failSaves--
			throw new Error('ENOSPC: simulated write failure')
		}
		return this.inner.save(record, expectedRevision)
	}

	appendUpdates(workshop: string, document: DocumentName, updates: readonly Uint8Array[]) {
		return this.inner.appendUpdates(workshop, document, updates)
	}

	/** A compaction is the room's save of board edits: it is held and fails like one. */
	async compact(workshop: string) {
		this.saveCalls++
		if (this.gate) await this.gate
		if (this.failSaves > 0) {
			this.failSaves--
			throw new Error('ENOSPC: simulated write failure')
		}
		return this.inner.compact(workshop)
	}

	clientOwners(workshop: string) {
		return this.inner.clientOwners(workshop)
	}

	claimClients(workshop: string, claims: ReadonlyMap<number, string>) {
		return this.inner.claimClients(workshop, claims)
	}

	lock<T>(workshop: string, work: () => Promise<T>) {
		return this.inner.lock(workshop, work)
	}

	// --- Personal data (SPEC D1–D2) ---
	failDeletes = 0

	async delete(id: string) {
		if (this.failDeletes > 0) {
			this.failDeletes--
			throw new Error('EIO: simulated delete failure')
		}
		await this.inner.delete(id)
	}

	ids() {
		return this.inner.ids()
	}
}
