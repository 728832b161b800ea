import { describe, expect, test } from 'vitest'
import type { Contribution } from '../concertation/contribution.ts'
import type { Tally } from '../concertation/tally.ts'
import type { College } from '../template/template-schema.ts'
import {
	anonymisationDay,
	anonymiseWorkshop,
	anonymousName,
	eraseParticipantName,
	isDue,
	type PersonalData,
} from './anonymise.ts'

const colleges: College[] = [
	{ id: 'assos', label: { fr: 'Associations', en: 'Associations' }, color: '#000000', side: 'associations' },
	{ id: 'caf', label: { fr: 'Protection sociale', en: 'Social protection' }, color: '#111111', side: 'funders' },
]

const contribution = (id: string, authorName: string | null, college: string | null): Contribution => ({
	id,
	type: 'proposition',
	zone: 'z',
	row: null,
	column: null,
	text: `texte ${id}`,
	title: null,
	theme: null,
	target: null,
	level: null,
	effect: null,
	caution: null,
	who: null,
	due: null,
	college,
	authorRole: college ? 'participant' : 'facilitator',
	authorName,
	createdAt: '2026-01-01T10:00:00.000Z',
	updatedAt: '2026-01-01T10:00:00.000Z',
	mergedInto: null,
	sources: [],
})

const tally: Tally = { equalWeight: false, voters: 2, proxyVoters: 1, groups: [], proposals: [] }

function workshop(): PersonalData {
	return {
		participants: {
			fac: { name: 'Fanny Animatrice', role: 'facilitator', college: null, joinedAt: '2026-01-01T09:00:00.000Z' },
			alice: { name: 'Alice Martin', role: 'participant', college: 'assos', joinedAt: '2026-01-01T09:05:00.000Z' },
			bob: { name: 'Bob Durand', role: 'participant', college: 'caf', joinedAt: '2026-01-01T09:06:00.000Z' },
			paper: {
				name: 'Paul Papier',
				role: 'participant',
				college: 'caf',
				joinedAt: '2026-01-01T09:07:00.000Z',
				paper: true,
			},
			obs: { name: 'Olga Observe', role: 'observer', college: null, joinedAt: '2026-01-01T09:08:00.000Z' },
		},
		contributions: {
			c1: contribution('c1', 'Alice Martin', 'assos'),
			c2: contribution('c2', 'Bob Durand', 'caf'),
			c3: contribution('c3', 'Fanny Animatrice', null),
		},
		results: {
			tally,
			ballots: [
				{ name: 'Alice Martin', college: 'assos', allocation: { c2: 1 }, proxy: false },
				{ name: 'Paul Papier', college: 'caf', allocation: { c1: 2 }, proxy: true },
			],
		},
		serverOnly: {
			authors: { c1: 'alice', c2: 'bob', c3: 'fac', d1: 'alice' },
			intents: {
				'alice:k1': { body: { contribution: { id: 'c1', authorName: 'Alice Martin' } } },
				'fac:k2': { body: { contribution: { id: 'c3' }, others: [{ id: 'c1', authorName: 'Alice Martin' }] } },
				'bob:k3': { body: { contribution: { id: 'c2', authorName: 'Bob Durand' } } },
			},
			drafts: { d1: contribution('d1', 'Alice Martin', 'assos') },
			ballots: { alice: { allocation: { c2: 1 } }, paper: { allocation: { c1: 2 } } },
			answers: { bob: { c1: { answer: 'agree', why: null } } },
			importedTally: null,
		},
	}
}

const names = ['Fanny Animatrice', 'Alice Martin', 'Bob Durand', 'Paul Papier', 'Olga Observe']

