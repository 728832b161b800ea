/**
 * The servers under test, each started as a process of its own: Tablée (server/main.ts, as in
 * production: auth, roles, damaged-update protection, metrics, storage on), the reference relay
 * (@y/websocket-server 0.1.1) and Hocuspocus 4. Their CPU time and memory are read from
 * /proc/<pid>, so the servers run unmodified and the clients' work is not counted.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Dialect } from './wire.ts'

export type PeerKind = 'tablee' | 'reference' | 'hocuspocus'

export const peerNames: Record<PeerKind, string> = {
	tablee: 'Tablée',
	reference: 'reference (@y/websocket-server 0.1.1)',
	hocuspocus: 'Hocuspocus 4.7.0',
}

export interface Room {
	name: string
	/** One token per client (empty strings where the server has no authentication). */
	tokens: string[]
}

export interface Peer {
	kind: PeerKind
	dialect: Dialect
	/** WebSocket base URL; see wire.ts socketUrl. */
	base: string
	pid: number
	/** Creates a room with `clients` tokens. */
	room(clients: number): Promise<Room>
	/** Rooms loaded in memory, when the server says (Tablée); null otherwise. */
	loadedRooms(): Promise<number | null>
	stop(): Promise<void>
}

const root = path.resolve(import.meta.dirname, '..')
/**
 * The Tablée under test: this checkout, or another one (BENCH_TABLEE_DIR, e.g. a `git archive`
 * of an earlier commit with a node_modules link) to measure a change against what came before.
 */
export const tableeMain = path.join(process.env.BENCH_TABLEE_DIR ?? root, 'server/main.ts')
/** BENCH_CPU_PROF=<dir>: every server writes a V8 CPU profile there when it stops (bench/profile.ts). */
const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []

/**
 * How production starts that Tablée: as its Docker image does — the Node flags and the entry point
 * of the image's `CMD` (the same as `npm run serve`: the server bundle, dist/server/main.js, built
 * here when missing or older than the sources) and the glibc allocator settings (`MALLOC_*`) of its
 * `ENV` — so the bench measures the server as it is run. A checkout without a Dockerfile starts
 * `main` with Node's defaults. BENCH_TABLEE_SERVE replaces all of it with a command line such as
 * `MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 server/main.ts` (the entry relative to the
 * checkout; `main` when none is given), to measure other settings.
 */
export function tableeLaunch(main = tableeMain): { args: string[]; env: Record<string, string> } {
	const checkout = path.dirname(path.dirname(main))
	const env: Record<string, string> = {}
	const args: string[] = []
	let entry = main
	const override = process.env.BENCH_TABLEE_SERVE
	if (override) {
		let seenNode = false
		for (const word of override.trim().split(/\s+/)) {
			const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word)
			if (!seenNode && assignment?.[1]) env[assignment[1]] = assignment[2] ?? ''
			else if (!seenNode && word === 'node') seenNode = true
			else if (seenNode && word.startsWith('-')) args.push(word)
			else if (seenNode) entry = path.resolve(checkout, word)
		}
	} else {
		const dockerfile = path.join(checkout, 'Dockerfile')
		const text = existsSync(dockerfile) ? readFileSync(dockerfile, 'utf8') : ''
		const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)?.[1] ?? '[]') as string[]
		args.push(...cmd.filter((word) => word.startsWith('-')))
		const script = cmd.slice(1).find((word) => !word.startsWith('-'))
		if (script) entry = path.resolve(checkout, script)
		for (const [, name, value] of text.matchAll(/\b(MALLOC_[A-Z_]+)=(\S+)/g)) if (name && value) env[name] = value
	}
	if (entry !== main) ensureBundle(checkout, entry)
	return { args: [...args, entry], env }
}

/**
 * Builds the server bundle of `checkout` (its scripts/build-server.ts, about a second) when `entry`
 * is missing or older than a file of server/ or shared/, so the bench never measures stale code.
 */
function ensureBundle(checkout: string, entry: string): void {
	const builder = path.join(checkout, 'scripts', 'build-server.ts')
	if (!existsSync(builder)) return
	const built = existsSync(entry) ? statSync(entry).mtimeMs : 0
	const newest = (dir: string): number =>
		readdirSync(dir, { withFileTypes: true }).reduce((latest, file) => {
			const full = path.join(dir, file.name)
			return Math.max(latest, file.isDirectory() ? newest(full) : statSync(full).mtimeMs)
		}, 0)
	const sources = ['server', 'shared'].map((dir) => path.join(checkout, dir)).filter((dir) => existsSync(dir))
	if (built > 0 && sources.every((dir) => newest(dir) < built)) return
	execFileSync(process.execPath, [builder, checkout], { stdio: 'inherit' })
}

