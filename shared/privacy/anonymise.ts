import type { Contribution } from '../concertation/contribution.ts'
import type { Tally } from '../concertation/tally.ts'
import type { College } from '../template/template-schema.ts'
import type { ParticipantEntry, PublishedResults } from '../workshop/control-document.ts'

/**
 * Personal data rules (SPEC D): what a workshop keeps about people once their names must go —
 * at the end of the retention period, when the facilitator anonymises early, or when one person
 * asks to be erased. Pure: the server reads the workshop, calls these, and commits the result in
 * one durable save.
 *
 * Names live in four places: the participant list, contributions' `authorName` (named mode), a
 * revealed named vote's ballots, and what the server keeps (private drafts, remembered answers to
 * idempotent intents). Contribution text is not scanned: it is the concertation's content.
 */

/** The server-only parts that can tie a person to what they did (structurally the stored record's). */
export interface PersonalServerOnly {
	/** Contribution id → author's participant id. */
	authors: Record<string, string>
	/** Remembered answers to idempotent intents; their bodies may echo an author's name. */
	intents: Record<string, { body: unknown }>
	drafts: Record<string, Contribution>
	ballots: Record<string, unknown>
	answers: Record<string, unknown>
	importedTally: Tally | null
}

/** The parts of a workshop that can hold personal data. */
export interface PersonalData<S extends PersonalServerOnly = PersonalServerOnly> {
	participants: Record<string, ParticipantEntry>
	contributions: Record<string, Contribution>
	results: PublishedResults
	serverOnly: S
}

/** What a person is called once their name is gone: their college (or their role without one). */
export function anonymousName(entry: Pick<ParticipantEntry, 'role' | 'college'>, colleges: readonly College[]): string {
	if (entry.role === 'facilitator') return 'Animation'
	if (entry.role === 'observer') return 'Observateur·rice'
	return colleges.find((college) => college.id === entry.college)?.label.fr ?? 'Participant·e'
}

/**
 * Retention (D2, D3): every name replaced by the college, the participant list reduced to one
 * anonymous entry per person under a new id (so it still counts per college but links to nothing),
 * ballots and consensus answers reduced to `tally` (which the caller computed from them, with the
 * anonymity rules), authorship links and remembered intents dropped. Contributions, their
 * colleges and the published tally stay: the consolidated results read as before.
 * The facilitator keeps their id (their token still opens the console) but not their name.
 */
export function anonymiseWorkshop<S extends PersonalServerOnly>(
	data: PersonalData<S>,
	options: { colleges: readonly College[]; tally: Tally | null },
): PersonalData<S> {
	const participants: Record<string, ParticipantEntry> = {}
	let n = 0
	for (const [id, entry] of Object.entries(data.participants)) {
		const anonymous: ParticipantEntry = {
			name: anonymousName(entry, options.colleges),
			role: entry.role,
			college: entry.college,
			joinedAt: entry.joinedAt.slice(0, 10),
			anonymous: true,
			...(entry.paper ? { paper: true } : {}),
		}
		participants[entry.role === 'facilitator' ? id : `anonyme-${++n}`] = anonymous
	}
	const contributions = mapValues(data.contributions, (c) => (c.authorName === null ? c : { ...c, authorName: null }))
	const drafts = mapValues(data.serverOnly.drafts, (c) => (c.authorName === null ? c : { ...c, authorName: null }))
	const hadPolls = Object.keys(data.serverOnly.ballots).length > 0 || Object.keys(data.serverOnly.answers).length > 0
	return {
		participants,
		contributions,
		results: { tally: data.results.tally, ballots: null },
		serverOnly: {
			...data.serverOnly,
			authors: {},
			intents: {},
			drafts,
			ballots: {},
			answers: {},
			// The figures the ballots gave, kept as figures (an imported archive keeps its tally the same way).
			importedTally: hadPolls ? options.tally : data.serverOnly.importedTally,
		},
	}
}

/**
 * Erasure on request (D4): one person's name is replaced by their college everywhere; their
 * contributions, ballots and answers stay, attributed to the college only. `null` when there is
 * no such participant; the data unchanged when their name was already removed.
 */
export function eraseParticipantName<S extends PersonalServerOnly>(
	data: PersonalData<S>,
	participantId: string,
	colleges: readonly College[],
): PersonalData<S> | null {
	const entry = data.participants[participantId]
	if (!entry) return null
	if (entry.anonymous) return data
	const name = anonymousName(entry, colleges)
	const own = (id: string) => data.serverOnly.authors[id] === participantId
	const unnamed = (c: Contribution) => (own(c.id) && c.authorName !== null ? { ...c, authorName: null } : c)
	let ballotFound = false
	const ballots =
		data.results.ballots?.map((ballot) => {
			// Published ballots carry no participant id: the person's is the one with their name and college.
			if (ballotFound || ballot.name !== entry.name || ballot.college !== entry.college) return ballot
			ballotFound = true
			return { ...ballot, name }
		}) ?? null
	return {
		participants: { ...data.participants, [participantId]: { ...entry, name, anonymous: true } },
		contributions: mapValues(data.contributions, unnamed),
		results: { tally: data.results.tally, ballots },
		serverOnly: {
			...data.serverOnly,
			drafts: mapValues(data.serverOnly.drafts, unnamed),
			intents: mapValues(data.serverOnly.intents, (intent) => ({
				...intent,
				body: withoutName(intent.body, entry.name, name),
			})),
		},
	}
}

/** A copy of a remembered answer where `authorName` / `name` fields holding `name` no longer do. */
function withoutName(value: unknown, name: string, replacement: string): unknown {
	if (Array.isArray(value)) return value.map((item) => withoutName(item, name, replacement))
	if (typeof value !== 'object' || value === null) return value
	return Object.fromEntries(
		Object.entries(value).map(([key, field]) => {
			if (key === 'authorName' && field === name) return [key, null]
			if (key === 'name' && field === name) return [key, replacement]
			return [key, withoutName(field, name, replacement)]
		}),
	)
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
	return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]))
}

/** Day of automatic anonymisation: `retentionDays` after the workshop's date (its creation day without one). */
export function anonymisationDay(meta: { date: string | null; createdAt: string }, retentionDays: number): string {
	const start = meta.date ?? meta.createdAt.slice(0, 10)
	const day = new Date(`${start}T00:00:00Z`)
	day.setUTCDate(day.getUTCDate() + retentionDays)
	return day.toISOString().slice(0, 10)
}

/** True once the anonymisation day has begun (UTC) at `now` (ms). */
export function isDue(meta: { date: string | null; createdAt: string }, retentionDays: number, now: number): boolean {
	return new Date(now).toISOString().slice(0, 10) >= anonymisationDay(meta, retentionDays)
}

/**
 * A copy of an exported document without people's names — `author` fields set to null and the
 * facilitators' names (`organisers`) emptied: what a national synthesis keeps of a workshop, which
 * never shows names (SPEC D1).
 */
export function withoutAuthorNames<T>(value: T): T {
	const walk = (item: unknown): unknown => {
		if (Array.isArray(item)) return item.map(walk)
		if (typeof item !== 'object' || item === null) return item
		return Object.fromEntries(
			Object.entries(item).map(([key, field]) => [
				key,
				key === 'author' && typeof field === 'string'
					? null
					: key === 'organisers' && Array.isArray(field)
						? []
						: walk(field),
			]),
		)
	}
	return walk(value) as T
}