describe('[D3] anonymiseWorkshop', () => {
	const before = workshop()
	const after = anonymiseWorkshop(before, { colleges, tally })
	const json = JSON.stringify(after)

	test.each(names)('no trace of %s remains', (name) => {
		expect(json).not.toContain(name)
	})

	test('the participant list is one anonymous entry per person, counting the same per college and role', () => {
		const count = (data: PersonalData) =>
			Object.values(data.participants)
				.map((entry) => `${entry.role}:${entry.college}`)
				.sort()
		expect(count(after)).toEqual(count(before))
		expect(Object.values(after.participants).every((entry) => entry.anonymous)).toBe(true)
		// No participant id survives but the facilitator's (their token still opens the console).
		expect(Object.keys(after.participants).filter((id) => id in before.participants)).toEqual(['fac'])
		expect(after.participants.fac?.name).toBe('Animation')
		expect(Object.values(after.participants).map((entry) => entry.name)).toContain('Protection sociale')
		expect(Object.values(after.participants).some((entry) => entry.paper)).toBe(true)
	})

	test('ballots and answers become the tally; links to people go', () => {
		expect(after.serverOnly.ballots).toEqual({})
		expect(after.serverOnly.answers).toEqual({})
		expect(after.serverOnly.authors).toEqual({})
		expect(after.serverOnly.intents).toEqual({})
		expect(after.serverOnly.importedTally).toBe(tally)
		expect(after.results).toEqual({ tally, ballots: null })
	})

	test('contributions stay whole, with their college, without their author', () => {
		for (const [id, original] of Object.entries(before.contributions)) {
			expect(after.contributions[id]).toEqual({ ...original, authorName: null })
		}
		expect(after.serverOnly.drafts.d1?.authorName).toBeNull()
	})

	test('it is idempotent and leaves its input alone', () => {
		expect(JSON.stringify(anonymiseWorkshop(after, { colleges, tally: null }))).toBe(json)
		expect(before.participants.alice?.name).toBe('Alice Martin')
	})

	test('a workshop without polls keeps an imported tally it had', () => {
		const data = {
			...workshop(),
			serverOnly: { ...workshop().serverOnly, ballots: {}, answers: {}, importedTally: tally },
		}
		expect(anonymiseWorkshop(data, { colleges, tally: null }).serverOnly.importedTally).toBe(tally)
	})
})

describe('[D4] eraseParticipantName', () => {
	const cases: { who: string; name: string; replacement: string }[] = [
		{ who: 'alice', name: 'Alice Martin', replacement: 'Associations' },
		{ who: 'paper', name: 'Paul Papier', replacement: 'Protection sociale' },
		{ who: 'obs', name: 'Olga Observe', replacement: 'Observateur·rice' },
		{ who: 'fac', name: 'Fanny Animatrice', replacement: 'Animation' },
	]
	test.each(cases)('$who: the name goes everywhere, the others stay', ({ who, name, replacement }) => {
		const before = workshop()
		const after = eraseParticipantName(before, who, colleges)
		if (!after) throw new Error('participant not found')
		const json = JSON.stringify(after)
		expect(json).not.toContain(name)
		for (const other of names.filter((candidate) => candidate !== name)) expect(json).toContain(other)
		expect(after.participants[who]).toMatchObject({ name: replacement, anonymous: true })
		// Their contributions and votes stay, attributed to the college.
		expect(Object.keys(after.contributions)).toEqual(Object.keys(before.contributions))
		expect(after.serverOnly.ballots).toEqual(before.serverOnly.ballots)
		expect(after.serverOnly.authors).toEqual(before.serverOnly.authors)
		expect(after.results.ballots?.length).toBe(before.results.ballots?.length)
	})

	test('a named ballot keeps its allocation under the college', () => {
		const after = eraseParticipantName(workshop(), 'paper', colleges)
		expect(after?.results.ballots?.[1]).toEqual({
			name: 'Protection sociale',
			college: 'caf',
			allocation: { c1: 2 },
			proxy: true,
		})
	})

	test('unknown participant: null; erased twice: unchanged', () => {
		expect(eraseParticipantName(workshop(), 'nobody', colleges)).toBeNull()
		const once = eraseParticipantName(workshop(), 'alice', colleges)
		if (!once) throw new Error('participant not found')
		expect(eraseParticipantName(once, 'alice', colleges)).toBe(once)
	})
})

describe('[D2] retention day', () => {
	const cases = [
		{ date: '2026-01-15', createdAt: '2025-12-01T10:00:00Z', days: 365, day: '2027-01-15' },
		{ date: null, createdAt: '2026-02-28T23:59:00Z', days: 1, day: '2026-03-01' },
		{ date: '2024-02-29', createdAt: '2024-01-01T00:00:00Z', days: 366, day: '2025-03-01' },
	]
	test.each(cases)('$date / $createdAt + $days days → $day', ({ date, createdAt, days, day }) => {
		expect(anonymisationDay({ date, createdAt }, days)).toBe(day)
		const midnight = Date.parse(`${day}T00:00:00Z`)
		expect(isDue({ date, createdAt }, days, midnight - 1)).toBe(false)
		expect(isDue({ date, createdAt }, days, midnight)).toBe(true)
	})

	test('names by role', () => {
		expect(anonymousName({ role: 'participant', college: 'unknown' }, colleges)).toBe('Participant·e')
	})
})
