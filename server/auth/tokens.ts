import { createHmac, timingSafeEqual } from 'node:crypto'
import * as v from 'valibot'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import { ID_PATTERN } from '../../shared/workshop/ids.ts'
import { linkRoles, roles } from '../../shared/workshop/roles.ts'

/**
 * Tokens are signed capabilities: `t1.<payload>.<signature>`, payload a base64url JSON of the
 * claims, signature an HMAC-SHA256 of `t1.<payload>` with the server secret. The workshop id is
 * in the claims, so one workshop's token opens no other.
 *
 * - A *link* token is shared by everyone holding the join link of a role. It carries the link
 *   generation: regenerating the links bumps the workshop's generation and old link tokens stop
 *   verifying against the workshop, while personal tokens are unaffected.
 * - A *personal* token names one participant (facilitators included); votes and ownership hang on
 *   its participant id, so two devices holding it are the same person.
 */
const PREFIX = 't1'

const claimsSchema = v.variant('kind', [
	v.object({
		kind: v.literal('link'),
		workshop: v.pipe(v.string(), v.regex(ID_PATTERN)),
		role: v.picklist(linkRoles),
		generation: v.pipe(v.number(), v.integer(), v.minValue(0)),
	}),
	v.object({
		kind: v.literal('personal'),
		workshop: v.pipe(v.string(), v.regex(ID_PATTERN)),
		role: v.picklist(roles),
		participant: v.pipe(v.string(), v.regex(ID_PATTERN)),
		college: v.nullable(v.string()),
	}),
])

export type TokenClaims = v.InferOutput<typeof claimsSchema>
export type LinkClaims = Extract<TokenClaims, { kind: 'link' }>
export type PersonalClaims = Extract<TokenClaims, { kind: 'personal' }>

export type TokenError = 'malformed' | 'bad-signature'

/** Signs claims into a token. The same claims always give the same token. */
export function signToken(secret: string, claims: TokenClaims): string {
	const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
	return `${PREFIX}.${payload}.${mac(secret, payload)}`
}

/** Checks a token's signature and shape; never throws on untrusted input. */
export function verifyToken(secret: string, token: string): Result<TokenClaims, TokenError> {
	if (token.length > 2048) return err('malformed')
	const parts = token.split('.')
	if (parts.length !== 3 || parts[0] !== PREFIX) return err('malformed')
	const [, payload = '', signature = ''] = parts
	const expected = Buffer.from(mac(secret, payload))
	const given = Buffer.from(signature)
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return err('bad-signature')
	let json: unknown
	try {
		json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
	} catch {
		return err('malformed')
	}
	const parsed = v.safeParse(claimsSchema, json)
	return parsed.success ? ok(parsed.output) : err('malformed')
}

function mac(secret: string, payload: string): string {
	return createHmac('sha256', secret).update(`${PREFIX}.${payload}`).digest('base64url')
}
