import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { WebSocketServer } from 'ws'
import { createApp } from './app.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import { createLogger } from './logger.ts'
import { Metrics } from './observability/metrics.ts'
import { createConnectionLimiter } from './relay/connection-limiter.ts'
import { createOriginCheck } from './relay/origin-check.ts'
import { Relay } from './relay/relay.ts'
import { RoomRegistry } from './rooms/room-registry.ts'
import type { RedisRoomSharing } from './scale/redis-room-sharing.ts'
import { lockDataDir } from './store/data-dir-lock.ts'
import { removeStaleTempFiles } from './store/durable-json-file.ts'
import { KeyedLock } from './store/keyed-lock.ts'
import { openStorage, type Storage } from './store/storage.ts'
import type { WorkshopStore } from './store/workshop-store.ts'
import { loadTemplates } from './templates/template-catalog.ts'
import { type Clock, RetentionScheduler } from './privacy/retention.ts'
import { WorkshopDeletion } from './privacy/workshop-deletion.ts'
import { closeConnections } from './privacy/room-connections.ts'

export interface RunningServer {
	port: number
	/** `http://host:port` as reachable from this machine. */
	url: string
	registry: RoomRegistry
	relay: Relay
	logger: Logger
	retention: RetentionScheduler
	/** Stops accepting, closes sockets (1001), saves every room. */
	close(): Promise<void>
}

export interface StartOptions {
	/** Replaces the workshop store that `config.store` selects (tests wrap it to inject faults). */
	store?: WorkshopStore
	logger?: Logger
	/** The retention schedule's clock (tests move it by hand). */
	clock?: Clock
}

/** Starts Tablée on `config.port` (0 picks a free port). */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
	const logger = options.logger ?? createLogger(config.logLevel)
	// With a database alone, its advisory lock keeps a second server off (taken by openStorage;
	// REDIS_URL lifts it: processes then share the database, docs/scale-out.md) and
	// DATA_DIR is not used; otherwise the data-directory lock does.
	let unlock: () => Promise<void> = async () => undefined
	if (!config.databaseUrl) {
		await mkdir(config.dataDir, { recursive: true })
		unlock = await lockDataDir(config.dataDir)
		const removed = await removeStaleTempFiles(config.dataDir).catch((error: unknown) => {
			logger.warn('store.temp_files_not_removed', { error })
			return 0
		})
		if (removed > 0) logger.info('store.temp_files_removed', { files: removed })
	}
	try {
		return await startLocked(config, options, logger, unlock)
	} catch (error) {
		await unlock()
		throw error
	}
}

async function startLocked(
	config: Config,
	options: StartOptions,
	logger: Logger,
	unlock: () => Promise<void>,
): Promise<RunningServer> {
	const storage = await openStorage(config)
	try {
		return await startOpen(config, options, logger, storage, async () => {
			await storage.close?.()
			await unlock()
		})
	} catch (error) {
		await storage.close?.()
		throw error
	}
}

async function startOpen(
	config: Config,
	options: StartOptions,
	logger: Logger,
	storage: Storage,
	release: () => Promise<void>,
): Promise<RunningServer> {
	const store = options.store ?? storage.workshops
	// Several processes (REDIS_URL, which config only accepts with DATABASE_URL): rooms share
	// their workshops through Redis Streams. Loaded only then: a one-process server never pays
	// for the Redis and PostgreSQL clients (docs/architecture.md §Memory).
	const sharing =
		config.redisUrl && config.databaseUrl
			? await (
					await import('./scale/redis-room-sharing.ts')
				).RedisRoomSharing.open({
					redisUrl: config.redisUrl,
					databaseUrl: config.databaseUrl,
					keyPrefix: config.redisKeyPrefix,
					store,
					logger,
				})
			: null
	try {
		return await startShared(config, options, logger, storage, store, sharing, async () => {
			await sharing?.close()
			await release()
		})
	} catch (error) {
		await sharing?.close()
		throw error
	}
}

