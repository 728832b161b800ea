import type { CollegeSide } from '../template/template-schema.ts'
import type { Allocation, ConsensusAnswer } from './vote.ts'

/**
 * Tallies of a dot vote and a consensus check, overall and per column (SPEC V6–V10). Pure: the
 * server computes them from ballots it never publishes, and publishes only the result. The same
 * anonymity rule (V8, {@link publishedColumns}) and the same ranking rule (V9,
 * {@link compareSupport}) serve the room's revealed tallies, every exported document and the
 * syntheses.
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

/**
 * A published column: a college, colleges of one side pooled (`side`; `colleges` lists them), or
 * people of several sides pooled (`others`). `voters` is the column's population: voters in a
 * vote's columns, respondents in the consensus check's, participants in a document's.
 */
export interface TallyGroup {
	id: string
	kind: 'college' | 'side' | 'others'
	/** The college's id for a college column, null for a pool. */
	college: string | null
	side: CollegeSide | null
	/** The colleges pooled in this column (one for a college column). */
	colleges: string[]
	voters: number
}

/** V10: `non-mesure` when the proposal did not go through the consensus check. */
export const consensusFlags = ['consensuel', 'clivant', 'partage', 'insuffisant', 'non-mesure'] as const
export type ConsensusFlag = (typeof consensusFlags)[number]

export type AnswerCounts = {
	agree: number
	disagree: number
	unsure: number
}

/** A side's figures, published only when the side is a population of its own of at least 3 (V8). */
export interface SideSupport {
	dots: number
	supporters: number
	voters: number
}

export interface ProposalTally {
	id: string
	dots: number
	/** Voters who gave it at least one dot. */
	supporters: number
	/** Dots per published column id (V8): small colleges are pooled, never shown alone. */
	byGroup: Record<string, number>
	/** V7: mean over the published columns that voted of the share of the column's dots it got (0–1). */
	weightedShare: number
	/** Support per side, null where the side may not be shown on its own (V8). */
	support: { associations: SideSupport | null; funders: SideSupport | null }
	/** V10: per side, the share of "d'accord" among the side's respondents, null when not shown. */
	sides: { associations: number | null; funders: number | null }
	consensus: { score: number | null; flag: ConsensusFlag }
	/** Consensus check answers, overall. */
	answers: AnswerCounts
	/** Answers per side, null where the side may not be shown on its own (V8). */
	answersBySide: { associations: AnswerCounts | null; funders: AnswerCounts | null }
	/** The one-line reasons given (without their authors). */
	reasons: string[]
	/** The same reasons with the answer they came with and the respondent's published column. */
	why: { text: string; answer: ConsensusAnswer; group: string }[]
}

/** Distinct supporters of a set of proposals (a recommendation grouping several). */
export interface BundleTally {
	supporters: number
	bySide: { associations: number | null; funders: number | null }
}

export interface Tally {
	/** V7: ranked by the equal-weight share rather than by dots. */
	equalWeight: boolean
	voters: number
	proxyVoters: number
	/** The vote's published columns (V8). */
	groups: TallyGroup[]
	/** The consensus check's published columns (V8), over its respondents. */
	respondentGroups?: TallyGroup[]
	respondents?: number
	/** Voters per side, null where the side may not be shown on its own. */
	votersBySide?: { associations: number | null; funders: number | null }
	/** V9: ranked with {@link compareSupport}. */
	proposals: ProposalTally[]
	/** Distinct supporters of each bundle of proposals asked for (recommendations). */
	bundles?: Record<string, BundleTally>
}

/** V8: every published figure's population in a column is at least this. */
export const ANONYMITY_FLOOR = 3
/** V10: a side "agrees" from this share of "d'accord" up; consensuel needs both sides to. */
export const CONSENSUS_THRESHOLD = 0.6
/** V10: clivant when the two sides' shares of "d'accord" differ by this much or more. */
export const DIVIDE_GAP = 0.4

const SIDES = ['associations', 'funders'] as const

/**
 * V6–V10. `anonymous` pools small colleges (V8) — consensus answers are always pooled; `answers`
 * are the consensus check's, the only source of the consensus flag (V10). `proposals` is in the
 * order the vote listed them (their creation), the last tie-break of the ranking (V9).
 */
