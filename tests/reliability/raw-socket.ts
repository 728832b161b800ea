import { randomBytes } from 'node:crypto'
import { connect as tcpConnect, type Socket } from 'node:net'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages.ts'
import { waitFor } from '../helpers/test-server.ts'

/**
 * A WebSocket client written on a bare TCP socket, to behave as no library would: several frames
 * in one write (one burst), and a peer that never answers the server's close frame.
 */
export interface RawSocket {
	/** Writes client frames (binary, masked) in one TCP write. */
	sendFrames(payloads: Uint8Array[]): void
	/** The close code the server sent, once it did. */
	closeCode(): number | null
	/** True once the server has cut the TCP connection. */
	ended(): boolean
	destroy(): void
	socket: Socket
}

export async function openRawSocket(port: number, path: string): Promise<RawSocket> {
	const socket = tcpConnect(port, '127.0.0.1')
	let buffer = Buffer.alloc(0)
	let upgraded = false
	let closeCode: number | null = null
	let ended = false
	socket.on('close', () => (ended = true))
	socket.on('error', () => (ended = true))
	socket.on('data', (chunk: Buffer) => {
		buffer = Buffer.concat([buffer, chunk])
		if (!upgraded) {
			const end = buffer.indexOf('\r\n\r\n')
			if (end < 0) return
			if (!buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) throw new Error('upgrade refused')
			upgraded = true
			buffer = buffer.subarray(end + 4)
		}
		// Server frames are not masked: opcode, length (7 bits, or 16/64-bit extended), payload.
		for (;;) {
			if (buffer.length < 2) return
			const opcode = (buffer[0] as number) & 0x0f
			let length = (buffer[1] as number) & 0x7f
			let offset = 2
			if (length === 126) {
				if (buffer.length < 4) return
				length = buffer.readUInt16BE(2)
				offset = 4
			} else if (length === 127) {
				if (buffer.length < 10) return
				length = Number(buffer.readBigUInt64BE(2))
				offset = 10
			}
			if (buffer.length < offset + length) return
			const payload = buffer.subarray(offset, offset + length)
			if (opcode === 0x8) closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
			buffer = buffer.subarray(offset + length)
		}
	})
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve)
		socket.once('error', reject)
	})
	socket.write(
		`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
			`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
	)
	await waitFor(() => upgraded, 'WebSocket upgrade')
	return {
		socket,
		sendFrames: (payloads) => socket.write(Buffer.concat(payloads.map(maskedFrame))),
		closeCode: () => closeCode,
		ended: () => ended,
		destroy: () => socket.destroy(),
	}
}

function maskedFrame(payload: Uint8Array): Buffer {
	const mask = randomBytes(4)
	const length = payload.length
	const header =
		length < 126
			? Buffer.from([0x82, 0x80 | length])
			: length < 65536
				? Buffer.from([0x82, 0x80 | 126, length >> 8, length & 0xff])
				: (() => {
						const extended = Buffer.alloc(10)
						extended[0] = 0x82
						extended[1] = 0x80 | 127
						extended.writeBigUInt64BE(BigInt(length), 2)
						return extended
					})()
	const body = Buffer.from(payload)
	for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i % 4] as number)
	return Buffer.concat([header, mask, body])
}

/** A y-websocket update frame that sets `records[key]`, written by a doc of its own. */
export function updateFrame(doc: Y.Doc, key: string): Uint8Array {
	const before = Y.encodeStateVector(doc)
	doc.getMap('records').set(key, { key })
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, MessageType.sync)
	encoding.writeVarUint(encoder, SyncMessageType.update)
	encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc, before))
	return encoding.toUint8Array(encoder)
}
