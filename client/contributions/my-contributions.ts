import { type Accessor, createSignal } from 'solid-js'
import type { Outbox } from '../sync/outbox.ts'

/**
 * Which contributions are this participant's. In pseudonymous mode the control document does not
 * say (SPEC K9): the server tells each participant its own (`GET …/contributions/mine`), and every
 * creation accepted through the outbox adds one. Kept on the device so it is known offline.
 */
export class MyContributions {
	readonly ids: Accessor<ReadonlySet<string>>
	private readonly setIds: (ids: ReadonlySet<string>) => void
	private readonly storageKey: string
	private readonly stopListening: () => void

	constructor(workshopId: string, participantId: string, token: string, outbox: Outbox) {
		this.storageKey = `tablee:mine:${workshopId}:${participantId}`
		const [ids, setIds] = createSignal<ReadonlySet<string>>(new Set(this.stored()))
		this.ids = ids
		this.setIds = setIds
		this.stopListening = outbox.onAccepted(({ intent, body }) => {
			const created = (body as { contribution?: { id?: string } } | null)?.contribution?.id
			if (intent.method === 'POST' && intent.path === '/contributions' && created) this.add(created)
		})
		fetch(`/api/workshops/${workshopId}/contributions/mine`, { headers: { authorization: `Bearer ${token}` } })
			.then((response) => (response.ok ? (response.json() as Promise<{ ids: string[] }>) : null))
			.then((answer) => answer && this.replace(answer.ids))
			.catch(() => undefined) // offline: the stored list stands
	}

	has(id: string): boolean {
		return this.ids().has(id)
	}

	destroy(): void {
		this.stopListening()
	}

	private add(id: string): void {
		this.replace([...this.ids(), id])
	}

	private replace(ids: string[]): void {
		this.setIds(new Set(ids))
		try {
			localStorage.setItem(this.storageKey, JSON.stringify(ids))
		} catch {
			// kept for this page only
		}
	}

	private stored(): string[] {
		try {
			const parsed: unknown = JSON.parse(localStorage.getItem(this.storageKey) ?? '[]')
			return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : []
		} catch {
			return []
		}
	}
}
