/**
 * The one table of WebSocket close codes the relay uses (documented in docs/api.md).
 *
 * 44xx mirror HTTP and mean "retrying cannot fix this": the unmodified y-websocket client stops
 * reconnecting on 4400–4499. Transient conditions use the standard codes, which clients retry.
 */
export const CloseCode = {
	/** The server is shutting down or restarting; reconnect. */
	goingAway: 1001,
	/** A frame exceeded the configured maximum size (set by `ws` itself via `maxPayload`). */
	frameTooBig: 1009,
	/** Unexpected server failure (for instance a workshop file that cannot be read); retried. */
	serverError: 1011,
	/** Temporary refusal (storage unavailable, server busy); retried. */
	tryAgainLater: 1013,
	/** A frame could not be decoded as a y-websocket message. Final. */
	badMessage: 4400,
	/** No token, or a token that is invalid or not for this workshop. Final. */
	unauthorized: 4401,
	/** The token is valid but its kind or role may not open this channel. Final. */
	forbidden: 4403,
	/** No workshop with this id. Final. */
	unknownWorkshop: 4404,
	/** The workshop was deleted by its facilitator or organiser (SPEC D1). Final: it is gone. */
	workshopDeleted: 4410,
	/** The update would take the board past the server's size cap. Final: resending cannot fit. */
	documentTooLarge: 4413,
	/** The client declared (`?layout=`) older document layouts than the server's: reload the page. Final. */
	clientOutdated: 4426,
} as const

export type CloseCodeName = keyof typeof CloseCode
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName]

/** Short, stable reasons sent with each code (a close reason must stay under 123 bytes). */
export const closeReasons: Record<CloseCodeName, string> = {
	goingAway: 'server restarting',
	frameTooBig: 'frame too big',
	serverError: 'server error',
	tryAgainLater: 'try again later',
	badMessage: 'undecodable message',
	unauthorized: 'invalid or missing token',
	forbidden: 'not allowed',
	unknownWorkshop: 'unknown workshop',
	workshopDeleted: 'workshop deleted',
	documentTooLarge: 'workshop board is full',
	clientOutdated: 'client outdated, reload',
}
