import { type Context, Hono } from 'hono'
import * as v from 'valibot'
import { authorModes, type Contribution } from '../../shared/concertation/contribution.ts'
import {
	createContributionSchema,
	editContributionSchema,
	mergeContributionsSchema,
	moveContributionSchema,
} from '../../shared/concertation/contribution-input.ts'
import type {
	Actor,
	ContributionChange,
	ContributionState,
	PaperAuthor,
	Refusal,
} from '../../shared/concertation/contribution-rules.ts'
import {
	createContribution,
	deleteContribution,
	editContribution,
	mergeContributions,
	moveContribution,
	setAuthorMode,
	unmergeContribution,
} from '../../shared/concertation/contribution-rules.ts'
import type { Result } from '../../shared/result.ts'
import { controlStructures, readParticipants, writeContributions } from '../../shared/workshop/control-document.ts'
import { isId } from '../../shared/workshop/ids.ts'
import { randomId } from '../auth/random-id.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { ApiError } from './api-error.ts'
import { contributionStateOf, draftsOf, personalClaims } from './intent-context.ts'
import { intentRunner, refuseUnless } from './intent-runner.ts'
import { parseBody } from './parse-body.ts'
import { withRoom } from './with-room.ts'

export interface ContributionRoutesOptions {
	registry: RoomRegistry
	secret: string
}

/** What an intent decided: the change to commit and the answer to give. */
interface Decision {
	change: ContributionChange
	status: 200 | 201
	body: unknown
}

type Decide = (state: ContributionState, actor: Actor, now: string, room: WorkshopRoom) => Result<Decision, Refusal>

/**
 * The contribution intents (SPEC K1–K11, docs/api.md §Contributions). Each runs the pure rules of
 * shared/concertation/contribution-rules.ts against the workshop's state through the intent
 * runner: alone among the workshop's intents, idempotent, answered once durably stored.
 */
