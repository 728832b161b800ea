import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createClient } from 'redis'
import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { Logger } from '../logger.ts'
import type { Channel } from '../rooms/channel.ts'
import { REMOTE, type WorkshopRoom } from '../rooms/room.ts'
import type { RoomSharing, StoredControl, StreamPositions } from '../rooms/room-sharing.ts'
import { LOCK_SPACE } from '../store/pg-migrations.ts'
import type { WorkshopStore } from '../store/workshop-store.ts'
import { PgControlRows } from './pg-control-rows.ts'

/**
 * How long board and control entries stay in their streams. Every entry is in PostgreSQL before
 * it is in a stream, so a stream is never the only copy: it only has to hold what a reader may be
 * behind by. A reader further behind (Redis lost, connection down) catches up from PostgreSQL.
 */
export const STREAM_RETENTION_MS = 10 * 60_000
/** Presence entries: a client renews its presence every 15 s and others drop it after 30 s. */
export const PRESENCE_RETENTION_MS = 30_000
/** An idle workshop's streams disappear after a day (nothing is lost: PostgreSQL has it all). */
const STREAM_TTL_MS = 24 * 3600_000
const READ_BLOCK_MS = 5000
/**
 * How long a finished retention sweep keeps the other processes from sweeping: shorter than the
 * daily schedule, so each process's next tick finds it expired unless another swept meanwhile.
 */
export const SWEEP_MARK_MS = 23 * 60 * 60_000
/** Each process says it is alive this often on the processes' stream… */
export const HEARTBEAT_MS = 2000
/** …and one not heard of for this long is taken for dead (its last stores may not be in a stream). */
export const PROCESS_DEAD_MS = 8000
const READ_COUNT = 500

type Kind = 'board' | 'control' | 'presence:board' | 'presence:control'
const kinds: readonly Kind[] = ['board', 'control', 'presence:board', 'presence:control']

interface Attached {
	room: WorkshopRoom
	/** Last id read of each stream of the workshop. */
	cursors: Map<Kind, string>
	listeners: { channel: Channel; listener: (changes: AwarenessChanges, origin: unknown) => void }[]
	refreshing: Promise<void> | null
	refreshAgain: boolean
}

interface AwarenessChanges {
	added: number[]
	updated: number[]
	removed: number[]
}

type Entry = Record<string, string>

/**
 * No offline queue: a command sent while Redis is away fails at once (the entry is kept in
 * `unsent`) instead of piling up in memory. Once started, node-redis reconnects by itself (backoff
 * up to 2 s); at start, a Redis that does not answer stops the server instead of hanging it.
 */
const redisClient = (url: string, started: { value: boolean }) =>
	createClient({
		url,
		disableOfflineQueue: true,
		pingInterval: 10_000,
		socket: {
			connectTimeout: 5000,
			reconnectStrategy: (retries: number, cause: Error) =>
				started.value ? Math.min(100 * 2 ** retries, 2000) : cause,
		},
	})
type Redis = ReturnType<typeof redisClient>

export interface RedisSharingOptions {
	redisUrl: string
	databaseUrl: string
	/** Prefix of every key (several installations, or test runs, on one Redis). */
	keyPrefix: string
	store: WorkshopStore
	logger: Logger
}

/**
 * The rooms of several Tablée processes kept in step through Redis Streams (docs/scale-out.md).
 * One stream per document of each workshop carries the updates a process stored, one with a
 * short retention carries presence; each process reads the streams of the workshops it has
 * loaded with one blocking `XREAD` from the last id it saw. PostgreSQL stays the truth: an entry
 * is added only once stored, and a process that lost Redis catches up from the store.
 */
export class RedisRoomSharing implements RoomSharing {
	readonly controlWriter: number
	readonly processId: string
	private readonly client: Redis
	private readonly reader: Redis
	private readonly pool: pg.Pool
	private readonly rows: PgControlRows
	private readonly options: RedisSharingOptions
	private readonly attached = new Map<string, Attached>()
	/** Board and control entries whose XADD failed, sent again once Redis answers. */
	private unsent: { key: string; entry: Entry }[] = []
	private readonly wakeKey: string
	private readonly processesKey: string
	/** When each other process was last heard of. */
	private readonly lastHeard = new Map<string, number>()
	private heartbeat: NodeJS.Timeout | null = null
	/**
	 * Another process deleted a workshop this one has loaded: close its sockets (4410) and drop
	 * its room (set by the server, which knows the registry and the connections).
	 */
	onDeleted: ((workshop: string) => void) | null = null
	private closed = false
	private lost = false
	private loop: Promise<void> = Promise.resolve()

