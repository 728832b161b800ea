import { upgradeWebSocket } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Config } from './config.ts'
import { sameSecret } from './auth/same-secret.ts'
import { ApiError, apiErrorHandler } from './http/api-error.ts'
import { assetFileRoutes, assetUploadRoutes } from './http/asset-routes.ts'
import { contributionRoutes } from './http/contribution-routes.ts'
import { sessionRoutes } from './http/session-routes.ts'
import { staticClient } from './http/static-client.ts'
import { voteRoutes } from './http/vote-routes.ts'
import { exportRoutes } from './http/export-routes.ts'
import { synthesisRoutes } from './http/synthesis-routes.ts'
import type { Storage } from './store/storage.ts'
import { createDiskProbe } from './store/disk-probe.ts'
import { workshopRoutes } from './http/workshop-routes.ts'
import { privacyRoutes } from './http/privacy-routes.ts'
import { trailRoutes } from './http/trail-routes.ts'
import { SynthesisIndex } from './workshops/synthesis-index.ts'
import type { WorkshopDeletion } from './privacy/workshop-deletion.ts'
import type { KeyedLock } from './store/keyed-lock.ts'
import { bearerToken } from './auth/bearer-token.ts'
import { rateLimit } from './http/rate-limit.ts'
import { securityHeaders } from './http/security-headers.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './observability/metrics.ts'
import { redactUrl } from './logger.ts'
import type { Relay } from './relay/relay.ts'
import type { RoomRegistry } from './rooms/room-registry.ts'
import { DEFAULT_TEMPLATE_ID, type TemplateCatalog } from './templates/template-catalog.ts'

export interface AppDeps {
	config: Config
	logger: Logger
	registry: RoomRegistry
	relay: Relay
	templates: TemplateCatalog
	secret: string
	metrics: Metrics
	storage: Pick<Storage, 'assets' | 'syntheses' | 'probe'>
	/** Personal data (SPEC D): deleting workshops. */
	deletion: WorkshopDeletion
	/** One change to a synthesis at a time — edits and a deletion's mark alike (N13, D1). */
	synthesisEdits: KeyedLock
	/** Several processes: the Redis that carries news between them (health and metrics, SPEC X9). */
	redis?: { redisTrouble(): string | null }
}

