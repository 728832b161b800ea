import type { LogLevel } from './config.ts'

/**
 * Structured logs: one JSON object per line on stdout. Tokens never reach a log line: URLs are
 * passed through {@link redactUrl}, and field names that may hold secrets are masked.
 */
export interface Logger {
	debug(event: string, fields?: Record<string, unknown>): void
	info(event: string, fields?: Record<string, unknown>): void
	warn(event: string, fields?: Record<string, unknown>): void
	error(event: string, fields?: Record<string, unknown>): void
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const secretFields = /token|secret|key|authorization|password/i

export function createLogger(
	level: LogLevel,
	write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
	const log =
		(at: Exclude<LogLevel, 'silent'>) =>
		(event: string, fields: Record<string, unknown> = {}) => {
			if (rank[at] < rank[level]) return
			write(`${JSON.stringify({ time: new Date().toISOString(), level: at, event, ...redactFields(fields) })}\n`)
		}
	return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

/**
 * Replaces the value of any token-like query parameter and drops the fragment. Parameter names
 * are decoded first (`%74oken` is `token` to the server too).
 */
export function redactUrl(url: string): string {
	const hashless = url.split('#')[0] ?? ''
	const query = hashless.indexOf('?')
	if (query === -1) return hashless
	const params = [...new URLSearchParams(hashless.slice(query + 1))].map(([name, value]) =>
		secretParam.test(name)
			? `${encodeURIComponent(name)}=[redacted]`
			: `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
	)
	return `${hashless.slice(0, query)}?${params.join('&')}`
}

const secretParam = /token|key|secret/i

function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {}
	for (const [name, value] of Object.entries(fields)) {
		if (secretFields.test(name)) out[name] = '[redacted]'
		else if (value instanceof Error) out[name] = { name: value.name, message: value.message }
		else if (typeof value === 'string' && /url|path/i.test(name)) out[name] = redactUrl(value)
		else out[name] = value
	}
	return out
}
