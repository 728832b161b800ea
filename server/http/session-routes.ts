import { type Context, Hono } from 'hono'
import * as v from 'valibot'
import type { Actor } from '../../shared/concertation/contribution-rules.ts'
import { currentPhase, type SessionState } from '../../shared/concertation/session.ts'
import {
	readParticipants,
	readSession,
	writeContributions,
	writeParticipant,
	writeSession,
} from '../../shared/workshop/control-document.ts'
import type * as Y from 'yjs'
import { randomId } from '../auth/random-id.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import { ApiError } from './api-error.ts'
import { actorOf, draftsOf, facilitatorOnly, metaOf, personalClaims } from './intent-context.ts'
import { parseBody } from './parse-body.ts'
import { stored, withRoom } from './with-room.ts'

export interface SessionRoutesOptions {
	registry: RoomRegistry
	secret: string
}

const minutes = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600))
const timerSchema = v.variant('action', [
	v.strictObject({ action: v.literal('start'), minutes }),
	v.strictObject({ action: v.literal('extend'), minutes }),
	v.strictObject({ action: v.literal('pause') }),
	v.strictObject({ action: v.literal('resume') }),
	v.strictObject({ action: v.literal('stop') }),
])
const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max))

type Commit<T> = (doc: Y.Doc, serverOnly: ServerOnlyState) => T

/**
 * Facilitation (SPEC F1–F6, docs/api.md §Facilitation): phases, the shared timer, zone locks,
 * "suivez-moi", "j'ai fini", the reveal of private writing, paper participants. The server
 * decides; clients only ask. Each change is stored before it is published.
 */
