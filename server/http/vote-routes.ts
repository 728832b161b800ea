import { type Context, Hono } from 'hono'
import * as v from 'valibot'
import type * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { mergedInto } from '../../shared/concertation/contribution-rules.ts'
import { currentPhase } from '../../shared/concertation/session.ts'
import { type Answer, type Ballot, type Tally, tally } from '../../shared/concertation/tally.ts'
import {
	type Allocation,
	checkBallot,
	isWithdrawal,
	checkVoter,
	type ConsensusState,
	consensusAnswers,
	idleConsensus,
	isAccepting,
	type VoteState,
} from '../../shared/concertation/vote.ts'
import {
	readConsensus,
	readContributions,
	readMeta,
	readParticipants,
	readSession,
	readVote,
	writeConsensus,
	writeResults,
	writeVote,
} from '../../shared/workshop/control-document.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import { ApiError } from './api-error.ts'
import { actorOf, facilitatorOnly, metaOf, personalClaims } from './intent-context.ts'
import { parseBody } from './parse-body.ts'
import { stored, withRoom } from './with-room.ts'

export interface VoteRoutesOptions {
	registry: RoomRegistry
	secret: string
}

const count = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max))
const idSchema = v.pipe(v.string(), v.regex(/^[a-z0-9]{8,40}$/, 'not an id'))
const minutes = v.optional(v.nullable(count(600)), null)

const openVoteSchema = v.pipe(
	v.strictObject({
		budget: count(50),
		maxPerProposal: count(50),
		banOwn: v.boolean(),
		anonymous: v.boolean(),
		equalWeight: v.optional(v.boolean(), false),
		minutes,
		proposals: v.optional(v.pipe(v.array(idSchema), v.minLength(1), v.maxLength(500))),
	}),
	v.check((input) => input.maxPerProposal <= input.budget, 'maxPerProposal cannot exceed the budget'),
)
/**
 * V2: keys are proposal ids and nothing else. valibot's record leaves `__proto__`, `constructor`
 * and `prototype` out of its output without an issue, which turned such a ballot into an empty one
 * (a silent withdrawal): the raw object's own keys are checked first, and refused — `constructor`
 * and `prototype` look like ids, so names of the object prototype are refused by name.
 */
const allocationSchema = v.pipe(
	// `custom` hands the parsed JSON on untouched, own `__proto__` key included.
	v.custom<Record<string, unknown>>(
		(input) => typeof input === 'object' && input !== null && !Array.isArray(input),
		'the allocation is an object of proposal ids',
	),
	v.rawCheck(({ dataset, addIssue }) => {
		if (!dataset.typed) return
		const key = Reflect.ownKeys(dataset.value).find(
			(k) => typeof k !== 'string' || !/^[a-z0-9]{8,40}$/.test(k) || k in Object.prototype || k === 'prototype',
		)
		if (key !== undefined) addIssue({ message: `"${String(key)}" is not a proposal id` })
	}),
	v.record(idSchema, v.number()),
)
const ballotSchema = v.strictObject({
	allocation: allocationSchema,
	onBehalfOf: v.optional(idSchema),
})
const openConsensusSchema = v.strictObject({
	proposals: v.optional(v.pipe(v.array(idSchema), v.minLength(1), v.maxLength(100))),
	top: v.optional(count(100)),
	minutes,
})
const answerSchema = v.strictObject({
	answers: v.record(
		idSchema,
		v.strictObject({
			answer: v.picklist(consensusAnswers),
			why: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(200))), null),
		}),
	),
	onBehalfOf: v.optional(idSchema),
})
const extendSchema = v.strictObject({ minutes: count(600) })

/** Proposals that can be voted on: published, not merged into another. */
const votable = (contributions: ReadonlyMap<string, Contribution>) =>
	[...contributions.values()].filter((c) => c.type === 'proposition' && c.mergedInto === null).map((c) => c.id)

/**
 * Dot vote and consensus check (SPEC V1–V9, docs/api.md §Votes). Ballots and answers are intents
 * checked against the personal token; they stay in the server-only state. Only tallies are
 * published, and only once the facilitator reveals them (named ballots too, for a named vote).
 */
