import type { Result } from '../result.ts'
import { err, ok } from '../result.ts'
import type { TemplatePhase } from '../template/template-schema.ts'
import type { Contribution } from './contribution.ts'
import type { Refusal } from './contribution-rules.ts'
import { mergedInto } from './contribution-rules.ts'
import {
	type Allocation,
	type ConsensusAnswer,
	type ConsensusState,
	idleConsensus,
	isAccepting,
	type VoteSettings,
	type VoteState,
} from './vote.ts'

/**
 * The lifecycle of the dot vote and of the consensus check (SPEC V1–V4): open, extend, close,
 * reveal, and the answers a consensus check takes. Each step takes the current state and returns
 * the next one, or a refusal; the server writes the result into the control document.
 */

const refuse = (status: Refusal['status'], code: string, message: string) => err<Refusal>({ status, code, message })
const at = (now: number, minutes: number | null) =>
	minutes === null ? null : new Date(now + minutes * 60_000).toISOString()

/** V1: ballots and answers are taken only while the poll's phase (`vote`, `consensus-check`) is on. */
export function checkPollPhase(phase: TemplatePhase | null, kind: 'vote' | 'consensus-check'): Result<void, Refusal> {
	if (phase?.kind !== kind) return refuse(409, 'wrong_phase', `answers are taken during the ${kind} phase only`)
	return ok(undefined)
}

/** Proposals that can be voted on: published, not merged into another. */
export function votableProposals(contributions: ReadonlyMap<string, Contribution>): string[] {
	return [...contributions.values()]
		.filter((contribution) => contribution.type === 'proposition' && contribution.mergedInto === null)
		.map((contribution) => contribution.id)
}

/**
 * V2 with the ban on one's own proposals: what the voter wrote, and the proposals that absorbed
 * a duplicate the voter wrote.
 */
export function ownProposals(
	contributions: ReadonlyMap<string, Contribution>,
	authors: Readonly<Record<string, string>>,
	voter: string,
): Set<string> {
	const own = new Set<string>()
	for (const contribution of contributions.values()) {
		if (contribution.type !== 'proposition') continue
		const family = [contribution, ...mergedInto(contributions, contribution.id)]
		if (family.some((member) => authors[member.id] === voter)) own.add(contribution.id)
	}
	return own
}

/** Dots placed by an allocation. */
export function ballotTotal(allocation: Allocation): number {
	return Object.values(allocation).reduce((sum, dots) => sum + dots, 0)
}

/** Checks a list of proposals against the candidates; an empty list is refused. */
function checkProposals(
	proposals: readonly string[],
	candidates: readonly string[],
	texts: { unknown: string; empty: string },
): Result<string[], Refusal> {
	const unknown = proposals.find((id) => !candidates.includes(id))
	if (unknown) return refuse(400, 'unknown_proposal', `"${unknown}" is not ${texts.unknown}`)
	if (proposals.length === 0) return refuse(409, 'no_proposals', texts.empty)
	return ok([...new Set(proposals)])
}

/** V1: opens a vote on the given proposals (all votable ones by default); the previous one ends. */
export function openVote(
	current: VoteState,
	input: { settings: VoteSettings; proposals?: readonly string[]; minutes: number | null },
	candidates: readonly string[],
	now: number,
): Result<VoteState, Refusal> {
	if (current.status === 'open') return refuse(409, 'vote_open', 'a vote is already open; close it first')
	const proposals = checkProposals(input.proposals ?? candidates, candidates, {
		unknown: 'a proposal that can be voted on',
		empty: 'there is no proposal to vote on',
	})
	if (!proposals.ok) return proposals
	return ok({
		status: 'open',
		settings: input.settings,
		proposals: proposals.value,
		openedAt: new Date(now).toISOString(),
		endsAt: at(now, input.minutes),
		closedAt: null,
		revealed: false,
	})
}

