import * as encoding from 'lib0/encoding'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import type * as Y from 'yjs'
import { type Channel as ChannelName, MessageType } from '../../shared/protocol/messages.ts'

/** What a channel needs of a connection: a way to send it a frame. */
export interface Peer {
	send(message: Uint8Array): void
}

/**
 * One relayed document of a room: the Y.Doc that clients sync against, its awareness
 * (presence), and the peers connected to it. It broadcasts every document and presence change
 * to its peers; deciding *who* may change what is the connection's job, not the channel's.
 */
export class Channel {
	readonly name: ChannelName
	readonly doc: Y.Doc
	readonly awareness: Awareness
	readonly peers = new Set<Peer>()

	constructor(name: ChannelName, doc: Y.Doc) {
		this.name = name
		this.doc = doc
		this.awareness = new Awareness(doc)
		// The server has no presence of its own.
		this.awareness.setLocalState(null)
		doc.on('update', this.onUpdate)
		this.awareness.on('update', this.onAwareness)
	}

	/** Sends `message` to every peer but `except`. */
	broadcast(message: Uint8Array, except?: unknown): void {
		for (const peer of this.peers) if (peer !== except) peer.send(message)
	}

	destroy(): void {
		this.doc.off('update', this.onUpdate)
		this.awareness.off('update', this.onAwareness)
		this.awareness.destroy()
	}

	private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.sync)
		syncProtocol.writeUpdate(encoder, update)
		// The peer that sent the update already has it.
		this.broadcast(encoding.toUint8Array(encoder), origin)
	}

	private readonly onAwareness = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		_origin: unknown,
	) => {
		const changed = [...added, ...updated, ...removed]
		if (changed.length === 0) return
		const encoder = encoding.createEncoder()
		encoding.writeVarUint(encoder, MessageType.awareness)
		encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(this.awareness, changed))
		this.broadcast(encoding.toUint8Array(encoder))
	}
}
