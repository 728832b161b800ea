import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { equalityDeep } from 'lib0/function'
import type { WebSocket } from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, type CloseCodeName, closeReasons } from '../../shared/protocol/close-codes.ts'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages.ts'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import { readMeta, readParticipants } from '../../shared/workshop/control-document.ts'
import { type PresenceUser, presenceColor } from '../../shared/workshop/presence.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { Channel, PresenceOwner } from '../rooms/channel.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import {
	decodePresence,
	encodePresence,
	type PresenceEntry,
	parsePresenceState,
	stampIdentity,
} from './presence-filter.ts'
import type { BatchSlot, WriteBatcher } from './write-batcher.ts'

/** Awareness client ids one connection may introduce (a tab has one; a few spare for reloads). */
const MAX_PRESENCE_IDS = 4

/** A peer that does not answer our close frame is cut off after this long (ws would wait 30 s). */
export const CLOSE_GRACE_MS = 5000

/**
 * Several processes: how often one connection may make its room catch up from the store before
 * an update under another participant's client id is judged (SPEC X12), and how many frames it
 * may send meanwhile (they wait, in order).
 */
export const CATCH_UP_EVERY_MS = 10_000
const MAX_HELD_FRAMES = 1000

export interface ConnectionOptions {
	wantsAck: boolean
	maxPresenceBytes: number
	metrics: Metrics
	/** Gathers this connection's sends into fewer socket writes (write-batcher.ts). */
	batcher: WriteBatcher
}

/**
 * One client socket on one channel of a room: decodes its frames, applies what its role allows
 * and answers sync requests. Decoding returns a Result; a frame that is not a well-formed
 * y-websocket message closes this connection only (4400), never the room.
 *
 * Write rules: the control channel is written by the server alone, so every client's document
 * updates there are dropped; on the board, observers' updates are dropped. Dropped updates are
 * neither applied, broadcast nor stored. Presence (awareness) is writable on both channels, with
 * rules: a connection changes only the presence ids it introduced (another device of the same
 * participant may take them over), states are size-limited JSON objects, and the `user` a state
 * shows is the token's identity, stamped by the server.
 */
export class RelayConnection implements PresenceOwner {
	readonly claims: PersonalClaims
	private readonly socket: WebSocket
	private readonly room: WorkshopRoom
	private readonly channel: Channel
	private readonly logger: Logger
	private readonly canWrite: boolean
	/** Awareness client ids this connection introduced; removed when it leaves. */
	private readonly presenceIds = new Set<number>()
	private disposed = false
	/** Set once we close the socket: nothing it sends afterwards is read (R5). */
	private stopped = false
	private readonly wantsAck: boolean
	private readonly maxPresenceBytes: number
	private readonly metrics: Metrics
	private readonly identity: PresenceUser
	private readonly batcher: WriteBatcher
	private readonly slot: BatchSlot
	/** Set by the heartbeat; a connection that did not answer the previous ping is dropped. */
	alive = true
	/** Frames received while the room catches up from the store (X12), handled afterwards in order. */
	private held: Uint8Array[] | null = null
	private lastCatchUp = Number.NEGATIVE_INFINITY

	constructor(
		socket: WebSocket,
		room: WorkshopRoom,
		channel: Channel,
		claims: PersonalClaims,
		logger: Logger,
		options: ConnectionOptions,
	) {
		this.socket = socket
		this.wantsAck = options.wantsAck
		this.maxPresenceBytes = options.maxPresenceBytes
		this.metrics = options.metrics
		this.batcher = options.batcher
		this.slot = options.batcher.slot(socket)
		const control = room.control.doc
		this.identity = {
			participantId: claims.participant,
			name: readParticipants(control).get(claims.participant)?.name ?? '…',
			role: claims.role,
			college: claims.college,
			color: presenceColor(claims.role, claims.college, readMeta(control)?.colleges ?? []),
		}
		this.room = room
		this.channel = channel
		this.claims = claims
		this.logger = logger
		this.canWrite = channel.name === 'board' && claims.role !== 'observer'

		socket.on('pong', this.onPong)
		channel.peers.add(this)

		// Start syncing: our state vector, then everyone's presence.
		this.sendSyncStep1()
		const states = channel.awareness.getStates()
		if (states.size > 0) this.send(this.awarenessMessage([...states.keys()]))
		this.sendAck()
	}

