import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import type { PresenceUser } from '../../shared/workshop/presence.ts'
import { migrateBoard } from '../../shared/workshop/board-document.ts'
import { CloseCode } from '../../shared/protocol/close-codes.ts'
import type { CellFactory } from './cell.ts'
import { ControlSync } from './control-sync.ts'
import { RelayLink } from './relay-link.ts'

/**
 * The live connection of one person to one workshop: the control document (always) and the
 * board document (board view only, kept in IndexedDB so edits made offline survive a reload
 * and are merged when the connection returns).
 */
export class WorkshopSync {
	readonly controlSync: ControlSync
	readonly control: Y.Doc
	readonly board: Y.Doc
	readonly controlLink: RelayLink
	readonly boardLink: RelayLink
	private readonly local: IndexeddbPersistence | null = null

	/** `writes`: false for observers, whose board edits the server drops (nothing is ever "unsent"). */
	constructor(workshopId: string, token: string, options: { cells: CellFactory; writes: boolean }) {
		this.controlSync = new ControlSync(workshopId, token, options.cells)
		this.control = this.controlSync.doc
		this.controlLink = this.controlSync.link
		this.board = new Y.Doc()
		this.boardLink = new RelayLink(workshopId, this.board, token, { ack: options.writes, cells: options.cells })
		try {
			this.local = new IndexeddbPersistence(`tablee-board-${workshopId}`, this.board)
			const link = this.boardLink
			// Connect once local edits are loaded, so they are part of the first sync.
			// Edits kept from an older client are brought to this layout first (K12).
			this.local.whenSynced.then(
				() => {
					if (this.board) migrateBoard(this.board)
					link.start()
				},
				() => link.start(),
			)
		} catch {
			this.boardLink.start()
		}
		// A deleted workshop (4410, SPEC D1) leaves no offline copy on this device.
		this.boardLink.provider.on('connection-close', (event: CloseEvent | null) => {
			if (event?.code === CloseCode.workshopDeleted) void this.local?.clearData()
		})
	}

	/** Publishes who we are on both channels (the light view has only the control one). */
	setUser(user: PresenceUser): void {
		this.controlLink.provider.awareness.setLocalStateField('user', user)
		this.boardLink.provider.awareness.setLocalStateField('user', user)
	}

	destroy(): void {
		this.controlSync.destroy()
		this.boardLink.destroy()
		void this.local?.destroy()
		this.board.destroy()
	}
}
