/**
 * Presence storm: N clients in one room all renew their presence in the same instant (what
 * happens when a whole room joined in the same minute). Measures how long each presence change
 * takes to reach every other client, on Tablée's relay and on the reference relay
 * (@y/websocket-server), both run as separate processes in this same run.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

export interface StormResult {
	relay: string
	clients: number
	samples: number
	p50: number
	p95: number
	p99: number
	max: number
	rssBytes: number | null
}

const root = path.resolve(import.meta.dirname, '..')

interface RelayProcess {
	name: string
	url: string
	room: string
	tokens: string[]
	child: ChildProcess
	stop(): Promise<void>
}

async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
	return new Promise((resolve, reject) => {
		let output = ''
		const onData = (chunk: Buffer) => {
			output += chunk
			const match = pattern.exec(output)
			if (match) {
				child.stdout?.off('data', onData)
				resolve(match[1] ?? match[0])
			}
		}
		child.stdout?.on('data', onData)
		child.once('exit', (code) => reject(new Error(`relay exited (${code}): ${output}`)))
	})
}

function stopper(child: ChildProcess) {
	return () =>
		new Promise<void>((resolve) => {
			if (child.exitCode !== null) return resolve()
			child.once('exit', () => resolve())
			child.kill('SIGTERM')
		})
}

export async function startReference(clients: number): Promise<RelayProcess> {
	const child = spawn(process.execPath, [path.join(root, 'bench/reference-relay.ts'), '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const port = await waitForLine(child, /listening (\d+)/)
	return {
		name: 'reference (@y/websocket-server 0.1.1)',
		url: `ws://127.0.0.1:${port}`,
		room: 'storm',
		tokens: Array.from({ length: clients }, () => ''),
		child,
		stop: stopper(child),
	}
}

export async function startTablee(clients: number, dataDir: string): Promise<RelayProcess> {
	const child = spawn(process.execPath, [path.join(root, 'server/main.ts')], {
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const url = await waitForLine(child, /"url":"(http:\/\/[^"]+)"/)
	const created = (await (
		await fetch(`${url}/api/workshops`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ title: 'Tempête de présence' }),
		})
	).json()) as { id: string; tokens: { participant: string } }
	const colleges = ['assos-benevoles', 'assos-salaries', 'etat', 'collectivites', 'protection-sociale']
	const tokens: string[] = []
	for (let i = 0; i < clients; i++) {
		const joined = (await (
			await fetch(`${url}/api/workshops/${created.id}/join`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${created.tokens.participant}` },
				body: JSON.stringify({ name: `Participant ${i}`, college: colleges[i % colleges.length] }),
			})
		).json()) as { token: string }
		tokens.push(joined.token)
	}
	return {
		name: 'Tablée',
		url: `${url.replace(/^http/, 'ws')}/ws`,
		room: created.id,
		tokens,
		child,
		stop: stopper(child),
	}
}

function rssOf(pid: number | undefined): number | null {
	if (!pid) return null
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8')
		const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
		return kb ? Number(kb) * 1024 : null
	} catch {
		return null
	}
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/** Connects the clients, runs `storms` storms, returns the delivery delays. */
export async function runStorm(relay: RelayProcess, clients: number, storms: number): Promise<StormResult> {
	const providers = relay.tokens.map((token) => {
		const provider = new WebsocketProvider(relay.url, relay.room, new Y.Doc(), {
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true,
			params: token ? { token } : {},
		})
		return provider
	})
	await Promise.all(
		providers.map(
			(provider) =>
				new Promise<void>((resolve) => {
					if (provider.synced) return resolve()
					provider.once('sync', () => resolve())
				}),
		),
	)
	const delays: number[] = []
	let round = 0
	for (const provider of providers) {
		provider.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
			const now = performance.now()
			for (const client of [...added, ...updated]) {
				if (client === provider.awareness.clientID) continue
				const state = provider.awareness.getStates().get(client) as { storm?: { round: number; sentAt: number } }
				if (state?.storm?.round === round) delays.push(now - state.storm.sentAt)
			}
		})
	}
	const expected = clients * (clients - 1)
	for (let storm = 1; storm <= storms; storm++) {
		round = storm
		const before = delays.length
		const sentAt = performance.now()
		for (const provider of providers) provider.awareness.setLocalStateField('storm', { round: storm, sentAt })
		const deadline = Date.now() + 60_000
		while (delays.length - before < expected && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 20))
		await new Promise((resolve) => setTimeout(resolve, 500))
		if (process.env.BENCH_DEBUG) {
			process.stderr.write(`storm ${storm}: ${delays.length - before} of ${expected}\n`)
			if (relay.tokens[0]) {
				const metrics = await (
					await fetch(`${relay.url.replace(/^ws/, 'http').replace(/\/ws$/, '')}/api/metrics`)
				).text()
				process.stderr.write(
					`${metrics
						.split('\n')
						.filter((line) => line.startsWith('tablee_refused') || line.startsWith('tablee_ws_messages'))
						.join('\n')}\n`,
				)
			}
		}
	}
	const rssBytes = rssOf(relay.child.pid)
	for (const provider of providers) provider.destroy()
	const sorted = delays.sort((a, b) => a - b)
	return {
		relay: relay.name,
		clients,
		samples: sorted.length,
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted.at(-1) ?? Number.NaN,
		rssBytes,
	}
}
