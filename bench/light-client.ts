/**
 * A minimal Yjs sync client for benchmarks, in either wire dialect (wire.ts): it syncs, sends
 * updates, and hands received updates to a callback without applying them unless asked to. Real
 * providers spend more time on the client than the servers spend relaying; on one shared machine
 * that would blur the servers' figures, so the fan-out readers stay this light.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { begin, type Dialect, open, opening, socketUrl } from './wire.ts'

export const now = () => performance.timeOrigin + performance.now()

/** Sync message types (y-protocols/sync). */
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())

export interface LightClientOptions {
	dialect: Dialect
	base: string
	room: string
	token: string
	/** The client's document: answers the server's first step and, with `apply`, receives everything. */
	doc?: Y.Doc
	apply?: boolean
	/** Called with every update received after the first sync (not with the first sync itself). */
	onUpdate?: (update: Uint8Array, at: number) => void
}

export class LightClient {
	readonly socket: WebSocket
	/** Resolves with the time the server's state (sync step 2) arrived. */
	readonly synced: Promise<number>
	readonly startedAt = now()
	readonly doc: Y.Doc | undefined
	private readonly options: LightClientOptions

	constructor(options: LightClientOptions) {
		this.options = options
		const { dialect, base, room, token, doc } = options
		this.doc = doc
		this.socket = new WebSocket(socketUrl(dialect, base, room, token), { perMessageDeflate: false })
		let resolveSynced: (at: number) => void = () => undefined
		let rejectSynced: (error: Error) => void = () => undefined
		this.synced = new Promise((resolve, reject) => {
			resolveSynced = resolve
			rejectSynced = reject
		})
		this.socket.once('error', (error) => rejectSynced(error))
		this.socket.once('close', (code, reason) => rejectSynced(new Error(`closed ${code} ${reason}`)))
		this.socket.once('open', () => {
			for (const message of opening(dialect, room, token)) this.socket.send(message)
			const step1 = begin(dialect, room, 0)
			encoding.writeVarUint(step1, STEP1)
			encoding.writeVarUint8Array(step1, doc ? Y.encodeStateVector(doc) : new Uint8Array([0]))
			this.socket.send(encoding.toUint8Array(step1))
		})
		if (doc) {
			doc.on('update', (update: Uint8Array, origin: unknown) => {
				if (origin !== this) this.sendUpdate(update)
			})
		}
		this.socket.on('message', (data: Buffer) => {
			const at = now()
			const { decoder, type } = open(dialect, data)
			if (type !== 0) return
			const syncType = decoding.readVarUint(decoder)
			if (syncType === STEP1) {
				const stateVector = decoding.readVarUint8Array(decoder)
				const step2 = begin(dialect, room, 0)
				encoding.writeVarUint(step2, STEP2)
				encoding.writeVarUint8Array(step2, doc ? Y.encodeStateAsUpdate(doc, stateVector) : EMPTY_UPDATE)
				this.socket.send(encoding.toUint8Array(step2))
				return
			}
			const update = decoding.readVarUint8Array(decoder)
			if (doc && options.apply) Y.applyUpdate(doc, update, this)
			if (syncType === STEP2) resolveSynced(at)
			else if (syncType === UPDATE) options.onUpdate?.(update, at)
		})
	}

	sendUpdate(update: Uint8Array): void {
		if (this.socket.readyState !== WebSocket.OPEN) return
		const message = begin(this.options.dialect, this.options.room, 0)
		encoding.writeVarUint(message, UPDATE)
		encoding.writeVarUint8Array(message, update)
		this.socket.send(encoding.toUint8Array(message))
	}

	close(): Promise<void> {
		if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve()
		return new Promise((resolve) => {
			this.socket.once('close', () => resolve())
			this.socket.close()
		})
	}
}

/** The mark a writer puts in each change: the send time, found again in the raw bytes. */
const MARK = Buffer.from('\u23f1')

export function marked(sentAt: number): string {
	return `\u23f1${sentAt.toFixed(3)};`
}

/** Send times found in an update (without decoding it: readers stay cheap). */
export function marks(update: Uint8Array): number[] {
	const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength)
	const found: number[] = []
	for (let at = bytes.indexOf(MARK); at >= 0; at = bytes.indexOf(MARK, at + 1)) {
		const end = bytes.indexOf(59, at) // ';'
		if (end > at) found.push(Number(bytes.toString('latin1', at + MARK.length, end)))
	}
	return found
}

/** The document and page records tldraw writes first on a new board (inside a transaction). */
export function writeBoardPage(records: { set(key: string, value: unknown): unknown }): void {
	records.set('document:document', {
		id: 'document:document',
		typeName: 'document',
		gridSize: 10,
		name: '',
		meta: {},
	})
	records.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
}

/**
 * A note as tldraw 5 writes it (`note` below, plus the prop tldraw 5 checks), with an index tldraw
 * accepts: `note`'s `a${i.toString(36)}` ends in "0" for every 36th note, which tldraw rejects (a
 * fractional index never ends in 0), so 1 note in 36 would never reach the canvas. The relay
 * benchmarks, which tldraw never reads, keep `note` as it is.
 */
export function boardNote(i: number): Record<string, unknown> {
	const record = note(`n${i}`, i) as { props: Record<string, unknown> }
	return {
		...record,
		index: `a1${i.toString(36).padStart(3, '0')}V`,
		props: { ...record.props, textLastEditedBy: '' },
	}
}

/** A tldraw note record as the board stores it (`records` map), with an optional mark in `meta`. */
export function note(id: string, i: number, mark = ''): Record<string, unknown> {
	return {
		id: `shape:${id}`,
		typeName: 'shape',
		type: 'note',
		x: (i % 100) * 220,
		y: Math.floor(i / 100) * 220,
		rotation: 0,
		index: `a${i.toString(36)}`,
		parentId: 'page:page',
		isLocked: false,
		opacity: 1,
		meta: mark ? { sentAt: mark } : {},
		props: {
			color: 'yellow',
			labelColor: 'black',
			size: 'm',
			font: 'draw',
			fontSizeAdjustment: 0,
			align: 'middle',
			verticalAlign: 'middle',
			growY: 0,
			url: '',
			scale: 1,
			richText: {
				type: 'doc',
				content: [{ type: 'paragraph', content: [{ type: 'text', text: `Idée n° ${i} : mutualiser les locaux` }] }],
			},
		},
	}
}
