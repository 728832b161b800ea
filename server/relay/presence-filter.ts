import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { PresenceUser } from '../../shared/workshop/presence.ts'

/** One entry of a y-protocols awareness update. */
export interface PresenceEntry {
	client: number
	clock: number
	state: Record<string, unknown> | null
}

/** An entry as read from the wire: its state still raw bytes, decoded only if the entry is kept. */
export interface RawPresenceEntry {
	client: number
	clock: number
	/** UTF-8 JSON of the state. */
	bytes: Uint8Array
}

export type PresenceRefusal = 'malformed' | 'too-large'

const MAX_ENTRIES = 10_000

/**
 * Decodes an awareness update (`varUint count`, then per entry `varUint client`, `varUint clock`,
 * `varString JSON state`), checking sizes; states stay JSON text (see {@link parsePresenceState}).
 * Clients echo everyone's presence back, so a message may carry a whole room's entries, most of
 * which the relay drops: parsing them all would be wasted work in a presence storm.
 */
export function decodePresence(update: Uint8Array, maxBytes: number): Result<RawPresenceEntry[], PresenceRefusal> {
	try {
		const decoder = decoding.createDecoder(update)
		const count = decoding.readVarUint(decoder)
		if (count > MAX_ENTRIES) return err('malformed')
		const entries: RawPresenceEntry[] = []
		for (let i = 0; i < count; i++) {
			const client = decoding.readVarUint(decoder)
			const clock = decoding.readVarUint(decoder)
			// A varString is a varUint8Array of UTF-8: keep the bytes, skip decoding them.
			const bytes = decoding.readVarUint8Array(decoder)
			if (bytes.length > maxBytes) return err('too-large')
			entries.push({ client, clock, bytes })
		}
		if (decoding.hasContent(decoder)) return err('malformed')
		return ok(entries)
	} catch {
		return err('malformed')
	}
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A state's JSON: an object, or null for "gone"; anything else is malformed. */
export function parsePresenceState(bytes: Uint8Array): Result<Record<string, unknown> | null, 'malformed'> {
	try {
		const state: unknown = JSON.parse(utf8.decode(bytes))
		if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return err('malformed')
		return ok(state as Record<string, unknown> | null)
	} catch {
		return err('malformed')
	}
}

/**
 * Puts the connection's identity into a state: `user` is replaced, and tldraw's presence record
 * (`presence`) is renamed and recoloured, so what others see is what the token says.
 */
export function stampIdentity(state: Record<string, unknown>, user: PresenceUser): Record<string, unknown> {
	const stamped: Record<string, unknown> = { ...state, user }
	const presence = state.presence
	if (presence !== undefined && presence !== null) {
		stamped.presence =
			typeof presence === 'object' && !Array.isArray(presence)
				? { ...presence, userId: `user:${user.participantId}`, userName: user.name, color: user.color }
				: null
	}
	return stamped
}

export function encodePresence(entries: PresenceEntry[]): Uint8Array {
	const encoder = encoding.createEncoder()
	encoding.writeVarUint(encoder, entries.length)
	for (const { client, clock, state } of entries) {
		encoding.writeVarUint(encoder, client)
		encoding.writeVarUint(encoder, clock)
		encoding.writeVarString(encoder, JSON.stringify(state))
	}
	return encoding.toUint8Array(encoder)
}