	private constructor(
		options: RedisSharingOptions,
		parts: {
			processId: string
			writer: number
			client: Redis
			reader: Redis
			pool: pg.Pool
			rows: PgControlRows
		},
	) {
		this.options = options
		this.processId = parts.processId
		this.controlWriter = parts.writer
		this.client = parts.client
		this.reader = parts.reader
		this.pool = parts.pool
		this.rows = parts.rows
		this.wakeKey = `${options.keyPrefix}wake:${this.processId}`
		this.processesKey = `${options.keyPrefix}processes`
	}

	/** Connects to Redis and claims this process's control writer id; every failure names its variable. */
	static async open(options: RedisSharingOptions): Promise<RedisRoomSharing> {
		const processId = randomBytes(8).toString('hex')
		const started = { value: false }
		const client = redisClient(options.redisUrl, started)
		// XREAD BLOCK holds its connection: the reader has its own.
		const reader = redisClient(options.redisUrl, started)
		const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, connectionTimeoutMillis: 10_000 })
		pool.on('error', () => undefined)
		let connected = false
		try {
			for (const redis of [client, reader]) {
				// Without a listener an error event would stop the process; the reconnection is node-redis's.
				redis.on('error', () => undefined)
			}
			await Promise.all([client.connect(), reader.connect()]).catch((error: unknown) => {
				throw new Error(`REDIS_URL: cannot reach Redis: ${(error as Error).message}`, { cause: error })
			})
			connected = true
			started.value = true
			const rows = new PgControlRows(pool)
			const writer = await rows.claimWriter(processId)
			const sharing = new RedisRoomSharing(options, { processId, writer, client, reader, pool, rows })
			await sharing.start()
			return sharing
		} catch (error) {
			if (connected) await Promise.allSettled([client.quit(), reader.quit()])
			else {
				client.destroy()
				reader.destroy()
			}
			await pool.end().catch(() => undefined)
			throw error
		}
	}

	async positions(workshop: string): Promise<StreamPositions> {
		const positions: Record<string, string> = {}
		for (const kind of ['board', 'control'] as const) {
			try {
				const last = await this.client.xRevRange(this.key(workshop, kind), '+', '-', { COUNT: 1 })
				positions[kind] = last?.[0]?.id ?? '0-0'
			} catch {
				// Redis is away: read from the start of what it keeps, and catch up from the store
				// when it answers again (idempotent).
				positions[kind] = '0-0'
			}
		}
		// Presence is not stored: the last half minute of it tells who is here now.
		const recent = `${Math.max(0, Date.now() - PRESENCE_RETENTION_MS)}-0`
		positions['presence:board'] = recent
		positions['presence:control'] = recent
		return positions
	}

	attach(room: WorkshopRoom, positions: StreamPositions): void {
		const cursors = new Map<Kind, string>(kinds.map((kind) => [kind, positions[kind] ?? '0-0']))
		const attached: Attached = { room, cursors, listeners: [], refreshing: null, refreshAgain: false }
		for (const channel of [room.board, room.control]) {
			const listener = (changes: AwarenessChanges, origin: unknown) =>
				this.sharePresence(room, channel, changes, origin)
			channel.awareness.on('update', listener)
			attached.listeners.push({ channel, listener })
		}
		this.attached.set(room.id, attached)
		this.wake()
	}

	detach(room: WorkshopRoom): void {
		const attached = this.attached.get(room.id)
		if (!attached || attached.room !== room) return
		for (const { channel, listener } of attached.listeners) channel.awareness.off('update', listener)
		this.attached.delete(room.id)
	}

	boardStored(room: WorkshopRoom, updates: readonly Uint8Array[], claims: ReadonlyMap<number, string>): void {
		const update = updates.length === 1 ? updates[0] : Y.mergeUpdates([...updates])
		if (!update) return
		const entry: Entry = { o: this.processId, u: Buffer.from(update).toString('base64') }
		if (claims.size > 0) entry.c = JSON.stringify([...claims])
		this.add(this.key(room.id, 'board'), entry, STREAM_RETENTION_MS, true)
	}

	controlCommitted(room: WorkshopRoom, update: Uint8Array | null, revision: number): void {
		const entry: Entry = { o: this.processId, r: String(revision) }
		if (update) entry.u = Buffer.from(update).toString('base64')
		this.add(this.key(room.id, 'control'), entry, STREAM_RETENTION_MS, true)
	}

	workshopDeleted(workshop: string): void {
		this.add(this.key(workshop, 'control'), { o: this.processId, deleted: '1' }, STREAM_RETENTION_MS, true)
	}

	claim(workshop: string, claims: ReadonlyMap<number, string>): Promise<ReadonlyMap<number, string>> {
		return this.rows.claim(workshop, claims)
	}

	catchUp(room: WorkshopRoom): Promise<boolean> {
		const attached = this.attached.get(room.id)
		if (!attached || attached.room !== room) return Promise.resolve(false)
		return this.catchUpFromStore(attached)
	}

	storedRevision(workshop: string): Promise<number | null> {
		return this.rows.revision(workshop)
	}

	storedControl(workshop: string): Promise<StoredControl | null> {
		return this.rows.read(workshop)
	}

	saveControl(...args: Parameters<PgControlRows['save']>) {
		return this.rows.save(...args)
	}

	/**
	 * Why cross-process delivery is stopped, or null when Redis answers (health, SPEC X9): one
	 * of the two connections is down, or a command failed since Redis last answered.
	 */
	redisTrouble(): string | null {
		if (this.closed) return null
		return this.lost || !this.client.isReady || !this.reader.isReady ? 'redis unreachable' : null
	}

	/**
	 * Runs the retention sweep here unless another process of the installation runs it (SPEC
	 * X10): the sweep's advisory lock, tried and never waited for, keeps two processes from
	 * sweeping at once, and a mark in Redis that a sweep finished keeps a process whose daily
	 * schedule falls a few hours after another's from reading every workshop again. Without
	 * Redis the mark is not read, and a duplicate sweep is only wasted reading: sweeps go
	 * through intents, which never anonymise a workshop twice. Null when skipped.
	 */
	async sweepAlone<T>(run: () => Promise<T>): Promise<T | null> {
		// A connection of its own, ended afterwards: the session lock goes with it whatever
		// happens, and the pool the intents use keeps all its connections.
		const client = new pg.Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 10_000 })
		client.on('error', () => undefined)
		try {
			await client.connect()
			const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, 0) AS locked', [
				LOCK_SPACE.retention,
			])
			if (!rows[0]?.locked) return null
			const sweptKey = `${this.options.keyPrefix}retention:swept`
			const swept = await this.client.get(sweptKey).catch(() => null)
			if (swept !== null) return null
			const result = await run()
			await this.client
				.set(sweptKey, this.processId, { PX: SWEEP_MARK_MS })
				.catch((error: unknown) => this.noteLost(error))
			return result
		} finally {
			await client.end().catch(() => undefined)
		}
	}

	/** Stops reading, closes the connections. Rooms are closed by the registry before. */
	async close(): Promise<void> {
		this.closed = true
		if (this.heartbeat) clearInterval(this.heartbeat)
		this.reader.destroy()
		await this.loop.catch(() => undefined)
		await this.client.quit().catch(() => this.client.destroy())
		await this.pool.end().catch(() => undefined)
	}

	// --- Writing ---

	private key(workshop: string, kind: Kind): string {
		return `${this.options.keyPrefix}ws:${workshop}:${kind}`
	}

	private add(key: string, entry: Entry, retentionMs: number, keepIfLost: boolean): void {
		this.xadd(key, entry, retentionMs).catch((error: unknown) => {
			if (keepIfLost) this.unsent.push({ key, entry })
			this.noteLost(error)
		})
	}

	private async xadd(key: string, entry: Entry, retentionMs: number): Promise<void> {
		await Promise.all([
			this.client.xAdd(key, '*', entry, {
				TRIM: { strategy: 'MINID', strategyModifier: '~', threshold: Math.max(0, Date.now() - retentionMs) },
			}),
			this.client.pExpire(key, STREAM_TTL_MS),
		])
	}

	/** Presence changes made here (not received from another process, nor timed out) are shared. */
	private sharePresence(room: WorkshopRoom, channel: Channel, changes: AwarenessChanges, origin: unknown): void {
		// Timeouts are judged by each process for itself: sharing one would remove a presence its
		// owner's process still renews.
		if (origin === REMOTE || origin === 'timeout') return
		const clients = [...changes.added, ...changes.updated, ...changes.removed]
		if (clients.length === 0) return
		const owners = clients.flatMap((client) => {
			const owner = channel.presenceHistory.get(client)
			return owner === undefined ? [] : [[client, owner] as const]
		})
		const entry: Entry = {
			o: this.processId,
			u: Buffer.from(encodeAwarenessUpdate(channel.awareness, clients)).toString('base64'),
			w: JSON.stringify(owners),
		}
		this.add(
			this.key(room.id, channel.name === 'board' ? 'presence:board' : 'presence:control'),
			entry,
			PRESENCE_RETENTION_MS,
			false,
		)
	}

	// --- Reading ---

	private async start(): Promise<void> {
		// The wake stream is read from this process's first entry on.
		const first = await this.client.xAdd(this.wakeKey, '*', { w: '0' })
		await this.client.pExpire(this.wakeKey, 60_000)
		// Recovery waits for both connections: the reader may come back after the client.
		this.client.on('ready', this.onReady)
		this.reader.on('ready', this.onReady)
		this.loop = this.read(first)
		this.beat()
		this.heartbeat = setInterval(this.beat, HEARTBEAT_MS)
		this.heartbeat.unref()
	}

	/**
	 * A process killed between storing an update and adding it to its stream leaves the others
	 * without it (its clients bring their own edits back when they reconnect, but not those of
	 * clients who left). So every process says it is alive on a shared stream, and when one falls
	 * silent the others catch every loaded room up from the store.
	 */
	private readonly beat = () => {
		this.add(this.processesKey, { o: this.processId }, PROCESS_DEAD_MS * 4, false)
		const now = Date.now()
		const dead = [...this.lastHeard].filter(([, at]) => now - at > PROCESS_DEAD_MS).map(([id]) => id)
		if (dead.length === 0) return
		for (const id of dead) this.lastHeard.delete(id)
		this.options.logger.warn('scale.process_silent', { processes: dead, rooms: this.attached.size })
		for (const attached of this.attached.values()) void this.catchUpFromStore(attached)
	}

	/** Interrupts the blocking read, so that a room just attached is read at once. */
	private wake(): void {
		this.client
			.xAdd(this.wakeKey, '*', { w: '1' }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 10 } })
			.then(() => this.client.pExpire(this.wakeKey, 60_000))
			.catch((error: unknown) => this.noteLost(error))
	}

	private async read(from: string): Promise<void> {
		let wakeCursor = from
		// From the last few seconds: a process that dies right after this one starts is known.
		let processesCursor = `${Math.max(0, Date.now() - PROCESS_DEAD_MS)}-0`
		while (!this.closed) {
			const streams = [
				{ key: this.wakeKey, id: wakeCursor },
				{ key: this.processesKey, id: processesCursor },
			]
			const byKey = new Map<string, { attached: Attached; kind: Kind }>()
			for (const attached of this.attached.values()) {
				for (const [kind, id] of attached.cursors) {
					const key = this.key(attached.room.id, kind)
					byKey.set(key, { attached, kind })
					streams.push({ key, id })
				}
			}
			let reply: Awaited<ReturnType<typeof this.reader.xRead>>
			try {
				reply = await this.reader.xRead(streams, { BLOCK: READ_BLOCK_MS, COUNT: READ_COUNT })
			} catch (error) {
				if (this.closed) return
				this.noteLost(error)
				await new Promise((resolve) => setTimeout(resolve, 200))
				continue
			}
			// A read that succeeds proves Redis answers: a loss noted by a command that failed
			// without the connection dropping (no 'ready' event follows) ends here.
			if (this.lost) this.onReady()
			if (!reply) continue
			for (const stream of reply as { name: string; messages: { id: string; message: Entry }[] }[]) {
				if (stream.name === this.processesKey) {
					const now = Date.now()
					for (const { id, message } of stream.messages) {
						processesCursor = id
						if (message.o && message.o !== this.processId) this.lastHeard.set(message.o, now)
					}
					continue
				}
				if (stream.name === this.wakeKey) {
					const last = stream.messages.at(-1)
					if (last) wakeCursor = last.id
					continue
				}
				const target = byKey.get(stream.name)
				if (!target || this.attached.get(target.attached.room.id) !== target.attached) continue
				for (const { id, message } of stream.messages) {
					target.attached.cursors.set(target.kind, id)
					if (message.o === this.processId) continue
					try {
						this.receive(target.attached, target.kind, message)
					} catch (error) {
						this.options.logger.warn('scale.entry_refused', { workshop: target.attached.room.id, error })
					}
				}
			}
		}
	}

	private receive(attached: Attached, kind: Kind, message: Entry): void {
		const { room } = attached
		const bytes = message.u ? new Uint8Array(Buffer.from(message.u, 'base64')) : null
		switch (kind) {
			case 'board': {
				if (!bytes) return
				const claims = new Map<number, string>(message.c ? (JSON.parse(message.c) as [number, string][]) : [])
				room.applyStoredBoard(bytes, claims)
				return
			}
			case 'control':
				if (message.deleted) {
					this.onDeleted?.(room.id)
					return
				}
				if (bytes) room.applyStoredControl(bytes)
				this.refresh(attached)
				return
			case 'presence:board':
			case 'presence:control': {
				if (!bytes) return
				const channel = kind === 'presence:board' ? room.board : room.control
				for (const [client, owner] of (message.w ? JSON.parse(message.w) : []) as [number, string][]) {
					if (!channel.presenceOwners.has(client)) channel.presenceHistory.set(client, owner)
				}
				applyAwarenessUpdate(channel.awareness, bytes, REMOTE)
				return
			}
		}
	}

	/** Server-only state follows another process's commit (coalesced: one refresh at a time). */
	private refresh(attached: Attached): void {
		if (attached.refreshing) {
			attached.refreshAgain = true
			return
		}
		attached.refreshing = attached.room
			.refreshControl()
			.catch((error: unknown) =>
				this.options.logger.warn('scale.refresh_failed', { workshop: attached.room.id, error }),
			)
			.finally(() => {
				attached.refreshing = null
				if (attached.refreshAgain && !attached.room.isDestroyed) {
					attached.refreshAgain = false
					this.refresh(attached)
				}
			})
	}

	// --- Losing Redis, and coming back ---

	private noteLost(error: unknown): void {
		if (this.closed) return
		if (!this.lost) this.options.logger.warn('scale.redis_lost', { error })
		this.lost = true
	}

	/**
	 * Redis answers again (after a restart it may have lost every stream): entries that could not
	 * be added are added now, and every loaded room catches up from the store, which holds all
	 * that any process stored meanwhile.
	 */
	private readonly onReady = () => {
		if (!this.lost || this.closed || !this.client.isReady || !this.reader.isReady) return
		this.lost = false
		this.options.logger.info('scale.redis_back', { unsent: this.unsent.length, rooms: this.attached.size })
		const unsent = this.unsent
		this.unsent = []
		for (const { key, entry } of unsent) this.add(key, entry, STREAM_RETENTION_MS, true)
		for (const attached of this.attached.values()) void this.catchUpFromStore(attached)
	}

	private async catchUpFromStore(attached: Attached): Promise<boolean> {
		const { room } = attached
		try {
			const loaded = await this.options.store.load(room.id)
			if (!loaded.ok || loaded.value === null || room.isDestroyed) return false
			// Only what this room lacks: the whole state would count twice in its size estimate.
			const stored = new Uint8Array(Buffer.from(loaded.value.board, 'base64'))
			const missing = Y.diffUpdate(stored, Y.encodeStateVector(room.board.doc))
			// With the owners of the client ids it brings: the process that claimed them may be gone.
			const owners = await this.options.store.clientOwners(room.id)
			if (room.isDestroyed) return false
			room.applyStoredBoard(missing, owners.ok ? owners.value : new Map())
			this.refresh(attached)
			return true
		} catch (error) {
			this.options.logger.warn('scale.catch_up_failed', { workshop: room.id, error })
			return false
		}
	}
}
