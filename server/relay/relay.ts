import { BOARD_LAYOUT_VERSION } from '../../shared/workshop/board-document.ts'
import { CONTROL_LAYOUT_VERSION } from '../../shared/workshop/control-document.ts'
import type { WebSocketLike } from '@hono/node-server'
import { clientAddress } from '../net/client-address.ts'
import type { Context } from 'hono'
import type { WSContext, WSEvents } from 'hono/ws'
import type { WebSocket } from 'ws'
import { CloseCode, type CloseCodeName, closeReasons } from '../../shared/protocol/close-codes.ts'
import type { Channel } from '../../shared/protocol/messages.ts'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import { verifyToken } from '../auth/tokens.ts'
import { bearerToken } from '../auth/bearer-token.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { ConnectionLimiter } from './connection-limiter.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { CLOSE_GRACE_MS, RelayConnection } from './relay-connection.ts'
import { WriteBatcher } from './write-batcher.ts'

export interface RelayOptions {
	registry: RoomRegistry
	secret: string
	logger: Logger
	metrics: Metrics
	heartbeatMs: number
	maxPresenceBytes: number
	/** See write-batcher.ts: 0 batches sends within a turn of the event loop only (no delay). */
	sendWindowMs: number
	limiter: ConnectionLimiter
	originAllowed: (origin: string | undefined) => boolean
	trustProxy: boolean
}

/** Frames a client may send before its room is loaded; more is not an honest client. */
const MAX_EARLY_FRAMES = 64
const MAX_EARLY_BYTES = 1024 * 1024

/**
 * Entry point of WebSocket connections. Every upgrade is accepted and refusals are sent as
 * close codes, because a browser cannot read the HTTP status of a refused upgrade (the
 * y-websocket client would only see 1006 and retry forever).
 */
export class Relay {
	private readonly options: RelayOptions
	private readonly connections = new Set<RelayConnection>()
	private readonly sockets = new Set<WebSocket>()
	private readonly heartbeat: NodeJS.Timeout
	private readonly sweeper: NodeJS.Timeout
	private readonly batcher: WriteBatcher

	constructor(options: RelayOptions) {
		this.options = options
		this.batcher = new WriteBatcher(options.sendWindowMs)
		this.heartbeat = setInterval(this.beat, options.heartbeatMs)
		this.heartbeat.unref()
		this.sweeper = setInterval(() => options.limiter.sweep(), 60_000)
		this.sweeper.unref()
	}

	get connectionCount(): number {
		return this.connections.size
	}

