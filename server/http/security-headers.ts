import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/**
 * The client's pages load everything from this server: scripts only from files (no inline
 * script), the WebSocket to the same host, images and files pasted on boards from `/assets`.
 * tldraw needs `data:` and `blob:` images and fonts (exports, pasted images before upload, its
 * self-hosted icons), `blob:` workers, and inline styles: it and Solid's templates set `style`
 * attributes, which CSP treats like inline style blocks.
 */
export const appPolicy = {
	defaultSrc: ["'self'"],
	scriptSrc: ["'self'"],
	styleSrc: ["'self'", "'unsafe-inline'"],
	imgSrc: ["'self'", 'data:', 'blob:'],
	fontSrc: ["'self'", 'data:'],
	mediaSrc: ["'self'", 'blob:'],
	// tldraw fetches its stub translation files as data: URLs and pasted files as blob: URLs.
	connectSrc: ["'self'", 'data:', 'blob:'],
	workerSrc: ["'self'", 'blob:'],
	objectSrc: ["'none'"],
	baseUri: ["'none'"],
	formAction: ["'self'"],
	frameAncestors: ["'none'"],
}

/**
 * An HTML export is a document, not an application: no script at all, its own style block, and
 * nothing fetched but images of this server.
 */
export const documentPolicy = {
	defaultSrc: ["'none'"],
	styleSrc: ["'unsafe-inline'"],
	imgSrc: ["'self'", 'data:'],
	baseUri: ["'none'"],
	formAction: ["'none'"],
	frameAncestors: ["'none'"],
}

/**
 * Security headers (SPEC H3), with Hono's `secureHeaders`: a Content-Security-Policy that forbids
 * framing (the application's pages {@link appPolicy}; what is served under `/api` — HTML exports —
 * {@link documentPolicy}), `X-Frame-Options: DENY` for browsers that ignore frame-ancestors,
 * `nosniff` (a pasted file is never run as a script), `no-referrer` (tokens travel in URL
 * fragments, which are never sent; page URLs do not leak either). No HSTS: whether the server is
 * reached over https is the reverse proxy's business.
 */
export function securityHeaders(): MiddlewareHandler {
	const common = {
		referrerPolicy: 'no-referrer',
		xFrameOptions: 'DENY',
		xContentTypeOptions: 'nosniff',
		strictTransportSecurity: false,
	} as const
	const forApp = secureHeaders({ ...common, contentSecurityPolicy: appPolicy })
	const forDocuments = secureHeaders({ ...common, contentSecurityPolicy: documentPolicy })
	return function securityHeadersMiddleware(c, next) {
		// WebSocket upgrades are left to the relay (their response is the socket's, not a page).
		if (c.req.path.startsWith('/ws/')) return next()
		return c.req.path.startsWith('/api/') ? forDocuments(c, next) : forApp(c, next)
	}
}
