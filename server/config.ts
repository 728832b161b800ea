import { existsSync } from 'node:fs'
import path from 'node:path'
import * as v from 'valibot'
import type { Result } from '../shared/result.ts'
import { err, ok } from '../shared/result.ts'
import { type StoreKind, storeKinds } from './store/storage.ts'

/**
 * Server configuration, read once from the environment at start. Every variable and its
 * default is documented in README.md ("Configuration").
 */
export interface Config {
	port: number
	host: string
	dataDir: string
	/** Which storage adapters hold workshops, syntheses, board files and the secret. */
	store: StoreKind
	/** PostgreSQL connection string; when set, every port is stored there instead of `store`. */
	databaseUrl: string | null
	/** Redis connection string: several processes share the installation (docs/scale-out.md). */
	redisUrl: string | null
	/** Prefix of every Redis key this installation uses. */
	redisKeyPrefix: string
	publicUrl: string
	/** Signing key; when null, one is generated on first start and kept in `dataDir`. */
	secret: string | null
	organizerKey: string | null
	maxFrameBytes: number
	maxBodyBytes: number
	/** Largest image or video pasted on a board. */
	maxUploadBytes: number
	/** tldraw licence key handed to the canvas; null runs it unlicensed (see README). */
	tldrawLicenseKey: string | null
	/** Where people report an accessibility problem (e-mail or URL), shown on the accessibility statement. */
	accessibilityContact: string | null
	saveDebounceMs: number
	saveMaxWaitMs: number
	/** Upper bound on a workshop board's stored size. */
	maxDocBytes: number
	/** Largest presence state of one client (name, college, cursor, selection…). */
	maxPresenceBytes: number
	/** Presence changes are gathered this long and broadcast together. */
	presenceFlushMs: number
	/** How long a socket that just wrote gathers what it is sent before writing again (0: within a turn only). */
	sendWindowMs: number
	/** Browser origins allowed to open a socket besides PUBLIC_URL's and localhost. */
	allowedOrigins: string[]
	/** Trust X-Forwarded-For (rightmost entry) as the client address: only behind a reverse proxy. */
	trustProxy: boolean
	/** Connection attempts per address: burst, then this many per second. */
	connectBurst: number
	connectRatePerSecond: number
	/** HTTP requests that change something (intents, joins, uploads): per address, then per participant. */
	httpBurst: number
	httpRatePerSecond: number
	participantBurst: number
	participantRatePerSecond: number
	/** When set, GET /api/metrics requires `Authorization: Bearer <token>`. */
	metricsToken: string | null
	/** Interval of WebSocket pings; a connection that missed one pong is dropped. */
	heartbeatMs: number
	logLevel: LogLevel
	templatesDir: string
	clientDir: string
	/** Days after a workshop's date before its personal data is removed (SPEC D2). */
	retentionDays: number
	/** The data controller, as the privacy notice names it (the operator's organisation). */
	organisationName: string | null
	/** How to reach the controller about personal data (an address, an email, a web page). */
	privacyContact: string | null
}

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

/**
 * The project folder (templates, the built client): the nearest folder above this module that
 * holds package.json. This module is server/config.ts when run from its sources, and part of the
 * bundle under dist/server/ (or one of its chunks) when started by `npm start` (scripts/build-server.ts).
 */
function findProjectRoot(from: string): string {
	for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, 'package.json'))) return dir
	}
	return path.resolve(from, '..')
}

const projectRoot = findProjectRoot(import.meta.dirname)

const integer = (min: number, max: number) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.regex(/^\d+$/, 'must be a whole number'),
		v.transform(Number),
		v.minValue(min),
		v.maxValue(max),
	)

const optionalText = v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)))

