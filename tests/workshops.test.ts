import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { verifyToken } from '../server/auth/tokens.ts'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import type { TestServer } from './helpers/test-server.ts'
import {
	connect,
	createWorkshop,
	joinWorkshop,
	nextClose,
	startTestServer,
	synced,
	TEST_SECRET,
} from './helpers/test-server.ts'

let server: TestServer

beforeEach(async () => {
	server = await startTestServer()
})

afterEach(async () => {
	await server.dispose()
})

const errorOf = async (response: Response) => {
	expect(response.headers.get('content-type')).toMatch(/application\/json/)
	const body = (await response.json()) as { error: { code: string; message: string } }
	expect(body.error.message.length).toBeGreaterThan(0)
	return { status: response.status, code: body.error.code }
}

describe('creating a workshop', () => {
	test('[A1] returns the three tokens and PUBLIC_URL links carrying them in the fragment', async () => {
		const response = await server.api('/api/workshops', {
			body: { title: 'Concertation Creuse', territory: 'Creuse', date: '2026-12-03' },
		})
		expect(response.status).toBe(201)
		const created = (await response.json()) as Awaited<ReturnType<typeof createWorkshop>>
		expect(created.id).toMatch(/^[a-z0-9]{26}$/)
		expect(created.links.facilitator).toBe(`http://tablee.test/w/${created.id}#token=${created.tokens.facilitator}`)
		expect(created.links.participant).toBe(`http://tablee.test/join/${created.id}#token=${created.tokens.participant}`)
		expect(created.links.observer).toBe(`http://tablee.test/join/${created.id}#token=${created.tokens.observer}`)
		const facilitator = verifyToken(TEST_SECRET, created.tokens.facilitator)
		expect(facilitator.ok && facilitator.value).toMatchObject({ kind: 'personal', role: 'facilitator', college: null })

		const view = await server.api(`/api/workshops/${created.id}`, { token: created.tokens.facilitator })
		expect(await view.json()).toMatchObject({
			id: created.id,
			title: 'Concertation Creuse',
			territory: 'Creuse',
			date: '2026-12-03',
			templateId: 'concertation-territoriale',
			you: { kind: 'personal', role: 'facilitator' },
			links: { participant: created.links.participant },
		})
	})

	test.each([
		['no title', {}, 'invalid_body'],
		['an empty title', { title: '   ' }, 'invalid_body'],
		['a date that is not a date', { title: 'x', date: '03/12/2026' }, 'invalid_body'],
		['an unknown field', { title: 'x', admin: true }, 'invalid_body'],
		['an unknown template', { title: 'x', templateId: 'nope' }, 'unknown_template'],
	])('[H1] %s is refused with 400 and nothing is created', async (_name, body, code) => {
		const response = await server.api('/api/workshops', { body })
		expect(await errorOf(response)).toEqual({ status: 400, code })
		expect(await readdir(path.join(server.config.dataDir, 'workshops'))).toEqual([])
	})

	test('[H1] a body that is not JSON is refused with 400', async () => {
		const response = await server.api('/api/workshops', { body: '{"title": ' })
		expect(await errorOf(response)).toEqual({ status: 400, code: 'invalid_json' })
	})

	test('[H1] a body over the limit is refused with 413', async () => {
		const response = await server.api('/api/workshops', { body: { title: 'x'.repeat(server.config.maxBodyBytes) } })
		expect(await errorOf(response)).toEqual({ status: 413, code: 'body_too_large' })
	})

	test('[A2] with ORGANIZER_KEY set, creating needs the X-Organizer-Key header', async () => {
		await server.dispose()
		server = await startTestServer({ organizerKey: 'cle-des-organisateurs' })
		const without = await server.api('/api/workshops', { body: { title: 'x' } })
		expect(await errorOf(without)).toEqual({ status: 401, code: 'organizer_key_required' })
		const wrong = await server.api('/api/workshops', { body: { title: 'x' }, headers: { 'x-organizer-key': 'faux' } })
		expect(wrong.status).toBe(401)
		const right = await server.api('/api/workshops', {
			body: { title: 'x' },
			headers: { 'x-organizer-key': 'cle-des-organisateurs' },
		})
		expect(right.status).toBe(201)
	})
})

