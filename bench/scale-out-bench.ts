/**
 * Several processes (docs/scale-out.md): fan-out delay and server CPU with clients split across
 * two Tablée processes on PostgreSQL and Redis, against the same clients on one process on
 * PostgreSQL alone; and how long the clients of a killed process take to be back, through a
 * small TCP proxy standing for the load balancer, and synced. PostgreSQL is the one at
 * BENCH_DATABASE_URL (default: this machine's), on a fresh database dropped afterwards; Redis the
 * one at BENCH_REDIS_URL (default 127.0.0.1:6379), under a key prefix of its own, removed after.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createClient } from 'redis'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { readSession } from '../shared/workshop/control-document.ts'
import { tcpProxy } from '../tests/helpers/tcp-proxy.ts'
import { cpuSeconds, tableeMain } from './peers.ts'

export interface ScaleOutBenchResult {
	clients: number
	rows: { setup: string; p50Ms: number; p99Ms: number; cpuS: number }[]
	/** A phase change sent through one process, until a client of the other sees it. */
	intentDelay: { p50Ms: number; p99Ms: number; count: number }
	/** Kill -9 of one of two processes: until every one of its clients is connected and synced again. */
	backAfterKillMs: number
	killedClients: number
}

const CLIENTS = Number(process.env.BENCH_SCALE_CLIENTS ?? 200)
const WINDOW_MS = 8000
const INTERVAL_MS = 100
const SECRET = 'bench-secret-bench-secret-bench-secret-00'

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

interface ServerProcess {
	child: ChildProcess
	port: number
	stop(): Promise<void>
}

async function startServer(env: Record<string, string>): Promise<ServerProcess> {
	const child = spawn(process.execPath, [tableeMain], {
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', TABLEE_SECRET: SECRET, ...env },
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
	const port = await new Promise<number>((resolve, reject) => {
		let output = ''
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString()
			const match = /"url":"http:\/\/[^"]+:(\d+)"/.exec(output)
			if (match) resolve(Number(match[1]))
		})
		child.once('exit', (code) => reject(new Error(`Tablée exited with ${code}`)))
	})
	child.stdout?.resume()
	return {
		child,
		port,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
			await exited
		},
	}
}

async function workshopWith(port: number, clients: number) {
	const base = `http://127.0.0.1:${port}`
	const post = async (pathname: string, body: unknown, token?: string) =>
		(await (
			await fetch(`${base}${pathname}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
				body: JSON.stringify(body),
			})
		).json()) as Record<string, unknown>
	const created = (await post('/api/workshops', { title: 'Banc de passage à l’échelle' })) as {
		id: string
		tokens: { participant: string; facilitator: string }
	}
	const tokens: string[] = []
	for (let i = 0; i < clients; i++) {
		const joined = await post(
			`/api/workshops/${created.id}/join`,
			{ name: `P${i}`, college: 'etat' },
			created.tokens.participant,
		)
		tokens.push(joined.token as string)
	}
	return { id: created.id, tokens, facilitator: created.tokens.facilitator }
}

const INTENTS = 40

/** Phase changes sent through the first process, seen by a control client of the second. */
async function intentDelay(first: number, second: number) {
	const { id, facilitator } = await workshopWith(first, 0)
	const watcher = provider(second, `${id}/control`, facilitator)
	try {
		await synced(watcher)
		const delays: number[] = []
		for (let i = 0; i < INTENTS; i++) {
			const index = (i % 9) + 1
			const seen = new Promise<void>((resolve) => {
				const check = () => {
					if (readSession(watcher.doc).phaseIndex === index) {
						watcher.doc.off('update', check)
						resolve()
					}
				}
				watcher.doc.on('update', check)
			})
			const started = performance.now()
			const response = await fetch(`http://127.0.0.1:${first}/api/workshops/${id}/phase`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${facilitator}` },
				body: JSON.stringify({ index }),
			})
			if (response.status !== 200) throw new Error(`phase: ${response.status}`)
			await seen
			delays.push(performance.now() - started)
		}
		delays.sort((a, b) => a - b)
		return { p50Ms: percentile(delays, 50), p99Ms: percentile(delays, 99), count: delays.length }
	} finally {
		watcher.destroy()
	}
}

function provider(port: number, room: string, token: string) {
	return new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, room, new Y.Doc(), {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { token },
		maxBackoffTime: 300,
	})
}

const synced = (p: WebsocketProvider) =>
	new Promise<void>((resolve) => {
		if (p.synced) resolve()
		else
			p.on('sync', function onSync(isSynced: boolean) {
				if (!isSynced) return
				p.off('sync', onSync)
				resolve()
			})
	})

