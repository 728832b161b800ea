import type { ConsensusAnswers } from './poll-lifecycle.ts'
import { type Answer, type Ballot, type Tally, type TallyCollege, tally } from './tally.ts'
import { type Allocation, type ConsensusState, isWithdrawal, type VoteState } from './vote.ts'

/**
 * What is published from the polls (SPEC V3–V4): the tally of what the facilitator revealed, and
 * a named vote's ballots once revealed. Anonymous ballots and consensus answers never leave the
 * server one by one; only this does.
 */

/** A ballot as the server keeps it. */
export interface StoredBallot {
	allocation: Allocation
	proxy: boolean
	at: string
}

/** Everything the results are computed from, as plain data. */
export interface PollRecords {
	vote: VoteState
	consensus: ConsensusState
	participants: ReadonlyMap<string, { name: string; college: string | null }>
	colleges: readonly TallyCollege[]
	/** Participant → ballot. */
	ballots: Readonly<Record<string, StoredBallot>>
	/** Participant → consensus-check answers. */
	answers: Readonly<Record<string, ConsensusAnswers>>
	/** The tally of an imported workshop whose anonymous ballots stayed on its first server (E11). */
	importedTally: Tally | null
	/** Sets of proposals whose distinct supporters the documents need (a recommendation's sources). */
	bundles?: Readonly<Record<string, readonly string[]>>
}

/** A named vote's ballot, as published once revealed. */
export interface NamedBallot {
	name: string
	college: string | null
	allocation: Record<string, number>
	proxy: boolean
}

/** The tally of what is revealed (`all`: everything, for the facilitator's preview and exports). */
export function revealedTally(records: PollRecords, all: boolean): Tally {
	const { vote, consensus, participants } = records
	const noBallots = Object.keys(records.ballots).length === 0 && Object.keys(records.answers).length === 0
	if (noBallots && records.importedTally) return records.importedTally
	const showVote = all || vote.revealed
	const showConsensus = all || consensus.revealed
	const collegeOf = (id: string) => participants.get(id)?.college ?? null
	const ballots: Ballot[] = showVote
		? Object.entries(records.ballots).map(([voter, ballot]) => ({
				voter,
				college: collegeOf(voter),
				allocation: ballot.allocation,
				proxy: ballot.proxy,
			}))
		: []
	const answers: Answer[] = showConsensus
		? Object.entries(records.answers).map(([respondent, given]) => ({
				respondent,
				college: collegeOf(respondent),
				answers: given,
			}))
		: []
	const proposals = [...new Set([...(showVote ? vote.proposals : []), ...(showConsensus ? consensus.proposals : [])])]
	return tally({
		proposals,
		colleges: records.colleges,
		ballots,
		answers,
		// Consensus-check answers are always anonymous; a named vote shows its colleges as they are.
		anonymous: vote.settings?.anonymous !== false || answers.length > 0,
		equalWeight: vote.settings?.equalWeight === true,
		bundles: records.bundles,
	})
}

/** V4: what the control document shows: nothing until a poll is revealed. */
export function publishedResults(records: PollRecords): { tally: Tally | null; ballots: NamedBallot[] | null } {
	const { vote, consensus, participants } = records
	if (!vote.revealed && !consensus.revealed) return { tally: null, ballots: null }
	const named = vote.revealed && vote.settings?.anonymous === false
	return {
		tally: revealedTally(records, false),
		ballots: named
			? Object.entries(records.ballots)
					// V2: a withdrawn (empty) ballot is no ballot.
					.filter(([, ballot]) => !isWithdrawal(ballot.allocation))
					.map(([voter, ballot]) => ({
						name: participants.get(voter)?.name ?? '?',
						college: participants.get(voter)?.college ?? null,
						allocation: ballot.allocation,
						proxy: ballot.proxy,
					}))
			: null,
	}
}

/** The proposals with dots, best first, in the order the full tally ranks them. */
export function rankedByVote(records: PollRecords): string[] {
	return revealedTally(records, true)
		.proposals.filter((proposal) => proposal.dots > 0)
		.map((proposal) => proposal.id)
}
