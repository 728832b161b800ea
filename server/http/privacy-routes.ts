import { type Context, Hono } from 'hono'
import { anonymisationDay } from '../../shared/privacy/anonymise.ts'
import { readMeta, readParticipants } from '../../shared/workshop/control-document.ts'
import { sameSecret } from '../auth/same-secret.ts'
import { anonymiseRoom, eraseNameInRoom } from '../privacy/personal-data.ts'
import type { WorkshopDeletion } from '../privacy/workshop-deletion.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { ApiError } from './api-error.ts'
import { stored, withRoom } from './with-room.ts'
import { isId } from '../../shared/workshop/ids.ts'
import { workshopClaims } from './workshop-claims.ts'

export interface PrivacyRoutesOptions {
	registry: RoomRegistry
	deletion: WorkshopDeletion
	secret: string
	organizerKey: string | null
	retentionDays: number
}

/**
 * Personal data (SPEC D1–D4, docs/api.md §Personal data): when a workshop's names go, deleting
 * it, anonymising it now, and removing one person's name. Each answers only once the change is
 * durable.
 */
export function privacyRoutes(options: PrivacyRoutesOptions) {
	const { registry, deletion, secret, organizerKey, retentionDays } = options

	/** The facilitator's token, or the organiser key when the server has one. */
	const managerOnly = (c: Context, workshop: string, what: string) => {
		if (!isId(workshop)) throw new ApiError(404, 'workshop_not_found', 'no workshop with this id')
		if (organizerKey !== null && sameSecret(c.req.header('x-organizer-key') ?? '', organizerKey)) return
		const claims = workshopClaims(c, secret, workshop)
		if (claims.kind !== 'personal' || claims.role !== 'facilitator') {
			throw new ApiError(403, 'facilitator_only', `only the facilitator (or the organiser key) can ${what}`)
		}
	}

	return new Hono()
		.get('/:workshop/privacy', async (c) => {
			const workshop = c.req.param('workshop')
			const claims = workshopClaims(c, secret, workshop)
			return withRoom(registry, workshop, (room) => {
				const meta = readMeta(room.controlDraft)
				if (!meta) throw new ApiError(503, 'workshop_unavailable', 'this workshop has no settings')
				const facilitator = claims.kind === 'personal' && claims.role === 'facilitator'
				return c.json({
					retentionDays,
					anonymiseOn: anonymisationDay(meta, retentionDays),
					anonymisedAt: meta.anonymisedAt ?? null,
					// The facilitator removes names on request (D4): whose names are still there.
					...(facilitator
						? {
								named: [...readParticipants(room.controlDraft)]
									.filter(([, entry]) => !entry.anonymous)
									.map(([id, entry]) => ({ id, name: entry.name, role: entry.role, college: entry.college })),
							}
						: {}),
				})
			})
		})
		.delete('/:workshop', async (c) => {
			const workshop = c.req.param('workshop')
			managerOnly(c, workshop, 'delete the workshop')
			const result = await deletion.delete(workshop)
			if (result === 'not-found') throw new ApiError(404, 'workshop_not_found', 'no workshop with this id')
			if (result === 'unavailable') {
				throw new ApiError(503, 'storage_unavailable', 'the workshop could not be deleted; nothing was; try again')
			}
			if (result === 'unfinished') {
				throw new ApiError(
					503,
					'storage_unavailable',
					'the workshop is deleted but its files could not all be removed yet; try again',
				)
			}
			return c.json({ deleted: workshop })
		})
		.post('/:workshop/anonymise', async (c) => {
			const workshop = c.req.param('workshop')
			managerOnly(c, workshop, 'anonymise the workshop')
			return withRoom(registry, workshop, async (room) => {
				const anonymisedAt = await stored(anonymiseRoom(room, new Date()))
				return c.json({ anonymisedAt })
			})
		})
		.delete('/:workshop/participants/:participant/name', async (c) => {
			const workshop = c.req.param('workshop')
			const participant = c.req.param('participant')
			const claims = workshopClaims(c, secret, workshop)
			const self = claims.kind === 'personal' && claims.participant === participant
			const facilitator = claims.kind === 'personal' && claims.role === 'facilitator'
			if (!self && !facilitator) {
				throw new ApiError(403, 'not_yourself', 'a participant removes their own name; the facilitator anyone’s')
			}
			return withRoom(registry, workshop, async (room) => {
				const erased = await stored(eraseNameInRoom(room, participant))
				if (!erased) throw new ApiError(404, 'participant_not_found', 'no such participant in this workshop')
				const entry = readParticipants(room.controlDraft).get(participant)
				return c.json({ participantId: participant, name: entry?.name ?? null })
			})
		})
}
