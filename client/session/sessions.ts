import type { PersonalIdentity } from '../api.ts'

/**
 * The personal token of each workshop joined on this device, kept in localStorage so that a
 * reload or a reconnection keeps the same participant.
 */
export interface WorkshopSession extends PersonalIdentity {
	workshopId: string
	token: string
	name: string
}

const key = (workshopId: string) => `tablee:session:${workshopId}`

export function loadSession(workshopId: string): WorkshopSession | null {
	try {
		const raw = localStorage.getItem(key(workshopId))
		if (!raw) return null
		const session = JSON.parse(raw) as WorkshopSession
		return session.workshopId === workshopId && typeof session.token === 'string' ? session : null
	} catch {
		return null
	}
}

export function saveSession(session: WorkshopSession): void {
	try {
		localStorage.setItem(key(session.workshopId), JSON.stringify(session))
	} catch {
		// Private browsing without storage: the session lasts as long as the page.
	}
}

export function forgetSession(workshopId: string): void {
	try {
		localStorage.removeItem(key(workshopId))
	} catch {
		// nothing stored
	}
}

/** Every workshop session kept on this device (for the facilitator's own workshops, for instance). */
export function listSessions(): WorkshopSession[] {
	const sessions: WorkshopSession[] = []
	try {
		for (let index = 0; index < localStorage.length; index++) {
			const key = localStorage.key(index)
			const id = key?.startsWith('tablee:session:') ? key.slice('tablee:session:'.length) : null
			const session = id ? loadSession(id) : null
			if (session) sessions.push(session)
		}
	} catch {
		// no storage
	}
	return sessions
}
