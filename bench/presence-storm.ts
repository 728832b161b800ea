/**
 * Presence storm: N clients in one room all renew their presence in the same instant (what
 * happens when a whole room joined in the same minute). Measures how long each presence change
 * takes to reach every other client, on Tablée's relay, the reference relay (@y/websocket-server)
 * and Hocuspocus, each run as a separate process in this same run.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cpuSeconds, tableeLaunch } from './peers.ts'
import type { Dialect } from './wire.ts'

export interface StormResult {
	relay: string
	kind: 'stock' | 'light'
	clients: number
	samples: number
	p50: number
	p95: number
	p99: number
	max: number
	rssBytes: number | null
	/** Server CPU seconds over the storms. */
	cpuSeconds: number
}

const root = path.resolve(import.meta.dirname, '..')

interface RelayProcess {
	name: string
	url: string
	room: string
	tokens: string[]
	dialect: Dialect
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
				// Keep draining the pipe: a server blocked on a full stdout would measure nothing.
				child.stdout?.resume()
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
	const child = spawn(process.execPath, [path.join(root, 'bench/reference-relay.js'), '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const port = await waitForLine(child, /listening (\d+)/)
	return {
		name: 'reference (@y/websocket-server 0.1.1)',
		url: `ws://127.0.0.1:${port}`,
		room: 'storm',
		tokens: Array.from({ length: clients }, () => ''),
		dialect: 'y-websocket',
		child,
		stop: stopper(child),
	}
}

export async function startHocuspocus(clients: number): Promise<RelayProcess> {
	const child = spawn(process.execPath, [path.join(root, 'bench/hocuspocus-server.js'), '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const port = await waitForLine(child, /listening (\d+)/)
	return {
		name: 'Hocuspocus 4.7.0',
		url: `ws://127.0.0.1:${port}`,
		room: 'storm',
		tokens: Array.from({ length: clients }, () => ''),
		dialect: 'hocuspocus',
		child,
		stop: stopper(child),
	}
}

export async function startTablee(clients: number, dataDir: string): Promise<RelayProcess> {
	const launch = tableeLaunch()
	const child = spawn(process.execPath, launch.args, {
		env: { ...process.env, ...launch.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
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
		dialect: 'y-websocket',
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

/**
 * Connects the clients (spread over `processes` client processes), runs `storms` storms, and
 * returns the delivery delays.
 */
export async function runStorm(
	relay: RelayProcess,
	clients: number,
	storms: number,
	kind: 'stock' | 'light',
	processes = 4,
): Promise<StormResult> {
	const shares = Array.from({ length: processes }, (_, i) => relay.tokens.filter((_, j) => j % processes === i))
	const workers = shares.map((tokens) =>
		fork(path.join(root, 'bench/storm-clients.ts'), [], {
			env: {
				...process.env,
				STORM_SETUP: JSON.stringify({
					url: relay.url,
					room: relay.room,
					tokens,
					total: clients,
					kind,
					dialect: relay.dialect,
				}),
			},
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		}),
	)
	const next = (worker: ChildProcess, type: string) =>
		new Promise<Record<string, unknown>>((resolve, reject) => {
			const onExit = (code: number | null) => reject(new Error(`storm client process exited (${code})`))
			const onMessage = (message: Record<string, unknown>) => {
				if (message.type !== type) return
				worker.off('message', onMessage)
				worker.off('exit', onExit)
				resolve(message)
			}
			worker.on('message', onMessage)
			worker.once('exit', onExit)
		})
	try {
		return await measureStorms(relay, workers, next, clients, storms, kind)
	} catch (error) {
		for (const worker of workers) worker.kill()
		throw error
	}
}

async function measureStorms(
	relay: RelayProcess,
	workers: ChildProcess[],
	next: (worker: ChildProcess, type: string) => Promise<Record<string, unknown>>,
	clients: number,
	storms: number,
	kind: 'stock' | 'light',
): Promise<StormResult> {
	await Promise.all(workers.map((worker) => next(worker, 'ready')))
	const cpuBefore = relay.child.pid ? cpuSeconds(relay.child.pid) : Number.NaN
	for (let storm = 1; storm <= storms; storm++) {
		const done = workers.map((worker) => next(worker, 'done'))
		for (const worker of workers) worker.send({ type: 'storm', round: storm })
		await Promise.all(done)
		await new Promise((resolve) => setTimeout(resolve, 500))
	}
	const rssBytes = rssOf(relay.child.pid)
	const cpu = (relay.child.pid ? cpuSeconds(relay.child.pid) : Number.NaN) - cpuBefore
	const reports = workers.map((worker) => next(worker, 'delays'))
	for (const worker of workers) worker.send({ type: 'report' })
	const delays = (await Promise.all(reports)).flatMap((report) => report.delays as number[])
	for (const worker of workers) worker.send({ type: 'stop' })
	const sorted = delays.sort((a, b) => a - b)
	return {
		relay: relay.name,
		kind,
		clients,
		samples: sorted.length,
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted.at(-1) ?? Number.NaN,
		rssBytes,
		cpuSeconds: cpu,
	}
}
