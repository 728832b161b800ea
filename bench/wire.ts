/**
 * The two wire dialects the benchmarked servers speak. Tablée and the reference relay speak
 * y-websocket's (one document per socket, named by the URL); Hocuspocus prefixes every message
 * with the document name and expects an authentication message first. Everything after the
 * prefix is the same y-protocols sync/awareness encoding, so one light client serves all three.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export type Dialect = 'y-websocket' | 'hocuspocus'

/** Hocuspocus' message type for authentication, and the provider version it announces. */
const HOCUSPOCUS_AUTH = 2
const HOCUSPOCUS_VERSION = '4.7.0'

/** The socket URL of document `room` on a server whose WebSocket base is `base`. */
export function socketUrl(dialect: Dialect, base: string, room: string, token: string): string {
	if (dialect === 'hocuspocus') return base
	return `${base}/${room}${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

/** Starts a message: the document-name prefix (Hocuspocus only) then the message type. */
export function begin(dialect: Dialect, room: string, type: number): encoding.Encoder {
	const encoder = encoding.createEncoder()
	if (dialect === 'hocuspocus') encoding.writeVarString(encoder, room)
	encoding.writeVarUint(encoder, type)
	return encoder
}

/** Messages a client sends as soon as its socket opens, before the first sync step. */
export function opening(dialect: Dialect, room: string, token: string): Uint8Array[] {
	if (dialect !== 'hocuspocus') return []
	const encoder = begin(dialect, room, HOCUSPOCUS_AUTH)
	encoding.writeVarUint(encoder, 0) // token
	encoding.writeVarString(encoder, token)
	encoding.writeVarString(encoder, HOCUSPOCUS_VERSION)
	return [encoding.toUint8Array(encoder)]
}

/** Reads an incoming message up to its type (skipping the Hocuspocus document name). */
export function open(dialect: Dialect, data: Uint8Array): { decoder: decoding.Decoder; type: number } {
	const decoder = decoding.createDecoder(data)
	if (dialect === 'hocuspocus') decoding.readVarString(decoder)
	return { decoder, type: decoding.readVarUint(decoder) }
}
