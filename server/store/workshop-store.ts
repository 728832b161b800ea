import { createHash } from 'node:crypto'
import * as v from 'valibot'
import * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { Tally } from '../../shared/concertation/tally.ts'
import type { Result } from '../../shared/result.ts'
import { idSchema as id } from '../../shared/workshop/ids.ts'

/** The two Yjs documents of a workshop, as the update log names them. */
export type DocumentName = 'board' | 'control'

/**
 * The storage port: every adapter stores one record per workshop, an append-only log of Yjs
 * updates per document beside it, and answers a missing workshop with `null`. The lowdb adapter
 * is the embedded default; the memory adapter serves tests and throw-away servers. One contract
 * suite (tests/store-contract.test.ts) runs against every adapter. See docs/architecture.md
 * §Storage for what each method promises and what a second process would break.
 */
export interface WorkshopStore {
	/**
	 * The stored record with its update logs folded in (migrated to the current version), `null`
	 * when there is none, or an error that must not be read as "none".
	 */
	load(id: string): Promise<Result<WorkshopRecord | null, StoreError>>
	/**
	 * Stores the record if the stored revision is still `expectedRevision` (`null`: no record may
	 * exist yet) and answers the new revision; answers `conflict` when someone else saved since.
	 * Resolves once durable; rejects when the storage failed (the caller retries).
	 */
	save(record: WorkshopRecord, expectedRevision: number | null): Promise<Result<{ revision: number }, SaveConflict>>
	/**
	 * Appends Yjs updates to the document's log; resolves once they are durable. Appends that
	 * arrive while a write is under way are written together by the next one (group commit).
	 */
	appendUpdates(workshop: string, document: DocumentName, updates: readonly Uint8Array[]): Promise<void>
	/**
	 * Folds the logs into the stored snapshot (read from storage, never from a live copy) and
	 * empties them; answers the record's new revision, `null` when there is no record.
	 */
	compact(workshop: string): Promise<Result<{ revision: number } | null, StoreError | SaveConflict>>
	/**
	 * Who owns each Yjs client id of the board (client id → participant id), as claimed so far
	 * (SPEC R14). Kept apart from the record and never compacted away: one small entry per id.
	 */
	clientOwners(workshop: string): Promise<Result<Map<number, string>, StoreError>>
	/**
	 * Records that each client id belongs to its participant; resolves once durable. The first
	 * claim of an id wins: a later claim of an owned id is ignored (a database adapter would
	 * insert with "on conflict do nothing").
	 */
	claimClients(workshop: string, claims: ReadonlyMap<number, string>): Promise<void>
	/**
	 * Runs `work` while holding the workshop's lock: no other holder of that workshop's lock runs
	 * meanwhile. The intent runner takes it for each intent.
	 */
	lock<T>(workshop: string, work: () => Promise<T>): Promise<T>

	// --- Personal data (SPEC D1–D2) ---
	/**
	 * Removes the workshop and everything the adapter keeps for it; resolves once that is durable
	 * (a later `load` is `null`, also after a crash). Deleting a missing workshop succeeds.
	 */
	delete(id: string): Promise<void>
	/** Ids of every stored workshop (the retention sweep walks them). */
	ids(): Promise<string[]>
}

export interface SaveConflict {
	code: 'conflict'
	message: string
}

export interface StoreError {
	/** `corrupt`: the stored data cannot be read back; `unavailable`: the storage failed (I/O). */
	code: 'corrupt' | 'unavailable'
	message: string
}

/**
 * Version of the stored record layout; loading an older one migrates it step by step.
 * - 1: id, linkGeneration, board, control (base64 Yjs states), savedAt.
 * - 2: adds `checksum`, so a damaged state is caught at load instead of decoding into a document
 *   that silently lost entries (Yjs decodes many corrupted states without error).
 * - 3: adds `serverOnly`, what the server keeps and never publishes (authors of contributions,
 *   answers to idempotent intents); the checksum covers it too.
 * - 4: adds `revision`, counted by the store at each save, so that a save made on an outdated
 *   copy is answered `conflict` instead of overwriting someone else's (not in the checksum).
 */
export const RECORD_VERSION = 4

const base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'))
const idSchema = id()

const recordV1Schema = v.object({
	version: v.literal(1),
	id: idSchema,
	linkGeneration: v.pipe(v.number(), v.integer(), v.minValue(0)),
	board: base64,
	control: base64,
	savedAt: v.pipe(v.string(), v.isoTimestamp()),
})

/** Answers to intents sent with an `Idempotency-Key`, kept so that a retry gets the same answer. */
const rememberedIntentSchema = v.object({
	/** sha256 of method, path and body: the same key with another request is refused. */
	fingerprint: v.string(),
	status: v.number(),
	body: v.unknown(),
	at: v.pipe(v.string(), v.isoTimestamp()),
})

