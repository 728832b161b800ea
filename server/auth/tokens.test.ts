import { describe, expect, test } from 'vitest'
import type { TokenClaims } from './tokens.ts'
import { signToken, verifyToken } from './tokens.ts'

const secret = 'a-secret-of-at-least-thirty-two-chars!'
const personal: TokenClaims = {
	kind: 'personal',
	workshop: 'workshopaaaa',
	role: 'participant',
	participant: 'personaaaaaa',
	college: 'etat',
}
const link: TokenClaims = { kind: 'link', workshop: 'workshopaaaa', role: 'observer', generation: 2 }

describe('tokens', () => {
	test.each([personal, link])('[A1] round-trips its claims (%o)', (claims) => {
		expect(verifyToken(secret, signToken(secret, claims))).toEqual({ ok: true, value: claims })
	})

	const good = signToken(secret, personal)
	const [prefix, payload, signature] = good.split('.') as [string, string, string]
	const tamperedPayload = Buffer.from(JSON.stringify({ ...personal, role: 'facilitator' })).toString('base64url')

	test.each([
		['another secret', signToken('another-secret-of-thirty-two-chars!!!', personal), 'bad-signature'],
		['a changed payload', `${prefix}.${tamperedPayload}.${signature}`, 'bad-signature'],
		['a truncated signature', `${prefix}.${payload}.${signature.slice(1)}`, 'bad-signature'],
		['no signature', `${prefix}.${payload}`, 'malformed'],
		['another prefix', `t2.${payload}.${signature}`, 'malformed'],
		['an empty string', '', 'malformed'],
		['a huge string', 'x'.repeat(10_000), 'malformed'],
	])('[A5] refuses %s', (_name, token, error) => {
		expect(verifyToken(secret, token)).toEqual({ ok: false, error })
	})

	test('[A5] a correctly signed payload of the wrong shape is malformed', () => {
		const forged = signToken(secret, { kind: 'personal', workshop: 'x', role: 'admin' } as unknown as TokenClaims)
		expect(verifyToken(secret, forged)).toEqual({ ok: false, error: 'malformed' })
	})

	test('the same claims always give the same token (links can be shown again)', () => {
		expect(signToken(secret, link)).toBe(signToken(secret, { ...link }))
	})
})
