import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

/**
 * The client's address: the socket's peer, or — only when configured to trust a reverse proxy —
 * the rightmost X-Forwarded-For entry (the one that proxy added; those left of it are the
 * client's own claims).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
	if (trustProxy) {
		const forwarded = c.req
			.header('x-forwarded-for')
			?.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean)
		const last = forwarded?.at(-1)
		if (last) return last
	}
	return getConnInfo(c).remote.address ?? 'unknown'
}
