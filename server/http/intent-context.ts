import type { Context } from 'hono'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { Actor, ContributionState } from '../../shared/concertation/contribution-rules.ts'
import { currentPhase, phaseRules } from '../../shared/concertation/session.ts'
import {
	readContributions,
	readMeta,
	readParticipants,
	readSession,
	type WorkshopMeta,
} from '../../shared/workshop/control-document.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import { ApiError } from './api-error.ts'
import { workshopClaims } from './workshop-claims.ts'

/** The personal token's claims: intents need one (a shared link token only serves to join). */
export function personalClaims(c: Context, secret: string, workshop: string): PersonalClaims {
	const claims = workshopClaims(c, secret, workshop)
	if (claims.kind !== 'personal') {
		throw new ApiError(403, 'personal_token_required', 'join the workshop first: intents need a personal token')
	}
	return claims
}

/**
 * D3: once a workshop's names are removed, its participants live on under new ids, so a token
 * issued before no longer names anyone. Said as such (not as an unknown person): the people who
 * come back after the workshop should learn why their page or their board refuses them.
 */
export function namesRemoved(room: WorkshopRoom): ApiError | null {
	const at = readMeta(room.controlDraft)?.anonymisedAt
	if (!at) return null
	return new ApiError(
		403,
		'names_removed',
		`the names of this workshop were removed on ${at.slice(0, 10)}: nothing links anyone to a contribution any more`,
	)
}

/** Who sends the intent, as the control document knows them. */
export function actorOf(room: WorkshopRoom, claims: PersonalClaims): Actor {
	const entry = readParticipants(room.controlDraft).get(claims.participant)
	if (!entry)
		throw namesRemoved(room) ?? new ApiError(403, 'unknown_participant', 'this participant is not part of the workshop')
	return { role: claims.role, participantId: claims.participant, college: claims.college, name: entry.name }
}

export function facilitatorOnly(claims: PersonalClaims, what: string): void {
	if (claims.role !== 'facilitator') throw new ApiError(403, 'facilitator_only', `only the facilitator can ${what}`)
}

export function metaOf(room: WorkshopRoom): WorkshopMeta {
	const meta = readMeta(room.controlDraft)
	if (!meta) throw new ApiError(503, 'workshop_unavailable', 'this workshop has no settings')
	return meta
}

/** The private-writing drafts of the server-only state, typed. */
export const draftsOf = (serverOnly: Readonly<ServerOnlyState>) => serverOnly.drafts as Record<string, Contribution>

/**
 * What the contribution rules read for `actor`: the published contributions plus the actor's own
 * private drafts (F1: nobody else sees them), the author links, the phase's limits and the locks.
 */
export function contributionStateOf(room: WorkshopRoom, actor: Actor): ContributionState {
	const meta = metaOf(room)
	const session = readSession(room.controlDraft)
	const contributions = readContributions(room.controlDraft)
	const authors = room.serverOnly.authors
	for (const [id, draft] of Object.entries(draftsOf(room.serverOnly))) {
		if (authors[id] === actor.participantId) contributions.set(id, draft)
	}
	return {
		zones: meta.zones ?? [],
		themes: meta.themes ?? [],
		authorMode: meta.authorMode ?? 'pseudonymous',
		contributions,
		authors: new Map(Object.entries(authors)),
		phase: phaseRules(currentPhase(meta.agenda ?? [], session)),
		lockedZones: session.lockedZones,
	}
}
