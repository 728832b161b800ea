/**
 * Errors as values where untrusted input arrives (docs/conventions.md §Errors): decoders and parsers return a
 * Result and never throw into the socket loop.
 */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E }

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): { ok: true; value: T } {
	return { ok: true, value }
}

/** Wraps an error as a failed Result. */
export function err<E>(error: E): { ok: false; error: E } {
	return { ok: false, error }
}
