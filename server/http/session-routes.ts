import { Hono } from 'hono'
import * as v from 'valibot'
import type { Refusal } from '../../shared/concertation/contribution-rules.ts'
import {
	followZone,
	goToPhase,
	lockZone,
	markDone,
	runTimer,
	type SessionState,
} from '../../shared/concertation/session.ts'
import {
	readParticipants,
	readSession,
	writeContributions,
	writeParticipant,
	writeSession,
} from '../../shared/workshop/control-document.ts'
import { checkCollege } from '../../shared/workshop/participation.ts'
import { ok, type Result } from '../../shared/result.ts'
import type * as Y from 'yjs'
import { randomId } from '../auth/random-id.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { draftsOf, facilitatorOnly, metaOf, personalClaims } from './intent-context.ts'
import { intentRunner, refuseUnless } from './intent-runner.ts'
import { parseBody } from './parse-body.ts'
import { withRoom } from './with-room.ts'

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

/**
 * Facilitation (SPEC F1–F6, docs/api.md §Facilitation): phases, the shared timer, zone locks,
 * "suivez-moi", "j'ai fini", the reveal of private writing, paper participants. The server
 * decides with the pure functions of shared/concertation/session.ts; clients only ask. Each
 * change runs through the intent runner: stored before it is published.
 */
export function sessionRoutes({ registry, secret }: SessionRoutesOptions) {
	const runIntent = intentRunner({ registry, secret })

	/** The session as `decide` makes it from the current one, or the refusal it answers. */
	const sessionChange = (room: WorkshopRoom, decide: (session: SessionState) => Result<SessionState, Refusal>) => {
		const session = refuseUnless(decide(readSession(room.controlDraft)))
		return {
			commit: (doc: Y.Doc) => {
				writeSession(doc, session)
				return { session }
			},
		}
	}

	return new Hono()
		.post('/:workshop/phase', async (c) => {
			const body = await parseBody(c, v.strictObject({ index: v.pipe(v.number(), v.integer(), v.minValue(-1)) }))
			return runIntent(c, body, { facilitator: 'move the workshop through its agenda' }, ({ room, now }) =>
				sessionChange(room, (session) => goToPhase(session, metaOf(room).agenda ?? [], body.index, now.getTime())),
			)
		})
		.post('/:workshop/timer', async (c) => {
			const body = await parseBody(c, timerSchema)
			return runIntent(c, body, { facilitator: 'run the timer' }, ({ room, now }) =>
				sessionChange(room, (session) => ok(runTimer(session, body, now.getTime()))),
			)
		})
		.post('/:workshop/zones/:zone/lock', async (c) => {
			const body = await parseBody(c, v.strictObject({ locked: v.boolean() }))
			const zone = c.req.param('zone')
			return runIntent(c, body, { facilitator: 'lock zones' }, ({ room }) =>
				sessionChange(room, (session) => lockZone(session, metaOf(room).zones ?? [], zone, body.locked)),
			)
		})
		.post('/:workshop/follow', async (c) => {
			const body = await parseBody(c, v.strictObject({ zone: v.string() }))
			return runIntent(c, body, { facilitator: 'bring everyone to a zone' }, ({ room, now }) =>
				sessionChange(room, (session) => followZone(session, metaOf(room).zones ?? [], body.zone, now.getTime())),
			)
		})
		.post('/:workshop/done', async (c) => {
			const body = await parseBody(c, v.strictObject({ done: v.boolean() }))
			return runIntent(c, body, {}, ({ room, actor }) =>
				sessionChange(room, (session) => markDone(session, metaOf(room).agenda ?? [], actor, body.done)),
			)
		})
		.post('/:workshop/reveal', async (c) => {
			return runIntent(c, null, { facilitator: 'reveal private writing' }, ({ room }) => {
				const drafts = Object.values(draftsOf(room.serverOnly))
				return {
					commit: (doc, serverOnly) => {
						writeContributions(doc, drafts, [])
						serverOnly.drafts = {}
						return { revealed: drafts.length }
					},
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
			return runIntent(c, body, { facilitator: 'add a participant on paper' }, ({ room, now }) => {
				refuseUnless(checkCollege(metaOf(room).colleges ?? [], body.college))
				const participantId = randomId()
				return {
					commit: (doc) => {
						writeParticipant(doc, participantId, {
							name: body.name,
							role: 'participant',
							college: body.college,
							joinedAt: now.toISOString(),
							paper: true,
						})
						return { participantId, participants: readParticipants(doc).size }
					},
				}
			})
		})
}
