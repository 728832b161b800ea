/**
 * The relay benchmarks: one function per scenario, run against one peer (a fresh server
 * process each time) and returning its figures. bench/run.ts alternates them over the peers.
 *
 * Server CPU seconds and peak RSS are read from the server process (/proc), over the measured
 * window only for CPU; delays are measured by the clients, which share the machine's cores with
 * the server and so carry more noise.
 */
import { type ChildProcess, fork } from 'node:child_process'
import path from 'node:path'
import * as Y from 'yjs'
import { LightClient, note } from './light-client.ts'
import type { ClientSpec, LoadReport, LoadSetup } from './load-clients.ts'
import { cpuSeconds, memory, type Peer, type PeerKind, startPeer } from './peers.ts'
import { type Figures, percentile } from './stats.ts'

const MiB = 2 ** 20
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Workers {
	all: ChildProcess[]
	send(type: string): void
	/** Sends `type` to every worker and waits for each to answer `answer`. */
	ask<T = Record<string, unknown>>(type: string, answer: string): Promise<T[]>
	stop(): Promise<void>
}

function next<T>(worker: ChildProcess, type: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const onMessage = (message: { type?: string }) => {
			if (message.type !== type) return
			worker.off('message', onMessage)
			worker.off('exit', onExit)
			resolve(message as T)
		}
		const onExit = (code: number | null) => reject(new Error(`bench client process exited (${code})`))
		worker.on('message', onMessage)
		worker.once('exit', onExit)
	})
}

