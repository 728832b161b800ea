import { describe, expect, it } from 'vitest'
import {
	type Answer,
	ANONYMITY_FLOOR,
	type Ballot,
	compareSupport,
	consensusOf,
	publishedColumns,
	tally,
	type TallyCollege,
} from './tally.ts'
import { type Allocation, ballotOrder, checkBallot, checkVoter, isAccepting, type VoteState } from './vote.ts'

const NOW = Date.parse('2026-11-22T10:00:00Z')
const settings = { budget: 5, maxPerProposal: 3, banOwn: true, anonymous: true }
const open: VoteState = {
	status: 'open',
	settings,
	proposals: ['p1', 'p2', 'p3'],
	openedAt: '2026-11-22T09:50:00Z',
	endsAt: '2026-11-22T10:05:00Z',
	closedAt: null,
	revealed: false,
}
const own = new Set(['p3'])

describe('V1–V2 ballots', () => {
	it.each<[string, Partial<VoteState>, Allocation, number, string]>([
		['V2 within budget and maximum', {}, { p1: 3, p2: 2 }, NOW, 'accepted'],
		['V2 over the budget', {}, { p1: 3, p2: 3 }, NOW, 'over_budget'],
		['V2 over the maximum per proposal', {}, { p1: 4 }, NOW, 'over_maximum'],
		['V2 own proposal banned', {}, { p3: 1 }, NOW, 'own_proposal'],
		['V2 zero on own proposal is fine', {}, { p3: 0, p1: 1 }, NOW, 'accepted'],
		[
			'V2 own proposal allowed without the ban',
			{ settings: { ...settings, banOwn: false } },
			{ p3: 1 },
			NOW,
			'accepted',
		],
		['V2 unknown proposal', {}, { p9: 1 }, NOW, 'unknown_proposal'],
		['V2 negative dots', {}, { p1: -1 }, NOW, 'invalid_dots'],
		['V2 fractional dots', {}, { p1: 0.5 }, NOW, 'invalid_dots'],
		['V1 after the end (server time)', {}, { p1: 1 }, Date.parse('2026-11-22T10:05:00Z'), 'vote_closed'],
		['V1 closed by the facilitator', { status: 'closed' }, { p1: 1 }, NOW, 'vote_closed'],
		['V1 not opened', { status: 'idle', settings: null }, { p1: 1 }, NOW, 'vote_closed'],
		['V1 no time limit', { endsAt: null }, { p1: 1 }, NOW + 86_400_000, 'accepted'],
	])('%s', (_name, change, allocation, now, expected) => {
		const result = checkBallot({ ...open, ...change }, allocation, { ownProposals: own, now })
		expect(result.ok ? 'accepted' : result.error.code).toBe(expected)
	})

	it('V2 a ballot is kept without its zeros', () => {
		expect(checkBallot(open, { p1: 2, p2: 0 }, { ownProposals: own, now: NOW })).toEqual({ ok: true, value: { p1: 2 } })
	})

	it.each<[string, Parameters<typeof checkVoter>, string]>([
		['a participant votes for itself', [{ role: 'participant', participantId: 'a' }, null], 'a'],
		['an observer does not vote', [{ role: 'observer', participantId: 'o' }, null], 'observer_cannot_vote'],
		['the facilitator does not vote', [{ role: 'facilitator', participantId: 'f' }, null], 'facilitator_does_not_vote'],
		[
			'the facilitator records a paper vote',
			[
				{ role: 'facilitator', participantId: 'f' },
				{ participantId: 'paper1', paper: true },
			],
			'paper1 (proxy)',
		],
		[
			'not for someone who is online',
			[
				{ role: 'facilitator', participantId: 'f' },
				{ participantId: 'a', paper: false },
			],
			'not_a_paper_participant',
		],
		[
			'a participant never votes for someone else',
			[
				{ role: 'participant', participantId: 'a' },
				{ participantId: 'paper1', paper: true },
			],
			'facilitator_only',
		],
	])('V1 %s', (_name, args, expected) => {
		const result = checkVoter(...args)
		expect(result.ok ? `${result.value.voter}${result.value.proxy ? ' (proxy)' : ''}` : result.error.code).toBe(
			expected,
		)
	})

	it('V1 a poll accepts until its end, not after', () => {
		expect(isAccepting(open, Date.parse('2026-11-22T10:04:59Z'))).toBe(true)
		expect(isAccepting(open, Date.parse('2026-11-22T10:05:00Z'))).toBe(false)
	})
})