export function tally(input: {
	proposals: readonly string[]
	colleges: readonly TallyCollege[]
	ballots: readonly Ballot[]
	answers: readonly Answer[]
	anonymous: boolean
	/** V7: rank by the equal-weight share instead of the dots. */
	equalWeight?: boolean
	/** Sets of proposals whose distinct supporters are wanted (a recommendation's sources). */
	bundles?: Readonly<Record<string, readonly string[]>>
}): Tally {
	// V2: a ballot with no dot is a withdrawal; its voter is not counted (older data may hold some).
	const ballots = input.ballots.filter((ballot) => sum(ballot.allocation) > 0)
	const sideOf = (college: string | null): CollegeSide =>
		input.colleges.find((candidate) => candidate.id === college)?.side ?? 'other'
	const voterColumns = publishedColumns(
		ballots.map((ballot) => ({ id: ballot.voter, college: ballot.college })),
		input.colleges,
		input.anonymous,
	)
	const respondentColumns = publishedColumns(
		input.answers.map((answer) => ({ id: answer.respondent, college: answer.college })),
		input.colleges,
		true,
	)

	// V7 over the published columns only: nothing finer than a column enters a published share.
	const dotsPerColumn = new Map<string, number>()
	for (const ballot of ballots) {
		const column = voterColumns.columnOf.get(ballot.voter) ?? ''
		dotsPerColumn.set(column, (dotsPerColumn.get(column) ?? 0) + sum(ballot.allocation))
	}
	const votingColumns = [...dotsPerColumn.entries()].filter(([, dots]) => dots > 0)
	const votersBySide = { associations: 0, funders: 0 }
	for (const ballot of ballots) {
		const side = sideOf(ballot.college)
		if (side !== 'other') votersBySide[side]++
	}

	const proposals = input.proposals.map((id): ProposalTally => {
		const byGroup: Record<string, number> = {}
		for (const group of voterColumns.list) byGroup[group.id] = 0
		let dots = 0
		let supporters = 0
		const bySide = { associations: { dots: 0, supporters: 0 }, funders: { dots: 0, supporters: 0 } }
		for (const ballot of ballots) {
			const given = ballot.allocation[id] ?? 0
			if (given === 0) continue
			dots += given
			supporters++
			const column = voterColumns.columnOf.get(ballot.voter)
			if (column !== undefined) byGroup[column] = (byGroup[column] ?? 0) + given
			const side = sideOf(ballot.college)
			if (side !== 'other') {
				bySide[side].dots += given
				bySide[side].supporters++
			}
		}
		const weightedShare =
			votingColumns.length === 0
				? 0
				: votingColumns.reduce((share, [column, total]) => share + (byGroup[column] ?? 0) / total, 0) /
					votingColumns.length

		const counts: AnswerCounts = { agree: 0, disagree: 0, unsure: 0 }
		const answersBySide = {
			associations: { agree: 0, disagree: 0, unsure: 0 },
			funders: { agree: 0, disagree: 0, unsure: 0 },
		}
		const reasons: string[] = []
		const why: ProposalTally['why'] = []
		for (const respondent of input.answers) {
			const given = respondent.answers[id]
			if (!given) continue
			counts[given.answer]++
			if (given.why) {
				reasons.push(given.why)
				why.push({
					text: given.why,
					answer: given.answer,
					group: respondentColumns.columnOf.get(respondent.respondent) ?? '',
				})
			}
			const side = sideOf(respondent.college)
			if (side !== 'other') answersBySide[side][given.answer]++
		}
		const answered = counts.agree + counts.disagree + counts.unsure > 0
		const sideAnswers = {
			associations: respondentColumns.sideShown.associations ? answersBySide.associations : null,
			funders: respondentColumns.sideShown.funders ? answersBySide.funders : null,
		}
		const agreeShare = (side: AnswerCounts | null) => {
			const all = side ? side.agree + side.disagree + side.unsure : 0
			return side && all > 0 ? side.agree / all : null
		}
		const sides = { associations: agreeShare(sideAnswers.associations), funders: agreeShare(sideAnswers.funders) }
		const sideSupport = (side: (typeof SIDES)[number]): SideSupport | null =>
			voterColumns.sideShown[side] ? { ...bySide[side], voters: votersBySide[side] } : null
		return {
			id,
			dots,
			supporters,
			byGroup,
			weightedShare,
			support: { associations: sideSupport('associations'), funders: sideSupport('funders') },
			sides,
			consensus: answered ? consensusOf(sides) : { score: null, flag: 'non-mesure' },
			answers: counts,
			answersBySide: sideAnswers,
			reasons,
			why,
		}
	})
	const weighted = input.equalWeight === true
	const order = new Map(input.proposals.map((id, index) => [id, index]))
	proposals.sort((a, b) => compareSupport(a, b, weighted) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))

	const bundles: Record<string, BundleTally> = {}
	for (const [bundle, members] of Object.entries(input.bundles ?? {})) {
		const supporters = ballots.filter((ballot) => members.some((id) => (ballot.allocation[id] ?? 0) > 0))
		const ofSide = (side: (typeof SIDES)[number]) =>
			voterColumns.sideShown[side] ? supporters.filter((ballot) => sideOf(ballot.college) === side).length : null
		bundles[bundle] = {
			supporters: supporters.length,
			bySide: { associations: ofSide('associations'), funders: ofSide('funders') },
		}
	}
	return {
		equalWeight: weighted,
		voters: ballots.length,
		proxyVoters: ballots.filter((ballot) => ballot.proxy).length,
		groups: voterColumns.list,
		respondentGroups: respondentColumns.list,
		respondents: input.answers.length,
		votersBySide: {
			associations: voterColumns.sideShown.associations ? votersBySide.associations : null,
			funders: voterColumns.sideShown.funders ? votersBySide.funders : null,
		},
		proposals,
		bundles,
	}
}

