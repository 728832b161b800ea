import { ApiFailure, api, type WorkshopView } from '../api.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'
import { navigate } from '../router.ts'
import { loadSession, saveSession, type WorkshopSession } from './sessions.ts'

export type ResolvedSession =
	{ kind: 'session'; session: WorkshopSession; workshop: WorkshopView } | { kind: 'none'; reason: MessageKey }

/**
 * The personal session for a workshop page (board or light view): from a personal link just
 * opened (`fromLink`), else the token saved at join. A shared link is sent to the join page.
 */
export async function resolveSession(workshopId: string, fromLink: string | null): Promise<ResolvedSession> {
	const token = fromLink ?? loadSession(workshopId)?.token
	if (!token) return { kind: 'none', reason: 'board.joinFirst' }
	let workshop: WorkshopView
	try {
		workshop = await api.workshop(workshopId, token)
	} catch (failure) {
		// A saved token that no longer opens the workshop (a foreign or damaged one): join again.
		if (failure instanceof ApiFailure && failure.status === 401)
			return {
				kind: 'none',
				reason:
					failure.code === 'link_expired'
						? 'failure.link_expired'
						: fromLink
							? 'failure.invalid_token'
							: 'board.joinFirst',
			}
		throw failure
	}
	if (workshop.you.kind === 'link') {
		sessionStorage.setItem(`tablee:link:${workshopId}`, token)
		navigate(`/join/${workshopId}`)
		return { kind: 'none', reason: 'board.joinFirst' }
	}
	const previous = loadSession(workshopId)
	const session: WorkshopSession = {
		...workshop.you,
		workshopId,
		token,
		name: previous?.participantId === workshop.you.participantId ? previous.name : '',
	}
	saveSession(session)
	return { kind: 'session', session, workshop }
}
