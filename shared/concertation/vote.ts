import type { Result } from '../result.ts'
import { err, ok } from '../result.ts'
import type { Role } from '../workshop/roles.ts'
import type { Refusal } from './contribution-rules.ts'

/**
 * Dot vote and consensus check (SPEC V). The control document holds the vote's settings and
 * status (`vote` map) and, once revealed, the tallies; ballots and answers stay on the server.
 */
export interface VoteSettings {
	/** Dots each participant may place. */
	budget: number
	/** At most this many dots on one proposal. */
	maxPerProposal: number
	/** Nobody may put dots on proposals they wrote (or on one their own duplicate was merged into). */
	banOwn: boolean
	/** Anonymous: ballots are never published, tallies protect small colleges (V4). */
	anonymous: boolean
	/** V7: rank by the equal-weight share (each college counts the same) rather than by dots. */
	equalWeight?: boolean
}

export type PollStatus = 'idle' | 'open' | 'closed'

/** The vote as published in the control document. */
export interface VoteState {
	status: PollStatus
	settings: VoteSettings | null
	/** The proposals voted on, fixed when the vote opens. */
	proposals: string[]
	openedAt: string | null
	/** Server time after which ballots are refused, or null for no time limit. */
	endsAt: string | null
	closedAt: string | null
	revealed: boolean
}

export const idleVote = (): VoteState => ({
	status: 'idle',
	settings: null,
	proposals: [],
	openedAt: null,
	endsAt: null,
	closedAt: null,
	revealed: false,
})

/** Proposal id → dots. */
export type Allocation = Record<string, number>

export const consensusAnswers = ['agree', 'disagree', 'unsure'] as const
export type ConsensusAnswer = (typeof consensusAnswers)[number]

/** The consensus check as published in the control document. */
export interface ConsensusState {
	status: PollStatus
	proposals: string[]
	openedAt: string | null
	endsAt: string | null
	closedAt: string | null
	revealed: boolean
}

export const idleConsensus = (): ConsensusState => ({
	status: 'idle',
	proposals: [],
	openedAt: null,
	endsAt: null,
	closedAt: null,
	revealed: false,
})

const refuse = (status: Refusal['status'], code: string, message: string) => err<Refusal>({ status, code, message })

/** V1: a poll accepts answers while open and before its end (server time). */
export function isAccepting(poll: { status: PollStatus; endsAt: string | null }, now: number): boolean {
	return poll.status === 'open' && (poll.endsAt === null || now < Date.parse(poll.endsAt))
}

/** V1: who may vote: participants for themselves; the facilitator only for a paper participant. */
export function checkVoter(
	actor: { role: Role; participantId: string },
	onBehalfOf: { participantId: string; paper: boolean } | null,
): Result<{ voter: string; proxy: boolean }, Refusal> {
	if (actor.role === 'observer') return refuse(403, 'observer_cannot_vote', 'observers do not vote')
	if (onBehalfOf) {
		if (actor.role !== 'facilitator') {
			return refuse(403, 'facilitator_only', 'only the facilitator records a vote for someone else')
		}
		if (!onBehalfOf.paper) {
			return refuse(403, 'not_a_paper_participant', 'votes are recorded for participants taking part on paper only')
		}
		return ok({ voter: onBehalfOf.participantId, proxy: true })
	}
	if (actor.role === 'facilitator') {
		return refuse(403, 'facilitator_does_not_vote', 'the facilitator does not vote (only records paper votes)')
	}
	return ok({ voter: actor.participantId, proxy: false })
}

/**
 * V2: a ballot is the voter's whole allocation (not an increment), so a retry or a second device
 * sends the same absolute numbers and can never count twice. Returns it without zeros. Its keys
 * are the vote's proposal ids and nothing else: `__proto__`, `constructor` or any other key is
 * refused (400 `unknown_proposal`), never dropped — dropping it would silently withdraw the
 * voter's dots. A ballot with no dot at all is a withdrawal ({@link isWithdrawal}).
 */
export function checkBallot(
	vote: VoteState,
	allocation: Allocation,
	context: { ownProposals: ReadonlySet<string>; now: number },
): Result<Allocation, Refusal> {
	const settings = vote.settings
	if (!settings || !isAccepting(vote, context.now)) return refuse(409, 'vote_closed', 'the vote is not open')
	let total = 0
	const kept: Allocation = {}
	// Every own key, `__proto__` included: JSON.parse makes it an own key, which some validators
	// silently leave out of the object they return.
	for (const proposal of Reflect.ownKeys(allocation)) {
		if (typeof proposal !== 'string' || !vote.proposals.includes(proposal)) {
			return refuse(400, 'unknown_proposal', `proposal "${String(proposal)}" is not part of this vote`)
		}
		const dots: unknown = allocation[proposal]
		if (typeof dots !== 'number' || !Number.isInteger(dots) || dots < 0)
			return refuse(400, 'invalid_dots', 'dots are whole numbers from 0')
		if (dots > settings.maxPerProposal) {
			return refuse(409, 'over_maximum', `at most ${settings.maxPerProposal} dots on one proposal`)
		}
		if (dots > 0 && settings.banOwn && context.ownProposals.has(proposal)) {
			return refuse(403, 'own_proposal', 'you cannot vote for your own proposal in this vote')
		}
		total += dots
		if (dots > 0) kept[proposal] = dots
	}
	if (total > settings.budget) return refuse(409, 'over_budget', `at most ${settings.budget} dots in all`)
	return ok(kept)
}

/**
 * V2: a ballot with no dot (`{}` or only zeros) withdraws the voter's earlier ballot: they are no
 * longer counted as a voter, in the tally or its anonymity thresholds.
 */
export function isWithdrawal(allocation: Allocation): boolean {
	return Object.values(allocation).every((dots) => dots === 0)
}

/**
 * V5: the order a participant sees the proposals in: a shuffle seeded by the participant, so it
 * is stable for them across reloads and devices but differs between people (no first-place bias).
 */
export function ballotOrder<T extends string>(proposals: readonly T[], participantId: string): T[] {
	let seed = 2166136261
	for (const char of participantId) seed = Math.imul(seed ^ char.charCodeAt(0), 16777619) >>> 0
	const next = () => {
		// mulberry32
		seed = (seed + 0x6d2b79f5) >>> 0
		let t = seed
		t = Math.imul(t ^ (t >>> 15), t | 1)
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
	const order = [...proposals]
	for (let i = order.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1))
		;[order[i], order[j]] = [order[j] as T, order[i] as T]
	}
	return order
}
