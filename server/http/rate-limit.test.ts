import { Hono } from 'hono'
import { expect, test } from 'vitest'
import { signToken } from '../auth/tokens.ts'
import { rateLimit } from './rate-limit.ts'

const secret = 'rate-limit-secret-rate-limit-secret-0123'

function appWith(clock: { now: number }) {
	const app = new Hono()
	app.use(
		'*',
		rateLimit({
			address: { burst: 4, perSecond: 2 },
			participant: { burst: 2, perSecond: 0.5 },
			secret,
			trustProxy: true,
			now: () => clock.now,
		}),
	)
	app.post('*', (c) => c.json({ ok: true }))
	return app
}

const personal = (participant: string) =>
	signToken(secret, { kind: 'personal', workshop: 'atelier00', role: 'participant', participant, college: 'etat' })

const send = (app: Hono, address: string, token?: string) =>
	app.request('/x', {
		method: 'POST',
		headers: { 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
	})

test('[H2] Retry-After is the whole seconds until a token is back in the bucket that refused', async () => {
	const clock = { now: 0 }
	const app = appWith(clock)
	const alice = personal('alice0000')
	expect((await send(app, '192.0.2.1', alice)).status).toBe(200)
	expect((await send(app, '192.0.2.1', alice)).status).toBe(200)
	// Alice's bucket (2, then 0.5 a second) is empty: 2 s until her next request.
	const refused = await send(app, '192.0.2.1', alice)
	expect(refused.status).toBe(429)
	expect(refused.headers.get('retry-after')).toBe('2')
	// A refused request costs nothing; the address still has 2 of its 4.
	expect((await send(app, '192.0.2.1')).status).toBe(200)
	expect((await send(app, '192.0.2.1')).status).toBe(200)
	const full = await send(app, '192.0.2.1')
	expect(full.headers.get('retry-after')).toBe('1')
	clock.now = 2000
	expect((await send(app, '192.0.2.1', alice)).status).toBe(200)
})

test('[H2] a forged token counts for its address only, never as a participant', async () => {
	const clock = { now: 0 }
	const app = appWith(clock)
	const forged = `${personal('alice0000').slice(0, -4)}AAAA`
	for (let i = 0; i < 4; i++) expect((await send(app, `198.51.100.${i}`, forged)).status).toBe(200)
})
