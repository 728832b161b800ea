import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { Config } from '../../server/config.ts'
import { readConfig } from '../../server/config.ts'
import type { RunningServer, StartOptions } from '../../server/server.ts'
import { startServer } from '../../server/server.ts'

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123'

/** A configuration for tests: loopback, port 0, quiet, short save windows, a fresh data dir. */
export async function testConfig(overrides: Partial<Config> = {}): Promise<Config> {
	const base = readConfig({})
	if (!base.ok) throw new Error(base.error)
	const dataDir = overrides.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'tablee-test-')))
	return {
		...base.value,
		port: 0,
		host: '127.0.0.1',
		dataDir,
		publicUrl: 'http://tablee.test',
		secret: TEST_SECRET,
		logLevel: 'silent',
		saveDebounceMs: 20,
		saveMaxWaitMs: 100,
		...overrides,
	}
}

export type ApiCall = (
	pathname: string,
	init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<Response>

/** JSON calls to a server's API at `base` (objects are sent as JSON, strings as they are). */
export function apiAt(base: string): ApiCall {
	return (pathname, init = {}) =>
		fetch(`${base}${pathname}`, {
			method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
			headers: {
				'content-type': 'application/json',
				...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
				...init.headers,
			},
			body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
		})
}

export interface TestServer extends RunningServer {
	config: Config
	wsUrl: string
	api: ApiCall
	/** Stops the server and removes its data directory. */
	dispose(): Promise<void>
}

/** Starts the real server on an ephemeral port. */
export async function startTestServer(
	overrides: Partial<Config> = {},
	options: StartOptions = {},
): Promise<TestServer> {
	const config = await testConfig(overrides)
	const server = await startServer(config, options)
	return {
		...server,
		config,
		wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
		api: apiAt(server.url),
		dispose: async () => {
			await server.close()
			await rm(config.dataDir, { recursive: true, force: true })
		},
	}
}

export interface CreatedWorkshop {
	id: string
	tokens: { facilitator: string; participant: string; observer: string }
	links: { facilitator: string; participant: string; observer: string }
}

export async function createWorkshop(server: Pick<TestServer, 'api'>, body: Record<string, unknown> = {}) {
	const response = await server.api('/api/workshops', { body: { title: 'Concertation de test', ...body } })
	if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`)
	return (await response.json()) as CreatedWorkshop
}

export async function joinWorkshop(
	server: Pick<TestServer, 'api'>,
	workshop: CreatedWorkshop,
	name: string,
	college: string | null = 'assos-benevoles',
	role: 'participant' | 'observer' = 'participant',
) {
	const response = await server.api(`/api/workshops/${workshop.id}/join`, {
		token: workshop.tokens[role],
		body: college === null ? { name } : { name, college },
	})
	if (response.status !== 201) throw new Error(`join failed: ${response.status} ${await response.text()}`)
	return (await response.json()) as { participantId: string; token: string }
}

/** A real, unmodified y-websocket client (ws polyfill, no BroadcastChannel shortcut). */
export function connect(wsUrl: string, room: string, token: string | null, doc = new Y.Doc()) {
	return new WebsocketProvider(wsUrl, room, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: token === null ? {} : { token },
		maxBackoffTime: 300,
	})
}

/** Resolves once the provider has synced with the server. */
export function synced(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
	if (provider.synced) return Promise.resolve()
	return withTimeout(
		new Promise<void>((resolve) => {
			const onSync = (isSynced: boolean) => {
				if (!isSynced) return
				provider.off('sync', onSync)
				resolve()
			}
			provider.on('sync', onSync)
		}),
		timeoutMs,
		'provider never synced',
	)
}

/** Resolves with the code and reason of the next close the server sends the provider. */
export function nextClose(provider: WebsocketProvider, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
	return withTimeout(
		new Promise((resolve) => {
			const onClose = (event: CloseEvent | null) => {
				if (!event) return
				provider.off('connection-close', onClose)
				resolve({ code: event.code, reason: event.reason })
			}
			provider.on('connection-close', onClose)
		}),
		timeoutMs,
		'connection never closed',
	)
}

/** A raw WebSocket, to send what no honest client sends. */
export function rawSocket(url: string): Promise<WebSocket> {
	const socket = new WebSocket(url)
	return withTimeout(
		new Promise((resolve, reject) => {
			socket.once('open', () => resolve(socket))
			socket.once('error', reject)
		}),
		5000,
		'socket never opened',
	)
}

/** Resolves with the close code and reason the server sent. */
export function closeOf(socket: WebSocket, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
	return withTimeout(
		new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
		timeoutMs,
		'socket never closed',
	)
}

/** Waits for a condition, polling; fails after `timeoutMs` with `message`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, message: string, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for: ${message}`)
		await new Promise((resolve) => setTimeout(resolve, 10))
	}
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out: ${message}`)), timeoutMs)
	})
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