	get ownerId(): string {
		return this.claims.participant
	}

	releasePresence(client: number): void {
		this.presenceIds.delete(client)
	}

	send(message: Uint8Array): void {
		if (this.socket.readyState !== this.socket.OPEN) return
		this.metrics.inc('tablee_ws_messages_sent_total', { channel: this.channel.name })
		this.metrics.inc('tablee_ws_bytes_sent_total', { channel: this.channel.name }, message.length)
		this.batcher.send(this.slot, this.socket, message, this.onSent)
	}

	/** Handles one binary frame from the client. */
	receive(frame: Uint8Array): void {
		// After a refusal, ws still delivers what the peer sent until its close arrives — frames of
		// the same burst included. None of it is applied.
		if (this.disposed || this.stopped) return
		this.metrics.inc('tablee_ws_messages_received_total', { channel: this.channel.name })
		this.metrics.inc('tablee_ws_bytes_received_total', { channel: this.channel.name }, frame.length)
		if (this.held) {
			if (this.held.length >= MAX_HELD_FRAMES) this.close('tryAgainLater')
			else this.held.push(frame)
			return
		}
		this.process(frame, true)
	}

	private process(frame: Uint8Array, mayCatchUp: boolean): void {
		const handled = this.handle(frame, mayCatchUp)
		if (handled.ok) return
		if (handled.error === 'behind') {
			this.holdUntilCaughtUp(frame)
			return
		}
		if (handled.error === 'too-large') {
			this.metrics.inc('tablee_refused_frames_total', { reason: 'document_too_large' })
			this.logger.warn('relay.document_too_large', { workshop: this.room.id, bytes: this.room.boardBytes })
			this.close('documentTooLarge')
			return
		}
		this.metrics.inc('tablee_refused_frames_total', {
			reason: handled.error === 'damaged' ? 'damaged_update' : 'bad_message',
		})
		this.logger.warn('relay.bad_message', { workshop: this.room.id, channel: this.channel.name, detail: handled.error })
		this.close('badMessage')
	}

	/**
	 * Several processes (SPEC X12): a client that reconnects here after its process died brings
	 * edits of others that were stored there but may not have reached this process yet (stored
	 * before shared: whatever a client received is in the store). Before such an update is
	 * refused as written under another participant's id, the room catches up from the store —
	 * once per {@link CATCH_UP_EVERY_MS} for one connection — and this connection's frames wait,
	 * then are judged again in order; what is still not covered is refused as R14 says.
	 */
	private holdUntilCaughtUp(frame: Uint8Array): void {
		const held = [frame]
		this.held = held
		this.lastCatchUp = performance.now()
		this.room.catchUpWithStore().then(
			(done) => {
				this.held = null
				if (this.disposed || this.stopped) return
				if (!done) {
					this.close('tryAgainLater')
					return
				}
				for (const waiting of held) {
					if (this.disposed || this.stopped) return
					this.process(waiting, false)
				}
			},
			() => this.close('serverError'),
		)
	}

