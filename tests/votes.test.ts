import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Contribution } from '../shared/concertation/contribution.ts'
import type { Tally } from '../shared/concertation/tally.ts'
import { readContributions, readResults, readSession, readVote } from '../shared/workshop/control-document.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from './helpers/test-server.ts'

/**
 * Facilitation and votes against the real server: every attempt to cheat is refused with a clear
 * error and changes nothing (SPEC F1–F6, V1–V9).
 */
let server: TestServer
let workshop: CreatedWorkshop
type Person = { participantId: string; token: string }
let alice: Person // associations
let bob: Person // funders (État)
let claire: Person // associations
let observer: Person

// The default template's agenda: 2 private writing, 5 proposals, 6 vote, 7 consensus check.
const PRIVATE_WRITING = 2
const PROPOSALS = 5
const VOTE = 6
const CONSENSUS = 7

beforeEach(async () => {
	server = await startTestServer()
	workshop = await createWorkshop(server)
	alice = await joinWorkshop(server, workshop, 'Alice', 'assos-benevoles')
	bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
	claire = await joinWorkshop(server, workshop, 'Claire', 'assos-salaries')
	observer = await joinWorkshop(server, workshop, 'Olga', null, 'observer')
})

afterEach(async () => {
	await server.dispose()
})

async function call(pathname: string, token: string, body?: unknown, method?: string) {
	const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, { token, body, method })
	const json = (await response.json()) as Record<string, unknown> & { error?: { code: string } }
	return { status: response.status, body: json, code: json.error?.code ?? null }
}
const facilitator = () => workshop.tokens.facilitator
const phase = (index: number) => call('/phase', facilitator(), { index })
const proposal = (text: string) => ({ type: 'proposition', zone: 'propositions', column: 'financeurs', text })

async function controlView(token: string) {
	const provider = connect(server.wsUrl, `${workshop.id}/control`, token)
	await synced(provider)
	return provider
}

describe('facilitation', () => {
	test('[F1] private writing: a contribution is seen by its author only until the facilitator reveals it', async () => {
		expect((await phase(PRIVATE_WRITING)).status).toBe(200)
		const need = { type: 'besoin', zone: 'grille-besoins', row: 'r1', column: 'c2', text: 'Secret de Alice' }
		const made = await call('/contributions', alice.token, need)
		expect(made).toMatchObject({ status: 201, body: { private: true } })
		const id = (made.body.contribution as Contribution).id

		// Nobody else sees it: not in the control document, not through "mine", not editable.
		const view = await controlView(bob.token)
		await new Promise((resolve) => setTimeout(resolve, 100))
		expect(JSON.stringify(view.doc.toJSON())).not.toContain('Secret de Alice')
		expect((await call('/contributions/mine', alice.token)).body).toMatchObject({
			ids: [id],
			drafts: [{ text: 'Secret de Alice' }],
		})
		expect((await call('/contributions/mine', facilitator())).body).toEqual({ ids: [], drafts: [] })
		expect((await call(`/contributions/${id}`, bob.token, { text: 'x' }, 'PATCH')).code).toBe('contribution_not_found')
		expect((await call(`/contributions/${id}`, facilitator(), { text: 'x' }, 'PATCH')).code).toBe(
			'contribution_not_found',
		)
		// The facilitator sees how many each college wrote, not what.
		expect((await call('/private-counts', facilitator())).body).toEqual({
			total: 1,
			byCollege: { 'assos-benevoles': 1 },
		})
		expect((await call('/private-counts', alice.token)).status).toBe(403)
		// The author edits it while private.
		expect((await call(`/contributions/${id}`, alice.token, { text: 'Secret, précisé' }, 'PATCH')).status).toBe(200)

		expect((await call('/reveal', alice.token, {})).status).toBe(403)
		expect((await call('/reveal', facilitator(), {})).body).toEqual({ revealed: 1 })
		await waitFor(() => readContributions(view.doc).get(id)?.text === 'Secret, précisé', 'revealed to everyone')
		expect((await call('/private-counts', facilitator())).body).toEqual({ total: 0, byCollege: {} })
		view.destroy()
	})

	test('[F2] a locked zone refuses contributions; [F4][F5][F6] the timer, "suivez-moi" and "j’ai fini" are server-side, seen by everyone', async () => {
		expect((await call('/zones/parking/lock', alice.token, { locked: true })).status).toBe(403)
		expect((await call('/zones/parking/lock', facilitator(), { locked: true })).status).toBe(200)
		const idea = { type: 'idee', zone: 'parking', text: 'Trop tard' }
		expect((await call('/contributions', alice.token, idea)).code).toBe('zone_locked')
		await call('/zones/parking/lock', facilitator(), { locked: false })
		expect((await call('/contributions', alice.token, idea)).status).toBe(201)

		const before = Date.now()
		const started = await call('/timer', facilitator(), { action: 'start', minutes: 10 })
		const ends = Date.parse((started.body.session as { timerEndsAt: string }).timerEndsAt)
		expect(ends - before).toBeGreaterThanOrEqual(10 * 60_000 - 50)
		expect(ends - Date.now()).toBeLessThanOrEqual(10 * 60_000)
		const paused = await call('/timer', facilitator(), { action: 'pause' })
		expect(paused.body.session).toMatchObject({ timerEndsAt: null, timerPausedMs: expect.any(Number) })
		expect((await call('/timer', alice.token, { action: 'stop' })).status).toBe(403)
		expect((await call('/timer', facilitator(), { action: 'forever' })).status).toBe(400)
		const time = (await (await server.api('/api/time')).json()) as { now: number }
		expect(Math.abs(time.now - Date.now())).toBeLessThan(1000)

		expect((await call('/done', alice.token, { done: true })).code).toBe('no_phase')
		await phase(PROPOSALS)
		await call('/done', alice.token, { done: true })
		expect((await call('/done', observer.token, { done: true })).status).toBe(403)
		await call('/follow', facilitator(), { zone: 'propositions' })
		const view = await controlView(bob.token)
		await waitFor(() => readSession(view.doc).followMe?.zone === 'propositions', 'suivez-moi published')
		expect(readSession(view.doc).done).toEqual({ [alice.participantId]: 'propositions' })
		view.destroy()
	})
})

