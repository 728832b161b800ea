import type * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { anonymiseWorkshop, eraseParticipantName, type PersonalData } from '../../shared/privacy/anonymise.ts'
import {
	controlStructures,
	readMeta,
	readParticipants,
	readResults,
	writeResults,
} from '../../shared/workshop/control-document.ts'
import { currentTally } from '../workshops/workshop-results.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import { closeConnections } from './room-connections.ts'

/**
 * Applies the personal data rules of `shared/privacy/anonymise.ts` to a loaded workshop. Each is
 * one intent: computed on copies, stored in one durable save (the whole record is replaced, so a
 * crash leaves the old state or the new one) and only then published.
 */

/** Removes every name (SPEC D2–D3); answers when it was done (earlier if it already was). */
export function anonymiseRoom(room: WorkshopRoom, now: Date): Promise<string> {
	return room.changeControl((doc, serverOnly) => {
		const meta = readMeta(doc)
		if (meta?.anonymisedAt) return meta.anonymisedAt
		const tally = currentTally(doc, serverOnly, true)
		const before = readPersonal(doc, serverOnly)
		const after = anonymiseWorkshop(before, {
			colleges: meta?.colleges ?? [],
			tally: tally.proposals.length > 0 ? tally : null,
		})
		writePersonal(doc, serverOnly, before, after)
		const at = now.toISOString()
		const { meta: map } = controlStructures(doc)
		map.set('authorMode', 'pseudonymous')
		map.set('anonymisedAt', at)
		return at
	})
}

/**
 * Replaces one participant's name by their college (SPEC D4); false when there is no such
 * participant. Their open connections are closed (1001: they reconnect at once) so that the
 * presence others see is stamped again, without the name.
 */
export async function eraseNameInRoom(room: WorkshopRoom, participantId: string): Promise<boolean> {
	const erased = await room.changeControl((doc, serverOnly) => {
		const before = readPersonal(doc, serverOnly)
		const after = eraseParticipantName(before, participantId, readMeta(doc)?.colleges ?? [])
		if (!after) return false
		writePersonal(doc, serverOnly, before, after)
		return true
	})
	if (erased) closeConnections(room, 'goingAway', participantId)
	return erased
}

function readPersonal(doc: Y.Doc, serverOnly: ServerOnlyState): PersonalData<ServerOnlyState> {
	const { contributions } = controlStructures(doc)
	return {
		participants: Object.fromEntries(readParticipants(doc)),
		contributions: Object.fromEntries(contributions.entries()),
		results: readResults(doc),
		serverOnly: { ...serverOnly, drafts: serverOnly.drafts as Record<string, Contribution> },
	}
}

/** Writes what changed (the control document keeps only what differs; the rest is untouched). */
function writePersonal(
	doc: Y.Doc,
	serverOnly: ServerOnlyState,
	before: PersonalData<ServerOnlyState>,
	after: PersonalData<ServerOnlyState>,
): void {
	const { participants, contributions } = controlStructures(doc)
	for (const id of Object.keys(before.participants)) if (!(id in after.participants)) participants.delete(id)
	for (const [id, entry] of Object.entries(after.participants)) {
		if (JSON.stringify(before.participants[id]) !== JSON.stringify(entry)) participants.set(id, entry)
	}
	for (const [id, contribution] of Object.entries(after.contributions)) {
		if (before.contributions[id] !== contribution) contributions.set(id, contribution)
	}
	writeResults(doc, after.results)
	Object.assign(serverOnly, after.serverOnly)
}