async function startShared(
	config: Config,
	options: StartOptions,
	logger: Logger,
	storage: Storage,
	store: WorkshopStore,
	sharing: RedisRoomSharing | null,
	release: () => Promise<void>,
): Promise<RunningServer> {
	const metrics = new Metrics()
	const secret = await storage.secret.load()
	const templates = await loadTemplates(config.templatesDir)
	for (const problem of templates.problems) logger.error('template.refused', { problem })

	const registry = new RoomRegistry({
		store,
		logger,
		saveDebounceMs: config.saveDebounceMs,
		saveMaxWaitMs: config.saveMaxWaitMs,
		presenceFlushMs: config.presenceFlushMs,
		maxDocBytes: config.maxDocBytes,
		metrics,
		...(sharing ? { sharing } : {}),
	})
	const relay = new Relay({
		registry,
		secret,
		logger,
		metrics,
		heartbeatMs: config.heartbeatMs,
		maxPresenceBytes: config.maxPresenceBytes,
		sendWindowMs: config.sendWindowMs,
		limiter: createConnectionLimiter({ burst: config.connectBurst, ratePerSecond: config.connectRatePerSecond }),
		originAllowed: createOriginCheck(config.publicUrl, config.allowedOrigins),
		trustProxy: config.trustProxy,
	})
	if (sharing) {
		// Deleted through another process (SPEC X8): the sockets close, the room goes, and once the
		// appends it had under way settled, the deletion runs again here (it is idempotent), so
		// that an edit stored while the other process deleted leaves nothing behind.
		sharing.onDeleted = (id) => {
			let appends: Promise<void> = Promise.resolve()
			registry
				.delete(
					id,
					async () => undefined,
					(room) => {
						closeConnections(room, 'workshopDeleted')
						appends = room.whenBoardStored()
					},
				)
				.then(() => appends)
				.then(() => store.delete(id))
				.catch((error: unknown) => logger.error('scale.delete_failed', { workshop: id, error }))
		}
	}
	// Personal data (SPEC D1–D2): interrupted deletions finish before anything is served.
	// Edits to a synthesis and a deletion's mark on it run one at a time: neither is lost.
	const synthesisEdits = new KeyedLock()
	const deletion = new WorkshopDeletion({
		synthesisEdits,
		journal: storage.deletions,
		publicUrl: config.publicUrl,
		store,
		registry,
		assets: storage.assets,
		syntheses: storage.syntheses,
		logger,
	})
	await deletion.resumePending()
	const retention = new RetentionScheduler({
		store,
		registry,
		deletion,
		logger,
		retentionDays: config.retentionDays,
		clock: options.clock,
		...(sharing ? { alone: <T>(run: () => Promise<T>) => sharing.sweepAlone(run) } : {}),
	})
	const app = createApp({
		config,
		logger,
		registry,
		relay,
		templates,
		secret,
		metrics,
		storage,
		deletion,
		synthesisEdits,
		...(sharing ? { redis: sharing } : {}),
	})

	// Our own WebSocketServer so the frame limit is ours (ws closes oversized frames with 1009).
	const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes })
	const server = createAdaptorServer({ fetch: app.fetch, websocket: { server: wss } })

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject)
		server.listen(config.port, config.host, () => {
			server.off('error', reject)
			resolve()
		})
	})
	const port = (server.address() as AddressInfo).port
	const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
	logger.info('server.started', {
		url,
		publicUrl: config.publicUrl,
		dataDir: config.dataDir,
		templates: templates.templates.size,
	})
	retention.start()

	let closing: Promise<void> | null = null
	const close = () => {
		closing ??= (async () => {
			await retention.stop()
			relay.closeAll()
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
			;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
			const { failed } = await registry.closeAll()
			for (const client of wss.clients) client.terminate()
			await stopped
			await release()
			logger.info('server.stopped', { unsaved: failed })
		})()
		return closing
	}
	return { port, url, registry, relay, logger, retention, close }
}