	close(code: CloseCodeName): void {
		this.stopped = true
		if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
			this.socket.close(CloseCode[code], closeReasons[code])
			const socket = this.socket
			setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref()
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
		this.channel.peers.delete(this)
		// Remove only the presence this connection still owns (another device may have taken it over).
		const owners = this.channel.presenceOwners
		const owned = [...this.presenceIds].filter((client) => owners.get(client) === this)
		for (const client of owned) owners.delete(client)
		if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.channel.awareness, owned, null)
		this.room.peerLeft()
	}

	private handle(frame: Uint8Array, mayCatchUp: boolean): Result<void, string> {
		try {
			const decoder = decoding.createDecoder(frame)
			const type = decoding.readVarUint(decoder)
			let handled: Result<void>
			switch (type) {
				case MessageType.sync:
					handled = this.handleSync(decoder, mayCatchUp)
					break
				case MessageType.awareness: {
					const update = decoding.readVarUint8Array(decoder)
					if (decoding.hasContent(decoder)) return err('trailing bytes after message')
					handled = this.handlePresence(update)
					break
				}
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

	private handleSync(decoder: decoding.Decoder, mayCatchUp: boolean): Result<void> {
		const syncType = decoding.readVarUint(decoder)
		switch (syncType) {
			case SyncMessageType.step1: {
				const stateVector = decoding.readVarUint8Array(decoder)
				if (decoding.hasContent(decoder)) return err('trailing bytes after message')
				this.sendWhenStored(this.channel.syncStep2(stateVector))
				return ok(undefined)
			}
			case SyncMessageType.step2:
			case SyncMessageType.update: {
				const update = decoding.readVarUint8Array(decoder)
				// Judge the whole frame before applying anything of it.
				if (decoding.hasContent(decoder)) return err('trailing bytes after message')
				if (!this.canWrite) {
					this.logger.debug('relay.update_dropped', {
						workshop: this.room.id,
						channel: this.channel.name,
						role: this.claims.role,
					})
					return ok(undefined)
				}
				// Decode the whole update before applying it: most garbage is refused here, untouched.
				const { structs } = Y.decodeUpdate(update)
				// Nobody writes under another participant's client ids (R14): refused untouched.
				const claims = this.room.checkClients(structs, this.ownerId, this.channel.presenceHistory)
				if (!claims.ok) {
					if (mayCatchUp && this.room.isShared && performance.now() - this.lastCatchUp >= CATCH_UP_EVERY_MS)
						return err('behind')
					this.metrics.inc('tablee_refused_frames_total', { reason: 'client_id_not_owned' })
					return err(`update under client id ${claims.error}, owned by another participant`)
				}
				const applied = this.room.applyBoardUpdate(update, this, claims.value)
				if (!applied.ok) return err(applied.error)
				// Parts that lacked a dependency were dropped: ask for a full sync, which brings
				// the dependencies along. Not after a step 2, which already was one (no ping-pong).
				if (applied.value.incomplete && syncType === SyncMessageType.update) this.sendSyncStep1()
				// The acknowledgement means durable: sent once the update is in the log (P11).
				// Another process's participant claimed its client id first (X11): refused as R14 does.
				const ack = this.ackMessage()
				applied.value.stored.then(
					(stored) =>
						stored === 'claim-lost'
							? this.close('badMessage')
							: stored === true
								? ack && this.send(ack)
								: this.close('serverError'),
					() => undefined,
				)
				return ok(undefined)
			}
			default:
				return err(`unknown sync message type ${syncType}`)
		}
	}

	/**
	 * Presence rules. y-websocket clients echo every presence change they receive back to the
	 * server, so entries about other people's ids are normal and silently dropped; only entries
	 * for ids this connection may own are applied:
	 * - an id nobody owns and the server never saw, or last owned by the same participant (a
	 *   reconnection), can be introduced — with a state, not a removal;
	 * - an id owned by another live connection of the same participant is taken over only with a
	 *   newer clock (two devices of one person echo each other's presence with known clocks);
	 * - the server keeps each id's clock moving forward, so a state resent after a reconnection
	 *   (whose clock the server passed when it removed it) is not ignored by others.
	 */
	private handlePresence(update: Uint8Array): Result<void, string> {
		const decoded = decodePresence(update, this.maxPresenceBytes)
		if (!decoded.ok) {
			if (decoded.error === 'malformed') return err('malformed presence')
			this.logger.warn('relay.presence_refused', { workshop: this.room.id, reason: 'too large' })
			this.metrics.inc('tablee_refused_frames_total', { reason: 'presence_too_large' })
			return ok(undefined)
		}
		const { presenceOwners: owners, presenceHistory: history, awareness } = this.channel
		const accepted: PresenceEntry[] = []
		for (const raw of decoded.value) {
			const owner = owners.get(raw.client)
			const known = awareness.meta.get(raw.client)?.clock ?? -1
			const mine =
				owner === this ||
				// Another connection of the same participant (a reconnection whose old socket is not
				// yet dropped) takes an id over only with a newer state: echoes repeat a known clock.
				(owner !== undefined && owner.ownerId === this.ownerId && raw.clock > known) ||
				(owner === undefined &&
					!isNullJson(raw.bytes) &&
					(history.get(raw.client) ?? this.ownerId) === this.ownerId &&
					(this.presenceIds.size < MAX_PRESENCE_IDS || this.presenceIds.has(raw.client)))
			if (!mine) {
				// Mostly honest echoes of others' presence; counted, not logged.
				this.metrics.inc('tablee_refused_frames_total', { reason: 'presence_not_owned' })
				continue
			}
			const parsed = parsePresenceState(raw.bytes)
			if (!parsed.ok) return err('malformed presence')
			const entry = { client: raw.client, clock: raw.clock, state: parsed.value }
			const state = entry.state === null ? null : stampIdentity(entry.state, this.identity)
			let clock = entry.clock
			if (clock <= known) {
				// Our own echo of what we already hold: nothing to do (bumping it would loop).
				if (equalityDeep(state, awareness.getStates().get(entry.client) ?? null)) continue
				clock = known + 1
			}
			if (owner && owner !== this) owner.releasePresence(entry.client)
			owners.set(entry.client, this)
			history.set(entry.client, this.ownerId)
			this.presenceIds.add(entry.client)
			accepted.push({ client: entry.client, clock, state })
		}
		if (accepted.length > 0) awarenessProtocol.applyAwarenessUpdate(awareness, encodePresence(accepted), this)
		return ok(undefined)
	}

	private sendSyncStep1(): void {
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.sync)
		syncProtocol.writeSyncStep1(encoder, this.channel.doc)
		this.send(encoding.toUint8Array(encoder))
	}

	/**
	 * Tells a client that asked for it which state the server holds durably (MessageType.ack):
	 * the state vector now, sent once everything applied so far is in the log.
	 */
	private sendAck(): void {
		const ack = this.ackMessage()
		if (ack) this.sendWhenStored(ack)
	}

	private ackMessage(): Uint8Array | null {
		if (!this.wantsAck) return null
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.ack)
		encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.channel.doc))
		return encoding.toUint8Array(encoder)
	}

	/**
	 * Board state computed now may hold updates not yet durable: it is sent once they are, so no
	 * peer ever holds a board update the server could lose (stored before shared, P11). Sends
	 * keep their order: every board send waits on the same chain.
	 */
	private sendWhenStored(message: Uint8Array): void {
		if (this.channel.name !== 'board') {
			this.send(message)
			return
		}
		this.room.whenBoardStored().then(
			() => this.send(message),
			() => undefined,
		)
	}

	private awarenessMessage(clients: number[]): Uint8Array {
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.awareness)
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.channel.awareness, clients))
		return encoding.toUint8Array(encoder)
	}

	/** One callback for every send (not a closure each): a failed write closes the connection. */
	private readonly onSent = (error?: Error | null) => {
		if (error) this.close('serverError')
	}

	private readonly onPong = () => {
		this.alive = true
	}
}

/** The 4 bytes of `null`: a removal, which cannot introduce a presence. */
function isNullJson(bytes: Uint8Array): boolean {
	return bytes.length === 4 && bytes[0] === 0x6e && bytes[1] === 0x75 && bytes[2] === 0x6c && bytes[3] === 0x6c
}
