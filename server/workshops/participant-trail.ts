import * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { type ContributionTrail, contributionTrail } from '../../shared/consolidation/contribution-trail.ts'
import { readContributions, readParticipants } from '../../shared/workshop/control-document.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { SynthesisIndex } from './synthesis-index.ts'
import { consolidationOf } from './workshop-consolidation.ts'

/**
 * What became of the contributions of `participants` (M1–M3), built for one request and never
 * written anywhere: their contributions found through the server-only author links (K9), their
 * private drafts, the consolidation with the poll results the room was shown, and the syntheses of
 * this server that include the workshop. Several participants (a table on paper, M5) give one trail
 * without saying whose each contribution is.
 */
export async function participantTrail(
	room: WorkshopRoom,
	participants: ReadonlySet<string>,
	syntheses: SynthesisIndex,
	server: string,
): Promise<ContributionTrail> {
	const including = await syntheses.including(room.id)
	const own = Object.entries(room.serverOnly.authors)
		.filter(([, participant]) => participants.has(participant))
		.map(([id]) => id)
	const ownSet = new Set(own)
	const published = readContributions(room.controlDraft)
	const drafts = Object.values(room.serverOnly.drafts as Record<string, Contribution>).filter(
		(draft) => ownSet.has(draft.id) && !published.has(draft.id),
	)
	const model =
		drafts.length > 0 ? consolidationOf(room, server, { revealedOnly: true, drafts }) : sharedModel(room, server)
	return contributionTrail({ model, own, drafts: new Set(drafts.map((draft) => draft.id)), syntheses: including })
}

/**
 * The consolidation everyone's page reads (no private draft in it), computed once per state of the
 * control document: pages that refresh together cost one consolidation, not one each. The
 * revealed results are part of the control document, so its state changes with them.
 */
const models = new WeakMap<WorkshopRoom, { key: string; model: ReturnType<typeof consolidationOf> }>()

function sharedModel(room: WorkshopRoom, server: string) {
	// The state vector and the deletions: a key removed from a map adds no struct, only a deletion.
	const key = Buffer.from(Y.encodeSnapshot(Y.snapshot(room.controlDraft))).toString('base64')
	const cached = models.get(room)
	if (cached?.key === key) return cached.model
	const model = consolidationOf(room, server, { revealedOnly: true })
	models.set(room, { key, model })
	return model
}

/** The people on paper of a workshop (M5), in the order they were added. */
export function paperParticipants(room: WorkshopRoom) {
	return [...readParticipants(room.controlDraft).entries()]
		.filter(([, entry]) => entry.paper === true)
		.sort(([, a], [, b]) => a.joinedAt.localeCompare(b.joinedAt))
		.map(([participantId, entry]) => ({ participantId, name: entry.name, college: entry.college }))
}
