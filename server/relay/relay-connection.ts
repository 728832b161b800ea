import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { WebSocket } from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, type CloseCodeName, closeReasons } from '../../shared/protocol/close-codes.ts'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages.ts'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import type { Logger } from '../logger.ts'
import type { Channel, Peer } from '../rooms/channel.ts'
import type { WorkshopRoom } from '../rooms/room.ts'

/**
 * One client socket on one channel of a room: decodes its frames, applies what its role allows
 * and answers sync requests. Decoding returns a Result; a frame that is not a well-formed
 * y-websocket message closes this connection only (4400), never the room.
 *
 * Write rules: the control channel is written by the server alone, so every client's document
 * updates there are dropped; on the board, observers' updates are dropped. Dropped updates are
 * neither applied, broadcast nor stored. Presence (awareness) is writable on both channels.
 */
export class RelayConnection implements Peer {
	readonly claims: PersonalClaims
	private readonly socket: WebSocket
	private readonly room: WorkshopRoom
	private readonly channel: Channel
	private readonly logger: Logger
	private readonly canWrite: boolean
	/** Awareness client ids this connection introduced; removed when it leaves. */
	private readonly presenceIds = new Set<number>()
	private disposed = false
	private readonly wantsAck: boolean
	/** Set by the heartbeat; a connection that did not answer the previous ping is dropped. */
	alive = true

	constructor(
		socket: WebSocket,
		room: WorkshopRoom,
		channel: Channel,
		claims: PersonalClaims,
		logger: Logger,
		options: { wantsAck: boolean } = { wantsAck: false },
	) {
		this.socket = socket
		this.wantsAck = options.wantsAck
		this.room = room
		this.channel = channel
		this.claims = claims
		this.logger = logger
		this.canWrite = channel.name === 'board' && claims.role !== 'observer'

		socket.on('pong', this.onPong)
		channel.awareness.on('update', this.onAwareness)
		channel.peers.add(this)

		// Start syncing: our state vector, then everyone's presence.
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.sync)
		syncProtocol.writeSyncStep1(encoder, channel.doc)
		this.send(encoding.toUint8Array(encoder))
		const states = channel.awareness.getStates()
		if (states.size > 0) this.send(this.awarenessMessage([...states.keys()]))
		this.sendAck()
	}

	send(message: Uint8Array): void {
		if (this.socket.readyState !== this.socket.OPEN) return
		this.socket.send(message, (error) => {
			if (error) this.close('serverError')
		})
	}

	/** Handles one binary frame from the client. */
	receive(frame: Uint8Array): void {
		if (this.disposed) return
		const handled = this.handle(frame)
		if (!handled.ok) {
			this.logger.warn('relay.bad_message', {
				workshop: this.room.id,
				channel: this.channel.name,
				detail: handled.error,
			})
			this.close('badMessage')
		}
	}

	close(code: CloseCodeName): void {
		if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
			this.socket.close(CloseCode[code], closeReasons[code])
		}
	}

	/** Drops a connection that did not answer the last ping. */
	terminate(): void {
		this.socket.terminate()
	}

	/** Sends a heartbeat ping; returns false when the previous one went unanswered. */
	ping(): boolean {
		if (!this.alive) return false
		this.alive = false
		this.socket.ping()
		return true
	}

	/** Detaches from the room; called once the socket has closed. */
	dispose(): void {
		if (this.disposed) return
		this.disposed = true
		this.socket.off('pong', this.onPong)
		this.channel.awareness.off('update', this.onAwareness)
		this.channel.peers.delete(this)
		if (this.presenceIds.size > 0) {
			awarenessProtocol.removeAwarenessStates(this.channel.awareness, [...this.presenceIds], null)
		}
		this.room.peerLeft()
	}

	private handle(frame: Uint8Array): Result<void> {
		try {
			const decoder = decoding.createDecoder(frame)
			const type = decoding.readVarUint(decoder)
			let handled: Result<void>
			switch (type) {
				case MessageType.sync:
					handled = this.handleSync(decoder)
					break
				case MessageType.awareness:
					awarenessProtocol.applyAwarenessUpdate(this.channel.awareness, decoding.readVarUint8Array(decoder), this)
					handled = ok(undefined)
					break
				case MessageType.queryAwareness:
					this.send(this.awarenessMessage([...this.channel.awareness.getStates().keys()]))
					handled = ok(undefined)
					break
				default:
					return err(`unknown message type ${type}`)
			}
			if (handled.ok && decoding.hasContent(decoder)) return err('trailing bytes after message')
			return handled
		} catch (error) {
			return err((error as Error).message || 'truncated message')
		}
	}

	private handleSync(decoder: decoding.Decoder): Result<void> {
		const syncType = decoding.readVarUint(decoder)
		switch (syncType) {
			case SyncMessageType.step1: {
				const stateVector = decoding.readVarUint8Array(decoder)
				const encoder = encoding.createEncoder()
				encoding.writeVarUint(encoder, MessageType.sync)
				syncProtocol.writeSyncStep2(encoder, this.channel.doc, stateVector)
				this.send(encoding.toUint8Array(encoder))
				return ok(undefined)
			}
			case SyncMessageType.step2:
			case SyncMessageType.update: {
				const update = decoding.readVarUint8Array(decoder)
				if (!this.canWrite) {
					this.logger.debug('relay.update_dropped', {
						workshop: this.room.id,
						channel: this.channel.name,
						role: this.claims.role,
					})
					return ok(undefined)
				}
				// Decode the whole update before applying it: garbage is refused here, untouched.
				Y.decodeUpdate(update)
				Y.applyUpdate(this.channel.doc, update, this)
				this.sendAck()
				return ok(undefined)
			}
			default:
				return err(`unknown sync message type ${syncType}`)
		}
	}

	/** Tells a client that asked for it which state the server holds (MessageType.ack). */
	private sendAck(): void {
		if (!this.wantsAck) return
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.ack)
		encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.channel.doc))
		this.send(encoding.toUint8Array(encoder))
	}

	private awarenessMessage(clients: number[]): Uint8Array {
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.awareness)
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.channel.awareness, clients))
		return encoding.toUint8Array(encoder)
	}

	private readonly onPong = () => {
		this.alive = true
	}

	private readonly onAwareness = (
		{ added, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown,
	) => {
		if (origin !== this) return
		for (const id of added) this.presenceIds.add(id)
		for (const id of removed) this.presenceIds.delete(id)
	}
}