describe('joining', () => {
	test('[A3] the shared link is exchanged for a personal token naming the participant and college', async () => {
		const workshop = await createWorkshop(server)
		const joined = await joinWorkshop(server, workshop, 'Léa', 'protection-sociale')
		const claims = verifyToken(TEST_SECRET, joined.token)
		expect(claims.ok && claims.value).toEqual({
			kind: 'personal',
			workshop: workshop.id,
			role: 'participant',
			participant: joined.participantId,
			college: 'protection-sociale',
		})
		const view = await server.api(`/api/workshops/${workshop.id}`, { token: joined.token })
		expect(await view.json()).toMatchObject({
			you: {
				kind: 'personal',
				role: 'participant',
				participantId: joined.participantId,
				college: 'protection-sociale',
			},
		})
		// Two joins are two people.
		const other = await joinWorkshop(server, workshop, 'Léa', 'protection-sociale')
		expect(other.participantId).not.toBe(joined.participantId)
	})

	test.each([
		['a participant without college', 'participant', { name: 'Léa' }, 400, 'college_required'],
		['a college of no template', 'participant', { name: 'Léa', college: 'martiens' }, 400, 'unknown_college'],
		['an observer with a college', 'observer', { name: 'Obs', college: 'etat' }, 400, 'college_not_allowed'],
		['an empty name', 'participant', { name: ' ', college: 'etat' }, 400, 'invalid_body'],
		['a name too long', 'participant', { name: 'x'.repeat(81), college: 'etat' }, 400, 'invalid_body'],
	] as const)('[A3] %s is refused', async (_name, role, body, status, code) => {
		const workshop = await createWorkshop(server)
		const response = await server.api(`/api/workshops/${workshop.id}/join`, { token: workshop.tokens[role], body })
		expect(await errorOf(response)).toEqual({ status, code })
	})

	test('[A3] an observer joins with a name only and gets an observer token', async () => {
		const workshop = await createWorkshop(server)
		const joined = await joinWorkshop(server, workshop, 'Presse locale', null, 'observer')
		const claims = verifyToken(TEST_SECRET, joined.token)
		expect(claims.ok && claims.value).toMatchObject({ role: 'observer', college: null })
	})

	test('[A4] a personal token cannot join again; a link token opens only join and the summary', async () => {
		const workshop = await createWorkshop(server)
		const joined = await joinWorkshop(server, workshop, 'Léa')
		const rejoin = await server.api(`/api/workshops/${workshop.id}/join`, {
			token: joined.token,
			body: { name: 'Léa', college: 'etat' },
		})
		expect(await errorOf(rejoin)).toEqual({ status: 403, code: 'link_token_required' })
		const summary = await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.participant })
		expect(summary.status).toBe(200)
		expect(await summary.json()).not.toHaveProperty('links')
		const regenerate = await server.api(`/api/workshops/${workshop.id}/links/regenerate`, {
			token: workshop.tokens.participant,
			body: {},
		})
		expect(await errorOf(regenerate)).toEqual({ status: 403, code: 'facilitator_only' })
	})

	test('[A7] the workshop summary shows each role what it may see: only the facilitator gets the shared links', async () => {
		const workshop = await createWorkshop(server)
		const joined = await joinWorkshop(server, workshop, 'Léa')
		const observer = await joinWorkshop(server, workshop, 'Presse', null, 'observer')
		const facilitatorView = (await (
			await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
		).json()) as Record<string, unknown>
		expect(facilitatorView).toMatchObject({
			participantCount: 1,
			tokens: { participant: workshop.tokens.participant, observer: workshop.tokens.observer },
			links: { participant: workshop.links.participant, observer: workshop.links.observer },
		})
		for (const token of [joined.token, observer.token, workshop.tokens.participant, workshop.tokens.observer]) {
			const view = (await (await server.api(`/api/workshops/${workshop.id}`, { token })).json()) as Record<
				string,
				unknown
			>
			expect(view).toMatchObject({ id: workshop.id, colleges: expect.any(Array), zones: expect.any(Array) })
			for (const hidden of ['tokens', 'links', 'participantCount']) expect(view).not.toHaveProperty(hidden)
		}
	})

	test("[A5] one workshop's tokens open no other; missing and garbage tokens are 401", async () => {
		const a = await createWorkshop(server, { title: 'A' })
		const b = await createWorkshop(server, { title: 'B' })
		const cross = await server.api(`/api/workshops/${b.id}`, { token: a.tokens.facilitator })
		expect(await errorOf(cross)).toEqual({ status: 401, code: 'invalid_token' })
		const crossJoin = await server.api(`/api/workshops/${b.id}/join`, {
			token: a.tokens.participant,
			body: { name: 'x', college: 'etat' },
		})
		expect(crossJoin.status).toBe(401)
		expect(await errorOf(await server.api(`/api/workshops/${a.id}`))).toEqual({ status: 401, code: 'missing_token' })
		const garbage = await server.api(`/api/workshops/${a.id}`, { token: 't1.e30.AAAA' })
		expect(await errorOf(garbage)).toEqual({ status: 401, code: 'invalid_token' })
		// A token in the query string works for plain links.
		const query = await server.api(`/api/workshops/${a.id}?token=${encodeURIComponent(a.tokens.observer)}`)
		expect(query.status).toBe(200)
	})

	test('[H1] an unknown workshop or endpoint is a JSON 404', async () => {
		expect(await errorOf(await server.api('/api/workshops/BAD!'))).toEqual({ status: 404, code: 'workshop_not_found' })
		expect(await errorOf(await server.api('/api/nothing-here'))).toEqual({ status: 404, code: 'not_found' })
		expect((await server.api('/api/health')).status).toBe(200)
	})
})

