import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from '../logger.ts'
import { StorageUnavailableError } from '../store/storage.ts'
import { Refused } from '../workshops/refused.ts'

/**
 * The one exception HTTP handlers throw for a refusal. {@link apiErrorHandler} turns it into
 * `{ "error": { "code", "message" } }` with its status; codes are listed in docs/api.md.
 */
export class ApiError extends Error {
	readonly status: ContentfulStatusCode
	readonly code: string

	constructor(status: ContentfulStatusCode, code: string, message: string) {
		super(message)
		this.name = 'ApiError'
		this.status = status
		this.code = code
	}
}

/** Maps every error to the JSON error body; anything unexpected is logged and becomes a 500. */
export function apiErrorHandler(logger: Logger): ErrorHandler {
	return function onApiError(error, c) {
		if (error instanceof ApiError || error instanceof Refused) {
			return c.json({ error: { code: error.code, message: error.message } }, error.status)
		}
		if (error instanceof StorageUnavailableError) {
			logger.warn('http.storage_unavailable', { path: c.req.path, error })
			return c.json(
				{ error: { code: 'storage_unavailable', message: 'the storage cannot be reached; try again' } },
				503,
			)
		}
		if (error instanceof HTTPException) {
			const status = error.status as ContentfulStatusCode
			return c.json({ error: { code: `http_${status}`, message: error.message || 'request refused' } }, status)
		}
		logger.error('http.unexpected_error', { path: c.req.path, error })
		return c.json({ error: { code: 'internal_error', message: 'unexpected server error' } }, 500)
	}
}
