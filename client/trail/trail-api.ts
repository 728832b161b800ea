import type { ContributionTrail } from '../../shared/consolidation/contribution-trail.ts'
import { call } from '../api.ts'

/**
 * The calls of the page of what became of one's contributions (docs/api.md §What became of my
 * contributions): here rather than in the shell's `api`, so only that page downloads them.
 */

export interface TrailView extends ContributionTrail {
	person: { participantId: string; name: string; college: string | null; paper: boolean }
}

export interface PaperTrailView extends ContributionTrail {
	people: { participantId: string; name: string; college: string | null }[]
}

export const trailApi = {
	/** What became of a person's contributions (M1–M3): one's own, or a paper participant's for the facilitator. */
	trail: (id: string, token: string, participantId: string) =>
		call<TrailView>(`/api/workshops/${id}/participants/${participantId}/trail`, { token }),
	/** The whole paper table's sheet (M5, facilitator). */
	paperTrail: (id: string, token: string) => call<PaperTrailView>(`/api/workshops/${id}/paper-trail`, { token }),
}
