import type { CollegeSide } from '../template/template-schema.ts'
import type { Allocation, ConsensusAnswer } from './vote.ts'

/**
 * Tallies of a dot vote and a consensus check, overall and per college (SPEC V6–V9). Pure: the
 * server computes them from ballots it never publishes, and publishes only the result.
 */

export interface Ballot {
	voter: string
	college: string | null
	allocation: Allocation
	proxy: boolean
}

export interface Answer {
	respondent: string
	college: string | null
	answers: Record<string, { answer: ConsensusAnswer; why: string | null }>
}

export interface TallyCollege {
	id: string
	side: CollegeSide
}

/** A column of the published tally: a college, or colleges pooled to protect small ones (V8). */
export interface TallyGroup {
	id: string
	kind: 'college' | 'side' | 'others'
	/** The college's id, or the side pooled. */
	college: string | null
	side: CollegeSide | null
	voters: number
}

export type ConsensusFlag = 'consensuel' | 'clivant' | 'partage' | 'insuffisant'

export interface ProposalTally {
	id: string
	dots: number
	/** Voters who gave it at least one dot. */
	supporters: number
	/** Dots per group id. Groups below the anonymity floor are pooled, never shown alone. */
	byGroup: Record<string, number>
	/** V7: share of the whole with every college weighing the same (0–1). */
	weightedShare: number
	/** V9: per side, the measure the flag is computed from (0–1), or null without respondents. */
	sides: { associations: number | null; funders: number | null }
	consensus: { score: number | null; flag: ConsensusFlag; basis: 'consensus-check' | 'vote' }
	/** Consensus check answers, and the one-line reasons given (without their authors). */
	answers: { agree: number; disagree: number; unsure: number }
	reasons: string[]
}

export interface Tally {
	/** V7: ranked by the equal-weight share rather than by dots. */
	equalWeight: boolean
	voters: number
	proxyVoters: number
	groups: TallyGroup[]
	proposals: ProposalTally[]
}

/** V8: in an anonymous vote, a college with fewer voters than this is never shown alone. */
export const ANONYMITY_FLOOR = 3
/** V9: a side "supports" a proposal from this share up; consensuel needs both sides to. */
export const CONSENSUS_THRESHOLD = 0.6
export const VOTE_SUPPORT_THRESHOLD = 0.5
/** V9: clivant when the two sides differ by this much or more. */
export const DIVIDE_GAP = 0.4

/**
 * V6–V9. `anonymous` pools small colleges (V8); `answers` are the consensus check's, used for the
 * consensus flag of the proposals they cover (V9), the vote otherwise.
 */
export function tally(input: {
	proposals: readonly string[]
	colleges: readonly TallyCollege[]
	ballots: readonly Ballot[]
	answers: readonly Answer[]
	anonymous: boolean
	/** V7: rank by the equal-weight share instead of the dots. */
	equalWeight?: boolean
}): Tally {
	// V2: a ballot with no dot is a withdrawal; its voter is not counted (older data may hold some).
	const ballots = input.ballots.filter((ballot) => sum(ballot.allocation) > 0)
	const sideOf = (college: string | null): CollegeSide =>
		input.colleges.find((candidate) => candidate.id === college)?.side ?? 'other'
	const groups = groupVoters(ballots, input.colleges, input.anonymous)
	const groupOf = new Map(groups.members.map(([voter, group]) => [voter, group]))

	// V7: every college that voted weighs 1 / (number of such colleges).
	const dotsPerCollege = new Map<string, number>()
	for (const ballot of ballots) {
		const key = ballot.college ?? '-'
		dotsPerCollege.set(key, (dotsPerCollege.get(key) ?? 0) + sum(ballot.allocation))
	}
	const votingColleges = [...dotsPerCollege.entries()].filter(([, dots]) => dots > 0)

	const votersBySide = { associations: 0, funders: 0 }
	for (const ballot of ballots) {
		const side = sideOf(ballot.college)
		if (side !== 'other') votersBySide[side]++
	}

	const proposals = input.proposals.map((id): ProposalTally => {
		const byGroup: Record<string, number> = {}
		for (const group of groups.list) byGroup[group.id] = 0
		let dots = 0
		let supporters = 0
		const supportersBySide = { associations: 0, funders: 0 }
		const dotsByCollege = new Map<string, number>()
		for (const ballot of ballots) {
			const given = ballot.allocation[id] ?? 0
			if (given === 0) continue
			dots += given
			supporters++
			const group = groupOf.get(ballot.voter)
			if (group !== undefined) byGroup[group] = (byGroup[group] ?? 0) + given
			const key = ballot.college ?? '-'
			dotsByCollege.set(key, (dotsByCollege.get(key) ?? 0) + given)
			const side = sideOf(ballot.college)
			if (side !== 'other') supportersBySide[side]++
		}
		const weightedShare =
			votingColleges.length === 0
				? 0
				: votingColleges.reduce((share, [college, total]) => share + (dotsByCollege.get(college) ?? 0) / total, 0) /
					votingColleges.length

		const counts = { agree: 0, disagree: 0, unsure: 0 }
		const bySide = { associations: { agree: 0, all: 0 }, funders: { agree: 0, all: 0 } }
		const reasons: string[] = []
		for (const respondent of input.answers) {
			const given = respondent.answers[id]
			if (!given) continue
			counts[given.answer]++
			if (given.why) reasons.push(given.why)
			const side = sideOf(respondent.college)
			if (side === 'other') continue
			bySide[side].all++
			if (given.answer === 'agree') bySide[side].agree++
		}
		const answered = counts.agree + counts.disagree + counts.unsure > 0
		// V8 for sides too: in an anonymous vote a side below the floor gives no measure.
		const floor = input.anonymous ? ANONYMITY_FLOOR : 1
		const rate = (part: number, all: number) => (all < floor ? null : part / all)
		const sides = answered
			? {
					associations: rate(bySide.associations.agree, bySide.associations.all),
					funders: rate(bySide.funders.agree, bySide.funders.all),
				}
			: {
					associations: rate(supportersBySide.associations, votersBySide.associations),
					funders: rate(supportersBySide.funders, votersBySide.funders),
				}
		return {
			id,
			dots,
			supporters,
			byGroup,
			weightedShare,
			sides,
			consensus: consensusOf(sides, answered ? CONSENSUS_THRESHOLD : VOTE_SUPPORT_THRESHOLD, answered),
			answers: counts,
			reasons,
		}
	})
	const weighted = input.equalWeight === true
	proposals.sort(
		(a, b) =>
			(weighted ? b.weightedShare - a.weightedShare : b.dots - a.dots) ||
			(weighted ? b.dots - a.dots : b.weightedShare - a.weightedShare) ||
			a.id.localeCompare(b.id),
	)
	return {
		equalWeight: weighted,
		voters: ballots.length,
		proxyVoters: ballots.filter((ballot) => ballot.proxy).length,
		groups: groups.list,
		proposals,
	}
}

