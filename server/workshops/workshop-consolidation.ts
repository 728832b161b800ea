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

/** The consolidation of a loaded workshop (E1–E4): published contributions, the tally with V8. */
export function consolidationOf(room: WorkshopRoom, server: string) {
	const meta = readMeta(room.controlDraft)
	if (!meta) throw new Refused(503, 'workshop_unavailable', 'this workshop has no settings')
	const tally = currentTally(room.controlDraft, room.serverOnly, true)
	const answered = tally.proposals.some((p) => p.answers.agree + p.answers.disagree + p.answers.unsure > 0)
	const model = consolidate({
		meta,
		participants: readParticipants(room.controlDraft),
		contributions: readContributions(room.controlDraft),
		tally: tally.voters > 0 || answered ? tally : null,
		vote: readVote(room.controlDraft),
		consensus: readConsensus(room.controlDraft),
		generatedAt: new Date().toISOString(),
	})
	// N10: the export says which workshop of which server it is, for syntheses that include it.
	return { ...model, context: { ...model.context, workshop: { id: room.id, server } } }
}