/** Forks client processes and spreads `specs` over them. */
async function startWorkers(peer: Peer, specs: ClientSpec[], rate: number, processes: number): Promise<Workers> {
	// About 60 clients per process, at most `processes`: starting a process costs a second here.
	const count = Math.max(1, Math.min(processes, Math.ceil(specs.length / 60)))
	const all = Array.from({ length: count }, () =>
		fork(path.join(import.meta.dirname, 'load-clients.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
	)
	const ready = all.map((worker) => next(worker, 'ready'))
	all.forEach((worker, i) => {
		const setup: LoadSetup = {
			dialect: peer.dialect,
			base: peer.base,
			rate,
			clients: specs.filter((_, j) => j % count === i),
		}
		worker.send(setup)
	})
	await Promise.all(ready)
	return {
		all,
		send: (type) => {
			for (const worker of all) worker.send({ type })
		},
		ask: <T>(type: string, answer: string) => {
			const answers = all.map((worker) => next<T>(worker, answer))
			for (const worker of all) worker.send({ type })
			return Promise.all(answers)
		},
		stop: async () => {
			await Promise.all(
				all.map(
					(worker) =>
						new Promise<void>((resolve) => {
							if (worker.exitCode !== null) return resolve()
							worker.once('exit', () => resolve())
							worker.disconnect()
						}),
				),
			)
		},
	}
}

export interface FanoutParams {
	rooms: number
	/** Per room. */
	readers: number
	writers: number
	/** Changes per second per writer. */
	rate: number
	warmupS: number
	windowS: number
	processes: number
}

/**
 * Fan-out: `writers` change their own note `rate` times a second; every reader receives every
 * change. Figures: server CPU seconds over the window, peak RSS, delivery delay p50/p99 and the
 * share of the window's changes delivered to every reader.
 */
export async function fanout(kind: PeerKind, params: FanoutParams): Promise<Figures> {
	const peer = await startPeer(kind)
	try {
		const specs: ClientSpec[] = []
		for (let r = 0; r < params.rooms; r++) {
			const room = await peer.room(params.readers + params.writers)
			room.tokens.forEach((token, i) => {
				specs.push({ room: room.name, token, role: i < params.writers ? 'writer' : 'reader' })
			})
		}
		// Writers first in each process's list so every process has some of each kind.
		const workers = await startWorkers(peer, specs, params.rate, params.processes)
		try {
			await workers.ask('write', 'writing')
			await sleep(params.warmupS * 1000)
			await workers.ask('mark', 'marked')
			const cpuBefore = cpuSeconds(peer.pid)
			const started = performance.now()
			const windowStartUs = monotonicUs()
			await sleep(params.windowS * 1000)
			const cpu = cpuSeconds(peer.pid) - cpuBefore
			const windowEndUs = monotonicUs()
			const elapsed = (performance.now() - started) / 1000
			await workers.ask('halt', 'halted')
			// Let changes already sent arrive before counting what was delivered.
			await sleep(500)
			const reports = await workers.ask<LoadReport>('report', 'report')
			const delays = reports.flatMap((report) => report.delays).sort((a, b) => a - b)
			const sent = reports.reduce((sum, report) => sum + report.sent, 0)
			return {
				cpuS: cpu,
				cpuShare: cpu / elapsed,
				// The window on the system's monotonic clock, which V8's profiles also use (bench/profile.ts).
				windowStartUs,
				windowEndUs,
				peakRssMiB: memory(peer.pid).peak / MiB,
				p50Ms: percentile(delays, 50),
				p99Ms: percentile(delays, 99),
				delivered: sent === 0 ? Number.NaN : delays.length / (sent * params.readers),
				samples: delays.length,
			}
		} finally {
			await workers.stop()
		}
	} finally {
		await peer.stop()
	}
}

export interface SyncParams {
	notes: number
	/** Fresh clients that sync at the same time. */
	clients: number
	processes: number
}

/** Writes `notes` notes into a room in chunks, and waits until a fresh client receives them all. */
async function seedBoard(peer: Peer, room: { name: string; tokens: string[] }, notes: number): Promise<LightClient> {
	const doc = new Y.Doc()
	const seeder = new LightClient({
		dialect: peer.dialect,
		base: peer.base,
		room: room.name,
		token: room.tokens[0] ?? '',
		doc,
	})
	await seeder.synced
	const records = doc.getMap('records')
	for (let start = 0; start < notes; start += 500) {
		doc.transact(() => {
			for (let i = start; i < Math.min(notes, start + 500); i++) records.set(`shape:n${i}`, note(`n${i}`, i))
		})
	}
	for (let attempt = 0; ; attempt++) {
		const checkDoc = new Y.Doc()
		const checker = new LightClient({
			dialect: peer.dialect,
			base: peer.base,
			room: room.name,
			token: room.tokens[1] ?? '',
			doc: checkDoc,
			apply: true,
		})
		await checker.synced
		const count = checkDoc.getMap('records').size
		await checker.close()
		if (count >= notes) break
		if (attempt > 100) throw new Error(`${peer.kind}: the board has ${count} of ${notes} notes`)
		await sleep(200)
	}
	// Then one change, as on a live board, seen by a client already connected: the fresh clients
	// measured next find the board changed since anyone last synced it, so a server that keeps the
	// encoding of a state (Tablée, SPEC R15) pays it once inside the measured window, not before.
	const watchDoc = new Y.Doc()
	const watcher = new LightClient({
		dialect: peer.dialect,
		base: peer.base,
		room: room.name,
		token: room.tokens[1] ?? '',
		doc: watchDoc,
		apply: true,
	})
	await watcher.synced
	records.set('shape:n0', note('n0', 0, 'changed'))
	const watched = () => (watchDoc.getMap('records').get('shape:n0') as { meta?: { sentAt?: string } } | undefined)?.meta
	for (let waited = 0; watched()?.sentAt !== 'changed'; waited += 20) {
		if (waited > 60_000) throw new Error(`${peer.kind}: the last change never reached a connected client`)
		await sleep(20)
	}
	await watcher.close()
	// The seeder stays connected: a server without storage (Hocuspocus by default) would
	// otherwise unload, and lose, the board.
	return seeder
}

/**
 * First sync: a board of `notes` notes, then `clients` fresh clients connect at once. Figures:
 * time until each has the board (median, max), server CPU seconds during those syncs.
 */
export async function firstSync(kind: PeerKind, params: SyncParams): Promise<Figures> {
	const peer = await startPeer(kind)
	try {
		const room = await peer.room(2 + params.clients)
		const seeder = await seedBoard(peer, room, params.notes)
		const specs = room.tokens.slice(2).map((token): ClientSpec => ({ room: room.name, token, role: 'syncer' }))
		const workers = await startWorkers(peer, specs, 1, params.processes)
		try {
			const cpuBefore = cpuSeconds(peer.pid)
			await workers.ask('sync', 'synced')
			const cpu = cpuSeconds(peer.pid) - cpuBefore
			const reports = await workers.ask<LoadReport>('report', 'report')
			const times = reports.flatMap((report) => report.syncMs).sort((a, b) => a - b)
			return {
				syncMedianMs: percentile(times, 50),
				syncMaxMs: times.at(-1) ?? Number.NaN,
				cpuS: cpu,
				peakRssMiB: memory(peer.pid).peak / MiB,
			}
		} finally {
			await workers.stop()
			await seeder.close()
		}
	} finally {
		await peer.stop()
	}
}

export interface MemoryParams {
	rooms: number
	notesPerRoom: number
	connections: number
	settleMs: number
}

/**
 * Memory: the idle process; `rooms` rooms of one client and a small board each (per room);
 * `connections` readers in one more room (per connection); then every client gone and every
 * room unloaded (after all rooms empty).
 */
export async function memoryUse(kind: PeerKind, params: MemoryParams): Promise<Figures> {
	const peer = await startPeer(kind)
	const clients: LightClient[] = []
	try {
		await sleep(params.settleMs)
		const idle = memory(peer.pid).rss
		for (let r = 0; r < params.rooms; r++) {
			const room = await peer.room(1)
			const doc = new Y.Doc()
			const client = new LightClient({
				dialect: peer.dialect,
				base: peer.base,
				room: room.name,
				token: room.tokens[0] ?? '',
				doc,
			})
			clients.push(client)
			await client.synced
			doc.transact(() => {
				for (let i = 0; i < params.notesPerRoom; i++) doc.getMap('records').set(`shape:n${i}`, note(`n${i}`, i))
			})
		}
		await sleep(params.settleMs)
		const withRooms = memory(peer.pid).rss
		// Tablée records every participant who joins: measured apart from the connections.
		const crowd = await peer.room(params.connections)
		await sleep(params.settleMs)
		const withParticipants = memory(peer.pid).rss
		for (let i = 0; i < crowd.tokens.length; i += 25) {
			const batch = crowd.tokens
				.slice(i, i + 25)
				.map((token) => new LightClient({ dialect: peer.dialect, base: peer.base, room: crowd.name, token }))
			clients.push(...batch)
			await Promise.all(batch.map((client) => client.synced))
		}
		await sleep(params.settleMs)
		const withConnections = memory(peer.pid).rss
		await Promise.all(clients.splice(0).map((client) => client.close()))
		// Tablée keeps a room until it is saved; the others unload on the last disconnection.
		for (let waited = 0; waited < 30_000; waited += 200) {
			const loaded = await peer.loadedRooms()
			if (loaded === null || loaded === 0) break
			await sleep(200)
		}
		await sleep(params.settleMs)
		const { rss: afterEmpty, peak } = memory(peer.pid)
		return {
			idleMiB: idle / MiB,
			perRoomKiB: (withRooms - idle) / params.rooms / 1024,
			perParticipantKiB: (withParticipants - withRooms) / params.connections / 1024,
			perConnectionKiB: (withConnections - withParticipants) / params.connections / 1024,
			afterEmptyMiB: afterEmpty / MiB,
			peakRssMiB: peak / MiB,
		}
	} finally {
		for (const client of clients) client.socket.terminate()
		await peer.stop()
	}
}
