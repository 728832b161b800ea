import { type Accessor, createSignal } from 'solid-js'
import * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import {
	controlStructures,
	type ParticipantEntry,
	readContributions,
	readMeta,
	readParticipants,
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

	constructor(workshopId: string, token: string) {
		const [meta, setMeta] = createSignal<WorkshopMeta | null>(null)
		const [participants, setParticipants] = createSignal(new Map<string, ParticipantEntry>())
		const [contributions, setContributions] = createSignal(new Map<string, Contribution>())
		this.meta = meta
		this.participants = participants
		this.contributions = contributions
		const structures = controlStructures(this.doc)
		structures.meta.observe(() => setMeta(readMeta(this.doc)))
		structures.participants.observe(() => setParticipants(readParticipants(this.doc)))
		structures.contributions.observe(() => setContributions(readContributions(this.doc)))
		this.link = new RelayLink(`${workshopId}/control`, this.doc, token, { ack: false })
		this.link.start()
	}

	destroy(): void {
		this.link.destroy()
		this.doc.destroy()
	}
}
