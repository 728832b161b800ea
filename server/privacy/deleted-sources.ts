import type { SourceWorkshop } from '../../shared/consolidation/synthesis.ts'
import { exportedSource } from '../../shared/consolidation/synthesis.ts'
import { withoutAuthorNames } from '../../shared/privacy/anonymise.ts'
import type { SynthesisRecord } from '../store/synthesis-files.ts'

/*
 * How a synthesis knows that a source's workshop was deleted (SPEC D1): the deletion writes it on
 * the synthesis (`origins[i].deletedAt`) — for a source taken from this server, and for an uploaded
 * export whose `context.workshop` names this server — so the synthesis says it in every view and
 * export without asking the workshop store, and keeps saying it after a move to another store.
 * A workshop of another server cannot be known deleted: its sources read `elsewhere`.
 */

/**
 * The synthesis with every source taken from workshop `id` of `server` marked deleted at
 * `deletedAt`, and without its authors' names: a source taken from here never had them, and an
 * uploaded export of the workshop loses them with it — what stays is the consolidated figures.
 * The same record when nothing is left to change (a second pass changes nothing).
 */
export function markDeleted(record: SynthesisRecord, id: string, server: string, deletedAt: string): SynthesisRecord {
	let changed = false
	const origins = record.sources.map((_, index) => record.origins?.[index] ?? null)
	const sources = record.sources.map((source, index) => {
		const origin = origins[index] ?? null
		const exported = source.context.workshop
		const fromIt = origin?.workshop === id || (exported?.id === id && exported.server === server)
		if (!fromIt || origin?.deletedAt) return source
		changed = true
		origins[index] = { workshop: id, deletedAt }
		return withoutAuthorNames(source)
	})
	return changed ? { ...record, sources, origins } : record
}

/** Source by source, what this server knows of the workshop it came from (`publicUrl`: this server). */
export function sourceWorkshops(record: SynthesisRecord, publicUrl: string): SourceWorkshop[] {
	return record.sources.map((source, index) => {
		const origin = record.origins?.[index]
		if (origin?.deletedAt) return { status: 'deleted', deletedAt: origin.deletedAt }
		if (origin || source.context.workshop?.server === publicUrl) return { status: 'here' }
		return exportedSource(source)
	})
}
