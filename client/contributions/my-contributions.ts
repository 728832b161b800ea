import type { Contribution } from '../../shared/concertation/contribution.ts'
import { api } from '../api.ts'
import type { CellFactory } from '../sync/cell.ts'
import type { Outbox } from '../sync/outbox.ts'

/**
 * Which contributions are this participant's. In pseudonymous mode the control document does not
 * say (SPEC K9): the server tells each participant its own (`GET …/contributions/mine`), and every
 * creation accepted through the outbox adds one. Kept on the device so it is known offline.
 *
 * It also holds the person's private drafts (written during private writing, SPEC F1): the server
 * shows them to their author only, per request, until the facilitator reveals them.
 */
export class MyContributions {
	readonly ids: () => ReadonlySet<string>
	readonly drafts: () => ReadonlyMap<string, Contribution>
	private readonly setIds: (ids: ReadonlySet<string>) => void
	private readonly setDrafts: (drafts: ReadonlyMap<string, Contribution>) => void
	private readonly storageKey: string
	private readonly stopListening: () => void

	constructor(workshopId: string, participantId: string, token: string, outbox: Outbox, cells: CellFactory) {
		this.storageKey = `tablee:mine:${workshopId}:${participantId}`
		const ids = cells<ReadonlySet<string>>(new Set(this.stored()))
		const drafts = cells<ReadonlyMap<string, Contribution>>(new Map())
		this.ids = ids.get
		this.drafts = drafts.get
		this.setIds = ids.set
		this.setDrafts = drafts.set
		this.stopListening = outbox.onAccepted(({ intent, body }) => {
			const answer = body as { contribution?: Contribution; private?: boolean; deleted?: string } | null
			const created = answer?.contribution?.id
			// Written for someone on paper (M5): theirs, not this device's.
			const forSomeoneElse = (intent.body as { onBehalfOf?: string } | null)?.onBehalfOf !== undefined
			if (intent.method === 'POST' && intent.path === '/contributions' && created && !forSomeoneElse) this.add(created)
			const next = new Map(this.drafts())
			if (answer?.private && answer.contribution) next.set(answer.contribution.id, answer.contribution)
			if (answer?.deleted) next.delete(answer.deleted)
			this.setDrafts(next)
		})
		api
			.mine(workshopId, token)
			.then((answer) => {
				this.replace([...new Set([...answer.ids, ...this.ids()])])
				this.setDrafts(new Map(answer.drafts.map((draft) => [draft.id, draft])))
			})
			.catch(() => undefined) // offline or refused: the stored list stands
	}

	has(id: string): boolean {
		return this.ids().has(id)
	}

	/** The published contributions with this person's private drafts (those not revealed yet). */
	withDrafts(published: ReadonlyMap<string, Contribution>): Map<string, Contribution> {
		const all = new Map(published)
		for (const [id, draft] of this.drafts()) if (!all.has(id)) all.set(id, draft)
		return all
	}

	isDraft(id: string, published: ReadonlyMap<string, Contribution>): boolean {
		return this.drafts().has(id) && !published.has(id)
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