/** The Hono application: JSON API under /api, WebSocket relay under /ws, the client elsewhere. */
export function createApp(deps: AppDeps) {
	const { config, logger, registry, relay, templates, secret, metrics, storage } = deps
	const assets = storage.assets
	// M3: which syntheses include a workshop; every synthesis saved through the routes refreshes it.
	const synthesisIndex = new SynthesisIndex(storage.syntheses, config.publicUrl, logger)
	const app = new Hono()

	app.onError(apiErrorHandler(logger))
	app.use('*', securityHeaders())

	app.use('*', async (c, next) => {
		const started = performance.now()
		await next()
		logger.debug('http.request', {
			method: c.req.method,
			path: redactUrl(c.req.url.replace(/^https?:\/\/[^/]+/, '')),
			status: c.res.status,
			ms: Math.round(performance.now() - started),
		})
	})

	// H2: what changes something (intents, joins, uploads, creations) is rate-limited; reads are not.
	app.use(
		'/api/*',
		rateLimit({
			address: { burst: config.httpBurst, perSecond: config.httpRatePerSecond },
			participant: { burst: config.participantBurst, perSecond: config.participantRatePerSecond },
			secret,
			trustProxy: config.trustProxy,
			counts: (method) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS',
		}),
	)

	const jsonBodyLimit = bodyLimit({
		maxSize: config.maxBodyBytes,
		onError: () => {
			throw new ApiError(413, 'body_too_large', `request bodies are limited to ${config.maxBodyBytes} bytes`)
		},
	})
	// Uploads have their own, larger limit (asset-routes.ts).
	app.use('/api/*', (c, next) => (isUpload(c.req.method, c.req.path) ? next() : jsonBodyLimit(c, next)))

	// O2: a server whose saves fail, or would fail, is not healthy, even though it answers.
	const diskProbe = storage.probe ? { check: storage.probe } : createDiskProbe(config.dataDir)
	app.get('/api/health', async (c) => {
		// X9: without Redis, what this process stores no longer reaches the others' clients.
		const trouble = registry.storageTrouble() ?? (await diskProbe.check()) ?? deps.redis?.redisTrouble() ?? null
		const counts = { rooms: registry.size, connections: relay.connectionCount }
		if (trouble !== null) return c.json({ status: 'degraded', reason: trouble, ...counts }, 503)
		return c.json({ status: 'ok', ...counts })
	})

	app.get('/api/metrics', async (c) => {
		if (config.metricsToken !== null && !sameSecret(bearerToken(c) ?? '', config.metricsToken)) {
			throw new ApiError(401, 'metrics_token_required', 'metrics need Authorization: Bearer <METRICS_TOKEN>')
		}
		const memory = process.memoryUsage()
		const text = metrics.render({
			tablee_rooms_loaded: registry.size,
			tablee_ws_connections: relay.connectionCount,
			tablee_save_lag_seconds: registry.saveLagSeconds(),
			tablee_memory_rss_bytes: memory.rss,
			tablee_memory_heap_used_bytes: memory.heapUsed,
			tablee_storage_up: (await diskProbe.check()) === null ? 1 : 0,
			...(deps.redis ? { tablee_redis_up: deps.redis.redisTrouble() === null ? 1 : 0 } : {}),
		})
		return c.text(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
	})

	app.get('/api/templates', (c) =>
		c.json({
			// The default template first, then the others in file order.
			templates: [...templates.templates.values()]
				.sort((a, b) => Number(b.id === DEFAULT_TEMPLATE_ID) - Number(a.id === DEFAULT_TEMPLATE_ID))
				.map((template) => ({
					id: template.id,
					version: template.version,
					title: template.title,
					description: template.description,
					colleges: template.colleges,
					themes: template.themes,
					zones: template.zones,
					phases: template.phases,
				})),
		}),
	)

	// Server time, so clients show the shared timer and vote deadlines in step whatever their clock.
	app.get('/api/time', (c) => c.json({ now: Date.now() }))
	app.get('/api/client-config', (c) =>
		c.json({
			tldrawLicenseKey: config.tldrawLicenseKey,
			maxUploadBytes: config.maxUploadBytes,
			// The privacy notice names the controller and the retention period (SPEC D6).
			privacy: {
				organisationName: config.organisationName,
				contact: config.privacyContact,
				retentionDays: config.retentionDays,
			},
			accessibilityContact: config.accessibilityContact,
		}),
	)

	app.route(
		'/api/workshops',
		assetUploadRoutes({ registry, files: assets, secret, maxUploadBytes: config.maxUploadBytes }),
	)
	app.route(
		'/api/workshops',
		workshopRoutes({
			registry,
			templates,
			secret,
			publicUrl: config.publicUrl,
			organizerKey: config.organizerKey,
			maxUploadBytes: config.maxUploadBytes,
		}),
	)

	app.route('/api/workshops', contributionRoutes({ registry, secret }))
	app.route('/api/workshops', sessionRoutes({ registry, secret }))
	app.route('/api/workshops', voteRoutes({ registry, secret }))
	app.route('/api/workshops', exportRoutes({ registry, secret, publicUrl: config.publicUrl }))
	app.route('/api/workshops', trailRoutes({ registry, secret, syntheses: synthesisIndex, publicUrl: config.publicUrl }))
	app.route(
		'/api/workshops',
		privacyRoutes({
			registry,
			deletion: deps.deletion,
			secret,
			organizerKey: config.organizerKey,
			retentionDays: config.retentionDays,
		}),
	)
	app.route(
		'/api/syntheses',
		synthesisRoutes({
			registry,
			files: synthesisIndex.tracking(),
			secret,
			organizerKey: config.organizerKey,
			publicUrl: config.publicUrl,
			maxUploadBytes: config.maxUploadBytes,
			logger,
			edits: deps.synthesisEdits,
		}),
	)

	app.route('/assets', assetFileRoutes(assets))

	app.all('/api/*', () => {
		throw new ApiError(404, 'not_found', 'no such API endpoint')
	})

	app.get(
		'/ws/:workshop',
		upgradeWebSocket((c) => relay.events(c, 'board')),
	)
	app.get(
		'/ws/:workshop/control',
		upgradeWebSocket((c) => relay.events(c, 'control')),
	)
	app.all('/ws/*', () => {
		throw new ApiError(426, 'upgrade_required', 'this path serves WebSocket connections only')
	})

	// The built client, compressed and cached; any other path gets index.html for the client to route.
	app.use('/*', staticClient(config.clientDir))
	return app
}

function isUpload(method: string, pathname: string): boolean {
	return (
		method === 'POST' &&
		(/^\/api\/workshops\/[^/]+\/assets$/.test(pathname) ||
			pathname === '/api/workshops/import' ||
			pathname === '/api/syntheses')
	)
}
