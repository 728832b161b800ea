import type { Context } from 'hono'
import { sameSecret } from './same-secret.ts'

/**
 * Whether the request may do what `ORGANIZER_KEY` guards (creating or importing a workshop): yes
 * when no key is configured, else only with the header `X-Organizer-Key` holding it.
 */
export function organizerKeyGranted(c: Context, organizerKey: string | null): boolean {
	return organizerKey === null || sameSecret(c.req.header('x-organizer-key') ?? '', organizerKey)
}