const envSchema = v.object({
	PORT: v.optional(integer(0, 65535), '3000'),
	HOST: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), '0.0.0.0'),
	DATA_DIR: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), 'data'),
	STORE: v.optional(v.picklist(storeKinds), 'lowdb'),
	DATABASE_URL: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.check(
				(text) => /^postgres(ql)?:\/\//.test(text) && URL.canParse(text),
				'must be a PostgreSQL connection string such as postgresql://user:password@host:5432/tablee',
			),
		),
	),
	REDIS_URL: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.check(
				(text) => /^rediss?:\/\//.test(text) && URL.canParse(text),
				'must be a Redis connection string such as redis://redis:6379',
			),
		),
	),
	REDIS_KEY_PREFIX: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits, ":", "_", "." or "-" (64 at most)'),
		),
		'tablee:',
	),
	PUBLIC_URL: v.optional(
		v.pipe(v.string(), v.trim(), v.url('must be an absolute URL such as https://tablee.example.org')),
	),
	TABLEE_SECRET: v.optional(v.pipe(v.string(), v.trim(), v.minLength(32, 'must be at least 32 characters long'))),
	ORGANIZER_KEY: optionalText,
	MAX_FRAME_BYTES: v.optional(integer(1024, 64 * 1024 * 1024), String(2 * 1024 * 1024)),
	MAX_BODY_BYTES: v.optional(integer(1024, 16 * 1024 * 1024), String(64 * 1024)),
	MAX_UPLOAD_BYTES: v.optional(integer(1024, 1024 * 1024 * 1024), String(10 * 1024 * 1024)),
	TLDRAW_LICENSE_KEY: optionalText,
	ACCESSIBILITY_CONTACT: optionalText,
	MAX_DOC_BYTES: v.optional(integer(64 * 1024, 1024 * 1024 * 1024), String(32 * 1024 * 1024)),
	MAX_PRESENCE_BYTES: v.optional(integer(256, 1024 * 1024), String(8 * 1024)),
	PRESENCE_FLUSH_MS: v.optional(integer(0, 1000), '20'),
	SEND_WINDOW_MS: v.optional(integer(0, 1000), '0'),
	ALLOWED_ORIGINS: v.optional(
		v.pipe(
			v.string(),
			v.transform((text) =>
				text
					.split(',')
					.map((origin) => origin.trim())
					.filter(Boolean),
			),
			v.array(v.pipe(v.string(), v.url('each origin must be an absolute URL such as https://tablee.example.org'))),
		),
		'',
	),
	TRUST_PROXY: v.optional(v.picklist(['true', 'false', '1', '0']), 'false'),
	CONNECT_BURST: v.optional(integer(1, 100_000), '300'),
	CONNECT_RATE: v.optional(integer(1, 100_000), '20'),
	HTTP_BURST: v.optional(integer(1, 1_000_000), '1000'),
	HTTP_RATE: v.optional(integer(1, 1_000_000), '100'),
	PARTICIPANT_BURST: v.optional(integer(1, 1_000_000), '120'),
	PARTICIPANT_RATE: v.optional(integer(1, 1_000_000), '10'),
	METRICS_TOKEN: optionalText,
	SAVE_DEBOUNCE_MS: v.optional(integer(0, 60_000), '1000'),
	SAVE_MAX_WAIT_MS: v.optional(integer(0, 300_000), '5000'),
	HEARTBEAT_MS: v.optional(integer(100, 600_000), '30000'),
	LOG_LEVEL: v.optional(v.picklist(logLevels), 'info'),
	TEMPLATES_DIR: optionalText,
	CLIENT_DIR: optionalText,
	RETENTION_DAYS: v.optional(integer(1, 36_500), '365'),
	ORGANISATION_NAME: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
	PRIVACY_CONTACT: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500))),
})

/** Parses the environment; on failure, says which variables are wrong and why. */
export function readConfig(env: Record<string, string | undefined>): Result<Config> {
	const parsed = v.safeParse(envSchema, stripEmpty(env))
	if (!parsed.success) {
		const lines = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '?'}: ${issue.message}`)
		return err(`invalid configuration:\n  ${lines.join('\n  ')}`)
	}
	const e = parsed.output
	// Several processes share one store: the lowdb files of one data directory cannot be shared.
	if (e.REDIS_URL && !e.DATABASE_URL) {
		return err(
			'invalid configuration:\n  REDIS_URL: several processes need a shared database: set DATABASE_URL (PostgreSQL) too, or unset REDIS_URL to run one process',
		)
	}
	const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
	return ok({
		port: e.PORT,
		host: e.HOST,
		dataDir: path.resolve(e.DATA_DIR),
		store: e.STORE,
		databaseUrl: e.DATABASE_URL ?? null,
		redisUrl: e.REDIS_URL ?? null,
		redisKeyPrefix: e.REDIS_KEY_PREFIX,
		publicUrl,
		secret: e.TABLEE_SECRET ?? null,
		organizerKey: e.ORGANIZER_KEY ?? null,
		maxFrameBytes: e.MAX_FRAME_BYTES,
		maxBodyBytes: e.MAX_BODY_BYTES,
		maxUploadBytes: e.MAX_UPLOAD_BYTES,
		tldrawLicenseKey: e.TLDRAW_LICENSE_KEY ?? null,
		accessibilityContact: e.ACCESSIBILITY_CONTACT ?? null,
		maxDocBytes: e.MAX_DOC_BYTES,
		maxPresenceBytes: e.MAX_PRESENCE_BYTES,
		presenceFlushMs: e.PRESENCE_FLUSH_MS,
		sendWindowMs: e.SEND_WINDOW_MS,
		allowedOrigins: e.ALLOWED_ORIGINS,
		trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
		connectBurst: e.CONNECT_BURST,
		connectRatePerSecond: e.CONNECT_RATE,
		httpBurst: e.HTTP_BURST,
		httpRatePerSecond: e.HTTP_RATE,
		participantBurst: e.PARTICIPANT_BURST,
		participantRatePerSecond: e.PARTICIPANT_RATE,
		metricsToken: e.METRICS_TOKEN ?? null,
		saveDebounceMs: e.SAVE_DEBOUNCE_MS,
		saveMaxWaitMs: Math.max(e.SAVE_MAX_WAIT_MS, e.SAVE_DEBOUNCE_MS),
		heartbeatMs: e.HEARTBEAT_MS,
		logLevel: e.LOG_LEVEL,
		templatesDir: path.resolve(e.TEMPLATES_DIR ?? path.join(projectRoot, 'templates')),
		clientDir: path.resolve(e.CLIENT_DIR ?? path.join(projectRoot, 'dist', 'client')),
		retentionDays: e.RETENTION_DAYS,
		organisationName: e.ORGANISATION_NAME ?? null,
		privacyContact: e.PRIVACY_CONTACT ?? null,
	})
}

/** An empty variable (`PORT=`) means "use the default", as it does in most tools. */
function stripEmpty(env: Record<string, string | undefined>) {
	return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
}