describe('regenerating the shared links', () => {
	test('[A6] old link tokens stop working; personal tokens and the facilitator token keep working', async () => {
		const workshop = await createWorkshop(server)
		const early = await joinWorkshop(server, workshop, 'Arrivée tôt', 'etat')
		const response = await server.api(`/api/workshops/${workshop.id}/links/regenerate`, {
			token: workshop.tokens.facilitator,
			body: {},
		})
		expect(response.status).toBe(200)
		const fresh = (await response.json()) as {
			tokens: { participant: string; observer: string }
			links: { participant: string }
		}
		expect(fresh.tokens.participant).not.toBe(workshop.tokens.participant)
		expect(fresh.links.participant).toContain(fresh.tokens.participant)

		for (const role of ['participant', 'observer'] as const) {
			const stale = await server.api(`/api/workshops/${workshop.id}/join`, {
				token: workshop.tokens[role],
				body: role === 'participant' ? { name: 'Tard', college: 'etat' } : { name: 'Tard' },
			})
			expect(await errorOf(stale)).toEqual({ status: 401, code: 'link_expired' })
		}
		const late = await server.api(`/api/workshops/${workshop.id}/join`, {
			token: fresh.tokens.participant,
			body: { name: 'Tard', college: 'etat' },
		})
		expect(late.status).toBe(201)

		const view = await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
		expect(await view.json()).toMatchObject({ tokens: fresh.tokens })

		const board = connect(server.wsUrl, workshop.id, early.token)
		await synced(board)
		board.destroy()
		// Stale link tokens still cannot open a socket.
		const stale = connect(server.wsUrl, workshop.id, workshop.tokens.participant)
		expect((await nextClose(stale)).code).toBe(CloseCode.forbidden)
		stale.destroy()
	})

	test('[A6] the new generation survives a restart', async () => {
		const workshop = await createWorkshop(server)
		const response = await server.api(`/api/workshops/${workshop.id}/links/regenerate`, {
			token: workshop.tokens.facilitator,
			body: {},
		})
		const fresh = (await response.json()) as { tokens: { participant: string } }
		await server.close()
		const restarted = await startTestServer({ dataDir: server.config.dataDir })
		try {
			const stale = await restarted.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.participant })
			expect(stale.status).toBe(401)
			const current = await restarted.api(`/api/workshops/${workshop.id}`, { token: fresh.tokens.participant })
			expect(current.status).toBe(200)
		} finally {
			await restarted.dispose()
		}
	})
})
