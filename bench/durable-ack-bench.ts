/**
 * Stored before shared (SPEC P11): with 20 writers each adding a note every 200 ms, how long
 * from a local edit to the server's acknowledgement (the update is in the durable log), and how
 * long from that edit to its arrival at another client (delivery now waits for the log append).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as decoding from 'lib0/decoding'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { MessageType } from '../shared/protocol/messages.ts'
import { startTablee } from './presence-storm.ts'

export interface DurableAckResult {
	writers: number
	edits: number
	ack: { p50: number; p99: number; max: number }
	delivery: { p50: number; p99: number; max: number }
}

const WRITERS = 20
const DURATION_MS = 10_000
const INTERVAL_MS = 200

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

function summary(values: number[]) {
	const sorted = [...values].sort((a, b) => a - b)
	return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN }
}

function provider(url: string, room: string, token: string, ack: boolean) {
	return new WebsocketProvider(url, room, new Y.Doc(), {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: ack ? { token, ack: '1' } : { token },
	})
}

const synced = (p: WebsocketProvider) =>
	new Promise<void>((resolve) => {
		if (p.synced) resolve()
		else p.once('sync', () => resolve())
	})

export async function runDurableAckBench(): Promise<DurableAckResult> {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-bench-ack-'))
	const server = await startTablee(WRITERS + 1, dataDir)
	try {
		const ackTimes: number[] = []
		const deliveryTimes: number[] = []
		const sentAt = new Map<string, number>()
		const reader = provider(server.url, server.room, server.tokens[WRITERS] ?? '', false)
		await synced(reader)
		reader.doc.getMap('records').observe((event) => {
			const now = performance.now()
			for (const key of event.keysChanged) {
				const at = sentAt.get(key)
				if (at !== undefined) deliveryTimes.push(now - at)
			}
		})
		const writers = server.tokens.slice(0, WRITERS).map((token) => {
			const p = provider(server.url, server.room, token, true)
			// Clock of our own id → when the edit that reached it was made.
			const waiting: { clock: number; at: number }[] = []
			p.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
				const clock = Y.decodeStateVector(decoding.readVarUint8Array(decoder)).get(p.doc.clientID) ?? 0
				const now = performance.now()
				while (waiting.length > 0 && (waiting[0]?.clock ?? Infinity) <= clock) {
					ackTimes.push(now - (waiting.shift()?.at ?? now))
				}
			}
			return { p, waiting }
		})
		await Promise.all(writers.map(({ p }) => synced(p)))
		let n = 0
		const ticker = setInterval(() => {
			for (const [i, { p, waiting }] of writers.entries()) {
				const key = `shape:${i}-${n}`
				const at = performance.now()
				sentAt.set(key, at)
				p.doc.getMap('records').set(key, { i, n })
				waiting.push({ clock: Y.getState(p.doc.store, p.doc.clientID), at })
			}
			n++
		}, INTERVAL_MS)
		await new Promise((resolve) => setTimeout(resolve, DURATION_MS))
		clearInterval(ticker)
		const expected = n * WRITERS
		const deadline = Date.now() + 10_000
		while ((ackTimes.length < expected || deliveryTimes.length < expected) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50))
		}
		for (const { p } of writers) p.destroy()
		reader.destroy()
		return { writers: WRITERS, edits: expected, ack: summary(ackTimes), delivery: summary(deliveryTimes) }
	} finally {
		await server.stop()
		await rm(dataDir, { recursive: true, force: true })
	}
}
