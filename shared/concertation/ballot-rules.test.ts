import { expect, test } from 'vitest'
import { tally } from './tally.ts'
import { type Allocation, checkBallot, isWithdrawal, type VoteState } from './vote.ts'

const vote: VoteState = {
	status: 'open',
	settings: { budget: 3, maxPerProposal: 2, banOwn: false, anonymous: true },
	proposals: ['propositiona', 'propositionb'],
	openedAt: '2026-12-03T10:00:00.000Z',
	endsAt: null,
	closedAt: null,
	revealed: false,
}
const context = { ownProposals: new Set<string>(), now: Date.parse('2026-12-03T10:01:00.000Z') }

test.each([
	['__proto__ as an own key (as JSON.parse makes it)', JSON.parse('{"__proto__": {"propositiona": 2}}')],
	['__proto__ beside a real proposal', JSON.parse('{"__proto__": 1, "propositiona": 1}')],
	['constructor', { constructor: 1 }],
	['toString', { toString: 1 }],
	['a symbol', { [Symbol('x')]: 1 }],
	['an unknown id', { propositionz: 1 }],
])('[V2] a ballot keyed by %s is refused as unknown_proposal', (_, allocation) => {
	const checked = checkBallot(vote, allocation as Allocation, context)
	expect(checked.ok ? null : checked.error.code).toBe('unknown_proposal')
})

test.each([
	[{}, true],
	[{ propositiona: 0 }, true],
	[{ propositiona: 0, propositionb: 1 }, false],
])('[V2] %j is a withdrawal: %s', (allocation, expected) => {
	expect(isWithdrawal(allocation)).toBe(expected)
})

test('[V2] a ballot with no dot is not counted as a voter in the tally', () => {
	const result = tally({
		proposals: vote.proposals,
		colleges: [{ id: 'etat', side: 'funders' }],
		ballots: [
			{ voter: 'a', college: 'etat', allocation: { propositiona: 2 }, proxy: false },
			{ voter: 'b', college: 'etat', allocation: {}, proxy: false },
			{ voter: 'c', college: 'etat', allocation: { propositionb: 0 }, proxy: true },
		],
		answers: [],
		anonymous: false,
	})
	expect(result.voters).toBe(1)
	expect(result.proxyVoters).toBe(0)
	expect(result.proposals.find((p) => p.id === 'propositiona')?.supporters).toBe(1)
})
