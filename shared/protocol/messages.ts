/**
 * y-websocket wire format. A message is `varUint(type)` followed by its payload; it does not
 * include the room name — the room is the WebSocket's URL.
 *
 * The type numbers are those of the y-websocket client (y-websocket/src/y-websocket.js), which
 * must keep working unmodified against our relay.
 */
export const MessageType = {
	sync: 0,
	awareness: 1,
	auth: 2,
	queryAwareness: 3,
	/**
	 * Ours, server → client, only for clients that connected with `ack=1` (an unmodified
	 * y-websocket client logs unknown types). Payload: `varUint8Array(state vector)` of the
	 * server's document, sent once after connecting and after each update the client sent has
	 * been applied and stored durably (board: in the update log, SPEC P11), so an acknowledged
	 * change survives a crash. A client whose own state vector is ahead has changes the server lacks.
	 */
	ack: 100,
} as const

export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a sync message, as defined by y-protocols/sync. */
export const SyncMessageType = {
	step1: 0,
	step2: 1,
	update: 2,
} as const

/** The two documents of a workshop, each relayed on its own WebSocket path. */
export type Channel = 'board' | 'control'

/** `/ws/<workshopId>` relays the board document, `/ws/<workshopId>/control` the control one. */
export function channelPath(workshopId: string, channel: Channel): string {
	return channel === 'board' ? `/ws/${workshopId}` : `/ws/${workshopId}/control`
}
