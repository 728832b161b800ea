/**
 * Which browser origins may open a socket: the public URL's, localhost's (any port, for
 * development and a laptop serving its own room), and those configured. A request without an
 * Origin header is not from a browser page; it is judged on its token alone.
 */
export function createOriginCheck(
	publicUrl: string,
	extra: readonly string[],
): (origin: string | undefined) => boolean {
	const allowed = new Set([new URL(publicUrl).origin, ...extra.map((origin) => new URL(origin).origin)])
	return (origin) => {
		if (origin === undefined) return true
		if (allowed.has(origin)) return true
		try {
			const { hostname, protocol } = new URL(origin)
			return (protocol === 'http:' || protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(hostname)
		} catch {
			return false
		}
	}
}
