import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

// A 1×1 transparent PNG.
const png = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
)

let server: TestServer
let workshop: CreatedWorkshop

beforeEach(async () => {
	server = await startTestServer({ maxUploadBytes: 200_000 })
	workshop = await createWorkshop(server)
})
afterEach(async () => {
	await server.dispose()
})

const upload = (token: string | null, body: ArrayLike<number>, type = 'image/png') =>
	fetch(`${server.url}/api/workshops/${workshop.id}/assets`, {
		method: 'POST',
		headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: new Uint8Array(body),
	})

describe('[B1] files pasted on the board', () => {
	test('an image is stored as a file and referenced by URL', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const response = await upload(alice.token, png)
		expect(response.status).toBe(201)
		const { src, type } = (await response.json()) as { src: string; type: string }
		expect(type).toBe('image/png')
		expect(src).toMatch(new RegExp(`^/assets/${workshop.id}/[a-z0-9]{26}\\.png$`))
		const served = await fetch(`${server.url}${src}`)
		expect(served.status).toBe(200)
		expect(served.headers.get('content-type')).toBe('image/png')
		expect(served.headers.get('x-content-type-options')).toBe('nosniff')
		expect(Buffer.from(await served.arrayBuffer())).toEqual(png)
	})

	test('a file larger than the JSON body limit but within the upload limit is accepted', async () => {
		const big = new Uint8Array(150_000)
		big.set(png)
		expect(big.length).toBeGreaterThan(server.config.maxBodyBytes)
		expect((await upload(workshop.tokens.facilitator, big)).status).toBe(201)
	})

	test.each([
		['an observer', 'observer', png, 403, 'board_writers_only'],
		['a shared link token', 'link', png, 403, 'board_writers_only'],
		['no token', 'none', png, 401, 'missing_token'],
		[
			'HTML pretending to be an image',
			'facilitator',
			Buffer.from('<script>alert(1)</script>'),
			415,
			'unsupported_type',
		],
		[
			'an SVG (scripts run in SVG)',
			'facilitator',
			Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
			415,
			'unsupported_type',
		],
		['an empty body', 'facilitator', new Uint8Array(0), 400, 'empty_upload'],
		['a file over the limit', 'facilitator', new Uint8Array(200_001), 413, 'upload_too_large'],
	] as const)('%s is refused', async (_name, who, body, status, code) => {
		const observer = await joinWorkshop(server, workshop, 'Obs', null, 'observer')
		const token = {
			observer: observer.token,
			link: workshop.tokens.participant,
			none: null,
			facilitator: workshop.tokens.facilitator,
		}[who]
		const response = await upload(token, body)
		expect(response.status).toBe(status)
		expect(await response.json()).toMatchObject({ error: { code } })
	})

	test('unknown or malformed asset names are 404', async () => {
		expect((await fetch(`${server.url}/assets/${workshop.id}/aaaaaaaaaaaaaaaaaaaaaaaaaa.png`)).status).toBe(404)
		expect((await fetch(`${server.url}/assets/${workshop.id}/..%2F..%2Fsecret.key`)).status).toBe(404)
	})

	test('the client configuration carries the tldraw licence key, the upload limit and the accessibility contact', async () => {
		await server.dispose()
		server = await startTestServer({ tldrawLicenseKey: 'tldraw-key-123', accessibilityContact: 'a11y@example.org' })
		const response = await server.api('/api/client-config')
		expect(await response.json()).toEqual({
			tldrawLicenseKey: 'tldraw-key-123',
			maxUploadBytes: server.config.maxUploadBytes,
			privacy: { organisationName: null, contact: null, retentionDays: 365 },
			accessibilityContact: 'a11y@example.org',
		})
	})
})