	/** Hono WebSocket events for one upgrade request on `channel`. */
	events(c: Context, channel: Channel): WSEvents<WebSocketLike> {
		const { registry, logger } = this.options
		const workshop = c.req.param('workshop') ?? ''
		const auth = this.authorize(workshop, bearerToken(c))
		const wantsAck = c.req.query('ack') === '1'
		const outdated = isOutdated(c.req.query('layout'))
		const address = clientAddress(c, this.options.trustProxy)
		const origin = c.req.header('origin')
		const { metrics } = this.options
		let connection: RelayConnection | null = null
		// Frames that arrive while the room loads wait here (only for an authorised socket).
		let early: Uint8Array[] | null = []
		let earlyBytes = 0
		let refused = false
		let closed = false
		let socket: WebSocket | null = null

		const refuse = (raw: WebSocket, code: CloseCodeName, reason = closeReasons[code]) => {
			if (refused) return
			refused = true
			early = null
			logger.info('relay.refused', { workshop, channel, code: CloseCode[code], reason })
			metrics.inc('tablee_ws_refused_total', { code: String(CloseCode[code]) })
			raw.close(CloseCode[code], reason)
			// A peer that never answers the close handshake is cut off rather than kept 30 s.
			setTimeout(() => raw.terminate(), CLOSE_GRACE_MS).unref()
		}

		const attach = (raw: WebSocket, room: WorkshopRoom, claims: PersonalClaims) => {
			const target = channel === 'board' ? room.board : room.control
			connection = new RelayConnection(raw, room, target, claims, logger, {
				wantsAck,
				maxPresenceBytes: this.options.maxPresenceBytes,
				metrics,
				batcher: this.batcher,
			})
			this.connections.add(connection)
			metrics.inc('tablee_ws_connections_total')
			logger.debug('relay.connected', { workshop, channel, role: claims.role })
			const pending = early ?? []
			early = null
			for (const frame of pending) connection.receive(frame)
		}

		const onFrame = (raw: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
			if (refused || closed) return
			// Text frames are not part of the protocol. `ws` hands binary frames over as a Buffer (its
			// default binaryType), a view the relay reads without copying.
			if (!isBinary || !(data instanceof Uint8Array)) return refuse(raw, 'badMessage')
			const frame: Uint8Array = data
			if (connection) return connection.receive(frame)
			if (!early || early.length >= MAX_EARLY_FRAMES || earlyBytes + frame.length > MAX_EARLY_BYTES) {
				return refuse(raw, 'tryAgainLater')
			}
			early.push(frame)
			earlyBytes += frame.length
		}

		return {
			onOpen: (_event, ws) => {
				const raw = rawSocket(ws)
				if (!raw) return
				socket = raw
				this.sockets.add(raw)
				// Frames are read from the `ws` socket itself, not through Hono's `onMessage`: the adapter
				// copies every frame into a fresh ArrayBuffer wrapped in an undici MessageEvent, which
				// cost ~4 % of the server's CPU in the 200-reader fan-out (docs/performance.md). It
				// builds that event only when `onMessage` is given, so none is.
				raw.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => onFrame(raw, data, isBinary))
				if (!this.options.limiter.tryConnect(address)) return refuse(raw, 'tryAgainLater')
				if (!this.options.originAllowed(origin)) return refuse(raw, 'forbidden', 'origin not allowed')
				if (!auth.ok) return refuse(raw, auth.error)
				if (outdated) return refuse(raw, 'clientOutdated')
				const claims = auth.value
				registry.acquire(workshop).then(
					(acquired) => {
						if (!acquired.ok) return refuse(raw, acquired.error.code === 'corrupt' ? 'serverError' : 'tryAgainLater')
						const room = acquired.value
						if (!room) return refuse(raw, 'unknownWorkshop')
						try {
							if (!closed && !refused) attach(raw, room, claims)
						} catch (error) {
							logger.error('relay.attach_failed', { workshop, error })
							refuse(raw, 'serverError')
						} finally {
							room.release() // an attached connection keeps the room loaded by itself
						}
					},
					(error: unknown) => {
						logger.error('relay.acquire_failed', { workshop, error })
						refuse(raw, 'serverError')
					},
				)
			},
			onClose: () => {
				closed = true
				early = null
				if (socket) this.sockets.delete(socket)
				if (connection) {
					this.connections.delete(connection)
					connection.dispose()
				}
			},
		}
	}

	/** Closes every socket (1001: clients reconnect to the next server) and stops the heartbeat. */
	closeAll(): void {
		clearInterval(this.heartbeat)
		clearInterval(this.sweeper)
		for (const socket of this.sockets) socket.close(CloseCode.goingAway, closeReasons.goingAway)
		this.batcher.flushAll()
	}

	private authorize(workshop: string, token: string | null): Result<PersonalClaims, CloseCodeName> {
		if (!token) return err('unauthorized')
		const verified = verifyToken(this.options.secret, token)
		if (!verified.ok || verified.value.workshop !== workshop) return err('unauthorized')
		// Shared link tokens only serve the join exchange: the socket needs a personal token.
		if (verified.value.kind !== 'personal') return err('forbidden')
		return ok(verified.value)
	}

	private readonly beat = () => {
		for (const connection of this.connections) {
			if (!connection.ping()) {
				this.options.logger.info('relay.dead_connection', { role: connection.claims.role })
				connection.terminate()
			}
		}
	}
}

/** The `ws` socket behind Hono's context: @hono/node-server hands us the one our server made. */
function rawSocket(ws: WSContext<WebSocketLike>): WebSocket | null {
	return (ws.raw as WebSocket | undefined) ?? null
}

/**
 * True when a client declares (`?layout=<control>.<board>`) document layouts older than the
 * server's: it would misread the documents, so it is told to reload (4426). Clients that do not
 * declare one (scripts, other tools) are served.
 */
export function isOutdated(declared: string | undefined): boolean {
	if (declared === undefined) return false
	const [control, board] = declared.split('.').map(Number)
	return !(Number(control) >= CONTROL_LAYOUT_VERSION && Number(board) >= BOARD_LAYOUT_VERSION)
}
