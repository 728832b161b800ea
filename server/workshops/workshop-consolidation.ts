import type { Contribution } from '../../shared/concertation/contribution.ts'
import { consolidate } from '../../shared/consolidation/model.ts'
import {
	readConsensus,
	readContributions,
	readMeta,
	readParticipants,
	readVote,
} from '../../shared/workshop/control-document.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import { Refused } from './refused.ts'
import { currentTally } from './workshop-results.ts'

/**
 * The consolidation of a loaded workshop (E1–E4): published contributions, the tally with V8.
 * `revealedOnly`: only the poll results the room was shown (V4), for participants (M2);
 * `drafts`: private drafts to count in (a person's own, M1), never anyone else's.
 */
export function consolidationOf(
	room: WorkshopRoom,
	server: string,
	options: { revealedOnly?: boolean; drafts?: readonly Contribution[] } = {},
) {
	const meta = readMeta(room.controlDraft)
	if (!meta) throw new Refused(503, 'workshop_unavailable', 'this workshop has no settings')
	const tally = currentTally(room.controlDraft, room.serverOnly, options.revealedOnly !== true)
	const answered = tally.proposals.some((p) => p.answers.agree + p.answers.disagree + p.answers.unsure > 0)
	const contributions = readContributions(room.controlDraft)
	for (const draft of options.drafts ?? []) if (!contributions.has(draft.id)) contributions.set(draft.id, draft)
	const model = consolidate({
		meta,
		participants: readParticipants(room.controlDraft),
		contributions,
		tally: tally.voters > 0 || answered ? tally : null,
		vote: readVote(room.controlDraft),
		consensus: readConsensus(room.controlDraft),
		generatedAt: new Date().toISOString(),
	})
	// N10: the export says which workshop of which server it is, for syntheses that include it.
	return { ...model, context: { ...model.context, workshop: { id: room.id, server } } }
}