describe('V5 ballot order', () => {
	const proposals = Array.from({ length: 12 }, (_, i) => `p${i}`)
	it('is a permutation, stable per participant and different between participants', () => {
		const alice = ballotOrder(proposals, 'alice')
		expect([...alice].sort()).toEqual([...proposals].sort())
		expect(ballotOrder(proposals, 'alice')).toEqual(alice)
		expect(ballotOrder(proposals, 'bob')).not.toEqual(alice)
	})
	it('puts each proposal first for some participants (no first-place bias)', () => {
		const firsts = new Set(Array.from({ length: 400 }, (_, i) => ballotOrder(proposals, `participant-${i}`)[0]))
		expect(firsts.size).toBe(proposals.length)
	})
})

const colleges: TallyCollege[] = [
	{ id: 'assos', side: 'associations' },
	{ id: 'reseaux', side: 'associations' },
	{ id: 'etat', side: 'funders' },
	{ id: 'caf', side: 'funders' },
]
const ballot = (voter: string, college: string, allocation: Allocation, proxy = false): Ballot => ({
	voter,
	college,
	allocation,
	proxy,
})

describe('V6–V10 tallies', () => {
	const ballots = [
		ballot('a1', 'assos', { p1: 3, p2: 1 }),
		ballot('a2', 'assos', { p1: 2 }),
		ballot('a3', 'assos', { p1: 1, p2: 2 }),
		ballot('a4', 'assos', { p2: 3 }),
		ballot('e1', 'etat', { p1: 2, p3: 1 }),
		ballot('e2', 'etat', { p1: 1 }),
		ballot('e3', 'etat', { p3: 3 }, true),
	]
	const result = tally({ proposals: ['p1', 'p2', 'p3'], colleges, ballots, answers: [], anonymous: false })
	const p = (id: string) => result.proposals.find((proposal) => proposal.id === id)

	it('V6 counts dots and supporters overall and per column, highest first', () => {
		expect(result.proposals.map((proposal) => proposal.id)).toEqual(['p1', 'p2', 'p3'])
		expect(p('p1')).toMatchObject({ dots: 9, supporters: 5, byGroup: { assos: 6, etat: 3 } })
		expect(p('p2')).toMatchObject({ dots: 6, byGroup: { assos: 6, etat: 0 } })
		expect(result).toMatchObject({ voters: 7, proxyVoters: 1 })
	})

	it('V7 equal weights: each published column counts for the same share', () => {
		// assos gave 12 dots, 6 of them to p1; etat gave 7, 3 of them to p1.
		expect(p('p1')?.weightedShare).toBeCloseTo((6 / 12 + 3 / 7) / 2)
		const total = result.proposals.reduce((sum, proposal) => sum + proposal.weightedShare, 0)
		expect(total).toBeCloseTo(1)
	})

	it('V7 with equal weights chosen, the ranking follows the weighted share', () => {
		// p2 has fewer dots than p1 overall, but funders' dots weigh as much as associations'.
		const weightedBallots = [
			ballot('a1', 'assos', { p1: 3 }),
			ballot('a2', 'assos', { p1: 3 }),
			ballot('a3', 'assos', { p1: 2, p2: 1 }),
			ballot('e1', 'etat', { p2: 2 }),
		]
		const byDots = tally({ proposals: ['p1', 'p2'], colleges, ballots: weightedBallots, answers: [], anonymous: false })
		const byWeight = tally({
			proposals: ['p1', 'p2'],
			colleges,
			ballots: weightedBallots,
			answers: [],
			anonymous: false,
			equalWeight: true,
		})
		expect(byDots.proposals.map((proposal) => proposal.id)).toEqual(['p1', 'p2'])
		// p1: (8/9 + 0) / 2 = 0.44; p2: (1/9 + 2/2) / 2 = 0.56.
		expect(byWeight.proposals.map((proposal) => proposal.id)).toEqual(['p2', 'p1'])
		expect(byWeight.equalWeight).toBe(true)
	})

	it('V9 ties: the other measure, then supporters, then the order the proposals were listed', () => {
		const tied = [
			ballot('a1', 'assos', { p1: 3, p2: 2 }),
			ballot('a2', 'assos', { p2: 1, p3: 2 }),
			ballot('a3', 'assos', { p3: 1, p4: 3 }),
			ballot('e1', 'etat', { p4: 1 }),
		]
		const ranked = tally({
			proposals: ['p4', 'p3', 'p2', 'p1'],
			colleges,
			ballots: tied,
			answers: [],
			anonymous: false,
		})
		// p4: 4 dots, the highest equal-weight share; p2 and p3: 3 dots, 2 supporters each, same share: listed order.
		expect(ranked.proposals.map((proposal) => `${proposal.id}:${proposal.dots}`)).toEqual([
			'p4:4',
			'p3:3',
			'p2:3',
			'p1:3',
		])
		expect(
			compareSupport(
				{ dots: 3, weightedShare: 0.2, supporters: 1 },
				{ dots: 3, weightedShare: 0.2, supporters: 2 },
				false,
			),
		).toBeGreaterThan(0)
		expect(
			compareSupport(
				{ dots: 2, weightedShare: 0.5, supporters: 1 },
				{ dots: 3, weightedShare: 0.2, supporters: 2 },
				true,
			),
		).toBeLessThan(0)
	})

	it('V10 the vote never sets a consensus flag: without answers a proposal is not measured', () => {
		expect(p('p1')?.consensus).toEqual({ score: null, flag: 'non-mesure' })
		expect(p('p2')?.consensus.flag).toBe('non-mesure')
	})

	it('V10 from consensus-check answers, with the reasons kept without authors, by answer and column', () => {
		const answers: Answer[] = [
			...['a1', 'a2', 'a3'].map((respondent) => ({
				respondent,
				college: 'assos',
				answers: { p3: { answer: 'agree' as const, why: respondent === 'a1' ? 'Enfin !' : null } },
			})),
			{ respondent: 'e1', college: 'etat', answers: { p3: { answer: 'disagree', why: 'Pas de budget en 2027' } } },
			{ respondent: 'e2', college: 'etat', answers: { p3: { answer: 'unsure', why: null } } },
			{ respondent: 'e3', college: 'etat', answers: { p3: { answer: 'disagree', why: null } } },
		]
		const checked = tally({ proposals: ['p3'], colleges, ballots, answers, anonymous: false })
		expect(checked.proposals[0]).toMatchObject({
			answers: { agree: 3, disagree: 2, unsure: 1 },
			answersBySide: {
				associations: { agree: 3, disagree: 0, unsure: 0 },
				funders: { agree: 0, disagree: 2, unsure: 1 },
			},
			reasons: ['Enfin !', 'Pas de budget en 2027'],
			why: [
				{ text: 'Enfin !', answer: 'agree', group: 'assos' },
				{ text: 'Pas de budget en 2027', answer: 'disagree', group: 'etat' },
			],
			sides: { associations: 1, funders: 0 },
			consensus: { flag: 'clivant', score: 0 },
		})
	})

	it.each<[{ associations: number | null; funders: number | null }, string]>([
		[{ associations: 0.8, funders: 0.7 }, 'consensuel'],
		[{ associations: 0.6, funders: 0.6 }, 'consensuel'],
		[{ associations: 0.7, funders: 0.4 }, 'partage'],
		[{ associations: 0.9, funders: 0.5 }, 'clivant'],
		[{ associations: 0.2, funders: 0.1 }, 'partage'],
		[{ associations: 0.9, funders: null }, 'insuffisant'],
	])('V10 thresholds from the consensus check: %o → %s', (sides, flag) => {
		expect(consensusOf(sides).flag).toBe(flag)
	})
})

