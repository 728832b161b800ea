import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestServer, type TestServer } from './helpers/test-server.ts'

/**
 * The built client as venue Wi-Fi receives it: precompressed copies chosen by Accept-Encoding,
 * hashed files cached for good, the page itself revalidated. A small client directory stands in
 * for the build (tests/bundle.test.ts weighs the real one).
 */
let server: TestServer
let clientDir: string
const script = `console.log(${JSON.stringify('Tablée '.repeat(400))})\n`
const page =
	'<!doctype html><html lang="fr"><head><script type="module" src="/assets/index-AbCd1234.js"></script></head><body><div id="app"></div></body></html>\n'

beforeAll(async () => {
	clientDir = await mkdtemp(path.join(tmpdir(), 'tablee-client-'))
	await mkdir(path.join(clientDir, 'assets'))
	await writeFile(path.join(clientDir, 'index.html'), page)
	await writeFile(path.join(clientDir, 'index.html.gz'), gzipSync(page))
	await writeFile(path.join(clientDir, 'assets/index-AbCd1234.js'), script)
	await writeFile(path.join(clientDir, 'assets/index-AbCd1234.js.br'), brotliCompressSync(script))
	await writeFile(path.join(clientDir, 'assets/index-AbCd1234.js.gz'), gzipSync(script))
	await writeFile(path.join(clientDir, 'assets/font-EfGh5678.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]))
	server = await startTestServer({ clientDir })
})

afterAll(async () => {
	await server?.dispose()
	await rm(clientDir, { recursive: true, force: true })
})

interface Raw {
	status: number
	headers: { get(name: string): string | null }
	body: Buffer
	text(): string
}

/** A request whose body stays as sent (fetch would decompress it). */
function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const req = request(`${server.url}${pathname}`, { method, headers }, (response) => {
			const chunks: Buffer[] = []
			response.on('data', (chunk: Buffer) => chunks.push(chunk))
			response.on('end', () => {
				const body = Buffer.concat(chunks)
				resolve({
					status: response.statusCode ?? 0,
					headers: { get: (name) => (response.headers[name.toLowerCase()] as string | undefined) ?? null },
					body,
					text: () => body.toString(),
				})
			})
		})
		req.on('error', reject)
		req.end()
	})
}

describe('the built client on the wire', () => {
	test('[W1] a hashed script comes brotli-compressed, or gzip-compressed, or plain, as the browser accepts', async () => {
		const br = await get('/assets/index-AbCd1234.js', { 'accept-encoding': 'gzip, deflate, br, zstd' })
		expect(br.status).toBe(200)
		expect(br.headers.get('content-encoding')).toBe('br')
		expect(br.headers.get('vary')).toBe('Accept-Encoding')
		expect(br.headers.get('content-type')).toMatch(/^text\/javascript/)
		expect(brotliDecompressSync(br.body).toString()).toBe(script)

		const gz = await get('/assets/index-AbCd1234.js', { 'accept-encoding': 'gzip, br;q=0' })
		expect(gz.headers.get('content-encoding')).toBe('gzip')
		expect(gunzipSync(gz.body).toString()).toBe(script)

		const plain = await get('/assets/index-AbCd1234.js', { 'accept-encoding': 'identity' })
		expect(plain.headers.get('content-encoding')).toBeNull()
		expect(plain.text()).toBe(script)
		expect(Number(plain.headers.get('content-length'))).toBeGreaterThan(Number(br.headers.get('content-length')))
	})

	test('[W2] hashed files are cached for a year without revalidation; the page is revalidated and answered 304 when unchanged', async () => {
		const asset = await get('/assets/index-AbCd1234.js')
		expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
		const font = await get('/assets/font-EfGh5678.woff2', { 'accept-encoding': 'br, gzip' })
		expect(font.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
		expect(font.headers.get('content-encoding')).toBeNull() // woff2 is compressed already
		expect(font.headers.get('content-type')).toBe('font/woff2')

		for (const pathname of ['/', '/b/abcdefgh12345678', '/index.html']) {
			const response = await get(pathname, { 'accept-encoding': 'gzip' })
			expect(response.status, pathname).toBe(200)
			expect(response.headers.get('cache-control'), pathname).toBe('no-cache')
			expect(response.headers.get('content-type'), pathname).toMatch(/^text\/html/)
			expect(response.headers.get('content-encoding'), pathname).toBe('gzip')
			expect(gunzipSync(response.body).toString(), pathname).toBe(page)
			const again = await get(pathname, { 'if-none-match': response.headers.get('etag') ?? '' })
			expect(again.status, pathname).toBe(304)
		}
		const head = await get('/assets/index-AbCd1234.js', { 'accept-encoding': 'br' }, 'HEAD')
		expect(head.status).toBe(200)
		expect(head.headers.get('content-encoding')).toBe('br')
	})

	test('[W2] a missing hashed file is a 404, not the page; nothing outside the client directory is served', async () => {
		expect((await get('/assets/index-Old00000.js')).status).toBe(404)
		for (const pathname of ['/../package.json', '/assets/..%2F..%2Fpackage.json', '/%2e%2e/%2e%2e/etc/passwd']) {
			const response = await get(pathname)
			const text = response.text()
			expect(text, pathname).not.toContain('"name"')
			expect(text, pathname).not.toContain('root:')
		}
		// The API and uploaded board files keep their own routes.
		expect((await get('/api/health')).headers.get('content-type')).toMatch(/json/)
		expect((await get('/api/nothing-here')).status).toBe(404)
	})
})
