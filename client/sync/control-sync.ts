import { type Accessor, createSignal } from 'solid-js'
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
import { RelayLink } from './relay-link.ts'

/**
 * The control document of a workshop, live: what the server decided (settings, participants,
 * contributions), as Solid signals. Used by the board and by the light view alike; it needs
 * neither IndexedDB nor the canvas.
 */
export class ControlSync {
	readonly doc = new Y.Doc()
	readonly link: RelayLink
	readonly meta: Accessor<WorkshopMeta | null>
	readonly participants: Accessor<Map<string, ParticipantEntry>>
	readonly contributions: Accessor<Map<string, Contribution>>
	readonly session: Accessor<SessionState>
	readonly vote: Accessor<VoteState>
	readonly consensus: Accessor<ConsensusState>
	readonly results: Accessor<PublishedResults>

	constructor(workshopId: string, token: string) {
		const [meta, setMeta] = createSignal<WorkshopMeta | null>(null)
		const [participants, setParticipants] = createSignal(new Map<string, ParticipantEntry>())
		const [contributions, setContributions] = createSignal(new Map<string, Contribution>())
		this.meta = meta
		this.participants = participants
		this.contributions = contributions
		const [session, setSession] = createSignal(readSession(this.doc))
		const [vote, setVote] = createSignal(readVote(this.doc))
		const [consensus, setConsensus] = createSignal(readConsensus(this.doc))
		const [results, setResults] = createSignal(readResults(this.doc))
		this.session = session
		this.vote = vote
		this.consensus = consensus
		this.results = results
		const structures = controlStructures(this.doc)
		structures.meta.observe(() => setMeta(readMeta(this.doc)))
		structures.participants.observe(() => setParticipants(readParticipants(this.doc)))
		structures.contributions.observe(() => setContributions(readContributions(this.doc)))
		structures.session.observe(() => setSession(readSession(this.doc)))
		structures.vote.observe(() => setVote(readVote(this.doc)))
		structures.consensus.observe(() => setConsensus(readConsensus(this.doc)))
		structures.results.observe(() => setResults(readResults(this.doc)))
		this.link = new RelayLink(`${workshopId}/control`, this.doc, token, { ack: false })
		this.link.start()
	}

	destroy(): void {
		this.link.destroy()
		this.doc.destroy()
	}
}
