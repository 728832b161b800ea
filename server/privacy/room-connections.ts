import type { CloseCodeName } from '../../shared/protocol/close-codes.ts'
import type { WorkshopRoom } from '../rooms/room.ts'

/** A channel peer that can be closed: the relay's connections are. */
interface ClosablePeer {
	readonly ownerId?: string
	close(code: CloseCodeName): void
}

const closable = (peer: unknown): peer is ClosablePeer => typeof (peer as Partial<ClosablePeer>).close === 'function'

/**
 * Closes the room's sockets with `code` — every one, or only those of one participant (whose
 * presence must be stamped again after their name was removed).
 */
export function closeConnections(room: WorkshopRoom, code: CloseCodeName, participantId?: string): number {
	let closed = 0
	for (const peer of [...room.board.peers, ...room.control.peers]) {
		if (!closable(peer) || (participantId !== undefined && peer.ownerId !== participantId)) continue
		peer.close(code)
		closed++
	}
	return closed
}
