import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import type { PresenceUser } from '../../shared/workshop/presence.ts'
import { RelayLink } from './relay-link.ts'

/**
 * The live connection of one person to one workshop: the control document (always) and the
 * board document (board view only, kept in IndexedDB so edits made offline survive a reload
 * and are merged when the connection returns).
 */
export class WorkshopSync {
	readonly control = new Y.Doc()
	readonly board: Y.Doc | null
	readonly controlLink: RelayLink
	readonly boardLink: RelayLink | null
	private readonly local: IndexeddbPersistence | null = null

	constructor(workshopId: string, token: string, options: { board: boolean }) {
		this.controlLink = new RelayLink(`${workshopId}/control`, this.control, token, { ack: false })
		this.controlLink.start()
		if (!options.board) {
			this.board = null
			this.boardLink = null
			return
		}
		this.board = new Y.Doc()
		this.boardLink = new RelayLink(workshopId, this.board, token, { ack: true })
		try {
			this.local = new IndexeddbPersistence(`tablee-board-${workshopId}`, this.board)
			const link = this.boardLink
			// Connect once local edits are loaded, so they are part of the first sync.
			this.local.whenSynced.then(
				() => link.start(),
				() => link.start(),
			)
		} catch {
			this.boardLink.start()
		}
	}

	/** Publishes who we are on both channels (the light view has only the control one). */
	setUser(user: PresenceUser): void {
		this.controlLink.provider.awareness.setLocalStateField('user', user)
		this.boardLink?.provider.awareness.setLocalStateField('user', user)
	}

	destroy(): void {
		this.controlLink.destroy()
		this.boardLink?.destroy()
		void this.local?.destroy()
		this.board?.destroy()
		this.control.destroy()
	}
}