/**
 * V9, the one ranking rule (tally, consensus check's default list, every document): the chosen
 * measure first (dots, or the equal-weight share with V7), then the other one, then the number of
 * supporters. Callers break a remaining tie by the order the proposals were listed (creation).
 */
export function compareSupport(
	a: { dots: number; weightedShare: number; supporters: number },
	b: { dots: number; weightedShare: number; supporters: number },
	equalWeight: boolean,
): number {
	const EPSILON = 1e-9
	const share = Math.abs(b.weightedShare - a.weightedShare) < EPSILON ? 0 : b.weightedShare - a.weightedShare
	return (equalWeight ? share || b.dots - a.dots : b.dots - a.dots || share) || b.supporters - a.supporters
}

/**
 * V10: consensuel when both sides' share of "d'accord" reaches the threshold; clivant when the two
 * sides are far apart; partagé otherwise; insuffisant when a side cannot be shown (fewer than 3
 * respondents, V8) or gave no answer. The score is the lower of the two shares.
 */
export function consensusOf(sides: {
	associations: number | null
	funders: number | null
}): ProposalTally['consensus'] {
	const { associations, funders } = sides
	if (associations === null || funders === null) return { score: null, flag: 'insuffisant' }
	const score = Math.min(associations, funders)
	const flag: ConsensusFlag =
		associations >= CONSENSUS_THRESHOLD && funders >= CONSENSUS_THRESHOLD
			? 'consensuel'
			: Math.abs(associations - funders) >= DIVIDE_GAP
				? 'clivant'
				: 'partage'
	return { score, flag }
}

/** Cautiousness order of flags: the most contested first (a grouping takes its most contested). */
export const FLAG_CAUTION: readonly ConsensusFlag[] = ['clivant', 'partage', 'insuffisant', 'consensuel', 'non-mesure']

export interface PublishedColumns {
	list: TallyGroup[]
	/** Person id → the id of the column they are counted in. */
	columnOf: Map<string, string>
	/** Whether a side's total may be published: it has at least 3 people, none pooled with another side. */
	sideShown: { associations: boolean; funders: boolean }
	/** College id → the column its people are counted in. */
	collegeColumn: Map<string, string>
}