/** V9: consensuel when both sides reach the threshold; clivant when they are far apart. */
export function consensusOf(
	sides: { associations: number | null; funders: number | null },
	threshold: number,
	fromAnswers: boolean,
): ProposalTally['consensus'] {
	const basis = fromAnswers ? 'consensus-check' : 'vote'
	const { associations, funders } = sides
	if (associations === null || funders === null) return { score: null, flag: 'insuffisant', basis }
	const score = Math.min(associations, funders)
	const flag: ConsensusFlag =
		associations >= threshold && funders >= threshold
			? 'consensuel'
			: Math.abs(associations - funders) >= DIVIDE_GAP
				? 'clivant'
				: 'partage'
	return { score, flag, basis }
}

/**
 * V8: the tally's columns. Named votes show every college. In an anonymous vote every column has
 * at least ANONYMITY_FLOOR voters and the columns always add up to the total, so no ballot can be
 * read off (or subtracted out of) the tally: a side with a college below the floor is shown as one
 * column for the whole side; sides still below the floor are pooled into "others"; a pool still
 * below the floor joins the smallest other column (which becomes "others"); alone, it is the total.
 */
function groupVoters(
	ballots: readonly Ballot[],
	colleges: readonly TallyCollege[],
	anonymous: boolean,
): { list: TallyGroup[]; members: [string, string][] } {
	const sideOf = (college: string): CollegeSide => colleges.find((c) => c.id === college)?.side ?? 'other'
	const byCollege = new Map<string, string[]>()
	for (const ballot of ballots) {
		const key = ballot.college ?? '-'
		byCollege.set(key, [...(byCollege.get(key) ?? []), ballot.voter])
	}
	const ordered = [...colleges.map((college) => college.id), '-'].filter((id) => byCollege.has(id))
	type Column = TallyGroup & { members: string[] }
	let columns: Column[] = ordered.map((college) => {
		const members = byCollege.get(college) ?? []
		return { id: college, kind: 'college', college, side: sideOf(college), voters: members.length, members }
	})
	if (anonymous) {
		const small = (column: Column) => column.voters < ANONYMITY_FLOOR
		for (const side of ['associations', 'funders', 'other'] as const) {
			const ofSide = columns.filter((column) => column.side === side)
			if (!ofSide.some(small)) continue
			const members = ofSide.flatMap((column) => column.members)
			const pooled: Column = { id: `side:${side}`, kind: 'side', college: null, side, voters: members.length, members }
			columns = [...columns.filter((column) => column.side !== side), pooled]
		}
		const tooSmall = columns.filter(small)
		if (tooSmall.length > 0) {
			let rest = columns.filter((column) => !small(column))
			let members = tooSmall.flatMap((column) => column.members)
			if (members.length < ANONYMITY_FLOOR && rest.length > 0) {
				const smallest = rest.reduce((a, b) => (b.voters < a.voters ? b : a))
				rest = rest.filter((column) => column !== smallest)
				members = [...smallest.members, ...members]
			}
			columns = [...rest, { id: 'others', kind: 'others', college: null, side: null, voters: members.length, members }]
		}
	}
	return {
		list: columns.map(({ members: _members, ...group }) => group),
		members: columns.flatMap((column) => column.members.map((voter): [string, string] => [voter, column.id])),
	}
}

function sum(allocation: Allocation): number {
	return Object.values(allocation).reduce((total, dots) => total + dots, 0)
}
