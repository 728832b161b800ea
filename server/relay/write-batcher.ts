import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'

/** One socket as the batcher sees it (kept by its connection). */
export interface BatchSlot {
	readonly raw: Duplex | null
	/** True while the socket is corked, waiting for a flush. */
	corked: boolean
	/** Until then (performance.now()), a message waits for the window's flush. */
	coolUntil: number
}

/**
 * Gathers what the relay sends to each socket into fewer system calls. Socket writes are most of
 * the server's CPU in a busy room (docs/performance.md: one `writev` per message per reader). A
 * socket sent a message is corked, and uncorked once, so the frames it was sent meanwhile leave in
 * one `writev` — each still a frame of its own: the y-websocket protocol is unchanged.
 *
 * - Within one turn of the event loop, always, at no cost in delay: the socket is uncorked by
 *   `process.nextTick`, which runs once the turn's microtasks have run — so the updates one group
 *   commit of the log made durable together, or an update and the acknowledgement that follows
 *   it, leave together.
 * - Across turns, with `windowMs` above 0: a socket that has just written holds what it is sent
 *   during the next `windowMs` and writes it all when the window ends. A message to a socket
 *   that wrote nothing for `windowMs` leaves at the end of the turn, so a quiet room gets no
 *   delay; a busy one trades at most `windowMs` of it for fewer writes.
 */
export class WriteBatcher {
	private readonly windowMs: number
	private endOfTurn: BatchSlot[] = []
	private endOfWindow: BatchSlot[] = []
	private turnScheduled = false
	private windowTimer: NodeJS.Timeout | null = null

	constructor(windowMs: number) {
		this.windowMs = windowMs
	}

	/** The batching state of `socket`, to pass to {@link hold}. */
	slot(socket: WebSocket): BatchSlot {
		return { raw: transport(socket), corked: false, coolUntil: Number.NEGATIVE_INFINITY }
	}

	/**
	 * Sends `message` as one binary frame. With the TCP socket at hand, the frame (header and
	 * payload in one buffer, built once for all the sockets a broadcast reaches) is written to it
	 * directly, corked as {@link hold} says; otherwise it goes through `ws`.
	 */
	send(slot: BatchSlot, socket: WebSocket, message: Uint8Array, sent: (error?: Error | null) => void): void {
		const raw = slot.raw
		if (!raw) {
			socket.send(message, sent)
			return
		}
		this.hold(slot)
		if (message.length <= FRAME_COPY_LIMIT) raw.write(binaryFrame(message), sent)
		else {
			// A large message (a first sync of a big board) is not copied: header, then payload.
			raw.write(frameHeader(message.length))
			raw.write(message, sent)
		}
	}

	/** Call before writing to the socket: corks it until the next flush that concerns it. */
	hold(slot: BatchSlot): void {
		const raw = slot.raw
		if (slot.corked || !raw || raw.destroyed) return
		raw.cork()
		slot.corked = true
		if (this.windowMs > 0 && performance.now() < slot.coolUntil) {
			this.endOfWindow.push(slot)
			this.windowTimer ??= setTimeout(this.flushWindow, this.windowMs)
		} else {
			this.endOfTurn.push(slot)
			if (!this.turnScheduled) {
				this.turnScheduled = true
				process.nextTick(this.flushTurn)
			}
		}
	}

	/** Writes everything held now (the server stops). */
	flushAll(): void {
		this.flushTurn()
		this.flushWindow()
	}

	private readonly flushTurn = (): void => {
		const slots = this.endOfTurn
		this.endOfTurn = []
		this.turnScheduled = false
		this.release(slots)
	}

	private readonly flushWindow = (): void => {
		if (this.windowTimer) clearTimeout(this.windowTimer)
		this.windowTimer = null
		const slots = this.endOfWindow
		this.endOfWindow = []
		this.release(slots)
	}

	private release(slots: BatchSlot[]): void {
		const coolUntil = this.windowMs > 0 ? performance.now() + this.windowMs : 0
		for (const slot of slots) {
			slot.corked = false
			slot.coolUntil = coolUntil
			// A socket destroyed meanwhile dropped what it held; uncorking it does nothing.
			slot.raw?.uncork()
		}
	}
}

/** Messages up to this size are copied behind their header, so that a frame is one buffer. */
const FRAME_COPY_LIMIT = 16 * 1024

/** The last message framed, and its frame: a broadcast frames its message once for every peer. */
let lastMessage: Uint8Array | null = null
let lastFrame: Buffer = Buffer.alloc(0)

/**
 * `message` as an unmasked, final, binary WebSocket frame (RFC 6455 §5.2), as `ws` would frame it
 * (the server never compresses: `perMessageDeflate` is off), in one buffer.
 */
export function binaryFrame(message: Uint8Array): Buffer {
	if (message === lastMessage) return lastFrame
	const header = frameHeader(message.length)
	const frame = Buffer.allocUnsafe(header.length + message.length)
	frame.set(header, 0)
	frame.set(message, header.length)
	lastMessage = message
	lastFrame = frame
	return frame
}

/** The header of an unmasked, final, binary frame of `length` bytes. */
export function frameHeader(length: number): Buffer {
	const header = Buffer.allocUnsafe(length < 126 ? 2 : length < 65536 ? 4 : 10)
	header[0] = 0x82 // FIN, opcode 2 (binary)
	if (length < 126) header[1] = length
	else if (length < 65536) {
		header[1] = 126
		header.writeUInt16BE(length, 2)
	} else {
		header[1] = 127
		header.writeBigUInt64BE(BigInt(length), 2)
	}
	return header
}

/**
 * The TCP socket under a `ws` WebSocket. `ws` keeps it as `_socket` (ws 8.x) and writes each
 * frame to it as header + payload between a cork and an uncork of its own; corking it here as
 * well only postpones the write (Node counts nested corks). Null if a later `ws` renames it:
 * then nothing is batched, and nothing else changes.
 */
function transport(socket: WebSocket): Duplex | null {
	const raw = (socket as unknown as { _socket?: Duplex })._socket
	return raw && typeof raw.cork === 'function' ? raw : null
}