/**
 * V8, the one anonymity rule for every published figure: each column's population is at least
 * ANONYMITY_FLOOR and the columns add up to the total. A smaller college is pooled with other
 * colleges of its side, fewest people first, until the pool reaches the floor (never the whole
 * side when that is not needed); a side too small for that is pooled with the other small ones as
 * "others", and a pool still under the floor joins the smallest other column. Named (`anonymous:
 * false`) shows every college as it is. Order: the colleges' order, pools where their first
 * college stood.
 */
export function publishedColumns(
	people: readonly { id: string; college: string | null }[],
	colleges: readonly TallyCollege[],
	anonymous: boolean,
): PublishedColumns {
	const sideOf = (college: string): CollegeSide => colleges.find((c) => c.id === college)?.side ?? 'other'
	const byCollege = new Map<string, string[]>()
	for (const person of people) {
		const key = person.college ?? '-'
		byCollege.set(key, [...(byCollege.get(key) ?? []), person.id])
	}
	const position = new Map([...colleges.map((college) => college.id), '-'].map((id, index) => [id, index]))
	const ordered = [...byCollege.keys()].sort((a, b) => (position.get(a) ?? 999) - (position.get(b) ?? 999))
	type Column = TallyGroup & { members: string[]; at: number }
	let columns: Column[] = ordered.map((college) => {
		const members = byCollege.get(college) ?? []
		return {
			id: college,
			kind: 'college',
			college,
			side: sideOf(college),
			colleges: [college],
			voters: members.length,
			members,
			at: position.get(college) ?? 999,
		}
	})
	const small = (column: Column) => column.voters < ANONYMITY_FLOOR
	const merge = (parts: Column[], kind: 'side' | 'others', side: CollegeSide | null): Column => {
		const members = parts.flatMap((part) => part.members)
		const pooled = parts
			.flatMap((part) => part.colleges)
			.sort((a, b) => (position.get(a) ?? 999) - (position.get(b) ?? 999))
		return {
			id: kind === 'side' ? `side:${side}:${pooled.join('+')}` : 'others',
			kind,
			college: null,
			side,
			colleges: pooled,
			voters: members.length,
			members,
			at: Math.min(...parts.map((part) => part.at)),
		}
	}
	const leftovers: Column[] = []
	if (anonymous) {
		const kept: Column[] = []
		for (const side of ['associations', 'funders', 'other'] as const) {
			let ofSide = columns.filter((column) => column.side === side)
			const bySize = (a: Column, b: Column) => a.voters - b.voters || a.at - b.at
			// Pool the smallest column with the next smallest of its side until none is under the floor.
			for (;;) {
				ofSide.sort(bySize)
				const [first, second] = ofSide
				if (!first || !small(first) || !second) break
				ofSide = [merge([first, second], 'side', side), ...ofSide.slice(2)]
			}
			for (const column of ofSide) (small(column) ? leftovers : kept).push(column)
		}
		columns = kept
		if (leftovers.length > 0) {
			let pool = merge(leftovers, 'others', null)
			if (small(pool) && columns.length > 0) {
				const smallest = columns.reduce((a, b) => (b.voters < a.voters ? b : a))
				columns = columns.filter((column) => column !== smallest)
				pool = merge([smallest, pool], 'others', null)
			}
			columns.push(pool)
		}
		columns.sort((a, b) => a.at - b.at)
	}
	const sideShown = { associations: false, funders: false }
	for (const side of SIDES) {
		const ofSide = people.filter((person) => person.college !== null && sideOf(person.college) === side)
		const mixed = columns.some(
			(column) => column.kind === 'others' && column.colleges.some((college) => sideOf(college) === side),
		)
		sideShown[side] = !anonymous || (ofSide.length >= ANONYMITY_FLOOR && !mixed)
	}
	const columnOf = new Map<string, string>()
	const collegeColumn = new Map<string, string>()
	for (const column of columns) {
		for (const member of column.members) columnOf.set(member, column.id)
		for (const college of column.colleges) collegeColumn.set(college, column.id)
	}
	return {
		list: columns.map(({ members: _members, at: _at, ...group }) => group),
		columnOf,
		sideShown,
		collegeColumn,
	}
}

function sum(allocation: Allocation): number {
	return Object.values(allocation).reduce((total, dots) => total + dots, 0)
}
