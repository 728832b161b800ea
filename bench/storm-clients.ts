/**
 * A share of the presence-storm clients, in a process of its own (so that the clients' own work
 * is spread over processes as it would be over devices). Driven over IPC by
 * bench/presence-storm.ts.
 *
 * Two kinds of client:
 * - `stock`: the server's own unmodified provider (y-websocket's, or Hocuspocus'), which parses
 *   every presence it receives (y-websocket's also echoes it all back): what browsers run;
 * - `light`: a minimal y-protocols client that syncs, publishes its presence and reads others',
 *   without echoing — so the measure is the relay's, not the clients' JSON work.
 *
 * Times are wall-clock milliseconds with sub-millisecond precision (`performance.timeOrigin +
 * performance.now()`), comparable across processes on one machine.
 */
import { HocuspocusProvider } from '@hocuspocus/provider'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { begin, type Dialect, open, opening, socketUrl } from './wire.ts'

process.setMaxListeners(0)

interface Setup {
	url: string
	room: string
	tokens: string[]
	total: number
	kind: 'stock' | 'light'
	dialect: Dialect
}

type Command = { type: 'storm'; round: number } | { type: 'report' } | { type: 'stop' }

interface StormClient {
	/** Publishes `{ storm: { round, sentAt } }` as this client's presence. */
	publish(round: number, sentAt: number): void
	destroy(): void
}

const now = () => performance.timeOrigin + performance.now()
const setup = JSON.parse(process.env.STORM_SETUP ?? '{}') as Setup
const delays: number[] = []
let round = 0
let received = 0

function record(ownId: number, clientId: number, state: unknown, at: number) {
	if (clientId === ownId) return
	const storm = (state as { storm?: { round: number; sentAt: number } } | null)?.storm
	if (storm?.round === round) {
		delays.push(at - storm.sentAt)
		received++
	}
}

/**
 * `ws` throws an error event nobody listens to when the provider gives up on a socket still
 * connecting (a browser's WebSocket would not): listened to here, the provider just reconnects.
 */
class ProviderWebSocket extends WebSocket {
	constructor(...args: ConstructorParameters<typeof WebSocket>) {
		super(...args)
		this.on('error', () => undefined)
	}
}

async function hocuspocusClient(): Promise<StormClient> {
	// Given a URL (not a socket of its own), the provider manages its socket, as in a browser.
	const provider = new HocuspocusProvider({
		url: setup.url,
		WebSocketPolyfill: ProviderWebSocket,
		name: setup.room,
		document: new Y.Doc(),
	} as ConstructorParameters<typeof HocuspocusProvider>[0])
	await new Promise<void>((resolve) => (provider.isSynced ? resolve() : provider.on('synced', () => resolve())))
	const awareness = provider.awareness
	if (!awareness) throw new Error('the Hocuspocus provider has no awareness')
	awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
		const at = now()
		for (const client of [...added, ...updated])
			record(awareness.clientID, client, awareness.getStates().get(client), at)
	})
	return {
		publish: (stormRound, sentAt) => awareness.setLocalStateField('storm', { round: stormRound, sentAt }),
		destroy: () => provider.destroy(),
	}
}

async function stockClient(token: string): Promise<StormClient> {
	if (setup.dialect === 'hocuspocus') return hocuspocusClient()
	const provider = new WebsocketProvider(setup.url, setup.room, new Y.Doc(), {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: token ? { token } : {},
	})
	await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())))
	provider.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
		const at = now()
		for (const client of [...added, ...updated]) {
			record(provider.awareness.clientID, client, provider.awareness.getStates().get(client), at)
		}
	})
	return {
		publish: (stormRound, sentAt) => provider.awareness.setLocalStateField('storm', { round: stormRound, sentAt }),
		destroy: () => provider.destroy(),
	}
}

async function lightClient(token: string): Promise<StormClient> {
	const { dialect, room } = setup
	const socket = new WebSocket(socketUrl(dialect, setup.url, room, token))
	const clientId = Math.floor(Math.random() * 2 ** 31)
	const doc = new Y.Doc()
	let clock = 0
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve())
		socket.once('error', reject)
	})
	for (const message of opening(dialect, room, token)) socket.send(message)
	let synced: () => void = () => undefined
	const whenSynced = new Promise<void>((resolve) => {
		synced = resolve
	})
	socket.on('message', (data: Buffer) => {
		const at = now()
		const { decoder, type } = open(dialect, new Uint8Array(data))
		if (type === 0) {
			const encoder = begin(dialect, room, 0)
			const empty = encoding.length(encoder)
			const syncType = syncProtocol.readSyncMessage(decoder, encoder, doc, null)
			if (encoding.length(encoder) > empty) socket.send(encoding.toUint8Array(encoder))
			if (syncType === syncProtocol.messageYjsSyncStep2) synced()
		} else if (type === 1) {
			const update = decoding.createDecoder(decoding.readVarUint8Array(decoder))
			const count = decoding.readVarUint(update)
			for (let i = 0; i < count; i++) {
				const client = decoding.readVarUint(update)
				decoding.readVarUint(update)
				record(clientId, client, JSON.parse(decoding.readVarString(update)), at)
			}
		}
	})
	const step1 = begin(dialect, room, 0)
	syncProtocol.writeSyncStep1(step1, doc)
	socket.send(encoding.toUint8Array(step1))
	await whenSynced
	return {
		publish: (stormRound, sentAt) => {
			const inner = encoding.createEncoder()
			encoding.writeVarUint(inner, 1)
			encoding.writeVarUint(inner, clientId)
			encoding.writeVarUint(inner, ++clock)
			encoding.writeVarString(inner, JSON.stringify({ storm: { round: stormRound, sentAt } }))
			const message = begin(dialect, room, 1)
			encoding.writeVarUint8Array(message, encoding.toUint8Array(inner))
			socket.send(encoding.toUint8Array(message))
		},
		destroy: () => socket.terminate(),
	}
}

const clients = await Promise.all(
	setup.tokens.map((token) => (setup.kind === 'light' ? lightClient(token) : stockClient(token))),
)
process.send?.({ type: 'ready' })

// The bench stopped (or failed): nothing left to measure.
process.on('disconnect', () => process.exit(0))

process.on('message', async (command: Command) => {
	if (command.type === 'storm') {
		round = command.round
		received = 0
		const sentAt = now()
		for (const client of clients) client.publish(round, sentAt)
		const expected = clients.length * (setup.total - 1)
		const deadline = Date.now() + 60_000
		while (received < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
		process.send?.({ type: 'done', received, expected })
	} else if (command.type === 'report') {
		process.send?.({ type: 'delays', delays })
	} else {
		for (const client of clients) client.destroy()
		process.exit(0)
	}
})