export function voteRoutes({ registry, secret }: VoteRoutesOptions) {
	const run = async <T>(
		c: Context,
		facilitator: string | null,
		decide: (room: WorkshopRoom, claims: PersonalClaims, now: number) => (doc: Y.Doc, serverOnly: ServerOnlyState) => T,
	) => {
		const workshop = c.req.param('workshop') as string
		const claims = personalClaims(c, secret, workshop)
		if (facilitator) facilitatorOnly(claims, facilitator)
		return withRoom(registry, workshop, (room) =>
			room.exclusive(async () => {
				actorOf(room, claims)
				const commit = decide(room, claims, Date.now())
				return c.json((await stored(room.commitControl(commit))) as object)
			}),
		)
	}

	/** V1: the voter, and checks that the poll's phase is on (server time). */
	const voterOf = (room: WorkshopRoom, claims: PersonalClaims, onBehalfOf: string | undefined, kind: string) => {
		const phase = currentPhase(metaOf(room).agenda ?? [], readSession(room.controlDraft))
		if (phase?.kind !== kind) {
			throw new ApiError(409, 'wrong_phase', `answers are taken during the ${kind} phase only`)
		}
		const participants = readParticipants(room.controlDraft)
		const behalf = onBehalfOf === undefined ? null : participants.get(onBehalfOf)
		if (onBehalfOf !== undefined && !behalf) throw new ApiError(404, 'participant_not_found', 'no such participant')
		const voter = checkVoter(
			{ role: claims.role, participantId: claims.participant },
			behalf && onBehalfOf ? { participantId: onBehalfOf, paper: behalf.paper === true } : null,
		)
		if (!voter.ok) throw new ApiError(voter.error.status, voter.error.code, voter.error.message)
		return voter.value
	}

	return new Hono()
		.post('/:workshop/vote/open', async (c) => {
			const body = await parseBody(c, openVoteSchema)
			return run(c, 'open a vote', (room, _claims, now) => {
				const current = readVote(room.controlDraft)
				if (current.status === 'open') throw new ApiError(409, 'vote_open', 'a vote is already open; close it first')
				const candidates = votable(readContributions(room.controlDraft))
				const proposals = body.proposals ?? candidates
				const unknown = proposals.find((id) => !candidates.includes(id))
				if (unknown) throw new ApiError(400, 'unknown_proposal', `"${unknown}" is not a proposal that can be voted on`)
				if (proposals.length === 0) throw new ApiError(409, 'no_proposals', 'there is no proposal to vote on')
				const vote: VoteState = {
					status: 'open',
					settings: {
						budget: body.budget,
						maxPerProposal: body.maxPerProposal,
						banOwn: body.banOwn,
						anonymous: body.anonymous,
						equalWeight: body.equalWeight,
					},
					proposals: [...new Set(proposals)],
					openedAt: new Date(now).toISOString(),
					endsAt: body.minutes === null ? null : new Date(now + body.minutes * 60_000).toISOString(),
					closedAt: null,
					revealed: false,
				}
				return (doc, serverOnly) => {
					// A new vote starts from empty ballots; the previous one's results are withdrawn.
					serverOnly.ballots = {}
					writeVote(doc, vote)
					publish(doc, serverOnly)
					return { vote }
				}
			})
		})
		.post('/:workshop/vote/ballot', async (c) => {
			const body = await parseBody(c, ballotSchema)
			return run(c, null, (room, claims, now) => {
				const { voter, proxy } = voterOf(room, claims, body.onBehalfOf, 'vote')
				const vote = readVote(room.controlDraft)
				const contributions = readContributions(room.controlDraft)
				const checked = checkBallot(vote, body.allocation as Allocation, {
					ownProposals: ownProposals(contributions, room.serverOnly.authors, voter),
					now,
				})
				if (!checked.ok) throw new ApiError(checked.error.status, checked.error.code, checked.error.message)
				const allocation = checked.value
				// V2: a ballot with no dot withdraws the voter (not counted, in the tally or its thresholds).
				const withdrawn = isWithdrawal(allocation)
				return (doc, serverOnly) => {
					if (withdrawn) delete serverOnly.ballots[voter]
					else serverOnly.ballots[voter] = { allocation, proxy, at: new Date(now).toISOString() }
					if (vote.revealed) publish(doc, serverOnly)
					return { allocation, remaining: (vote.settings?.budget ?? 0) - total(allocation), proxy, withdrawn }
				}
			})
		})
		.get('/:workshop/vote/mine', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			const forWhom = c.req.query('for')
			return withRoom(registry, workshop, (room) => {
				const voter = forWhom ?? claims.participant
				if (forWhom !== undefined) facilitatorOnly(claims, 'see a paper participant’s ballot')
				const vote = readVote(room.controlDraft)
				const allocation = room.serverOnly.ballots[voter]?.allocation ?? {}
				return c.json({ allocation, remaining: (vote.settings?.budget ?? 0) - total(allocation) })
			})
		})
		.post('/:workshop/vote/close', async (c) =>
			run(c, 'close the vote', (room, _claims, now) => {
				const vote = readVote(room.controlDraft)
				if (vote.status !== 'open') throw new ApiError(409, 'vote_not_open', 'no vote is open')
				return (doc) => {
					const closed: VoteState = { ...vote, status: 'closed', closedAt: new Date(now).toISOString() }
					writeVote(doc, closed)
					return { vote: closed }
				}
			}),
		)
		.post('/:workshop/vote/extend', async (c) => {
			const body = await parseBody(c, extendSchema)
			return run(c, 'extend the vote', (room, _claims, now) => {
				const vote = readVote(room.controlDraft)
				if (vote.status !== 'open') throw new ApiError(409, 'vote_not_open', 'no vote is open')
				const from = Math.max(now, vote.endsAt === null ? now : Date.parse(vote.endsAt))
				return (doc) => {
					const extended: VoteState = { ...vote, endsAt: new Date(from + body.minutes * 60_000).toISOString() }
					writeVote(doc, extended)
					return { vote: extended }
				}
			})
		})
		.post('/:workshop/vote/reveal', async (c) =>
			run(c, 'reveal the results', (room) => {
				const vote = readVote(room.controlDraft)
				if (vote.status === 'idle') throw new ApiError(409, 'vote_not_open', 'there is no vote to reveal')
				return (doc, serverOnly) => {
					writeVote(doc, { ...vote, revealed: true })
					publish(doc, serverOnly)
					return { vote: { ...vote, revealed: true } }
				}
			}),
		)
		.get('/:workshop/vote/tally', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			facilitatorOnly(claims, 'see the tally before it is revealed')
			return withRoom(registry, workshop, (room) => c.json(currentTally(room.controlDraft, room.serverOnly, true)))
		})
		.post('/:workshop/consensus/open', async (c) => {
			const body = await parseBody(c, openConsensusSchema)
			return run(c, 'open a consensus check', (room, _claims, now) => {
				const current = readConsensus(room.controlDraft)
				if (current.status === 'open') throw new ApiError(409, 'consensus_open', 'a consensus check is already open')
				const candidates = votable(readContributions(room.controlDraft))
				let proposals = body.proposals
				if (!proposals) {
					// Default: the top of the vote (all proposals when there was no vote).
					const ranked = currentTally(room.controlDraft, room.serverOnly, true)
						.proposals.filter((proposal) => proposal.dots > 0)
						.map((proposal) => proposal.id)
					proposals = (ranked.length > 0 ? ranked : candidates).slice(0, body.top ?? 5)
				}
				const unknown = proposals.find((id) => !candidates.includes(id))
				if (unknown) throw new ApiError(400, 'unknown_proposal', `"${unknown}" is not a proposal`)
				if (proposals.length === 0) throw new ApiError(409, 'no_proposals', 'there is no proposal to check')
				const consensus: ConsensusState = {
					...idleConsensus(),
					status: 'open',
					proposals: [...new Set(proposals)],
					openedAt: new Date(now).toISOString(),
					endsAt: body.minutes === null ? null : new Date(now + body.minutes * 60_000).toISOString(),
				}
				return (doc, serverOnly) => {
					serverOnly.answers = {}
					writeConsensus(doc, consensus)
					publish(doc, serverOnly)
					return { consensus }
				}
			})
		})
		.post('/:workshop/consensus/answer', async (c) => {
			const body = await parseBody(c, answerSchema)
			return run(c, null, (room, claims, now) => {
				const { voter } = voterOf(room, claims, body.onBehalfOf, 'consensus-check')
				const consensus = readConsensus(room.controlDraft)
				if (!isAccepting(consensus, now)) throw new ApiError(409, 'consensus_closed', 'the consensus check is not open')
				const unknown = Object.keys(body.answers).find((id) => !consensus.proposals.includes(id))
				if (unknown) throw new ApiError(400, 'unknown_proposal', `"${unknown}" is not part of this consensus check`)
				return (doc, serverOnly) => {
					const mine = { ...(serverOnly.answers[voter] ?? {}) }
					for (const [id, given] of Object.entries(body.answers)) {
						mine[id] = { answer: given.answer, why: given.why || null }
					}
					serverOnly.answers[voter] = mine
					if (consensus.revealed) publish(doc, serverOnly)
					return { answers: mine }
				}
			})
		})
		.get('/:workshop/consensus/mine', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			return withRoom(registry, workshop, (room) =>
				c.json({ answers: room.serverOnly.answers[claims.participant] ?? {} }),
			)
		})
		.post('/:workshop/consensus/close', async (c) =>
			run(c, 'close the consensus check', (room, _claims, now) => {
				const consensus = readConsensus(room.controlDraft)
				if (consensus.status !== 'open') throw new ApiError(409, 'consensus_not_open', 'no consensus check is open')
				return (doc) => {
					const closed: ConsensusState = { ...consensus, status: 'closed', closedAt: new Date(now).toISOString() }
					writeConsensus(doc, closed)
					return { consensus: closed }
				}
			}),
		)
		.post('/:workshop/consensus/reveal', async (c) =>
			run(c, 'reveal the consensus check', (room) => {
				const consensus = readConsensus(room.controlDraft)
				if (consensus.status === 'idle') throw new ApiError(409, 'consensus_not_open', 'there is nothing to reveal')
				return (doc, serverOnly) => {
					writeConsensus(doc, { ...consensus, revealed: true })
					publish(doc, serverOnly)
					return { consensus: { ...consensus, revealed: true } }
				}
			}),
		)
}

