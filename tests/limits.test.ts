import { afterEach, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import type { TestServer } from './helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from './helpers/test-server.ts'

let server: TestServer | undefined
afterEach(async () => {
	await server?.dispose()
	server = undefined
})

/** Opens a socket and resolves with 'open' once the server spoke to it, or with the close code. */
function attempt(
	url: string,
	headers: Record<string, string> = {},
): Promise<{ socket: WebSocket; result: 'open' | number }> {
	return new Promise((resolve) => {
		const socket = new WebSocket(url, { headers })
		socket.once('message', () => resolve({ socket, result: 'open' }))
		socket.once('close', (code) => resolve({ socket, result: code }))
		socket.once('error', () => undefined)
	})
}

describe('venue limits', () => {
	test('[R10] 200 connections from one address within seconds all get in; a flood past the burst gets 1013', async () => {
		server = await startTestServer({ connectBurst: 250, connectRatePerSecond: 5 })
		const workshop = await createWorkshop(server)
		const url = `${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(workshop.tokens.facilitator)}`
		const room = await Promise.all(Array.from({ length: 200 }, () => attempt(url)))
		expect(room.filter(({ result }) => result === 'open').length).toBe(200)
		const flood = await Promise.all(Array.from({ length: 120 }, () => attempt(url)))
		const codes = new Set(flood.map(({ result }) => result))
		expect(codes.has(CloseCode.tryAgainLater)).toBe(true)
		expect([...codes].every((code) => code === 'open' || code === CloseCode.tryAgainLater)).toBe(true)
		for (const { socket } of [...room, ...flood]) socket.terminate()
	})

	test('[R11] browser origins other than the configured ones are refused; no Origin is judged on the token', async () => {
		server = await startTestServer({
			publicUrl: 'https://tablee.example.org',
			allowedOrigins: ['https://atelier.example.net'],
		})
		const workshop = await createWorkshop(server)
		const url = `${server.wsUrl}/${workshop.id}?token=${encodeURIComponent(workshop.tokens.facilitator)}`
		const foreign = await attempt(url, { origin: 'https://evil.example' })
		expect(foreign.result).toBe(CloseCode.forbidden)
		for (const origin of [
			'https://tablee.example.org',
			'https://atelier.example.net',
			'http://localhost:5173',
			undefined,
		]) {
			const allowed = await attempt(url, origin ? { origin } : {})
			expect(allowed.result).toBe('open')
			allowed.socket.terminate()
		}
		foreign.socket.terminate()
	})

	test('[R12] an update that would take the board past its cap is refused with 4413, the board untouched', async () => {
		server = await startTestServer({ maxDocBytes: 100_000 })
		const workshop = await createWorkshop(server)
		const alice = await joinWorkshop(server, workshop, 'Alice')
		const a = connect(server.wsUrl, workshop.id, alice.token)
		await synced(a)
		a.doc.getMap('records').set('shape:small', { text: 'petit' })
		const closed = new Promise<{ code: number; reason: string }>((resolve) => a.on('closed', resolve))
		a.doc.getMap('records').set('shape:huge', { text: 'x'.repeat(150_000) })
		expect(await closed).toEqual({ code: CloseCode.documentTooLarge, reason: 'workshop board is full' })
		expect(a.shouldConnect).toBe(false) // the client shows the reason instead of reconnecting in a loop
		const b = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
		await synced(b)
		await waitFor(() => b.doc.getMap('records').has('shape:small'), 'small edit kept')
		expect(b.doc.getMap('records').has('shape:huge')).toBe(false)
		a.destroy()
		b.destroy()
	})
})

describe('observability', () => {
	test('[O1] GET /api/metrics speaks Prometheus text, counts traffic, and needs METRICS_TOKEN when set', async () => {
		server = await startTestServer({ metricsToken: 'secret-metrics' })
		const workshop = await createWorkshop(server)
		const a = connect(server.wsUrl, workshop.id, workshop.tokens.facilitator)
		await synced(a)
		a.doc.getMap('records').set('shape:1', { text: 'x' })
		const refused = connect(server.wsUrl, workshop.id, workshop.tokens.participant)
		await new Promise((resolve) => refused.on('closed', resolve))
		expect((await server.api('/api/metrics')).status).toBe(401)
		await waitFor(async () => {
			const text = await (await server?.api('/api/metrics', { token: 'secret-metrics' }))?.text()
			return /tablee_ws_messages_received_total\{channel="board"\} [1-9]/.test(text ?? '')
		}, 'traffic counted')
		const response = await server.api('/api/metrics', { token: 'secret-metrics' })
		expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
		const text = await response.text()
		expect(text).toContain('# TYPE tablee_rooms_loaded gauge')
		expect(text).toMatch(/^tablee_rooms_loaded 1$/m)
		expect(text).toMatch(/^tablee_ws_connections 1$/m)
		expect(text).toMatch(/^tablee_ws_refused_total\{code="4403"\} 1$/m)
		expect(text).toMatch(/^tablee_memory_rss_bytes \d+$/m)
		expect(text).toMatch(/^tablee_save_lag_seconds [\d.]+$/m)
		a.destroy()
		refused.destroy()
	})
})

/**
 * Weak references to a loaded room and its documents. In a function of its own: an async test
 * body keeps its locals alive until it returns, which would hold the room itself.
 */
async function weakRefsOfRoom(running: TestServer, id: string): Promise<WeakRef<object>[]> {
	const acquired = await running.registry.acquire(id)
	if (!acquired.ok || !acquired.value) throw new Error('room missing')
	const room = acquired.value
	const refs = [
		new WeakRef(room),
		new WeakRef(room.board.doc),
		new WeakRef(room.control.doc),
		new WeakRef(room.controlDraft),
	]
	room.release()
	return refs
}

describe('memory hygiene', () => {
	test('[R13] after every client of many rooms leaves, the registry is empty and the documents are collectable', async () => {
		const gc = (globalThis as { gc?: () => void }).gc
		expect(gc, 'tests run with --expose-gc').toBeTypeOf('function')
		server = await startTestServer()
		const refs: WeakRef<object>[] = []
		const workshops = await Promise.all(
			Array.from({ length: 12 }, (_, i) => createWorkshop(server as TestServer, { title: `Atelier ${i}` })),
		)
		const clients = workshops.flatMap((workshop) => [
			connect((server as TestServer).wsUrl, workshop.id, workshop.tokens.facilitator),
			connect((server as TestServer).wsUrl, `${workshop.id}/control`, workshop.tokens.facilitator),
		])
		await Promise.all(clients.map((client) => synced(client)))
		for (const workshop of workshops) refs.push(...(await weakRefsOfRoom(server, workshop.id)))
		for (const client of clients) client.doc.getMap('records').set('shape:x', { y: 1 })
		for (const client of clients) client.destroy()
		await waitFor(() => server?.registry.size === 0, 'registry empty', 10_000)
		await waitFor(
			async () => {
				gc?.()
				await new Promise((resolve) => setImmediate(resolve))
				return refs.every((ref) => ref.deref() === undefined)
			},
			'rooms and documents collected',
			10_000,
		)
	})
})
