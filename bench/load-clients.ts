/**
 * A share of a benchmark's clients, in a process of its own (the clients' work is spread over
 * processes as it would be over devices). Driven over IPC by bench/scenarios.ts:
 * - `reader`: syncs, then records the delay of every marked change it receives;
 * - `writer`: syncs, then (between `write` and `halt`) changes its own note `rate` times a second;
 * - `syncer`: connects on `sync`, records how long the first sync took, and disconnects.
 */
import * as Y from 'yjs'
import { LightClient, marked, marks, note, now } from './light-client.ts'
import type { Dialect } from './wire.ts'

export interface ClientSpec {
	room: string
	token: string
	role: 'reader' | 'writer' | 'syncer'
}

export interface LoadSetup {
	dialect: Dialect
	base: string
	clients: ClientSpec[]
	/** Changes per second per writer. */
	rate: number
}

export type LoadCommand =
	{ type: 'write' } | { type: 'halt' } | { type: 'mark' } | { type: 'sync' } | { type: 'report' }

export interface LoadReport {
	type: 'report'
	delays: number[]
	sent: number
	syncMs: number[]
}

process.setMaxListeners(0)
// The setup comes over IPC: a thousand tokens would not fit in an environment variable.
const setup = await new Promise<LoadSetup>((resolve) =>
	process.once('message', (message: LoadSetup) => resolve(message)),
)
let delays: number[] = []
let sent = 0
/** Changes sent before the window opened are not counted, even when they arrive inside it. */
let markedAt = Number.POSITIVE_INFINITY
const syncMs: number[] = []
const writers: Array<() => void> = []
const timers: NodeJS.Timeout[] = []
const connected: LightClient[] = []

function connect(spec: ClientSpec): LightClient {
	const client = new LightClient({
		dialect: setup.dialect,
		base: setup.base,
		room: spec.room,
		token: spec.token,
		...(spec.role === 'writer' ? { doc: new Y.Doc() } : {}),
		onUpdate:
			spec.role === 'reader'
				? (update, at) => {
						for (const sentAt of marks(update)) if (sentAt >= markedAt) delays.push(at - sentAt)
					}
				: undefined,
	})
	return client
}

async function connectAll(specs: ClientSpec[]): Promise<void> {
	// A few at a time: a thundering herd of upgrades measures the accept queue, not the relay.
	for (let i = 0; i < specs.length; i += 25) {
		const batch = specs.slice(i, i + 25).map((spec) => ({ spec, client: connect(spec) }))
		await Promise.all(batch.map(({ client }) => client.synced))
		for (const { spec, client } of batch) {
			connected.push(client)
			if (spec.role !== 'writer') continue
			const doc = client.doc
			if (!doc) continue
			const records = doc.getMap('records')
			const id = `bench-${doc.clientID}`
			let i = 0
			writers.push(() => {
				const sentAt = now()
				records.set(`shape:${id}`, note(id, i++, marked(sentAt)))
				sent++
			})
		}
	}
}

await connectAll(setup.clients.filter((spec) => spec.role !== 'syncer'))
process.send?.({ type: 'ready' })

process.on('message', async (command: LoadCommand) => {
	if (command.type === 'write') {
		for (const write of writers) {
			// Spread the writers over the period, as people are.
			const start = setTimeout(
				() => {
					write()
					timers.push(setInterval(write, 1000 / setup.rate))
				},
				Math.random() * (1000 / setup.rate),
			)
			timers.push(start)
		}
		process.send?.({ type: 'writing' })
	} else if (command.type === 'halt') {
		for (const timer of timers.splice(0)) clearInterval(timer)
		process.send?.({ type: 'halted' })
	} else if (command.type === 'mark') {
		delays = []
		sent = 0
		markedAt = now()
		process.send?.({ type: 'marked' })
	} else if (command.type === 'sync') {
		const syncers = setup.clients.filter((spec) => spec.role === 'syncer').map(connect)
		for (const client of syncers) {
			const at = await client.synced
			syncMs.push(at - client.startedAt)
		}
		await Promise.all(syncers.map((client) => client.close()))
		process.send?.({ type: 'synced' })
	} else if (command.type === 'report') {
		const report: LoadReport = { type: 'report', delays, sent, syncMs }
		process.send?.(report)
	}
})

process.on('disconnect', () => {
	for (const client of connected) client.socket.terminate()
	process.exit(0)
})
