import { afterEach, beforeEach, expect, test } from 'vitest'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { Tally } from '../../shared/concertation/tally.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from '../helpers/test-server.ts'

// Time budget of this file: 10 s.

let server: TestServer
let workshop: CreatedWorkshop
let bob: { token: string }
let proposalId: string

// The default template's agenda: 5 proposals, 6 vote.
const PROPOSALS = 5
const VOTE = 6

async function call(pathname: string, token: string, body?: unknown) {
	const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, { token, body })
	const json = (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } }
	return { status: response.status, body: json, code: json.error?.code ?? null }
}
const facilitator = () => workshop.tokens.facilitator
const voters = async () => ((await call('/vote/tally', facilitator())).body as unknown as Tally).voters

beforeEach(async () => {
	server = await startTestServer()
	workshop = await createWorkshop(server)
	const alice = await joinWorkshop(server, workshop, 'Alice', 'assos-benevoles')
	bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
	await call('/phase', facilitator(), { index: PROPOSALS })
	const made = await call('/contributions', alice.token, {
		type: 'proposition',
		zone: 'propositions',
		column: 'financeurs',
		text: 'Conventions de 3 ans',
	})
	proposalId = (made.body.contribution as Contribution).id
	await call('/vote/open', facilitator(), { budget: 3, maxPerProposal: 2, banOwn: true, anonymous: true })
	await call('/phase', facilitator(), { index: VOTE })
})

afterEach(async () => {
	await server.dispose()
})

test('[V2] ballot keys are proposal ids only: __proto__, constructor and friends are refused with 400 and change nothing', async () => {
	expect((await call('/vote/ballot', bob.token, { allocation: { [proposalId]: 2 } })).status).toBe(200)
	const hostile = [
		`{"allocation":{"__proto__":{"${proposalId}":3}}}`,
		`{"allocation":{"__proto__":1}}`,
		`{"allocation":{"__proto__":1,"${proposalId}":1}}`,
		`{"allocation":{"constructor":1}}`,
		`{"allocation":{"prototype":1}}`,
		`{"allocation":{"toString":1,"${proposalId}":1}}`,
		`{"allocation":{"hasOwnProperty":1}}`,
		`{"allocation":[1]}`,
		`{"allocation":null}`,
	]
	for (const body of hostile) {
		const answer = await call('/vote/ballot', bob.token, body)
		expect(answer.status, body).toBe(400)
		expect(answer.code, body).toBe('invalid_body')
	}
	// Bob's ballot is the one he cast, whole.
	expect((await call('/vote/mine', bob.token)).body).toEqual({ allocation: { [proposalId]: 2 }, remaining: 1 })
	expect(await voters()).toBe(1)
})

test('[V2] an empty ballot withdraws the voter: not counted as a voter, dots back in the budget', async () => {
	expect((await call('/vote/ballot', bob.token, { allocation: { [proposalId]: 2 } })).status).toBe(200)
	expect(await voters()).toBe(1)
	for (const allocation of [{}, { [proposalId]: 0 }]) {
		const withdrawn = await call('/vote/ballot', bob.token, { allocation })
		expect(withdrawn.status).toBe(200)
		expect(withdrawn.body).toMatchObject({ allocation: {}, remaining: 3, withdrawn: true })
		expect(await voters()).toBe(0)
		expect((await call('/vote/mine', bob.token)).body).toEqual({ allocation: {}, remaining: 3 })
		// Voting again counts him again.
		expect((await call('/vote/ballot', bob.token, { allocation: { [proposalId]: 1 } })).body).toMatchObject({
			withdrawn: false,
		})
		expect(await voters()).toBe(1)
	}
})