/**
 * V2 with the ban on one's own proposals: what the voter wrote, and the proposals that absorbed
 * a duplicate the voter wrote.
 */
function ownProposals(
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

/** The tally of what is revealed (`all`: everything, for the facilitator's preview). */
export function currentTally(doc: Y.Doc, serverOnly: Readonly<ServerOnlyState>, all: boolean): Tally {
	// An imported workshop whose anonymous ballots stayed on its first server (E11).
	const noBallots = Object.keys(serverOnly.ballots).length === 0 && Object.keys(serverOnly.answers).length === 0
	if (noBallots && serverOnly.importedTally) return serverOnly.importedTally
	const vote = readVote(doc)
	const consensus = readConsensus(doc)
	const showVote = all || vote.revealed
	const showConsensus = all || consensus.revealed
	const participants = readParticipants(doc)
	const collegeOf = (id: string) => participants.get(id)?.college ?? null
	const ballots: Ballot[] = showVote
		? Object.entries(serverOnly.ballots).map(([voter, ballot]) => ({
				voter,
				college: collegeOf(voter),
				allocation: ballot.allocation,
				proxy: ballot.proxy,
			}))
		: []
	const answers: Answer[] = showConsensus
		? Object.entries(serverOnly.answers).map(([respondent, given]) => ({
				respondent,
				college: collegeOf(respondent),
				answers: given,
			}))
		: []
	const proposals = [...new Set([...(showVote ? vote.proposals : []), ...(showConsensus ? consensus.proposals : [])])]
	return tally({
		proposals,
		colleges: readMeta(doc)?.colleges ?? [],
		ballots,
		answers,
		// Consensus-check answers are always anonymous; a named vote shows its colleges as they are.
		anonymous: vote.settings?.anonymous !== false || answers.length > 0,
		equalWeight: vote.settings?.equalWeight === true,
		// Distinct supporters of each recommendation's proposals, for the documents.
		bundles: Object.fromEntries(
			[...readContributions(doc).values()]
				.filter((contribution) => contribution.type === 'recommandation' && contribution.sources.length > 0)
				.map((recommendation) => [recommendation.id, recommendation.sources]),
		),
	})
}

/** Writes the published results: the revealed tally, and a named vote's ballots once revealed. */
function publish(doc: Y.Doc, serverOnly: Readonly<ServerOnlyState>): void {
	const vote = readVote(doc)
	const consensus = readConsensus(doc)
	if (!vote.revealed && !consensus.revealed) {
		writeResults(doc, { tally: null, ballots: null })
		return
	}
	const participants = readParticipants(doc)
	const named = vote.revealed && vote.settings?.anonymous === false
	writeResults(doc, {
		tally: currentTally(doc, serverOnly, false),
		ballots: named
			? Object.entries(serverOnly.ballots)
					.filter(([, ballot]) => !isWithdrawal(ballot.allocation))
					.map(([voter, ballot]) => ({
						name: participants.get(voter)?.name ?? '?',
						college: participants.get(voter)?.college ?? null,
						allocation: ballot.allocation,
						proxy: ballot.proxy,
					}))
			: null,
	})
}

function total(allocation: Allocation): number {
	return Object.values(allocation).reduce((sum, dots) => sum + dots, 0)
}
