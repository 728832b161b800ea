import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { MessageType } from '../../shared/protocol/messages.ts'
import { hasUnsentChanges, reconnectDelay } from '../../shared/protocol/unsent-changes.ts'
import { BOARD_LAYOUT_VERSION } from '../../shared/workshop/board-document.ts'
import { CONTROL_LAYOUT_VERSION } from '../../shared/workshop/control-document.ts'
import type { CellFactory } from './cell.ts'

/** The document layouts this client was built for; an older client is told to reload (K12). */
const LAYOUT = `${CONTROL_LAYOUT_VERSION}.${BOARD_LAYOUT_VERSION}`

export type LinkState = 'connecting' | 'connected' | 'offline' | 'refused'

export interface Refusal {
	code: number
	reason: string
}

/**
 * One document relayed by our server through an unmodified y-websocket provider, with what the
 * provider lacks: reconnection with jittered backoff (so a room on one Wi-Fi does not reconnect
 * in lockstep), final refusals (44xx) surfaced instead of retried, and — for documents the user
 * writes — whether local changes have reached the server (our `ack` message).
 *
 * What the server holds is known from two sources: its acknowledgements (its state vector after
 * applying what we sent) and every update it sent us (it had them). Only changes beyond both are
 * unsent — so someone else's edit arriving between two of our acks is not taken for ours. The
 * last known server state is kept on the device, so after a reload the changes loaded from
 * IndexedDB that the server already had are not shown as unsent while reconnecting.
 */
export class RelayLink {
	readonly provider: WebsocketProvider
	readonly state: () => LinkState
	readonly refusal: () => Refusal | null
	/** True while the document holds changes the server has not acknowledged. */
	readonly unsent: () => boolean

	private readonly setState: (state: LinkState) => void
	private readonly setRefusal: (refusal: Refusal | null) => void
	private readonly setUnsent: (unsent: boolean) => void
	/** Client id → clock the server is known to hold; null until the server was heard from. */
	private serverState: Map<number, number> | null
	private readonly storageKey: string
	private attempt = 0
	private timer: ReturnType<typeof setTimeout> | null = null
	private destroyed = false
	private checkQueued = false

	constructor(room: string, doc: Y.Doc, token: string, options: { ack: boolean; cells: CellFactory }) {
		const state = options.cells<LinkState>('connecting')
		const refusal = options.cells<Refusal | null>(null)
		const unsent = options.cells(false)
		this.state = state.get
		this.refusal = refusal.get
		this.unsent = unsent.get
		this.setState = state.set
		this.setRefusal = refusal.set
		this.setUnsent = unsent.set
		this.storageKey = `tablee:server-state:${room}`
		this.serverState = options.ack ? this.storedServerState() : null

		const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
		this.provider = new WebsocketProvider(url, room, doc, {
			connect: false,
			params: options.ack ? { token, layout: LAYOUT, ack: '1' } : { token, layout: LAYOUT },
			// We decide about every reconnection ourselves (jitter, final refusals).
			shouldReconnect: () => false,
		})
		if (options.ack) {
			this.provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
				this.learn(Y.decodeStateVector(decoding.readVarUint8Array(decoder)))
				this.storeServerState()
				this.checkUnsent()
			}
			doc.on('afterTransaction', this.onTransaction)
		}
		this.provider.on('status', ({ status }) => {
			if (status === 'connected') this.setState('connected')
		})
		this.provider.on('sync', (synced: boolean) => {
			if (synced) this.attempt = 0
		})
		this.provider.on('closed', this.onClosed)
		window.addEventListener('online', this.onOnline)
	}

	/** Opens the connection (call once the document's local state is loaded). */
	start(): void {
		if (!this.destroyed) this.provider.connect()
	}

	destroy(): void {
		this.destroyed = true
		if (this.timer) clearTimeout(this.timer)
		window.removeEventListener('online', this.onOnline)
		this.provider.doc.off('afterTransaction', this.onTransaction)
		this.provider.destroy()
	}

	private readonly onClosed = ({ code, reason }: { code: number; reason: string }) => {
		if (this.destroyed) return
		if (code >= 4400 && code < 4500) {
			this.setRefusal({ code, reason })
			this.setState('refused')
			return
		}
		this.setState(this.attempt === 0 ? 'connecting' : 'offline')
		this.scheduleReconnect()
	}

	private scheduleReconnect(): void {
		if (this.timer) clearTimeout(this.timer)
		const delay = reconnectDelay(this.attempt++, Math.random())
		this.timer = setTimeout(() => {
			this.timer = null
			this.setState('connecting')
			this.provider.connect()
		}, delay)
	}

	/** The browser says the network is back: try at once rather than wait for the backoff. */
	private readonly onOnline = () => {
		if (this.destroyed || this.state() === 'connected' || this.state() === 'refused') return
		this.attempt = 0
		if (this.timer) clearTimeout(this.timer)
		this.timer = null
		this.provider.connect()
	}

	/** Raises what the server is known to hold to `state` (never lowers it). */
	private learn(state: Map<number, number>): void {
		const known = (this.serverState ??= new Map())
		for (const [client, clock] of state) if (clock > (known.get(client) ?? 0)) known.set(client, clock)
	}

	/** What arrives from the provider came from the server: the server has it. */
	private readonly onTransaction = (transaction: Y.Transaction) => {
		if (transaction.origin === this.provider) {
			const grown = new Map<number, number>()
			for (const [client, clock] of transaction.afterState)
				if (clock > (transaction.beforeState.get(client) ?? 0)) grown.set(client, clock)
			if (grown.size > 0) this.learn(grown)
		}
		this.checkUnsent()
	}

	private storedServerState(): Map<number, number> | null {
		try {
			const stored = localStorage.getItem(this.storageKey)
			return stored ? Y.decodeStateVector(Uint8Array.from(atob(stored), (char) => char.charCodeAt(0))) : null
		} catch {
			return null
		}
	}

	private storeServerState(): void {
		if (!this.serverState) return
		try {
			const bytes = Y.encodeStateVector(this.serverState)
			localStorage.setItem(this.storageKey, btoa(String.fromCharCode(...bytes)))
		} catch {
			// no storage: known for this page only
		}
	}

	private readonly checkUnsent = () => {
		if (this.checkQueued) return
		this.checkQueued = true
		queueMicrotask(() => {
			this.checkQueued = false
			const local = Y.decodeStateVector(Y.encodeStateVector(this.provider.doc))
			this.setUnsent(hasUnsentChanges(local, this.serverState))
		})
	}
}
