import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type * as Y from 'yjs'
import type { Actor, Refusal } from '../../shared/concertation/contribution-rules.ts'
import type { Result } from '../../shared/result.ts'
import type { PersonalClaims } from '../auth/tokens.ts'
import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import { ApiError } from './api-error.ts'
import { actorOf, facilitatorOnly, personalClaims } from './intent-context.ts'
import { stored, withRoom } from './with-room.ts'

/** How many idempotent answers a workshop remembers; the oldest are forgotten first. */
const MAX_REMEMBERED_INTENTS = 10_000
const idempotencyKeyPattern = /^[A-Za-z0-9_-]{8,128}$/

/** What an intent sees when it decides: the loaded workshop, who asks, and the server time. */
export interface IntentContext {
	room: WorkshopRoom
	claims: PersonalClaims
	actor: Actor
	now: Date
}

/**
 * What an intent decided: the change, made on copies of the control document and the server-only
 * state, returning the answer's body; and the answer's status.
 */
export interface IntentDecision {
	status?: 200 | 201
	commit: (doc: Y.Doc, serverOnly: ServerOnlyState) => object
}

export interface IntentOptions {
	/** When set, only the facilitator may send this intent ("only the facilitator can <this>"). */
	facilitator?: string
}

export type RunIntent = (
	c: Context,
	input: unknown,
	options: IntentOptions,
	decide: (context: IntentContext) => IntentDecision,
) => Promise<Response>

/**
 * The one way an intent runs (docs/architecture.md §Intents): the personal token is checked (and
 * the facilitator's role when asked), the workshop is loaded and locked for this intent alone,
 * a retry of an `Idempotency-Key` already answered gets the same answer (K11), the domain
 * decides, and the change, with the answer to remember, is committed in one durable save before
 * it is published. `decide` throws an {@link ApiError} (see {@link refuseUnless}) to refuse:
 * then nothing changes and nothing is remembered.
 */
export function intentRunner({ registry, secret }: { registry: RoomRegistry; secret: string }): RunIntent {
	return async (c, input, options, decide) => {
		const workshop = c.req.param('workshop') as string
		const claims = personalClaims(c, secret, workshop)
		if (options.facilitator) facilitatorOnly(claims, options.facilitator)
		const key = idempotencyKey(c)
		const fingerprint = createHash('sha256')
			.update(`${c.req.method} ${c.req.path}\n${JSON.stringify(input ?? null)}`)
			.digest('hex')
		const scope = `${claims.participant}:${key}`

		const answer = await withRoom(registry, workshop, (room) =>
			room.exclusive(async () => {
				if (key !== null) {
					const remembered = room.serverOnly.intents[scope]
					if (remembered) {
						if (remembered.fingerprint !== fingerprint) {
							throw new ApiError(
								422,
								'idempotency_key_reused',
								'this Idempotency-Key was used for another request; use a new key',
							)
						}
						return { status: remembered.status, body: remembered.body, replayed: true }
					}
				}
				const now = new Date()
				const decision = decide({ room, claims, actor: actorOf(room, claims), now })
				const status = decision.status ?? 200
				const body = await stored(
					room.commitControl((doc, serverOnly) => {
						const answered = decision.commit(doc, serverOnly)
						if (key !== null) {
							remember(serverOnly, scope, { fingerprint, status, body: answered, at: now.toISOString() })
						}
						return answered
					}),
				)
				return { status, body, replayed: false }
			}),
		)
		if (answer.replayed) c.header('Idempotent-Replayed', 'true')
		return c.json(answer.body as object, answer.status as ContentfulStatusCode)
	}
}

/** The value of a domain result, or the refusal thrown as the HTTP error it maps to. */
export function refuseUnless<T>(result: Result<T, Refusal>): T {
	if (!result.ok) throw new ApiError(result.error.status, result.error.code, result.error.message)
	return result.value
}

function idempotencyKey(c: Context): string | null {
	const key = c.req.header('idempotency-key')
	if (key === undefined) return null
	if (!idempotencyKeyPattern.test(key)) {
		throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key: 8 to 128 letters, digits, "-" or "_"')
	}
	return key
}

function remember(serverOnly: ServerOnlyState, scope: string, answer: ServerOnlyState['intents'][string]): void {
	serverOnly.intents[scope] = answer
	const scopes = Object.keys(serverOnly.intents)
	if (scopes.length <= MAX_REMEMBERED_INTENTS) return
	const oldest = scopes.sort((a, b) => (serverOnly.intents[a]?.at ?? '').localeCompare(serverOnly.intents[b]?.at ?? ''))
	for (const old of oldest.slice(0, scopes.length - MAX_REMEMBERED_INTENTS)) delete serverOnly.intents[old]
}
