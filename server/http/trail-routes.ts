import { type Context, Hono } from 'hono'
import { etag } from 'hono/etag'
import { readMeta, readParticipants } from '../../shared/workshop/control-document.ts'
import { isId } from '../../shared/workshop/ids.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { paperParticipants, participantTrail } from '../workshops/participant-trail.ts'
import type { SynthesisIndex } from '../workshops/synthesis-index.ts'
import { ApiError } from './api-error.ts'
import { facilitatorOnly, namesRemoved, personalClaims } from './intent-context.ts'
import { withRoom } from './with-room.ts'

export interface TrailRoutesOptions {
	registry: RoomRegistry
	secret: string
	syntheses: SynthesisIndex
	/** This server's identity in exports (its public URL), to recognise its workshops in syntheses. */
	publicUrl: string
}

/**
 * M6: pages ask again every few seconds; hono's `etag` answers an unchanged trail 304 (its ETag is
 * a digest of the answer, and only an answer the asker may see gets one), so a phone downloads it
 * only when something changed. `private, no-cache`: the browser keeps it and revalidates; no shared
 * cache ever stores it.
 */
const answer = (c: Context, body: unknown): Response => c.json(body, 200, { 'cache-control': 'private, no-cache' })

const notYours = () => new ApiError(403, 'not_your_trail', 'only its owner can see what became of these contributions')

/**
 * What became of one's contributions (SPEC M1–M6, docs/api.md §What became of my contributions):
 * built per request for its owner and never written into the control document. Everyone else —
 * another participant, an observer, the facilitator — is refused someone else's, with the same
 * answer whether that person exists or not; the facilitator gets only the people taking part on
 * paper, for whom they write (M5).
 */
export function trailRoutes({ registry, secret, syntheses, publicUrl }: TrailRoutesOptions) {
	// Scoped to these two paths: mounted under /api/workshops, a `*` would hash every export too.
	return new Hono()
		.use('/:workshop/participants/:participant/trail', etag())
		.use('/:workshop/paper-trail', etag())
		.get('/:workshop/participants/:participant/trail', async (c) => {
			const workshop = c.req.param('workshop')
			const participant = c.req.param('participant')
			const claims = personalClaims(c, secret, workshop)
			if (!isId(participant)) throw notYours()
			return withRoom(registry, workshop, async (room) => {
				const participants = readParticipants(room.controlDraft)
				// The asker's own token no longer names anyone (D3): say why, whoever they asked for —
				// it tells about the workshop and the asker only, never about `participant`.
				if (!participants.has(claims.participant)) throw namesRemoved(room) ?? notYours()
				const entry = participants.get(participant)
				const own = claims.participant === participant
				const paperForFacilitator = claims.role === 'facilitator' && entry?.paper === true
				if (!entry || !(own || paperForFacilitator)) throw notYours()
				const trail = await participantTrail(room, new Set([participant]), syntheses, publicUrl)
				return answer(c, {
					...trail,
					person: { participantId: participant, name: entry.name, college: entry.college, paper: entry.paper === true },
				})
			})
		})
		.get('/:workshop/paper-trail', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = personalClaims(c, secret, workshop)
			facilitatorOnly(claims, 'print the sheets of the participants on paper')
			return withRoom(registry, workshop, async (room) => {
				const people = paperParticipants(room)
				const trail = await participantTrail(
					room,
					new Set(people.map((person) => person.participantId)),
					syntheses,
					publicUrl,
				)
				const colleges = readMeta(room.controlDraft)?.colleges ?? []
				return answer(c, {
					...trail,
					// Who sits at the table, not who wrote what (M5): the sheet is for all of them.
					people: people.map((person) => ({
						participantId: person.participantId,
						name: person.name,
						college: colleges.some((college) => college.id === person.college) ? person.college : null,
					})),
				})
			})
		})
}