const TICKS_PER_SECOND = 100

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
	// Fields after the command name (which may hold spaces) start at field 3.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
	return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/** Current and peak resident set size, bytes. */
export function memory(pid: number): { rss: number; peak: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8')
	const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024
	return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
	return new Promise((resolve, reject) => {
		let output = ''
		const onData = (chunk: Buffer) => {
			output += chunk
			const match = pattern.exec(output)
			if (match) {
				child.stdout?.off('data', onData)
				// Keep draining the pipe so a chatty server never blocks on a full buffer.
				child.stdout?.resume()
				resolve(match[1] ?? match[0])
			}
		}
		child.stdout?.on('data', onData)
		child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)))
	})
}

function stopper(child: ChildProcess, after?: () => Promise<void>) {
	return async () => {
		if (child.exitCode === null) {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
			child.kill('SIGTERM')
			await exited
		}
		await after?.()
	}
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
	const results: T[] = new Array(count)
	let next = 0
	await Promise.all(
		Array.from({ length: Math.min(limit, count) }, async () => {
			while (next < count) {
				const i = next++
				results[i] = await task(i)
			}
		}),
	)
	return results
}

/** POSTs JSON to a Tablée at `url` (with a bearer token when given) and answers the JSON reply. */
export function jsonPoster(url: string) {
	return async (pathname: string, body: unknown, token?: string) => {
		const response = await fetch(`${url}${pathname}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
			body: JSON.stringify(body),
		})
		if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`)
		return response.json() as Promise<Record<string, unknown>>
	}
}

async function startTablee(): Promise<Peer> {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-bench-'))
	const launch = tableeLaunch()
	const child = spawn(process.execPath, [...profileArgs, ...launch.args], {
		env: {
			...process.env,
			...launch.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'info',
			// Every bench client comes from 127.0.0.1: the per-address connection burst would
			// otherwise refuse the 1 000 clients of the scale curve.
			CONNECT_BURST: '100000',
			CONNECT_RATE: '100000',
		},
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const url = await waitForLine(child, /"url":"(http:\/\/[^"]+)"/)
	const post = jsonPoster(url)
	const colleges = ['assos-benevoles', 'assos-salaries', 'etat', 'collectivites', 'protection-sociale']
	return {
		kind: 'tablee',
		dialect: 'y-websocket',
		base: `${url.replace(/^http/, 'ws')}/ws`,
		pid: child.pid ?? 0,
		async room(clients) {
			const created = (await post('/api/workshops', { title: 'Banc d’essai' })) as {
				id: string
				tokens: { participant: string }
			}
			const tokens = await pool(clients, 8, async (i) => {
				const joined = await post(
					`/api/workshops/${created.id}/join`,
					{ name: `Participant ${i}`, college: colleges[i % colleges.length] },
					created.tokens.participant,
				)
				return joined.token as string
			})
			return { name: created.id, tokens }
		},
		async loadedRooms() {
			const health = (await (await fetch(`${url}/api/health`)).json()) as { rooms: number }
			return health.rooms
		},
		stop: stopper(child, () => rm(dataDir, { recursive: true, force: true })),
	}
}

async function startPlain(kind: 'reference' | 'hocuspocus'): Promise<Peer> {
	const script = kind === 'reference' ? 'bench/reference-relay.js' : 'bench/hocuspocus-server.js'
	const child = spawn(process.execPath, [...profileArgs, path.join(root, script), '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	})
	const port = await waitForLine(child, /listening (\d+)/)
	let rooms = 0
	return {
		kind,
		dialect: kind === 'reference' ? 'y-websocket' : 'hocuspocus',
		base: `ws://127.0.0.1:${port}`,
		pid: child.pid ?? 0,
		room: async (clients) => ({ name: `bench-${++rooms}`, tokens: Array.from({ length: clients }, () => '') }),
		loadedRooms: async () => null,
		stop: stopper(child),
	}
}

export function startPeer(kind: PeerKind): Promise<Peer> {
	return kind === 'tablee' ? startTablee() : startPlain(kind)
}
