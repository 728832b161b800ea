import * as decoding from 'lib0/decoding'
import { type Accessor, createSignal } from 'solid-js'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { MessageType } from '../../shared/protocol/messages.ts'
import { hasUnsentChanges, reconnectDelay } from '../../shared/protocol/unsent-changes.ts'
import { BOARD_LAYOUT_VERSION } from '../../shared/workshop/board-document.ts'
import { CONTROL_LAYOUT_VERSION } from '../../shared/workshop/control-document.ts'

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
 */
export class RelayLink {
	readonly provider: WebsocketProvider
	readonly state: Accessor<LinkState>
	readonly refusal: Accessor<Refusal | null>
	/** True while the document holds changes the server has not acknowledged. */
	readonly unsent: Accessor<boolean>

	private readonly setState: (state: LinkState) => void
	private readonly setRefusal: (refusal: Refusal | null) => void
	private readonly setUnsent: (unsent: boolean) => void
	private serverState: Map<number, number> | null = null
	private attempt = 0
	private timer: ReturnType<typeof setTimeout> | null = null
	private destroyed = false
	private checkQueued = false

	constructor(room: string, doc: Y.Doc, token: string, options: { ack: boolean }) {
		const [state, setState] = createSignal<LinkState>('connecting')
		const [refusal, setRefusal] = createSignal<Refusal | null>(null)
		const [unsent, setUnsent] = createSignal(false)
		this.state = state
		this.refusal = refusal
		this.unsent = unsent
		this.setState = setState
		this.setRefusal = setRefusal
		this.setUnsent = setUnsent

		const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
		this.provider = new WebsocketProvider(url, room, doc, {
			connect: false,
			params: options.ack ? { token, layout: LAYOUT, ack: '1' } : { token, layout: LAYOUT },
			// We decide about every reconnection ourselves (jitter, final refusals).
			shouldReconnect: () => false,
		})
		if (options.ack) {
			this.provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
				this.serverState = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
				this.checkUnsent()
			}
			doc.on('update', this.checkUnsent)
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
		this.provider.doc.off('update', this.checkUnsent)
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
