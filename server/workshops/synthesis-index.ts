import { synthesize } from '../../shared/consolidation/synthesis.ts'
import type { IncludingSynthesis } from '../../shared/consolidation/contribution-trail.ts'
import type { Logger } from '../logger.ts'
import type { SynthesisStore } from '../store/storage.ts'
import type { SynthesisRecord } from '../store/synthesis-files.ts'

/** How long a scan of every stored synthesis is trusted before the next (M3, docs/architecture.md). */
export const SYNTHESIS_SCAN_TTL_MS = 30_000

/**
 * Which national syntheses of this server include a workshop (M3): a source that came from the
 * workshop (`origins`), or an export that says it is this workshop of this server
 * (`context.workshop`, N10). Finding them means reading every synthesis, so the answer of one scan
 * (synthesis ids per workshop) is kept for {@link SYNTHESIS_SCAN_TTL_MS} and dropped whenever a
 * synthesis is saved through {@link SynthesisIndex.tracking}; the syntheses found are read afresh
 * on every request, so a regrouping shows at once. Damaged syntheses are logged and left out.
 */
export class SynthesisIndex {
	private scan: { at: number; byWorkshop: Map<string, string[]> } | null = null
	/**
	 * Each synthesis's model, kept while its record is unchanged: an open contribution page asks
	 * every few seconds, and a national model of many territories is not free to build.
	 */
	private readonly models = new Map<string, { key: string; model: IncludingSynthesis['model'] }>()
	private scanning: Promise<Map<string, string[]>> | null = null
	/** Bumped by every save: a scan that began before a save is not kept. */
	private generation = 0

	private readonly store: SynthesisStore
	private readonly publicUrl: string
	private readonly logger: Logger
	private readonly now: () => number

	constructor(store: SynthesisStore, publicUrl: string, logger: Logger, now: () => number = Date.now) {
		this.store = store
		this.publicUrl = publicUrl
		this.logger = logger
		this.now = now
	}

	/** The store, with every save dropping the scan (a new synthesis is found at once). */
	tracking(): SynthesisStore {
		return {
			load: (id) => this.store.load(id),
			ids: () => this.store.ids(),
			save: async (record) => {
				try {
					await this.store.save(record)
				} finally {
					this.scan = null
					this.generation++
				}
			},
		}
	}

	/** The syntheses including `workshop`, each with its model and the workshop's source index. */
	async including(workshop: string): Promise<IncludingSynthesis[]> {
		const ids = (await this.byWorkshop()).get(workshop) ?? []
		const found: IncludingSynthesis[] = []
		for (const id of ids) {
			const record = await this.read(id)
			if (!record) continue
			const sources = this.sourcesOf(record, workshop)
			if (sources.length === 0) continue
			const model = this.modelOf(id, record)
			for (const source of sources) found.push({ title: record.title, model, source })
		}
		return found
	}

	/**
	 * The record's revision counts its edits; a deletion elsewhere changes its sources without
	 * one (markDeleted), which its origins show. Models of syntheses no longer found are dropped.
	 */
	private modelOf(id: string, record: SynthesisRecord): IncludingSynthesis['model'] {
		const key = `${record.revision}|${record.updatedAt}|${record.title}|${JSON.stringify(record.origins ?? [])}`
		const kept = this.models.get(id)
		if (kept?.key === key) return kept.model
		const model = synthesize(record.title, record.sources, record.groups)
		this.models.set(id, { key, model })
		return model
	}

	private sourcesOf(record: SynthesisRecord, workshop: string): number[] {
		return record.sources.flatMap((source, index) => {
			const origin = record.origins?.[index]
			const fromHere =
				origin?.workshop === workshop ||
				(source.context.workshop?.id === workshop && source.context.workshop.server === this.publicUrl)
			return fromHere ? [index] : []
		})
	}

	private async read(id: string): Promise<SynthesisRecord | null> {
		try {
			return await this.store.load(id)
		} catch (error) {
			this.logger.warn('synthesis.unreadable', { synthesis: id, error })
			return null
		}
	}

	private async byWorkshop(): Promise<Map<string, string[]>> {
		if (this.scan && this.now() - this.scan.at < SYNTHESIS_SCAN_TTL_MS) return this.scan.byWorkshop
		// One scan at a time: a room of phones refreshing together reads the syntheses once.
		this.scanning ??= (async () => {
			const at = this.now()
			const generation = this.generation
			const byWorkshop = new Map<string, string[]>()
			for (const id of await this.store.ids()) {
				const record = await this.read(id)
				if (!record) continue
				const workshops = new Set(
					record.sources.flatMap((source, index) => [
						...(record.origins?.[index]?.workshop ? [record.origins[index].workshop] : []),
						...(source.context.workshop?.server === this.publicUrl ? [source.context.workshop.id] : []),
					]),
				)
				for (const workshop of workshops) byWorkshop.set(workshop, [...(byWorkshop.get(workshop) ?? []), id])
			}
			if (generation === this.generation) this.scan = { at, byWorkshop }
			const found = new Set([...byWorkshop.values()].flat())
			for (const id of this.models.keys()) if (!found.has(id)) this.models.delete(id)
			return byWorkshop
		})().finally(() => {
			this.scanning = null
		})
		return this.scanning
	}
}
