import { Hono } from 'hono'
import * as v from 'valibot'
import type * as Y from 'yjs'
import {
	answerConsensus,
	ballotTotal,
	checkPollPhase,
	closeConsensus,
	closeVote,
	defaultConsensusProposals,
	extendVote,
	openConsensus,
	openVote,
	ownProposals,
	revealConsensus,
	revealVote,
	votableProposals,
} from '../../shared/concertation/poll-lifecycle.ts'
import { rankedByVote } from '../../shared/concertation/published-results.ts'
import { currentPhase } from '../../shared/concertation/session.ts'
import {
	type Allocation,
	checkBallot,
	isWithdrawal,
	checkVoter,
	type ConsensusState,
	consensusAnswers,
	type VoteState,
} from '../../shared/concertation/vote.ts'
import {
	readConsensus,
	readContributions,
	readParticipants,
	readSession,
	readVote,
	writeConsensus,
	writeVote,
} from '../../shared/workshop/control-document.ts'
import { idSchema as id, isId } from '../../shared/workshop/ids.ts'
import { randomId } from '../auth/random-id.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import { currentTally, pollRecordsOf, publishResults } from '../workshops/workshop-results.ts'
import { ApiError } from './api-error.ts'
import { facilitatorOnly, metaOf, personalClaims } from './intent-context.ts'
import { intentRunner, refuseUnless } from './intent-runner.ts'
import { parseBody } from './parse-body.ts'
import { withRoom } from './with-room.ts'
export interface VoteRoutesOptions {
	registry: RoomRegistry
	secret: string
}

const count = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max))
const minutes = v.optional(v.nullable(count(600)), null)

const openVoteSchema = v.pipe(
	v.strictObject({
		budget: count(50),
		maxPerProposal: count(50),
		banOwn: v.boolean(),
		anonymous: v.boolean(),
		equalWeight: v.optional(v.boolean(), false),
		minutes,
		proposals: v.optional(v.pipe(v.array(id()), v.minLength(1), v.maxLength(500))),
	}),
	v.check((input) => input.maxPerProposal <= input.budget, 'maxPerProposal cannot exceed the budget'),
)
/**
 * V2: keys are proposal ids and nothing else. valibot's record leaves `__proto__`, `constructor`
 * and `prototype` out of its output without an issue, which turned such a ballot into an empty one
 * (a silent withdrawal): the raw object's own keys are checked first, and refused — `constructor`
 * and `prototype` look like ids, so names of the object prototype are refused by name. Consensus
 * answers are keyed the same way.
 */
const byProposal = <S extends v.GenericSchema>(value: S) =>
	v.pipe(
		// `custom` hands the parsed JSON on untouched, own `__proto__` key included.
		v.custom<Record<string, unknown>>(
			(input) => typeof input === 'object' && input !== null && !Array.isArray(input),
			'an object of proposal ids',
		),
		v.rawCheck(({ dataset, addIssue }) => {
			if (!dataset.typed) return
			const key = Reflect.ownKeys(dataset.value).find(
				(k) => typeof k !== 'string' || !isId(k) || k in Object.prototype || k === 'prototype',
			)
			if (key !== undefined) addIssue({ message: `"${String(key)}" is not a proposal id` })
		}),
		v.record(id(), value),
	)
const ballotSchema = v.strictObject({
	allocation: byProposal(v.number()),
	onBehalfOf: v.optional(id()),
})
const openConsensusSchema = v.strictObject({
	proposals: v.optional(v.pipe(v.array(id()), v.minLength(1), v.maxLength(100))),
	top: v.optional(count(100)),
	minutes,
})
const answerSchema = v.strictObject({
	answers: byProposal(
		v.strictObject({
			answer: v.picklist(consensusAnswers),
			why: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(200))), null),
		}),
	),
	onBehalfOf: v.optional(id()),
})
const extendSchema = v.strictObject({ minutes: count(600) })

