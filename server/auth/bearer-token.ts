import type { Context } from 'hono'

/**
 * The token of a request: `Authorization: Bearer <token>`, or a `token` query parameter for
 * plain download links and WebSocket URLs (browsers cannot set headers on either).
 */
export function bearerToken(c: Context): string | null {
	const header = c.req.header('authorization')
	if (header) {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
		return match?.[1] ?? null
	}
	return c.req.query('token') ?? null
}
