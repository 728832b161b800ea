import * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { SessionState } from '../../shared/concertation/session.ts'
import type { ConsensusState, VoteState } from '../../shared/concertation/vote.ts'
import {
	controlStructures,
	type ParticipantEntry,
	type PublishedResults,
	readConsensus,
	readContributions,
	readMeta,
	readParticipants,
	readResults,
	readSession,
	readVote,
	type WorkshopMeta,
} from '../../shared/workshop/control-document.ts'
import type { CellFactory } from './cell.ts'
import { RelayLink } from './relay-link.ts'

/**
 * The control document of a workshop, live: what the server decided (settings, participants,
 * contributions), as cells the UI layer makes reactive. Used by the board and by the light view alike; it needs
 * neither IndexedDB nor the canvas.
 */
export class ControlSync {
	readonly doc = new Y.Doc()
	readonly link: RelayLink
	readonly meta: () => WorkshopMeta | null
	readonly participants: () => Map<string, ParticipantEntry>
	readonly contributions: () => Map<string, Contribution>
	readonly session: () => SessionState
	readonly vote: () => VoteState
	readonly consensus: () => ConsensusState
	readonly results: () => PublishedResults

	constructor(workshopId: string, token: string, cells: CellFactory) {
		const structures = controlStructures(this.doc)
		// Each part of the document as a cell, refreshed whenever the server changes that part.
		const live = <T>(part: { observe: (listener: () => void) => void }, read: (doc: Y.Doc) => T) => {
			const cell = cells(read(this.doc))
			part.observe(() => cell.set(read(this.doc)))
			return cell.get
		}
		this.meta = live(structures.meta, readMeta)
		this.participants = live(structures.participants, readParticipants)
		this.contributions = live(structures.contributions, readContributions)
		this.session = live(structures.session, readSession)
		this.vote = live(structures.vote, readVote)
		this.consensus = live(structures.consensus, readConsensus)
		this.results = live(structures.results, readResults)
		this.link = new RelayLink(`${workshopId}/control`, this.doc, token, { ack: false, cells })
		this.link.start()
	}

	destroy(): void {
		this.link.destroy()
		this.doc.destroy()
	}
}
