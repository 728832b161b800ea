import type { College } from '../template/template-schema.ts'
import type { Role } from './roles.ts'

/**
 * Who a presence (awareness) state speaks for. Clients publish it as the `user` field; the
 * relay overwrites it with the identity of the connection's token, so nobody can appear as
 * someone else.
 */
export interface PresenceUser {
	participantId: string
	name: string
	role: Role
	college: string | null
	color: string
}

export const FACILITATOR_COLOR = '#212529'
export const OBSERVER_COLOR = '#868e96'

/** A person's colour: their college's, or a neutral one for facilitators and observers. */
export function presenceColor(role: Role, college: string | null, colleges: readonly College[]): string {
	if (role === 'facilitator') return FACILITATOR_COLOR
	if (role === 'observer') return OBSERVER_COLOR
	return colleges.find((entry) => entry.id === college)?.color ?? OBSERVER_COLOR
}
