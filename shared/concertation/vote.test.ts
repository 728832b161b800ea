import { describe, expect, it } from 'vitest'
import { type Ballot, type Answer, ANONYMITY_FLOOR, consensusOf, tally, type TallyCollege } from './tally.ts'
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

describe('[V5] ballot order', () => {
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

describe('V6–V9 tallies', () => {
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

	it('[V6] counts dots and supporters overall and per college, highest first', () => {
		expect(result.proposals.map((proposal) => proposal.id)).toEqual(['p1', 'p2', 'p3'])
		expect(p('p1')).toMatchObject({ dots: 9, supporters: 5, byGroup: { assos: 6, etat: 3 } })
		expect(p('p2')).toMatchObject({ dots: 6, byGroup: { assos: 6, etat: 0 } })
		expect(result).toMatchObject({ voters: 7, proxyVoters: 1 })
	})

	it('[V7] equal college weights: each college counts for the same share', () => {
		// assos gave 12 dots, 6 of them to p1; etat gave 7, 3 of them to p1.
		expect(p('p1')?.weightedShare).toBeCloseTo((6 / 12 + 3 / 7) / 2)
		const total = result.proposals.reduce((sum, proposal) => sum + proposal.weightedShare, 0)
		expect(total).toBeCloseTo(1)
	})

	it('[V7] with equal weights chosen, the ranking follows the weighted share', () => {
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

	it('V9 from the vote: consensuel when both sides support it, clivant when far apart', () => {
		// p1: 3 of 4 association voters, 2 of 3 funder voters.
		expect(p('p1')?.consensus).toEqual({ score: 2 / 3, flag: 'consensuel', basis: 'vote' })
		// p2: 3 of 4 associations, no funder.
		expect(p('p2')?.consensus.flag).toBe('clivant')
	})

	it('V9 from consensus-check answers where there are some, with the reasons kept without authors', () => {
		const answers: Answer[] = [
			...['a1', 'a2', 'a3'].map((respondent) => ({
				respondent,
				college: 'assos',
				answers: { p3: { answer: 'agree' as const, why: null } },
			})),
			{ respondent: 'e1', college: 'etat', answers: { p3: { answer: 'disagree', why: 'Pas de budget en 2027' } } },
			{ respondent: 'e2', college: 'etat', answers: { p3: { answer: 'unsure', why: null } } },
			{ respondent: 'e3', college: 'etat', answers: { p3: { answer: 'disagree', why: null } } },
		]
		const checked = tally({ proposals: ['p3'], colleges, ballots, answers, anonymous: false })
		expect(checked.proposals[0]).toMatchObject({
			answers: { agree: 3, disagree: 2, unsure: 1 },
			reasons: ['Pas de budget en 2027'],
			sides: { associations: 1, funders: 0 },
			consensus: { flag: 'clivant', basis: 'consensus-check', score: 0 },
		})
	})

	it.each<[{ associations: number | null; funders: number | null }, string]>([
		[{ associations: 0.8, funders: 0.7 }, 'consensuel'],
		[{ associations: 0.6, funders: 0.6 }, 'consensuel'],
		[{ associations: 0.7, funders: 0.4 }, 'partage'],
		[{ associations: 0.9, funders: 0.5 }, 'clivant'],
		[{ associations: 0.2, funders: 0.1 }, 'partage'],
		[{ associations: 0.9, funders: null }, 'insuffisant'],
	])('V9 thresholds from the consensus check: %o → %s', (sides, flag) => {
		expect(consensusOf(sides, 0.6, true).flag).toBe(flag)
	})
})

describe('V8 anonymity of small colleges', () => {
	const voters = (college: string, count: number, allocation: Allocation) =>
		Array.from({ length: count }, (_, i) => ballot(`${college}-${i}`, college, allocation))
	const columnsOf = (ballots: Ballot[]) =>
		tally({ proposals: ['p1'], colleges, ballots, answers: [], anonymous: true }).groups.map(
			(group) => `${group.id}:${group.voters}`,
		)

	it('a college below the floor is never shown alone: its side is shown as one column', () => {
		expect(
			columnsOf([
				...voters('assos', 4, { p1: 1 }),
				...voters('reseaux', 1, { p1: 2 }),
				...voters('etat', 3, { p1: 1 }),
			]),
		).toEqual(['etat:3', 'side:associations:5'])
	})

	it('a side below the floor is pooled with the smallest other column, never left out', () => {
		expect(
			columnsOf([...voters('assos', 5, { p1: 1 }), ...voters('etat', 1, {}), ...voters('caf', 1, { p1: 3 })]),
		).toEqual(['others:7'])
		expect(
			columnsOf([...voters('assos', 5, { p1: 1 }), ...voters('reseaux', 4, {}), ...voters('etat', 2, { p1: 3 })]),
		).toEqual(['assos:5', 'others:6'])
	})

	it('every column has at least the floor and the columns add up to the total (nothing to subtract)', () => {
		const ballots = [
			...voters('assos', 3, { p1: 1 }),
			...voters('reseaux', 2, { p1: 2 }),
			...voters('etat', 4, { p1: 1 }),
			...voters('caf', 1, { p1: 3 }),
		]
		const result = tally({ proposals: ['p1'], colleges, ballots, answers: [], anonymous: true })
		for (const group of result.groups) expect(group.voters).toBeGreaterThanOrEqual(ANONYMITY_FLOOR)
		const shown = Object.values(result.proposals[0]?.byGroup ?? {}).reduce((a, b) => a + b, 0)
		expect(shown).toBe(result.proposals[0]?.dots)
	})

	it('a side below the floor gives no consensus measure in an anonymous vote', () => {
		const ballots = [...voters('assos', 4, { p1: 1 }), ...voters('etat', 2, { p1: 1 })]
		const result = tally({ proposals: ['p1'], colleges, ballots, answers: [], anonymous: true })
		expect(result.proposals[0]?.sides).toEqual({ associations: 1, funders: null })
		expect(result.proposals[0]?.consensus.flag).toBe('insuffisant')
	})

	it('named votes show every college as it is', () => {
		const ballots = [...voters('assos', 4, { p1: 1 }), ...voters('etat', 1, { p1: 1 })]
		const result = tally({ proposals: ['p1'], colleges, ballots, answers: [], anonymous: false })
		expect(result.groups.map((group) => `${group.id}:${group.voters}`)).toEqual(['assos:4', 'etat:1'])
	})
})
