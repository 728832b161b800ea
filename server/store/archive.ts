import { createHash } from 'node:crypto'
import * as v from 'valibot'
import * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { Tally } from '../../shared/concertation/tally.ts'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import { readMeta, readVote } from '../../shared/workshop/control-document.ts'
import type { ServerOnlyState } from './workshop-store.ts'
import { emptyServerOnly } from './workshop-store.ts'

/**
 * A workshop archive (SPEC E10–E12): everything needed to bring a workshop back on another Tablée
 * server — board, control document (settings, participants, contributions, polls), private
 * drafts, named ballots — as one versioned, checksummed JSON file. What would identify a
 * pseudonymous author (the contribution → participant links) and anonymous ballots and answers
 * never leave the server: the poll results travel as the tally computed at export.
 */
export const ARCHIVE_FORMAT = 'tablee-archive'
export const ARCHIVE_VERSION = 1

const base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'))

const archiveV1Schema = v.object({
	format: v.literal(ARCHIVE_FORMAT),
	version: v.literal(1),
	exportedAt: v.string(),
	title: v.string(),
	board: base64,
	control: base64,
	drafts: v.record(
		v.string(),
		v.custom<Contribution>((value) => typeof value === 'object' && value !== null && 'id' in value),
	),
	/** Named votes only: participant id → allocation. */
	ballots: v.record(
		v.string(),
		v.object({ allocation: v.record(v.string(), v.number()), proxy: v.boolean(), at: v.string() }),
	),
	/** The tally at export (anonymity rules applied): how anonymous ballots and answers travel. */
	tally: v.nullable(v.record(v.string(), v.unknown())),
	/** sha256 of the archive's JSON without this field. */
	checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
})

export type Archive = v.InferOutput<typeof archiveV1Schema>

/** The archive of a workshop from its stored parts. */
export function createArchive(parts: {
	board: Uint8Array
	control: Uint8Array
	serverOnly: Readonly<ServerOnlyState>
	tally: Tally | null
	exportedAt: string
}): Archive {
	const control = new Y.Doc()
	Y.applyUpdate(control, parts.control)
	const named = readVote(control).settings?.anonymous === false
	const unsigned = {
		format: ARCHIVE_FORMAT,
		version: ARCHIVE_VERSION,
		exportedAt: parts.exportedAt,
		title: readMeta(control)?.title ?? '',
		board: Buffer.from(parts.board).toString('base64'),
		control: Buffer.from(parts.control).toString('base64'),
		drafts: structuredClone(parts.serverOnly.drafts),
		ballots: named ? structuredClone(parts.serverOnly.ballots) : {},
		tally: parts.tally as Archive['tally'],
	} as const
	control.destroy()
	return { ...unsigned, checksum: checksumOf(unsigned) }
}

/** What an import brings: the two documents' states and the server-only state to start with. */
export interface ImportedWorkshop {
	board: Uint8Array
	control: Uint8Array
	serverOnly: ServerOnlyState
}

/**
 * Reads an archive (E11): the format and version are checked (older versions are migrated step
 * by step — version 1 is the first), then the checksum, then both documents must decode. A
 * damaged archive is refused with the reason; nothing is created from it.
 */
export function readArchive(data: unknown): Result<ImportedWorkshop, string> {
	const format = (data as { format?: unknown } | null)?.format
	if (format !== ARCHIVE_FORMAT) return err('not a Tablée archive (format "tablee-archive" expected)')
	const version = (data as { version?: unknown }).version
	if (typeof version === 'number' && version > ARCHIVE_VERSION) {
		return err(`archive version ${version} is newer than this server understands (${ARCHIVE_VERSION})`)
	}
	const parsed = v.safeParse(archiveV1Schema, data)
	if (!parsed.success) {
		const issue = parsed.issues[0]
		return err(`${v.getDotPath(issue) ?? 'archive'}: ${issue.message}`)
	}
	const archive = parsed.output
	const { checksum, ...unsigned } = data as Archive
	if (checksumOf(unsigned) !== checksum) return err('the archive was changed or damaged (checksum mismatch)')
	const board = new Uint8Array(Buffer.from(archive.board, 'base64'))
	const control = new Uint8Array(Buffer.from(archive.control, 'base64'))
	for (const [name, state] of [
		['board', board],
		['control', control],
	] as const) {
		try {
			const doc = new Y.Doc()
			Y.applyUpdate(doc, state)
			const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
			doc.destroy()
			if (pending) return err(`the ${name} document is incomplete`)
		} catch {
			return err(`the ${name} document cannot be read`)
		}
	}
	const probe = new Y.Doc()
	Y.applyUpdate(probe, control)
	const meta = readMeta(probe)
	probe.destroy()
	if (!meta) return err('the archive holds no workshop settings')
	const serverOnly = emptyServerOnly()
	serverOnly.drafts = archive.drafts
	serverOnly.ballots = archive.ballots
	serverOnly.importedTally = archive.tally as ServerOnlyState['importedTally']
	return ok({ board, control, serverOnly })
}

function checksumOf(unsigned: object): string {
	return createHash('sha256').update(JSON.stringify(unsigned)).digest('hex')
}
