import { reconnectDelay } from '../../shared/protocol/unsent-changes.ts'
import { ApiFailure, api } from '../api.ts'
import type { CellFactory } from './cell.ts'

/** An intent as queued on the device (SPEC K11): sent once, in order, with its idempotency key. */
export interface QueuedIntent {
	key: string
	method: 'POST' | 'PATCH' | 'DELETE'
	/** Path under /api/workshops/<id>. */
	path: string
	body: unknown
	/** What it is about, shown to its author while it waits or after a refusal. */
	summary: string
	/** Board only: where to put the card once created, or back where it was if a move is refused. */
	place?: { x: number; y: number }
	/** The contribution it is about (edits, moves, deletions). */
	contribution?: string
	queuedAt: string
	state: 'pending' | 'refused'
	refusal?: { status: number; code: string; message: string }
}

export type Accepted = { intent: QueuedIntent; body: unknown }

/**
 * The device's outbox of intents (docs/architecture.md §Contributions): every contribution intent goes through it, online or
 * not. Intents are kept in localStorage until the server answers; a network failure or a 5xx keeps
 * them queued and retries with backoff (and at once when the browser says it is back online); a
 * refusal (4xx) keeps the intent, marked with the server's reason, until its author dismisses it —
 * nothing anyone wrote is silently dropped. The idempotency key makes every retry count once.
 */
export class Outbox {
	readonly items: () => QueuedIntent[]
	private readonly setItems: (items: QueuedIntent[]) => void
	private readonly storageKey: string
	private readonly listeners = new Set<(accepted: Accepted) => void>()
	private readonly refusedListeners = new Set<(refused: QueuedIntent) => void>()
	private sending = false
	private attempt = 0
	private timer: ReturnType<typeof setTimeout> | null = null
	private destroyed = false

	private readonly workshopId: string
	private readonly token: string

	constructor(workshopId: string, participantId: string, token: string, cells: CellFactory) {
		this.workshopId = workshopId
		this.token = token
		this.storageKey = `tablee:outbox:${workshopId}:${participantId}`
		const items = cells<QueuedIntent[]>(this.read())
		this.items = items.get
		this.setItems = items.set
		window.addEventListener('online', this.onOnline)
		window.addEventListener('storage', this.onStorage)
		this.flush()
	}

	/** Queues an intent and starts sending. */
	send(intent: Omit<QueuedIntent, 'key' | 'queuedAt' | 'state'>): QueuedIntent {
		const queued: QueuedIntent = { ...intent, key: newKey(), queuedAt: new Date().toISOString(), state: 'pending' }
		this.write([...this.read(), queued])
		this.flush()
		return queued
	}

	/** Called with the server's answer to each accepted intent. */
	onAccepted(listener: (accepted: Accepted) => void): () => void {
		this.listeners.add(listener)
		return () => this.listeners.delete(listener)
	}

	/** Called with each intent the server refused (it stays listed until dismissed). */
	onRefused(listener: (refused: QueuedIntent) => void): () => void {
		this.refusedListeners.add(listener)
		return () => this.refusedListeners.delete(listener)
	}

	/** Forgets a refused intent (its author has read the reason). */
	dismiss(key: string): void {
		this.write(this.read().filter((item) => item.key !== key || item.state !== 'refused'))
	}

	/** Sends what is pending now (after a reconnection, for instance). */
	flush(): void {
		if (this.timer) clearTimeout(this.timer)
		this.timer = null
		void this.drain()
	}

	destroy(): void {
		this.destroyed = true
		if (this.timer) clearTimeout(this.timer)
		window.removeEventListener('online', this.onOnline)
		window.removeEventListener('storage', this.onStorage)
		this.listeners.clear()
		this.refusedListeners.clear()
	}

	private async drain(): Promise<void> {
		if (this.sending || this.destroyed) return
		this.sending = true
		try {
			for (;;) {
				const next = this.read().find((item) => item.state === 'pending')
				if (!next) return
				const outcome = await this.deliver(next)
				if (outcome === 'retry') {
					this.timer = setTimeout(() => this.flush(), reconnectDelay(this.attempt++, Math.random()))
					return
				}
				this.attempt = 0
			}
		} finally {
			this.sending = false
		}
	}

	private async deliver(intent: QueuedIntent): Promise<'done' | 'retry'> {
		let body: unknown
		try {
			body = await api.intent(this.workshopId, this.token, intent)
		} catch (failure) {
			// Offline, a server error or "too many requests": the same key is sent again later.
			if (!(failure instanceof ApiFailure) || failure.status === 0 || failure.status >= 500 || failure.status === 429)
				return 'retry'
			const refusal = { status: failure.status, code: failure.code, message: failure.message }
			const refused: QueuedIntent = { ...intent, state: 'refused', refusal }
			this.write(this.read().map((item) => (item.key === intent.key ? refused : item)))
			for (const listener of this.refusedListeners) listener(refused)
			return 'done'
		}
		this.write(this.read().filter((item) => item.key !== intent.key))
		for (const listener of this.listeners) listener({ intent, body })
		return 'done'
	}

	private read(): QueuedIntent[] {
		try {
			const raw = localStorage.getItem(this.storageKey)
			const parsed: unknown = raw ? JSON.parse(raw) : []
			return Array.isArray(parsed) ? (parsed as QueuedIntent[]) : []
		} catch {
			return this.memory
		}
	}

	/** Without storage (private browsing), the queue lives as long as the page. */
	private memory: QueuedIntent[] = []

	private write(items: QueuedIntent[]): void {
		this.memory = items
		try {
			localStorage.setItem(this.storageKey, JSON.stringify(items))
		} catch {
			// kept in memory only
		}
		this.setItems(items)
	}

	private readonly onOnline = () => {
		this.attempt = 0
		this.flush()
	}

	/** Another tab of the same person changed the queue. */
	private readonly onStorage = (event: StorageEvent) => {
		if (event.key === this.storageKey) this.setItems(this.read())
	}
}

function newKey(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16))
	return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
