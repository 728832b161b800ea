/**
 * A share of the presence-storm clients, in a process of its own (so that the clients' own work —
 * every y-websocket client parses and echoes everyone's presence — is spread over processes as
 * it would be over devices). Driven over IPC by bench/presence-storm.ts.
 *
 * Times are wall-clock milliseconds with sub-millisecond precision (`performance.timeOrigin +
 * performance.now()`), comparable across processes on one machine.
 */
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

process.setMaxListeners(0)

interface Setup {
	url: string
	room: string
	tokens: string[]
	total: number
}

type Command = { type: 'storm'; round: number } | { type: 'report' } | { type: 'stop' }

const now = () => performance.timeOrigin + performance.now()
const setup = JSON.parse(process.env.STORM_SETUP ?? '{}') as Setup
const delays: number[] = []
let round = 0
let received = 0

const providers = setup.tokens.map(
	(token) =>
		new WebsocketProvider(setup.url, setup.room, new Y.Doc(), {
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true,
			params: token ? { token } : {},
		}),
)
await Promise.all(
	providers.map(
		(provider) =>
			new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve()))),
	),
)
for (const provider of providers) {
	provider.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
		const at = now()
		for (const client of [...added, ...updated]) {
			if (client === provider.awareness.clientID) continue
			const state = provider.awareness.getStates().get(client) as { storm?: { round: number; sentAt: number } }
			if (state?.storm?.round === round) {
				delays.push(at - state.storm.sentAt)
				received++
			}
		}
	})
}
process.send?.({ type: 'ready' })

process.on('message', async (command: Command) => {
	if (command.type === 'storm') {
		round = command.round
		received = 0
		const sentAt = now()
		for (const provider of providers) provider.awareness.setLocalStateField('storm', { round, sentAt })
		const expected = providers.length * (setup.total - 1)
		const deadline = Date.now() + 60_000
		while (received < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
		process.send?.({ type: 'done', received, expected })
	} else if (command.type === 'report') {
		process.send?.({ type: 'delays', delays })
	} else {
		for (const provider of providers) provider.destroy()
		process.exit(0)
	}
})