/** What the server keeps about a workshop and publishes to nobody. */
export const serverOnlySchema = v.object({
	/** Contribution id → the participant who wrote it: ownership, without showing authors (SPEC K9). */
	authors: v.record(v.string(), v.string()),
	/** `<participant>:<key>` → the answer given (SPEC K11). */
	intents: v.record(v.string(), rememberedIntentSchema),
	/** Contributions written during private writing, shown to their author only until revealed (F1). */
	drafts: v.optional(
		v.record(
			v.string(),
			v.custom<Contribution>((value) => typeof value === 'object' && value !== null && 'id' in value),
		),
		{},
	),
	/** Participant → their dot-vote allocation (V2); anonymous ballots never leave the server. */
	ballots: v.optional(
		v.record(
			v.string(),
			v.object({ allocation: v.record(v.string(), v.number()), proxy: v.boolean(), at: v.string() }),
		),
		{},
	),
	/** The poll results of an imported archive, whose anonymous ballots did not travel (E11). */
	importedTally: v.optional(
		v.nullable(v.custom<Tally>((value) => typeof value === 'object' && value !== null && 'proposals' in value)),
		null,
	),
	/**
	 * The vote the ballots belong to, set when it opens: its id and the limits a database keys and
	 * checks ballots by (S13). Null in records from before polls had ids (and while none opened).
	 */
	votePoll: v.optional(
		v.nullable(
			v.object({
				id: idSchema,
				budget: v.pipe(v.number(), v.integer(), v.minValue(1)),
				maxPerProposal: v.pipe(v.number(), v.integer(), v.minValue(1)),
			}),
		),
		null,
	),
	/** The consensus check the answers belong to, set when it opens (S13); null as `votePoll`. */
	consensusPoll: v.optional(v.nullable(v.object({ id: idSchema })), null),
	/** Participant → their consensus-check answers (V9), never published one by one. */
	answers: v.optional(
		v.record(
			v.string(),
			v.record(
				v.string(),
				v.object({ answer: v.picklist(['agree', 'disagree', 'unsure']), why: v.nullable(v.string()) }),
			),
		),
		{},
	),
})

export type ServerOnlyState = v.InferOutput<typeof serverOnlySchema>
export type RememberedIntent = v.InferOutput<typeof rememberedIntentSchema>

export const emptyServerOnly = (): ServerOnlyState => ({
	authors: {},
	intents: {},
	drafts: {},
	ballots: {},
	importedTally: null,
	votePoll: null,
	consensusPoll: null,
	answers: {},
})

const recordV2Schema = v.object({
	...recordV1Schema.entries,
	version: v.literal(2),
	checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
})

const recordV3Schema = v.object({
	version: v.literal(3),
	id: idSchema,
	/** Bumped when the facilitator regenerates the shared links; older link tokens stop working. */
	linkGeneration: v.pipe(v.number(), v.integer(), v.minValue(0)),
	/** Merged Yjs state of the board document (`Y.encodeStateAsUpdate`), base64. */
	board: base64,
	/** Merged Yjs state of the control document, base64. */
	control: base64,
	serverOnly: serverOnlySchema,
	/** sha256 (hex) of `board + "." + control + "." + JSON of serverOnly`. */
	checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
	savedAt: v.pipe(v.string(), v.isoTimestamp()),
})

export const workshopRecordSchema = v.object({
	version: v.literal(RECORD_VERSION),
	id: idSchema,
	/** Saves of this workshop so far; the store sets it (see WorkshopStore.save). */
	revision: v.pipe(v.number(), v.integer(), v.minValue(0)),
	linkGeneration: recordV3Schema.entries.linkGeneration,
	board: base64,
	control: base64,
	serverOnly: serverOnlySchema,
	checksum: recordV3Schema.entries.checksum,
	savedAt: recordV3Schema.entries.savedAt,
})

export type WorkshopRecord = v.InferOutput<typeof workshopRecordSchema>

/** Builds a record (current version) from the documents' encoded states. */
export function createRecord(parts: {
	id: string
	linkGeneration: number
	board: Uint8Array
	control: Uint8Array
	serverOnly?: ServerOnlyState
	revision?: number
}): WorkshopRecord {
	const board = Buffer.from(parts.board).toString('base64')
	const control = Buffer.from(parts.control).toString('base64')
	const serverOnly = parts.serverOnly ?? emptyServerOnly()
	return {
		version: RECORD_VERSION,
		id: parts.id,
		revision: parts.revision ?? 0,
		linkGeneration: parts.linkGeneration,
		board,
		control,
		serverOnly,
		checksum: checksumOf(board, control, serverOnly),
		savedAt: new Date().toISOString(),
	}
}