/** Closes the open vote: ballots are refused from now on. */
export function closeVote(vote: VoteState, now: number): Result<VoteState, Refusal> {
	if (vote.status !== 'open') return refuse(409, 'vote_not_open', 'no vote is open')
	return ok({ ...vote, status: 'closed', closedAt: new Date(now).toISOString() })
}

/** Gives the open vote more time, counted from its end (or from now when it already ran out). */
export function extendVote(vote: VoteState, minutes: number, now: number): Result<VoteState, Refusal> {
	if (vote.status !== 'open') return refuse(409, 'vote_not_open', 'no vote is open')
	const from = Math.max(now, vote.endsAt === null ? now : Date.parse(vote.endsAt))
	return ok({ ...vote, endsAt: new Date(from + minutes * 60_000).toISOString() })
}

/** V4: reveals the vote's results (open or closed). */
export function revealVote(vote: VoteState): Result<VoteState, Refusal> {
	if (vote.status === 'idle') return refuse(409, 'vote_not_open', 'there is no vote to reveal')
	return ok({ ...vote, revealed: true })
}

/**
 * The proposals a consensus check covers when the facilitator names none: the top of the vote
 * (`ranked`, proposals with dots, best first), or every candidate when there was no vote.
 */
export function defaultConsensusProposals(ranked: readonly string[], candidates: readonly string[], top = 5): string[] {
	return (ranked.length > 0 ? ranked : candidates).slice(0, top)
}

/** V1: opens a consensus check on the given proposals; the previous one's answers are withdrawn. */
export function openConsensus(
	current: ConsensusState,
	input: { proposals: readonly string[]; minutes: number | null },
	candidates: readonly string[],
	now: number,
): Result<ConsensusState, Refusal> {
	if (current.status === 'open') return refuse(409, 'consensus_open', 'a consensus check is already open')
	const proposals = checkProposals(input.proposals, candidates, {
		unknown: 'a proposal',
		empty: 'there is no proposal to check',
	})
	if (!proposals.ok) return proposals
	return ok({
		...idleConsensus(),
		status: 'open',
		proposals: proposals.value,
		openedAt: new Date(now).toISOString(),
		endsAt: at(now, input.minutes),
	})
}

export type ConsensusAnswers = Record<string, { answer: ConsensusAnswer; why: string | null }>

/**
 * V1–V2 for the consensus check: the respondent's answers merged over what they gave before, or a
 * refusal when the check is not taking answers or names a proposal it does not cover.
 */
export function answerConsensus(
	consensus: ConsensusState,
	previous: Readonly<ConsensusAnswers>,
	given: Readonly<Record<string, { answer: ConsensusAnswer; why?: string | null }>>,
	now: number,
): Result<ConsensusAnswers, Refusal> {
	if (!isAccepting(consensus, now)) return refuse(409, 'consensus_closed', 'the consensus check is not open')
	const unknown = Object.keys(given).find((id) => !consensus.proposals.includes(id))
	if (unknown) return refuse(400, 'unknown_proposal', `"${unknown}" is not part of this consensus check`)
	const mine: ConsensusAnswers = { ...previous }
	for (const [id, answer] of Object.entries(given)) mine[id] = { answer: answer.answer, why: answer.why || null }
	return ok(mine)
}

/** Closes the open consensus check. */
export function closeConsensus(consensus: ConsensusState, now: number): Result<ConsensusState, Refusal> {
	if (consensus.status !== 'open') return refuse(409, 'consensus_not_open', 'no consensus check is open')
	return ok({ ...consensus, status: 'closed', closedAt: new Date(now).toISOString() })
}

/** V4: reveals the consensus check's results. */
export function revealConsensus(consensus: ConsensusState): Result<ConsensusState, Refusal> {
	if (consensus.status === 'idle') return refuse(409, 'consensus_not_open', 'there is nothing to reveal')
	return ok({ ...consensus, revealed: true })
}
