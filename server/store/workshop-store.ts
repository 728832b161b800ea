import * as v from 'valibot'
import type { Result } from '../../shared/result.ts'

/**
 * The storage port (STYLE §8): every adapter stores one record per workshop and answers a
 * missing workshop with `null`. The lowdb adapter is the embedded default; the memory adapter
 * serves tests and ephemeral servers. tests/store-contract.test.ts runs against both.
 */
export interface WorkshopStore {
	/** The stored record, `null` when there is none, or an error that must not be read as "none". */
	load(id: string): Promise<Result<WorkshopRecord | null, StoreError>>
	/** Resolves once the record is durably stored; rejects when it is not (the caller retries). */
	save(record: WorkshopRecord): Promise<void>
}

export interface StoreError {
	/** `corrupt`: the stored data cannot be read back; `unavailable`: the storage failed (I/O). */
	code: 'corrupt' | 'unavailable'
	message: string
}

/** Version of the stored record layout; loading an older one migrates it step by step. */
export const RECORD_VERSION = 1

const base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'))

export const workshopRecordSchema = v.object({
	version: v.literal(RECORD_VERSION),
	id: v.pipe(v.string(), v.regex(/^[a-z0-9]{8,40}$/)),
	/** Bumped when the facilitator regenerates the shared links; older link tokens stop working. */
	linkGeneration: v.pipe(v.number(), v.integer(), v.minValue(0)),
	/** Merged Yjs state of the board document (`Y.encodeStateAsUpdate`), base64. */
	board: base64,
	/** Merged Yjs state of the control document, base64. */
	control: base64,
	savedAt: v.pipe(v.string(), v.isoTimestamp()),
})

export type WorkshopRecord = v.InferOutput<typeof workshopRecordSchema>

/** Validates data read back from storage; a record that fails is reported as corrupt. */
export function parseRecord(data: unknown, id: string): Result<WorkshopRecord, StoreError> {
	const parsed = v.safeParse(workshopRecordSchema, data)
	if (!parsed.success) {
		const issue = parsed.issues[0]
		return {
			ok: false,
			error: { code: 'corrupt', message: `record ${id}: ${v.getDotPath(issue) ?? 'root'}: ${issue.message}` },
		}
	}
	if (parsed.output.id !== id) {
		return { ok: false, error: { code: 'corrupt', message: `record ${id} holds workshop ${parsed.output.id}` } }
	}
	return { ok: true, value: parsed.output }
}
