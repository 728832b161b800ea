import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Context, MiddlewareHandler } from 'hono'
import { getMimeType } from 'hono/utils/mime'

/**
 * Serves the built client (dist/client) for venue Wi-Fi: the build writes a brotli (`.br`) and a
 * gzip (`.gz`) copy of every text file (vite.config.ts), and this picks the smallest one the
 * browser accepts, so nothing is compressed per request. Hashed files under /assets/ never change
 * under their name and are cached for a year (`immutable`: not even revalidated on reload);
 * index.html is revalidated every time (`no-cache`, answered 304 when unchanged) so a new
 * version reaches people on their next load. Any other path gets index.html: the client routes it.
 */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const REVALIDATE = 'no-cache'

/** Vite names emitted files `<name>-<hash>.<ext>`; only those are safe to cache forever. */
const HASHED = /^\/assets\/[^/]+-[\w-]{8,}\.[a-z0-9]+$/i

/** Text formats the build precompresses (images and woff2 fonts are compressed already). */
export const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest|xml)$/i

type Encoding = 'br' | 'gzip'
const suffix: Record<Encoding, string> = { br: '.br', gzip: '.gz' }

export function staticClient(clientDir: string): MiddlewareHandler {
	const root = path.resolve(clientDir)
	const indexFile = path.join(root, 'index.html')
	return async (c, next) => {
		if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next()
		const file = resolveInside(root, c.req.path)
		if (file && file !== root && (await isFile(file))) {
			return send(c, file, HASHED.test(c.req.path) ? IMMUTABLE : REVALIDATE)
		}
		// A hashed file that is not there (an old page asking for a replaced chunk) must not
		// receive the page instead: the browser would try to run HTML as a script.
		if (c.req.path.startsWith('/assets/')) return next()
		if (!(await isFile(indexFile))) {
			return c.text('Tablée: the client is not built. Run `npm run build` (npm start does it for you).', 503)
		}
		return send(c, indexFile, REVALIDATE)
	}
}

async function send(c: Context, file: string, cacheControl: string): Promise<Response> {
	const info = await stat(file)
	const compressible = COMPRESSIBLE.test(file)
	const etag = `W/"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`
	const headers: Record<string, string> = {
		'content-type': getMimeType(file) ?? 'application/octet-stream',
		'cache-control': cacheControl,
		etag,
	}
	if (compressible) headers.vary = 'Accept-Encoding'
	if (cacheControl === REVALIDATE && matches(c.req.header('if-none-match'), etag)) {
		return c.body(null, 304, headers)
	}
	let body = file
	if (compressible) {
		for (const encoding of accepted(c.req.header('accept-encoding'))) {
			if (await isFile(file + suffix[encoding])) {
				body = file + suffix[encoding]
				headers['content-encoding'] = encoding
				break
			}
		}
	}
	const bytes = await readFile(body)
	headers['content-length'] = String(bytes.length)
	if (c.req.method === 'HEAD') return c.body(null, 200, headers)
	return c.body(new Uint8Array(bytes), 200, headers)
}

/** The encodings the request accepts with a non-zero weight, brotli (smaller) first. */
export function accepted(header: string | undefined): Encoding[] {
	if (!header) return []
	const weights = new Map<string, number>()
	for (const part of header.split(',')) {
		const [name = '', ...params] = part.trim().toLowerCase().split(';')
		const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined)
		weights.set(name.trim(), q === undefined ? 1 : Number(q))
	}
	const weight = (name: string) => weights.get(name) ?? (weights.get('*') || 0)
	return (['br', 'gzip'] as const).filter((encoding) => weight(encoding) > 0)
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
	if (!ifNoneMatch) return false
	return ifNoneMatch
		.split(',')
		.map((tag) => tag.trim())
		.some((tag) => tag === '*' || tag === etag || `W/${tag}` === etag)
}

/** The file `urlPath` names inside `root`, or null for anything that would leave it. */
function resolveInside(root: string, urlPath: string): string | null {
	let decoded: string
	try {
		decoded = decodeURIComponent(urlPath)
	} catch {
		return null
	}
	if (decoded.includes('\0')) return null
	const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`)
	return file === root || file.startsWith(root + path.sep) ? file : null
}

async function isFile(file: string): Promise<boolean> {
	try {
		return (await stat(file)).isFile()
	} catch {
		return false
	}
}
