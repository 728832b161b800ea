import * as decoding from 'lib0/decoding'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { MessageType } from '../../shared/protocol/messages.ts'

/**
 * A y-websocket client that asks for acknowledgements (`ack=1`, as the board client does) and
 * knows which of its own changes the server has acknowledged.
 */
export interface AckedWriter {
	provider: WebsocketProvider
	doc: Y.Doc
	/** True once the server acknowledged every change this document holds under its own client id. */
	acknowledged(): boolean
	/** When each acknowledgement arrived, with the clock of our own id it covered. */
	acks: { at: number; clock: number }[]
	/** Close codes this client received. */
	closes: number[]
}

export function ackedWriter(wsUrl: string, room: string, token: string, doc = new Y.Doc()): AckedWriter {
	const provider = new WebsocketProvider(wsUrl, room, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { token, ack: '1' },
		maxBackoffTime: 300,
	})
	const writer: AckedWriter = {
		provider,
		doc,
		acks: [],
		closes: [],
		acknowledged: () => {
			const own = Y.getState(doc.store, doc.clientID)
			const last = writer.acks.at(-1)
			return own === 0 || (last !== undefined && last.clock >= own)
		},
	}
	provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
		const state = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
		writer.acks.push({ at: performance.now(), clock: state.get(doc.clientID) ?? 0 })
	}
	provider.on('connection-close', (event: CloseEvent | null) => {
		if (event) writer.closes.push(event.code)
	})
	return writer
}