export function sessionRoutes({ registry, secret }: SessionRoutesOptions) {
	/** Runs a change alone among the workshop's intents and answers with its result once stored. */
	const change = async <T>(
		c: Context,
		options: { facilitator: string | null },
		decide: (room: WorkshopRoom, actor: Actor, now: Date) => Commit<T>,
	) => {
		const workshop = c.req.param('workshop') as string
		const claims = personalClaims(c, secret, workshop)
		if (options.facilitator) facilitatorOnly(claims, options.facilitator)
		return withRoom(registry, workshop, (room) =>
			room.exclusive(async () => {
				const commit = decide(room, actorOf(room, claims), new Date())
				return c.json((await stored(room.commitControl((doc, serverOnly) => commit(doc, serverOnly)))) as object)
			}),
		)
	}

	const sessionChange =
		(update: (session: SessionState) => SessionState): Commit<{ session: SessionState }> =>
		(doc) => {
			const session = update(readSession(doc))
			writeSession(doc, session)
			return { session }
		}

	return new Hono()
		.post('/:workshop/phase', async (c) => {
			const { index } = await parseBody(c, v.strictObject({ index: v.pipe(v.number(), v.integer(), v.minValue(-1)) }))
			return change(c, { facilitator: 'move the workshop through its agenda' }, (room, _actor, now) => {
				const agenda = metaOf(room).agenda ?? []
				if (index >= agenda.length) throw new ApiError(400, 'unknown_phase', `the agenda has ${agenda.length} phases`)
				return sessionChange((session) => ({ ...session, phaseIndex: index, phaseStartedAt: now.toISOString() }))
			})
		})
		.post('/:workshop/timer', async (c) => {
			const body = await parseBody(c, timerSchema)
			return change(c, { facilitator: 'run the timer' }, (room, _actor, now) => {
				const session = readSession(room.controlDraft)
				const at = (ms: number) => new Date(now.getTime() + ms).toISOString()
				const remaining =
					session.timerPausedMs ??
					(session.timerEndsAt === null ? 0 : Math.max(0, Date.parse(session.timerEndsAt) - now.getTime()))
				const next: Pick<SessionState, 'timerEndsAt' | 'timerPausedMs'> =
					body.action === 'start'
						? { timerEndsAt: at(body.minutes * 60_000), timerPausedMs: null }
						: body.action === 'extend'
							? session.timerPausedMs !== null
								? { timerEndsAt: null, timerPausedMs: remaining + body.minutes * 60_000 }
								: { timerEndsAt: at(remaining + body.minutes * 60_000), timerPausedMs: null }
							: body.action === 'pause'
								? { timerEndsAt: null, timerPausedMs: remaining }
								: body.action === 'resume'
									? { timerEndsAt: at(remaining), timerPausedMs: null }
									: { timerEndsAt: null, timerPausedMs: null }
				return sessionChange((current) => ({ ...current, ...next }))
			})
		})
		.post('/:workshop/zones/:zone/lock', async (c) => {
			const { locked } = await parseBody(c, v.strictObject({ locked: v.boolean() }))
			const zone = c.req.param('zone')
			return change(c, { facilitator: 'lock zones' }, (room) => {
				if (!(metaOf(room).zones ?? []).some((known) => known.id === zone)) {
					throw new ApiError(404, 'unknown_zone', `no zone "${zone}" in this workshop`)
				}
				return sessionChange((session) => ({
					...session,
					lockedZones: locked
						? [...new Set([...session.lockedZones, zone])]
						: session.lockedZones.filter((id) => id !== zone),
				}))
			})
		})
		.post('/:workshop/follow', async (c) => {
			const { zone } = await parseBody(c, v.strictObject({ zone: v.string() }))
			return change(c, { facilitator: 'bring everyone to a zone' }, (room, _actor, now) => {
				if (!(metaOf(room).zones ?? []).some((known) => known.id === zone)) {
					throw new ApiError(404, 'unknown_zone', `no zone "${zone}" in this workshop`)
				}
				return sessionChange((session) => ({ ...session, followMe: { zone, at: now.toISOString() } }))
			})
		})
		.post('/:workshop/done', async (c) => {
			const { done } = await parseBody(c, v.strictObject({ done: v.boolean() }))
			return change(c, { facilitator: null }, (room, actor) => {
				if (actor.role !== 'participant')
					throw new ApiError(403, 'participants_only', 'only participants say they are done')
				const phase = currentPhase(metaOf(room).agenda ?? [], readSession(room.controlDraft))
				if (!phase) throw new ApiError(409, 'no_phase', 'the workshop has not started')
				return sessionChange((session) => {
					const next = { ...session.done }
					if (done) next[actor.participantId] = phase.id
					else delete next[actor.participantId]
					return { ...session, done: next }
				})
			})
		})
		.post('/:workshop/reveal', async (c) => {
			return change(c, { facilitator: 'reveal private writing' }, (room) => {
				const drafts = Object.values(draftsOf(room.serverOnly))
				return (doc, serverOnly) => {
					writeContributions(doc, drafts, [])
					serverOnly.drafts = {}
					return { revealed: drafts.length }
				}
			})
		})
		.get('/:workshop/private-counts', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			facilitatorOnly(claims, 'see how much was written in private')
			return withRoom(registry, workshop, (room) => {
				const byCollege: Record<string, number> = {}
				const drafts = Object.values(draftsOf(room.serverOnly))
				for (const draft of drafts) {
					const key = draft.college ?? 'facilitator'
					byCollege[key] = (byCollege[key] ?? 0) + 1
				}
				return c.json({ total: drafts.length, byCollege })
			})
		})
		.post('/:workshop/participants/paper', async (c) => {
			const body = await parseBody(c, v.strictObject({ name: text(80), college: v.string() }))
			return change(c, { facilitator: 'add a participant on paper' }, (room, _actor, now) => {
				if (!(metaOf(room).colleges ?? []).some((college) => college.id === body.college)) {
					throw new ApiError(400, 'unknown_college', `no college with id "${body.college}" in this workshop`)
				}
				const participantId = randomId()
				return (doc) => {
					writeParticipant(doc, participantId, {
						name: body.name,
						role: 'participant',
						college: body.college,
						joinedAt: now.toISOString(),
						paper: true,
					})
					return { participantId, participants: readParticipants(doc).size }
				}
			})
		})
}