/** The record's checksum: sha256 (hex) of `board + "." + control + "." + JSON of serverOnly`. */
export function checksumOf(board: string, control: string, serverOnly?: ServerOnlyState): string {
	const hash = createHash('sha256').update(board).update('.').update(control)
	if (serverOnly) hash.update('.').update(JSON.stringify(serverOnly))
	return hash.digest('hex')
}

/** Validates data read back from storage, migrating older versions; failures are "corrupt". */
export function parseRecord(data: unknown, id: string): Result<WorkshopRecord, StoreError> {
	const corrupt = (detail: string) => ({
		ok: false as const,
		error: { code: 'corrupt' as const, message: `record ${id}: ${detail}` },
	})
	const version = typeof data === 'object' && data !== null ? (data as { version?: unknown }).version : undefined
	let record: WorkshopRecord
	if (version === 1) {
		const parsed = v.safeParse(recordV1Schema, data)
		if (!parsed.success) return corrupt(issueText(parsed.issues))
		record = upgrade(parsed.output)
	} else if (version === 2) {
		const parsed = v.safeParse(recordV2Schema, data)
		if (!parsed.success) return corrupt(issueText(parsed.issues))
		const { board, control, checksum } = parsed.output
		if (checksum !== checksumOf(board, control)) return corrupt('checksum mismatch')
		record = upgrade(parsed.output)
	} else {
		const parsed = v.safeParse(version === 3 ? recordV3Schema : workshopRecordSchema, data)
		if (!parsed.success) return corrupt(issueText(parsed.issues))
		record = {
			...parsed.output,
			version: RECORD_VERSION,
			revision: 'revision' in parsed.output ? parsed.output.revision : 0,
		}
		// The checksum covers serverOnly as stored (the parsed copy gains defaults for newer keys).
		const storedServerOnly = (data as { serverOnly: ServerOnlyState }).serverOnly
		if (record.checksum !== checksumOf(record.board, record.control, storedServerOnly)) {
			return corrupt('checksum mismatch')
		}
	}
	if (record.id !== id) return corrupt(`holds workshop ${record.id}`)
	return { ok: true, value: record }
}

/** An older record in the current layout: nothing was kept server-only before version 3. */
function upgrade(older: Omit<v.InferOutput<typeof recordV1Schema>, 'version'>): WorkshopRecord {
	const serverOnly = emptyServerOnly()
	return {
		version: RECORD_VERSION,
		id: older.id,
		revision: 0,
		linkGeneration: older.linkGeneration,
		board: older.board,
		control: older.control,
		serverOnly,
		checksum: checksumOf(older.board, older.control, serverOnly),
		savedAt: older.savedAt,
	}
}

function issueText(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
	const issue = issues[0]
	return `${v.getDotPath(issue) ?? 'root'}: ${issue.message}`
}

/**
 * The record with logged updates merged into its documents' states (Yjs updates are idempotent:
 * an update the snapshot already holds changes nothing). The checksum is recomputed; the
 * revision is the stored one.
 */
export function foldUpdates(record: WorkshopRecord, logs: Readonly<Record<DocumentName, readonly Uint8Array[]>>) {
	if (logs.board.length === 0 && logs.control.length === 0) return record
	const fold = (state: string, updates: readonly Uint8Array[]) =>
		updates.length === 0 ? Buffer.from(state, 'base64') : Y.mergeUpdates([Buffer.from(state, 'base64'), ...updates])
	return {
		...createRecord({
			id: record.id,
			linkGeneration: record.linkGeneration,
			board: fold(record.board, logs.board),
			control: fold(record.control, logs.control),
			serverOnly: record.serverOnly,
			revision: record.revision,
		}),
		savedAt: record.savedAt,
	}
}

/** The record with another server-only state, its checksum recomputed (revision and time kept). */
export function withServerOnly(record: WorkshopRecord, serverOnly: ServerOnlyState): WorkshopRecord {
	return { ...record, serverOnly, checksum: checksumOf(record.board, record.control, serverOnly) }
}

/** One ownership claim as the embedded adapters log it (JSON). */
export function encodeClaim(client: number, participant: string): Uint8Array {
	return new TextEncoder().encode(JSON.stringify([client, participant]))
}

/** The owners in a log of claims; the first claim of an id wins. Null when a claim is damaged. */
export function ownersFromClaims(claims: readonly Uint8Array[]): Map<number, string> | null {
	const owners = new Map<number, string>()
	for (const bytes of claims) {
		let claim: unknown
		try {
			claim = JSON.parse(new TextDecoder().decode(bytes))
		} catch {
			return null
		}
		if (!Array.isArray(claim) || claim.length !== 2 || !Number.isSafeInteger(claim[0]) || typeof claim[1] !== 'string')
			return null
		const [client, participant] = claim as [number, string]
		if (!owners.has(client)) owners.set(client, participant)
	}
	return owners
}