describe('V8 anonymity that holds against arithmetic', () => {
	const people = (college: string, count: number) =>
		Array.from({ length: count }, (_, i) => ({ id: `${college}-${i}`, college }))
	const many: TallyCollege[] = [
		{ id: 'benevoles', side: 'associations' },
		{ id: 'salaries', side: 'associations' },
		{ id: 'reseaux', side: 'associations' },
		{ id: 'etat', side: 'funders' },
		{ id: 'collectivites', side: 'funders' },
		{ id: 'caf', side: 'funders' },
		{ id: 'prives', side: 'funders' },
	]
	const columns = (...groups: [string, number][]) =>
		publishedColumns(
			groups.flatMap(([college, count]) => people(college, count)),
			many,
			true,
		).list.map((column) => `${column.colleges.join('+')}:${column.voters}`)

	it('a small college is pooled with the fewest of its side until the pool reaches 3, never the whole side when not needed', () => {
		expect(columns(['benevoles', 5], ['salaries', 1], ['reseaux', 2], ['etat', 3], ['collectivites', 4])).toEqual([
			'benevoles:5',
			'salaries+reseaux:3',
			'etat:3',
			'collectivites:4',
		])
		expect(columns(['benevoles', 4], ['etat', 1], ['collectivites', 5], ['caf', 1], ['prives', 1])).toEqual([
			'benevoles:4',
			'etat+caf+prives:3',
			'collectivites:5',
		])
	})

	it('a side under the floor is pooled with the other small ones, then with the smallest column', () => {
		expect(columns(['benevoles', 5], ['etat', 1], ['caf', 1])).toEqual(['benevoles+etat+caf:7'])
		expect(columns(['benevoles', 5], ['reseaux', 4], ['etat', 2])).toEqual(['benevoles:5', 'reseaux+etat:6'])
	})

	it('every column has at least the floor and the columns add up to the total; sides shown only when whole and 3 or more', () => {
		const ballots = [
			...people('benevoles', 3).map((p) => ballot(p.id, p.college, { p1: 1 })),
			...people('reseaux', 2).map((p) => ballot(p.id, p.college, { p1: 2 })),
			...people('etat', 4).map((p) => ballot(p.id, p.college, { p1: 1 })),
			...people('caf', 1).map((p) => ballot(p.id, p.college, { p1: 3 })),
		]
		const result = tally({ proposals: ['p1'], colleges: many, ballots, answers: [], anonymous: true })
		for (const group of result.groups) expect(group.voters).toBeGreaterThanOrEqual(ANONYMITY_FLOOR)
		const shown = Object.values(result.proposals[0]?.byGroup ?? {}).reduce((a, b) => a + b, 0)
		expect(shown).toBe(result.proposals[0]?.dots)
		expect(result.votersBySide).toEqual({ associations: 5, funders: 5 })
		const small = tally({
			proposals: ['p1'],
			colleges: many,
			ballots: [...ballots.slice(0, 5), ballot('e1', 'etat', { p1: 1 })],
			answers: [],
			anonymous: true,
		})
		expect(small.votersBySide).toEqual({ associations: null, funders: null })
	})

	it('a two-person college with equal weights cannot be solved back from the published figures', () => {
		// Four funders of one college, two of another, five associations: the 2-person college is
		// pooled, and the equal-weight share is computed over the published columns only.
		const ballots = [
			...people('benevoles', 5).map((p) => ballot(p.id, p.college, { p1: 2, p2: 3 })),
			...people('etat', 4).map((p) => ballot(p.id, p.college, { p1: 1, p2: 4 })),
			ballot('caf-0', 'caf', { p1: 5 }),
			ballot('caf-1', 'caf', { p1: 4, p2: 1 }),
		]
		const published = tally({
			proposals: ['p1', 'p2'],
			colleges: many,
			ballots,
			answers: [],
			anonymous: true,
			equalWeight: true,
		})
		const columnsShown = published.groups.map((group) => group.colleges.join('+'))
		expect(columnsShown).not.toContain('caf')
		const p1 = published.proposals.find((proposal) => proposal.id === 'p1')
		// Recomputing the share from the published columns alone gives the published share exactly:
		// it carries nothing finer than those columns.
		const fromColumns =
			published.groups.reduce((sum, group) => {
				const total = published.proposals.reduce((all, proposal) => all + (proposal.byGroup[group.id] ?? 0), 0)
				return sum + (p1?.byGroup[group.id] ?? 0) / total
			}, 0) / published.groups.length
		expect(p1?.weightedShare).toBeCloseTo(fromColumns, 12)
		// Another split of the pooled college's points gives every published figure unchanged.
		const other = tally({
			proposals: ['p1', 'p2'],
			colleges: many,
			ballots: [
				...ballots.slice(0, 9),
				ballot('etat-9', 'caf', { p1: 4, p2: 1 }),
				ballot('caf-1', 'caf', { p1: 5 }),
			].map((entry, index) => (index === 9 ? { ...entry, voter: 'caf-0' } : entry)),
			answers: [],
			anonymous: true,
			equalWeight: true,
		})
		expect(JSON.stringify(other.groups)).toBe(JSON.stringify(published.groups))
		expect(other.proposals.map((proposal) => [proposal.byGroup, proposal.weightedShare])).toEqual(
			published.proposals.map((proposal) => [proposal.byGroup, proposal.weightedShare]),
		)
	})

	it('consensus answers are always pooled; a side under the floor gives no measure', () => {
		const answers: Answer[] = [
			...people('benevoles', 4).map((p) => ({
				respondent: p.id,
				college: p.college,
				answers: { p1: { answer: 'agree' as const, why: null } },
			})),
			...people('etat', 2).map((p) => ({
				respondent: p.id,
				college: p.college,
				answers: { p1: { answer: 'agree' as const, why: null } },
			})),
		]
		const result = tally({ proposals: ['p1'], colleges: many, ballots: [], answers, anonymous: false })
		expect(result.proposals[0]?.answersBySide).toEqual({ associations: null, funders: null })
		expect(result.proposals[0]?.consensus.flag).toBe('insuffisant')
	})

	it('named votes show every college as it is', () => {
		const ballots = [...people('benevoles', 4), ...people('etat', 1)].map((p) => ballot(p.id, p.college, { p1: 1 }))
		const result = tally({ proposals: ['p1'], colleges: many, ballots, answers: [], anonymous: false })
		expect(result.groups.map((group) => `${group.id}:${group.voters}`)).toEqual(['benevoles:4', 'etat:1'])
	})
})
