import type * as Y from 'yjs'
import type { AuthorMode, Contribution } from '../concertation/contribution.ts'
import { initialSession, type SessionState } from '../concertation/session.ts'
import type { Tally } from '../concertation/tally.ts'
import { type ConsensusState, idleConsensus, idleVote, type VoteState } from '../concertation/vote.ts'
import type { College, Template, TemplatePhase } from '../template/template-schema.ts'
import type { PlacedZone } from '../template/zone-layout.ts'
import type { Role } from './roles.ts'

/**
 * The control document: written by the server alone, read live by every client (docs/architecture.md
 * §Two documents). This module is the only place that names its top-level structures
 * (docs/conventions.md §Documents).
 *
 * Layout version 3 (docs/document-schema.md):
 * - `meta` (Y.Map): workshop settings — see {@link WorkshopMeta}, one key per field, including
 *   the template's colleges, themes, zones (placed on the canvas) and agenda.
 * - `participants` (Y.Map): participant id → {@link ParticipantEntry}.
 * - `contributions` (Y.Map): contribution id → {@link Contribution}, replaced whole on change.
 * - `session` (Y.Map): the facilitation state, one key per field of {@link SessionState}.
 * - `vote`, `consensus` (Y.Map): the polls, one key per field of {@link VoteState} /
 *   {@link ConsensusState}.
 * - `results` (Y.Map): `tally` (a {@link Tally}, only once a poll is revealed) and `ballots` (named
 *   votes only, once revealed).
 *
 * Version 1 had no `contributions` and no `meta.authorMode`; version 2 no session, polls or
 * results (absent maps read as their initial state). {@link migrateControl} upgrades them.
 */
export const CONTROL_LAYOUT_VERSION = 3

export interface WorkshopMeta {
	controlLayout: number
	boardLayout: number
	title: string
	territory: string | null
	date: string | null
	templateId: string
	templateVersion: number
	colleges: College[]
	themes: Template['themes']
	zones: PlacedZone[]
	agenda: TemplatePhase[]
	/** Whether contributions show their author's name or only the college (SPEC K9). */
	authorMode: AuthorMode
	/** IANA time zone the documents show dates in (absent: Europe/Paris, E14). */
	timeZone?: string
	createdAt: string
	/** When personal data was removed (SPEC D2–D3); absent until then. */
	anonymisedAt?: string
}

export interface ParticipantEntry {
	name: string
	role: Role
	college: string | null
	joinedAt: string
	/** Takes part on paper: the facilitator records this person's votes (proxy votes). */
	paper?: boolean
	/** The name was removed (SPEC D3–D4): `name` holds the college's label instead. */
	anonymous?: boolean
}

/** Typed handles on the control document's top-level structures. */
export function controlStructures(doc: Y.Doc) {
	return {
		meta: doc.getMap<unknown>('meta'),
		participants: doc.getMap<ParticipantEntry>('participants'),
		contributions: doc.getMap<Contribution>('contributions'),
		session: doc.getMap<unknown>('session'),
		vote: doc.getMap<unknown>('vote'),
		consensus: doc.getMap<unknown>('consensus'),
		results: doc.getMap<unknown>('results'),
	}
}

/**
 * Brings an older layout to the current one (server side, at load); true if it changed the
 * document. Version 1 → 2: contributions were not shown with names then, so `pseudonymous`.
 */
export function migrateControl(doc: Y.Doc): boolean {
	const { meta } = controlStructures(doc)
	const version = meta.get('controlLayout')
	if (typeof version !== 'number' || version >= CONTROL_LAYOUT_VERSION) return false
	doc.transact(() => {
		if (version < 2) meta.set('authorMode', 'pseudonymous' satisfies AuthorMode)
		// 2 → 3: the new maps are read as their initial state while absent.
		meta.set('controlLayout', CONTROL_LAYOUT_VERSION)
	})
	return true
}

/** Writes every field of `meta` into the document (server side). */
export function writeMeta(doc: Y.Doc, meta: WorkshopMeta): void {
	const { meta: map } = controlStructures(doc)
	doc.transact(() => {
		for (const [key, value] of Object.entries(meta)) map.set(key, value)
	})
}

/** Reads the workshop settings, or null when the document has none yet (not synced). */
export function readMeta(doc: Y.Doc): WorkshopMeta | null {
	const map = controlStructures(doc).meta
	if (typeof map.get('title') !== 'string') return null
	return Object.fromEntries(map.entries()) as unknown as WorkshopMeta
}

/** Records a participant (server side). */
export function writeParticipant(doc: Y.Doc, id: string, entry: ParticipantEntry): void {
	controlStructures(doc).participants.set(id, entry)
}

/** Participants by id, as plain data. */
export function readParticipants(doc: Y.Doc): Map<string, ParticipantEntry> {
	return new Map(controlStructures(doc).participants.entries())
}

/** Contributions by id, as plain data. */
export function readContributions(doc: Y.Doc): Map<string, Contribution> {
	return new Map(controlStructures(doc).contributions.entries())
}

/** Writes contributions and removes others (server side). */
export function writeContributions(doc: Y.Doc, put: readonly Contribution[], remove: readonly string[]): void {
	const { contributions } = controlStructures(doc)
	doc.transact(() => {
		for (const contribution of put) contributions.set(contribution.id, contribution)
		for (const id of remove) contributions.delete(id)
	})
}

/** Reads a map written field by field, with `initial` for fields not written yet. */
function readFields<T extends object>(map: Y.Map<unknown>, initial: T): T {
	const read = { ...initial } as Record<string, unknown>
	for (const key of Object.keys(initial)) if (map.has(key)) read[key] = map.get(key)
	return read as T
}

/** Writes the fields of `value` that differ from what the map holds (server side). */
function writeFields(map: Y.Map<unknown>, value: object): void {
	for (const [key, field] of Object.entries(value)) {
		if (JSON.stringify(map.get(key)) !== JSON.stringify(field)) map.set(key, field)
	}
}

export const readSession = (doc: Y.Doc): SessionState => readFields(controlStructures(doc).session, initialSession())
export const writeSession = (doc: Y.Doc, session: SessionState) => writeFields(controlStructures(doc).session, session)
export const readVote = (doc: Y.Doc): VoteState => readFields(controlStructures(doc).vote, idleVote())
export const writeVote = (doc: Y.Doc, vote: VoteState) => writeFields(controlStructures(doc).vote, vote)
export const readConsensus = (doc: Y.Doc): ConsensusState =>
	readFields(controlStructures(doc).consensus, idleConsensus())
export const writeConsensus = (doc: Y.Doc, consensus: ConsensusState) =>
	writeFields(controlStructures(doc).consensus, consensus)

/** Published results: the tally once a poll is revealed, and named ballots (named votes only). */
export interface PublishedResults {
	tally: Tally | null
	ballots: { name: string; college: string | null; allocation: Record<string, number>; proxy: boolean }[] | null
}
export const readResults = (doc: Y.Doc): PublishedResults =>
	readFields(controlStructures(doc).results, { tally: null, ballots: null } as PublishedResults)
export const writeResults = (doc: Y.Doc, results: PublishedResults) =>
	writeFields(controlStructures(doc).results, results)
