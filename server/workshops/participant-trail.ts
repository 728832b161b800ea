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
	const model = consolidationOf(room, server, { revealedOnly: true, drafts })
	return contributionTrail({ model, own, drafts: new Set(drafts.map((draft) => draft.id)), syntheses: including })
}

/** The people on paper of a workshop (M5), in the order they were added. */
export function paperParticipants(room: WorkshopRoom) {
	return [...readParticipants(room.controlDraft).entries()]
		.filter(([, entry]) => entry.paper === true)
		.sort(([, a], [, b]) => a.joinedAt.localeCompare(b.joinedAt))
		.map(([participantId, entry]) => ({ participantId, name: entry.name, college: entry.college }))
}