/** One writer sets a key every 100 ms; every other client notes when each arrived. */
async function fanout(ports: number[], servers: ServerProcess[]) {
	const { id, tokens } = await workshopWith(ports[0] ?? 0, CLIENTS)
	const clients = tokens.map((token, i) => provider(ports[i % ports.length] ?? 0, id, token))
	try {
		await Promise.all(clients.map(synced))
		const [writer, ...readers] = clients
		if (!writer) throw new Error('no writer')
		const sentAt = new Map<string, number>()
		const delays: number[] = []
		for (const reader of readers) {
			reader.doc.getMap('records').observe((event) => {
				const now = performance.now()
				for (const key of event.keysChanged) delays.push(now - (sentAt.get(key) ?? now))
			})
		}
		const cpuBefore = servers.map((server) => cpuSeconds(server.child.pid ?? 0))
		let n = 0
		const ticker = setInterval(() => {
			const key = `k${n++}`
			sentAt.set(key, performance.now())
			writer.doc.getMap('records').set(key, n)
		}, INTERVAL_MS)
		await new Promise((resolve) => setTimeout(resolve, WINDOW_MS))
		clearInterval(ticker)
		const deadline = Date.now() + 10_000
		while (delays.length < n * readers.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
		const cpuS = servers.reduce((sum, server, i) => sum + cpuSeconds(server.child.pid ?? 0) - (cpuBefore[i] ?? 0), 0)
		delays.sort((a, b) => a - b)
		return { p50Ms: percentile(delays, 50), p99Ms: percentile(delays, 99), cpuS }
	} finally {
		for (const client of clients) client.destroy()
	}
}

/** Clients split over two processes behind a proxy that prefers the first; the first is killed. */
async function backAfterKill(env: Record<string, string>) {
	const first = await startServer(env)
	const second = await startServer(env)
	const proxy = await tcpProxy(() => [first.port, second.port])
	const half = Math.floor(CLIENTS / 2)
	const { id, tokens } = await workshopWith(proxy.port, CLIENTS)
	const viaProxy = tokens.slice(0, half).map((token) => provider(proxy.port, id, token))
	const onSecond = tokens.slice(half).map((token) => provider(second.port, id, token))
	try {
		await Promise.all([...viaProxy, ...onSecond].map(synced))
		const started = performance.now()
		first.child.kill('SIGKILL')
		// Back: disconnected, then reconnected (through the proxy, to the second process) and synced.
		await Promise.all(
			viaProxy.map(
				(client) =>
					new Promise<void>((resolve) => {
						let lost = false
						client.on('status', ({ status }: { status: string }) => {
							if (status === 'disconnected') lost = true
						})
						const check = () => {
							if (lost && client.wsconnected && client.synced) resolve()
							else setTimeout(check, 5)
						}
						check()
					}),
			),
		)
		return { ms: performance.now() - started, killed: viaProxy.length }
	} finally {
		for (const client of [...viaProxy, ...onSecond]) client.destroy()
		await proxy.close()
		await Promise.all([first.stop(), second.stop()])
	}
}

export async function runScaleOutBench(): Promise<ScaleOutBenchResult> {
	const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres'
	const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
	const prefix = `tablee-bench-${randomBytes(4).toString('hex')}:`
	const name = `tablee_bench_scale_${randomBytes(4).toString('hex')}`
	const admin = new pg.Client({ connectionString: adminUrl })
	await admin.connect()
	await admin.query(`CREATE DATABASE ${name}`)
	const url = new URL(adminUrl)
	url.pathname = `/${name}`
	const databaseUrl = url.toString()
	try {
		const rows: ScaleOutBenchResult['rows'] = []
		let intents: ScaleOutBenchResult['intentDelay'] = { p50Ms: Number.NaN, p99Ms: Number.NaN, count: 0 }
		{
			const one = await startServer({ DATABASE_URL: databaseUrl })
			try {
				rows.push({ setup: `1 process, PostgreSQL`, ...(await fanout([one.port], [one])) })
			} finally {
				await one.stop()
			}
		}
		const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix }
		{
			const servers = [await startServer(env), await startServer(env)]
			try {
				rows.push({
					setup: '2 processes, PostgreSQL + Redis',
					...(await fanout(
						servers.map((server) => server.port),
						servers,
					)),
				})
				intents = await intentDelay(servers[0]?.port ?? 0, servers[1]?.port ?? 0)
			} finally {
				await Promise.all(servers.map((server) => server.stop()))
			}
		}
		const back = await backAfterKill(env)
		return { clients: CLIENTS, rows, intentDelay: intents, backAfterKillMs: back.ms, killedClients: back.killed }
	} finally {
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
		await admin.end()
		const redis = createClient({ url: redisUrl })
		redis.on('error', () => undefined)
		try {
			await redis.connect()
			const keys: string[] = []
			for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch)
			if (keys.length > 0) await redis.del(keys)
		} finally {
			redis.destroy()
		}
	}
}
