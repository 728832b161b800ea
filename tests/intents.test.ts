import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

/**
 * Every intent runs through one runner (server/http/intent-runner.ts), so every family honours
 * `Idempotency-Key` (SPEC K11): a retry of the same key gets the first answer and changes nothing
 * more, even where a second run would be refused; the same key with another request is refused.
 * Against the real server.
 */
let server: TestServer
let workshop: CreatedWorkshop
let alice: { participantId: string; token: string }

// The default template's agenda: 5 proposals, 6 vote, 7 consensus check.
const PROPOSALS = 5
const VOTE = 6
const CONSENSUS = 7

beforeEach(async () => {
	server = await startTestServer()
	workshop = await createWorkshop(server)
	alice = await joinWorkshop(server, workshop, 'Alice', 'assos-benevoles')
})

afterEach(async () => {
	await server.dispose()
})

let keys = 0
const newKey = () => `intent-key-${++keys}-${Date.now()}`

async function call(pathname: string, token: string, body?: unknown, method?: string, key?: string) {
	const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, {
		token,
		body,
		method,
		headers: key ? { 'idempotency-key': key } : {},
	})
	const json = (await response.json()) as Record<string, unknown> & { error?: { code: string } }
	return {
		status: response.status,
		body: json,
		code: json.error?.code ?? null,
		replayed: response.headers.get('idempotent-replayed') === 'true',
	}
}
const facilitator = () => workshop.tokens.facilitator

/** Sends one intent twice with one key: the second answer is the first, marked as replayed. */
async function twice(pathname: string, token: string, body?: unknown, method?: string) {
	const key = newKey()
	const first = await call(pathname, token, body, method, key)
	const second = await call(pathname, token, body, method, key)
	expect(first.replayed).toBe(false)
	expect(second).toEqual({ ...first, replayed: true })
	return first
}

async function proposalId(text: string): Promise<string> {
	const made = await call('/contributions', alice.token, {
		type: 'proposition',
		zone: 'propositions',
		column: 'financeurs',
		text,
	})
	expect(made.status).toBe(201)
	return (made.body.contribution as { id: string }).id
}

describe('[K11] one intent runner: Idempotency-Key in every family', () => {
	test('contributions: a retried creation creates one contribution', async () => {
		await call('/phase', facilitator(), { index: PROPOSALS })
		const made = await twice('/contributions', alice.token, {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			text: 'Une seule fois',
		})
		expect(made.status).toBe(201)
		expect((await call('/contributions/mine', alice.token)).body.ids).toHaveLength(1)
	})

	test('facilitation: a retried paper participant is added once; a retried timer extension extends once', async () => {
		const added = await twice('/participants/paper', facilitator(), { name: 'Paulette', college: 'etat' })
		expect(added.status).toBe(200)
		const again = await call('/participants/paper', facilitator(), { name: 'Paulette', college: 'etat' })
		expect(again.body.participants).toBe((added.body.participants as number) + 1)

		await call('/timer', facilitator(), { action: 'start', minutes: 5 })
		await call('/timer', facilitator(), { action: 'pause' })
		const extended = await twice('/timer', facilitator(), { action: 'extend', minutes: 2 })
		expect((extended.body.session as { timerPausedMs: number }).timerPausedMs).toBeLessThanOrEqual(7 * 60_000)
		const now = await call('/timer', facilitator(), { action: 'pause' })
		expect((now.body.session as { timerPausedMs: number }).timerPausedMs).toBe(
			(extended.body.session as { timerPausedMs: number }).timerPausedMs,
		)
	})

	test('votes: a retried opening answers as the first (not "already open"); a retried ballot counts once', async () => {
		const id = await proposalId('Fonds pluriannuels')
		await call('/phase', facilitator(), { index: VOTE })
		const settings = { budget: 3, maxPerProposal: 3, banOwn: false, anonymous: true }
		const opened = await twice('/vote/open', facilitator(), settings)
		expect(opened.status).toBe(200)
		expect((await call('/vote/open', facilitator(), settings)).code).toBe('vote_open')

		const ballot = await twice('/vote/ballot', alice.token, { allocation: { [id]: 2 } })
		expect(ballot.body).toMatchObject({ remaining: 1 })
		const tally = await call('/vote/tally', facilitator())
		expect(tally.body).toMatchObject({ voters: 1, proposals: [{ id, dots: 2 }] })
	})

	test('consensus: a retried opening and a retried answer change the workshop once', async () => {
		const id = await proposalId('Guichet unique')
		await call('/phase', facilitator(), { index: CONSENSUS })
		const opened = await twice('/consensus/open', facilitator(), { proposals: [id] })
		expect(opened.status).toBe(200)
		const answered = await twice('/consensus/answer', alice.token, { answers: { [id]: { answer: 'agree' } } })
		expect(answered.body).toEqual({ answers: { [id]: { answer: 'agree', why: null } } })
		await call('/consensus/close', facilitator(), undefined, 'POST')
		const closedTwice = await twice('/consensus/reveal', facilitator(), undefined, 'POST')
		expect(closedTwice.status).toBe(200)
	})

	test('settings: a retried change of author mode is answered once, and a reused key is refused', async () => {
		const key = newKey()
		const first = await call('/settings', facilitator(), { authorMode: 'named' }, 'PATCH', key)
		expect(first).toMatchObject({ status: 200, body: { authorMode: 'named' }, replayed: false })
		expect(await call('/settings', facilitator(), { authorMode: 'named' }, 'PATCH', key)).toMatchObject({
			status: 200,
			replayed: true,
		})
		const reused = await call('/settings', facilitator(), { authorMode: 'pseudonymous' }, 'PATCH', key)
		expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' })
		const invalid = await call('/settings', facilitator(), { authorMode: 'pseudonymous' }, 'PATCH', 'short')
		expect(invalid).toMatchObject({ status: 400, code: 'invalid_idempotency_key' })
	})

	test('a refusal is not remembered: the same key may be sent again once the intent can pass', async () => {
		const key = newKey()
		const refused = await call('/vote/close', facilitator(), undefined, 'POST', key)
		expect(refused.code).toBe('vote_not_open')
		const id = await proposalId('Trésorerie')
		await call('/phase', facilitator(), { index: VOTE })
		await call('/vote/open', facilitator(), {
			budget: 3,
			maxPerProposal: 3,
			banOwn: false,
			anonymous: true,
			proposals: [id],
		})
		expect((await call('/vote/close', facilitator(), undefined, 'POST', key)).status).toBe(200)
	})
})