describe('votes', () => {
	let ids: { alice: string; bob: string; claire: string }

	beforeEach(async () => {
		await phase(PROPOSALS)
		const made = await Promise.all([
			call('/contributions', alice.token, proposal('Conventions de 3 ans')),
			call('/contributions', bob.token, proposal('Guichet unique des financeurs')),
			call('/contributions', claire.token, proposal('Fonds de trésorerie mutualisé')),
		])
		const [a, b, c] = made.map((answer) => (answer.body.contribution as Contribution).id)
		ids = { alice: a as string, bob: b as string, claire: c as string }
	})

	const open = (settings: Record<string, unknown> = {}) =>
		call('/vote/open', facilitator(), {
			budget: 3,
			maxPerProposal: 2,
			banOwn: true,
			anonymous: true,
			minutes: 10,
			...settings,
		})
	const ballot = (person: Person, allocation: Record<string, number>, onBehalfOf?: string) =>
		call('/vote/ballot', person.token, onBehalfOf ? { allocation, onBehalfOf } : { allocation })

	test('[V1][V2][F3] every way to cheat is refused and changes nothing', async () => {
		expect((await open()).status).toBe(200)
		// Not in the vote phase yet.
		expect((await ballot(bob, { [ids.alice]: 1 })).code).toBe('wrong_phase')
		await phase(VOTE)
		// F3: proposals are frozen during the vote.
		expect((await call(`/contributions/${ids.alice}`, alice.token, { text: 'Mieux' }, 'PATCH')).code).toBe(
			'proposals_frozen',
		)

		expect((await ballot(bob, { [ids.alice]: 2, [ids.claire]: 1 })).status).toBe(200)
		const cheats: [string, Promise<{ code: string | null; status: number }>][] = [
			['over budget', ballot(alice, { [ids.bob]: 2, [ids.claire]: 2 })],
			['over maximum', ballot(alice, { [ids.bob]: 3 })],
			['own proposal', ballot(alice, { [ids.alice]: 1 })],
			['unknown proposal', ballot(alice, { zzzzzzzzzzzz: 1 })],
			['negative dots', ballot(alice, { [ids.bob]: -1 })],
			['observer', ballot(observer, { [ids.bob]: 1 })],
			['facilitator for itself', call('/vote/ballot', facilitator(), { allocation: { [ids.bob]: 1 } })],
			['as someone else', ballot(alice, { [ids.bob]: 1 }, bob.participantId)],
			['forged token', call('/vote/ballot', `${alice.token.slice(0, -4)}AAAA`, { allocation: { [ids.bob]: 1 } })],
			['shared link token', call('/vote/ballot', workshop.tokens.participant, { allocation: { [ids.bob]: 1 } })],
		]
		const codes = Object.fromEntries(
			await Promise.all(cheats.map(async ([name, attempt]) => [name, (await attempt).code])),
		)
		expect(codes).toEqual({
			'over budget': 'over_budget',
			'over maximum': 'over_maximum',
			'own proposal': 'own_proposal',
			'unknown proposal': 'unknown_proposal',
			'negative dots': 'invalid_dots',
			observer: 'observer_cannot_vote',
			'facilitator for itself': 'facilitator_does_not_vote',
			'as someone else': 'facilitator_only',
			'forged token': 'invalid_token',
			'shared link token': 'personal_token_required',
		})
		// Nothing of it counted: Bob's ballot only.
		const tallyNow = (await call('/vote/tally', facilitator())).body as unknown as Tally
		expect(tallyNow.voters).toBe(1)
		expect(tallyNow.proposals.find((p) => p.id === ids.alice)?.dots).toBe(2)
		expect((await call('/vote/tally', bob.token)).status).toBe(403)
	})

	test('[V2] two devices and retries share one budget: a ballot replaces the last one, never adds', async () => {
		await open()
		await phase(VOTE)
		const phoneAndLaptop = await Promise.all([
			ballot(alice, { [ids.bob]: 2, [ids.claire]: 1 }),
			ballot(alice, { [ids.bob]: 2, [ids.claire]: 1 }),
			ballot(alice, { [ids.claire]: 2 }),
		])
		expect(phoneAndLaptop.map((answer) => answer.status)).toEqual([200, 200, 200])
		const mine = await call('/vote/mine', alice.token)
		expect(mine.body).toEqual({ allocation: { [ids.claire]: 2 }, remaining: 1 })
		const tallyNow = (await call('/vote/tally', facilitator())).body as unknown as Tally
		expect(tallyNow.voters).toBe(1)
		expect(tallyNow.proposals.reduce((sum, p) => sum + p.dots, 0)).toBe(2)
	})

	test('[V1] a closed vote takes no ballot; extending reopens the deadline, not a closed vote', async () => {
		await open()
		await phase(VOTE)
		await call('/vote/close', facilitator(), {})
		expect((await ballot(bob, { [ids.alice]: 1 })).code).toBe('vote_closed')
		expect((await call('/vote/extend', facilitator(), { minutes: 5 })).code).toBe('vote_not_open')
		expect((await call('/vote/close', alice.token, {})).status).toBe(403)
	})

	test('[V3][V4][V8] anonymous ballots never reach clients; results are hidden until the reveal, then per college', async () => {
		await open()
		await phase(VOTE)
		await ballot(alice, { [ids.bob]: 2, [ids.claire]: 1 })
		await ballot(claire, { [ids.bob]: 1 })
		await ballot(bob, { [ids.alice]: 2 })
		const view = await controlView(alice.token)
		await waitFor(() => readVote(view.doc).status === 'open', 'vote published')
		expect(readResults(view.doc).tally).toBeNull()
		await call('/vote/close', facilitator(), {})
		expect((await call('/vote/reveal', alice.token, {})).status).toBe(403)
		await call('/vote/reveal', facilitator(), {})
		await waitFor(() => readResults(view.doc).tally !== null, 'tally published')
		const published = readResults(view.doc)
		expect(published.ballots).toBeNull()
		expect(published.tally?.voters).toBe(3)
		// Three voters in three colleges: anonymous, so no column of fewer than three.
		expect(published.tally?.groups.map((group) => `${group.id}:${group.voters}`)).toEqual(['others:3'])
		expect(published.tally?.proposals[0]).toMatchObject({ id: ids.bob, dots: 3 })
		// No trace of who gave what in the published polls (V3): ballots stay server-side.
		const json = JSON.stringify({ vote: view.doc.toJSON().vote, results: view.doc.toJSON().results })
		for (const person of [alice, bob, claire]) expect(json).not.toContain(person.participantId)
		view.destroy()
	})

	test('[V4] a named vote publishes the ballots with names once revealed; [V1] paper votes are proxy votes', async () => {
		await open({ anonymous: false, banOwn: false })
		await phase(VOTE)
		const paper = await call('/participants/paper', facilitator(), { name: 'Denise (papier)', college: 'caf-msa' })
		expect(paper.code).toBe('unknown_college')
		const added = await call('/participants/paper', facilitator(), {
			name: 'Denise (papier)',
			college: 'protection-sociale',
		})
		const denise = added.body.participantId as string
		// V1: anyone but the facilitator gets the same 403 whatever the id — on paper, online or unknown.
		const unknown = 'aaaaaaaaaaaaaaaaaaaaaa'
		for (const person of [alice, observer]) {
			for (const someone of [denise, bob.participantId, unknown]) {
				const refused = await ballot(person, { [ids.alice]: 1 }, someone)
				expect([refused.status, refused.code]).toEqual([403, 'facilitator_only'])
				const answer = { answers: { [ids.alice]: { answer: 'agree' } }, onBehalfOf: someone }
				const refusedAnswer = await call('/consensus/answer', person.token, answer)
				expect([refusedAnswer.status, refusedAnswer.code]).toEqual([403, 'facilitator_only'])
			}
		}
		expect(
			(await call('/vote/ballot', facilitator(), { allocation: { [ids.claire]: 2 }, onBehalfOf: unknown })).status,
		).toBe(404)
		expect(
			(await call('/vote/ballot', facilitator(), { allocation: { [ids.claire]: 2 }, onBehalfOf: bob.participantId }))
				.code,
		).toBe('not_a_paper_participant')
		expect(
			(await call('/vote/ballot', facilitator(), { allocation: { [ids.claire]: 2 }, onBehalfOf: denise })).body,
		).toMatchObject({ proxy: true, remaining: 1 })
		await ballot(alice, { [ids.alice]: 1 })
		await call('/vote/reveal', facilitator(), {})
		const view = await controlView(bob.token)
		await waitFor(() => readResults(view.doc).ballots !== null, 'named ballots published')
		const { ballots, tally } = readResults(view.doc)
		expect(ballots).toEqual(
			expect.arrayContaining([
				{ name: 'Denise (papier)', college: 'protection-sociale', allocation: { [ids.claire]: 2 }, proxy: true },
				{ name: 'Alice', college: 'assos-benevoles', allocation: { [ids.alice]: 1 }, proxy: false },
			]),
		)
		expect(tally?.proxyVoters).toBe(1)
		expect(tally?.groups.map((group) => group.id)).toEqual(['assos-benevoles', 'protection-sociale'])
		view.destroy()
	})

	test('[V9] the consensus check takes the top of the vote by default, keeps reasons without authors', async () => {
		await open({ banOwn: false })
		await phase(VOTE)
		await ballot(alice, { [ids.bob]: 2 })
		await ballot(bob, { [ids.bob]: 1, [ids.claire]: 1 })
		await call('/vote/close', facilitator(), {})
		const opened = await call('/consensus/open', facilitator(), { top: 2 })
		expect((opened.body.consensus as { proposals: string[] }).proposals).toEqual([ids.bob, ids.claire])
		expect((await call('/consensus/answer', alice.token, { answers: { [ids.bob]: { answer: 'agree' } } })).code).toBe(
			'wrong_phase',
		)
		await phase(CONSENSUS)
		await call('/consensus/answer', alice.token, { answers: { [ids.bob]: { answer: 'agree' } } })
		await call('/consensus/answer', bob.token, {
			answers: { [ids.bob]: { answer: 'disagree', why: 'Pas avant 2028' } },
		})
		expect((await call('/consensus/answer', bob.token, { answers: { [ids.alice]: { answer: 'agree' } } })).code).toBe(
			'unknown_proposal',
		)
		await call('/consensus/close', facilitator(), {})
		await call('/consensus/reveal', facilitator(), {})
		const view = await controlView(claire.token)
		await waitFor(() => readResults(view.doc).tally !== null, 'consensus published')
		const checked = readResults(view.doc).tally?.proposals.find((p) => p.id === ids.bob)
		expect(checked).toMatchObject({ answers: { agree: 1, disagree: 1, unsure: 0 }, reasons: ['Pas avant 2028'] })
		expect(JSON.stringify(view.doc.toJSON().results)).not.toContain(bob.participantId)
		view.destroy()
	})
})
