/**
 * A refusal raised by server code outside HTTP (domain modules never import the HTTP layer). The
 * HTTP error handler answers it like an ApiError: its status and `{ error: { code, message } }`.
 */
export class Refused extends Error {
	readonly status: 400 | 403 | 404 | 409 | 422 | 503
	readonly code: string

	constructor(status: Refused['status'], code: string, message: string) {
		super(message)
		this.name = 'Refused'
		this.status = status
		this.code = code
	}
}
