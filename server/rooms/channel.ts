import * as encoding from 'lib0/encoding'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import type * as Y from 'yjs'
import { type Channel as ChannelName, MessageType } from '../../shared/protocol/messages.ts'

/** What a channel needs of a connection: a way to send it a frame. */
export interface Peer {
	send(message: Uint8Array): void
}

/** A connection that introduced presence ids: it may lose them to a device of the same person. */
export interface PresenceOwner extends Peer {
	/** The participant the connection speaks for. */
	readonly ownerId: string
	/** Forget `client`: another connection of the same participant took it over. */
	releasePresence(client: number): void
}

/** A document change held back from broadcast: the update Yjs emitted and its sync message. */
export interface HeldUpdate {
	update: Uint8Array
	message: Uint8Array
	origin: unknown
}

export interface ChannelOptions {
	/**
	 * Presence changes are gathered for this long and sent as one message, so a room where
	 * everyone renews presence at once gets a few messages, not one per client per client.
	 * 0 sends each change at once.
	 */
	presenceFlushMs: number
}

/**
 * One relayed document of a room: the Y.Doc that clients sync against, its awareness
 * (presence), and the peers connected to it. It broadcasts document and presence changes to its
 * peers; deciding *who* may change what is the connection's job, not the channel's.
 */
export class Channel {
	readonly name: ChannelName
	readonly awareness: Awareness
	readonly peers = new Set<Peer>()
	/** Which connection introduced each awareness client id: only it may change that presence. */
	readonly presenceOwners = new Map<number, PresenceOwner>()
	/** The participant each presence id last belonged to, kept after they leave (reconnections). */
	readonly presenceHistory = new Map<number, string>()
	private current: Y.Doc
	/**
	 * The answer to a client that has nothing yet (sync step 2 against an empty state vector),
	 * encoded once and kept until the document changes: a room full of people joining at once
	 * costs one encoding of the board, not one each (bench: first sync).
	 */
	private freshSync: Uint8Array | null = null
	private held: HeldUpdate[] | null = null
	private readonly presenceFlushMs: number
	private changedPresence = new Set<number>()
	private presenceTimer: ReturnType<typeof setTimeout> | null = null

	constructor(name: ChannelName, doc: Y.Doc, options: ChannelOptions) {
		this.name = name
		this.current = doc
		this.presenceFlushMs = options.presenceFlushMs
		this.awareness = new Awareness(doc)
		// The server has no presence of its own.
		this.awareness.setLocalState(null)
		doc.on('update', this.onUpdate)
		this.awareness.on('update', this.onAwareness)
	}

	get doc(): Y.Doc {
		return this.current
	}

	/**
	 * Swaps in a rebuilt document (after a damaged update). Peers stay; they never received the
	 * damaged update, so they already agree with the rebuilt state.
	 */
	replaceDoc(doc: Y.Doc): void {
		this.current.off('update', this.onUpdate)
		this.current = doc
		this.freshSync = null
		// Awareness only uses its doc for its own client id and lifetime: point it at the new one.
		this.awareness.doc = doc
		doc.on('update', this.onUpdate)
	}

	/**
	 * The sync step 2 message answering a client's sync step 1 (its state vector): what the
	 * document holds that the client lacks. For a fresh client (an empty state vector) the message
	 * is the whole document, the same for everyone until the next change, so it is kept; any
	 * other state vector is answered from the document as it is. A malformed vector throws, as
	 * y-protocols does (the caller refuses the frame).
	 */
	syncStep2(stateVector: Uint8Array): Uint8Array {
		const fresh = stateVector.length === 1 && stateVector[0] === 0
		if (fresh && this.freshSync) return this.freshSync
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.sync)
		syncProtocol.writeSyncStep2(encoder, this.current, stateVector)
		const message = encoding.toUint8Array(encoder)
		if (fresh) this.freshSync = message
		return message
	}

	/**
	 * Holds document broadcasts until {@link releaseUpdates}, which hands them back: an update is
	 * sent only once it applied whole and was stored (the caller {@link publish}es them then).
	 */
	holdUpdates(): void {
		this.held = []
	}

	releaseUpdates(): HeldUpdate[] {
		const held = this.held ?? []
		this.held = null
		return held
	}

	/** Broadcasts held updates, each to every peer but the one it came from. */
	publish(held: readonly HeldUpdate[]): void {
		for (const { message, origin } of held) this.broadcast(message, origin)
	}

	/** Sends `message` to every peer but `except`. */
	broadcast(message: Uint8Array, except?: unknown): void {
		for (const peer of this.peers) if (peer !== except) peer.send(message)
	}

	/** Sends pending presence changes now. */
	flushPresence(): void {
		if (this.presenceTimer) clearTimeout(this.presenceTimer)
		this.presenceTimer = null
		if (this.changedPresence.size === 0) return
		const changed = [...this.changedPresence]
		this.changedPresence = new Set()
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.awareness)
		encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(this.awareness, changed))
		this.broadcast(encoding.toUint8Array(encoder))
	}

	destroy(): void {
		this.freshSync = null
		if (this.presenceTimer) clearTimeout(this.presenceTimer)
		this.current.off('update', this.onUpdate)
		this.awareness.off('update', this.onAwareness)
		this.awareness.destroy()
	}

	private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
		// Every change of the document goes through here: the kept encoding is no longer it.
		this.freshSync = null
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.sync)
		syncProtocol.writeUpdate(encoder, update)
		const message = encoding.toUint8Array(encoder)
		if (this.held) this.held.push({ update, message, origin })
		// The peer that sent the update already has it.
		else this.broadcast(message, origin)
	}

	private readonly onAwareness = ({
		added,
		updated,
		removed,
	}: {
		added: number[]
		updated: number[]
		removed: number[]
	}) => {
		for (const client of [...added, ...updated, ...removed]) this.changedPresence.add(client)
		if (this.changedPresence.size === 0) return
		if (this.presenceFlushMs === 0) this.flushPresence()
		else this.presenceTimer ??= setTimeout(() => this.flushPresence(), this.presenceFlushMs)
	}
}