/**
 * Dot vote and consensus check (SPEC V1–V9, docs/api.md §Votes). Ballots and answers are intents
 * checked against the personal token; they stay in the server-only state. The lifecycles are the
 * pure functions of shared/concertation/poll-lifecycle.ts; only tallies are published
 * (shared/concertation/published-results.ts), once the facilitator reveals them.
 */
export function voteRoutes({ registry, secret }: VoteRoutesOptions) {
	const runIntent = intentRunner({ registry, secret })

	/**
	 * V1: the voter, and checks that the poll's phase is on (server time). Who asks to vote for
	 * someone else is checked first, so anyone but the facilitator gets the same 403 whatever the id
	 * (as for contributions, M5): an unknown id's 404 would tell ids apart.
	 */
	const voterOf = (
		room: WorkshopRoom,
		claims: PersonalClaims,
		onBehalfOf: string | undefined,
		kind: 'vote' | 'consensus-check',
	) => {
		if (onBehalfOf !== undefined && claims.role !== 'facilitator') {
			throw new ApiError(403, 'facilitator_only', 'only the facilitator records a vote for someone else')
		}
		refuseUnless(checkPollPhase(currentPhase(metaOf(room).agenda ?? [], readSession(room.controlDraft)), kind))
		const participants = readParticipants(room.controlDraft)
		const behalf = onBehalfOf === undefined ? null : participants.get(onBehalfOf)
		if (onBehalfOf !== undefined && !behalf) throw new ApiError(404, 'participant_not_found', 'no such participant')
		return refuseUnless(
			checkVoter(
				{ role: claims.role, participantId: claims.participant },
				behalf && onBehalfOf ? { participantId: onBehalfOf, paper: behalf.paper === true } : null,
			),
		)
	}

	/** A change of the vote's state that may change what is published. */
	const voteChange = (vote: VoteState, options: { clearBallots?: boolean; publish?: boolean } = {}) => ({
		commit: (doc: Y.Doc, serverOnly: ServerOnlyState) => {
			// A new vote starts from empty ballots; the previous one's results are withdrawn. Its
			// ballots belong to a new poll id, with the limits a database checks them against (S13).
			if (options.clearBallots) {
				serverOnly.ballots = {}
				serverOnly.votePoll = vote.settings
					? { id: randomId(), budget: vote.settings.budget, maxPerProposal: vote.settings.maxPerProposal }
					: null
			}
			writeVote(doc, vote)
			if (options.publish) publishResults(doc, serverOnly)
			return { vote }
		},
	})
	const consensusChange = (consensus: ConsensusState, options: { clearAnswers?: boolean; publish?: boolean } = {}) => ({
		commit: (doc: Y.Doc, serverOnly: ServerOnlyState) => {
			if (options.clearAnswers) {
				serverOnly.answers = {}
				serverOnly.consensusPoll = { id: randomId() }
			}
			writeConsensus(doc, consensus)
			if (options.publish) publishResults(doc, serverOnly)
			return { consensus }
		},
	})

	return new Hono()
		.post('/:workshop/vote/open', async (c) => {
			const body = await parseBody(c, openVoteSchema)
			return runIntent(c, body, { facilitator: 'open a vote' }, ({ room, now }) => {
				const { minutes, proposals, ...settings } = body
				const vote = refuseUnless(
					openVote(
						readVote(room.controlDraft),
						{ settings, minutes, ...(proposals ? { proposals } : {}) },
						votableProposals(readContributions(room.controlDraft)),
						now.getTime(),
					),
				)
				return voteChange(vote, { clearBallots: true, publish: true })
			})
		})
		.post('/:workshop/vote/ballot', async (c) => {
			const body = await parseBody(c, ballotSchema)
			return runIntent(c, body, {}, ({ room, claims, now }) => {
				const { voter, proxy } = voterOf(room, claims, body.onBehalfOf, 'vote')
				const vote = readVote(room.controlDraft)
				const contributions = readContributions(room.controlDraft)
				const allocation = refuseUnless(
					checkBallot(vote, body.allocation as Allocation, {
						ownProposals: ownProposals(contributions, room.serverOnly.authors, voter),
						now: now.getTime(),
					}),
				)
				// V2: a ballot with no dot withdraws the voter (not counted, in the tally or its thresholds).
				const withdrawn = isWithdrawal(allocation)
				return {
					commit: (doc, serverOnly) => {
						if (withdrawn) delete serverOnly.ballots[voter]
						else serverOnly.ballots[voter] = { allocation, proxy, at: now.toISOString() }
						if (vote.revealed) publishResults(doc, serverOnly)
						return { allocation, remaining: (vote.settings?.budget ?? 0) - ballotTotal(allocation), proxy, withdrawn }
					},
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
				return c.json({ allocation, remaining: (vote.settings?.budget ?? 0) - ballotTotal(allocation) })
			})
		})
		.post('/:workshop/vote/close', async (c) =>
			runIntent(c, null, { facilitator: 'close the vote' }, ({ room, now }) =>
				voteChange(refuseUnless(closeVote(readVote(room.controlDraft), now.getTime()))),
			),
		)
		.post('/:workshop/vote/extend', async (c) => {
			const body = await parseBody(c, extendSchema)
			return runIntent(c, body, { facilitator: 'extend the vote' }, ({ room, now }) =>
				voteChange(refuseUnless(extendVote(readVote(room.controlDraft), body.minutes, now.getTime()))),
			)
		})
		.post('/:workshop/vote/reveal', async (c) =>
			runIntent(c, null, { facilitator: 'reveal the results' }, ({ room }) =>
				voteChange(refuseUnless(revealVote(readVote(room.controlDraft))), { publish: true }),
			),
		)
		.get('/:workshop/vote/tally', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			facilitatorOnly(claims, 'see the tally before it is revealed')
			return withRoom(registry, workshop, (room) => c.json(currentTally(room.controlDraft, room.serverOnly, true)))
		})
		.post('/:workshop/consensus/open', async (c) => {
			const body = await parseBody(c, openConsensusSchema)
			return runIntent(c, body, { facilitator: 'open a consensus check' }, ({ room, now }) => {
				const candidates = votableProposals(readContributions(room.controlDraft))
				const proposals =
					body.proposals ??
					defaultConsensusProposals(
						rankedByVote(pollRecordsOf(room.controlDraft, room.serverOnly)),
						candidates,
						body.top,
					)
				const consensus = refuseUnless(
					openConsensus(
						readConsensus(room.controlDraft),
						{ proposals, minutes: body.minutes },
						candidates,
						now.getTime(),
					),
				)
				return consensusChange(consensus, { clearAnswers: true, publish: true })
			})
		})
		.post('/:workshop/consensus/answer', async (c) => {
			const body = await parseBody(c, answerSchema)
			return runIntent(c, body, {}, ({ room, claims, now }) => {
				const { voter } = voterOf(room, claims, body.onBehalfOf, 'consensus-check')
				const consensus = readConsensus(room.controlDraft)
				const mine = refuseUnless(
					answerConsensus(consensus, room.serverOnly.answers[voter] ?? {}, body.answers, now.getTime()),
				)
				return {
					commit: (doc, serverOnly) => {
						serverOnly.answers[voter] = mine
						if (consensus.revealed) publishResults(doc, serverOnly)
						return { answers: mine }
					},
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
			runIntent(c, null, { facilitator: 'close the consensus check' }, ({ room, now }) =>
				consensusChange(refuseUnless(closeConsensus(readConsensus(room.controlDraft), now.getTime()))),
			),
		)
		.post('/:workshop/consensus/reveal', async (c) =>
			runIntent(c, null, { facilitator: 'reveal the consensus check' }, ({ room }) =>
				consensusChange(refuseUnless(revealConsensus(readConsensus(room.controlDraft))), { publish: true }),
			),
		)
}