export function contributionRoutes({ registry, secret }: ContributionRoutesOptions) {
	const runIntent = intentRunner({ registry, secret })

	/** Runs one contribution intent: the rules, then the split between published and private. */
	const intent = (c: Context, input: unknown, decide: Decide) =>
		runIntent(c, input, {}, ({ room, actor, now }) => {
			const at = now.toISOString()
			const state = contributionStateOf(room, actor)
			const decided = refuseUnless(decide(state, actor, at, room))
			const { change, status } = decided
			// F1: during private writing a participant's new contributions, and its drafts, stay
			// on the server until the facilitator reveals them.
			const drafts = draftsOf(room.serverOnly)
			const isDraft = (contribution: Contribution) =>
				contribution.id in drafts ||
				(state.phase?.privateWriting === true &&
					actor.role === 'participant' &&
					!state.contributions.has(contribution.id))
			const privatePut = change.put.filter(isDraft)
			const publicPut = change.put.filter((contribution) => !isDraft(contribution))
			const body =
				privatePut.length > 0 && typeof decided.body === 'object'
					? { ...(decided.body as object), private: true }
					: (decided.body as object)
			return {
				status,
				commit: (doc, serverOnly) => {
					writeContributions(
						doc,
						publicPut,
						change.remove.filter((id) => !(id in drafts)),
					)
					const kept = serverOnly.drafts
					for (const contribution of privatePut) kept[contribution.id] = contribution
					for (const id of change.remove) delete kept[id]
					for (const [id, participant] of change.authors.set) serverOnly.authors[id] = participant
					for (const id of change.authors.remove) delete serverOnly.authors[id]
					return body
				},
			}
		})

	const contributionId = (c: Context) => {
		const id = c.req.param('contribution') as string
		if (!isId(id)) throw new ApiError(404, 'contribution_not_found', 'no contribution with this id')
		return id
	}

	return new Hono()
		.get('/:workshop/contributions/mine', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			return withRoom(registry, workshop, (room) => {
				const ids = Object.entries(room.serverOnly.authors)
					.filter(([, participant]) => participant === claims.participant)
					.map(([id]) => id)
				const drafts = Object.values(draftsOf(room.serverOnly)).filter((draft) => ids.includes(draft.id))
				return c.json({ ids, drafts })
			})
		})
		.post('/:workshop/contributions', async (c) => {
			const input = await parseBody(c, createContributionSchema)
			const { onBehalfOf, ...fields } = input
			return intent(c, input, (state, actor, now, room) => {
				const id = randomId()
				const behalf = onBehalfOf === undefined ? null : paperAuthor(room, actor, onBehalfOf)
				const result = createContribution(state, actor, fields, id, now, behalf)
				return result.ok ? decision(result.value, 201, id) : result
			})
		})
		.patch('/:workshop/contributions/:contribution', async (c) => {
			const id = contributionId(c)
			const input = await parseBody(c, editContributionSchema)
			return intent(c, input, (state, actor, now) => {
				const result = editContribution(state, actor, id, input, now)
				return result.ok ? decision(result.value, 200, id) : result
			})
		})
		.post('/:workshop/contributions/:contribution/move', async (c) => {
			const id = contributionId(c)
			const input = await parseBody(c, moveContributionSchema)
			return intent(c, input, (state, actor, now) => {
				const result = moveContribution(state, actor, id, input, now)
				return result.ok ? decision(result.value, 200, id) : result
			})
		})
		.delete('/:workshop/contributions/:contribution', async (c) => {
			const id = contributionId(c)
			return intent(c, null, (state, actor) => {
				const result = deleteContribution(state, actor, id)
				return result.ok ? { ok: true, value: { change: result.value, status: 200, body: { deleted: id } } } : result
			})
		})
		.post('/:workshop/contributions/:contribution/merge', async (c) => {
			const id = contributionId(c)
			const input = await parseBody(c, mergeContributionsSchema)
			return intent(c, input, (state, actor, now) => {
				const result = mergeContributions(state, actor, id, input.sources, now)
				return result.ok ? decision(result.value, 200, id) : result
			})
		})
		.post('/:workshop/contributions/:contribution/unmerge', async (c) => {
			const id = contributionId(c)
			return intent(c, null, (state, actor, now) => {
				const result = unmergeContribution(state, actor, id, now)
				return result.ok ? decision(result.value, 200, id) : result
			})
		})
		.patch('/:workshop/settings', async (c) => {
			const input = await parseBody(c, settingsSchema)
			return runIntent(c, input, {}, ({ room, actor, now }) => {
				const at = now.toISOString()
				const change = refuseUnless(setAuthorMode(contributionStateOf(room, actor), actor, input.authorMode, at))
				return {
					commit: (doc) => {
						writeContributions(doc, change.put, [])
						controlStructures(doc).meta.set('authorMode', input.authorMode)
						return { authorMode: input.authorMode }
					},
				}
			})
		})
}

/**
 * M5: the participant on paper a facilitator writes for; 404 for anyone else (an online participant
 * writes for themselves). Who asks is checked before the id is looked up, so a participant trying
 * it gets the same 403 whatever the id.
 */
function paperAuthor(room: WorkshopRoom, actor: Actor, participantId: string): PaperAuthor {
	if (actor.role !== 'facilitator') {
		throw new ApiError(403, 'facilitator_only', 'only the facilitator can write for a participant on paper')
	}
	const entry = readParticipants(room.controlDraft).get(participantId)
	if (!entry?.paper) throw new ApiError(404, 'paper_participant_not_found', 'no participant on paper with this id')
	return { participantId, college: entry.college, name: entry.name }
}

const settingsSchema = v.strictObject({ authorMode: v.picklist(authorModes) })

/** An accepted change, answered with the contribution it is about as it now stands. */
function decision(change: ContributionChange, status: 200 | 201, id: string): Result<Decision, Refusal> {
	const contribution = change.put.find((candidate) => candidate.id === id) ?? null
	const others = change.put.filter((candidate) => candidate.id !== id)
	return { ok: true, value: { change, status, body: others.length > 0 ? { contribution, others } : { contribution } } }
}
