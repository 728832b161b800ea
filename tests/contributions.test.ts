import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { Contribution } from '../shared/concertation/contribution.ts'
import { BOARD_LAYOUT_VERSION } from '../shared/workshop/board-document.ts'
import {
	CONTROL_LAYOUT_VERSION,
	controlStructures,
	readContributions,
	readMeta,
} from '../shared/workshop/control-document.ts'
import { createRecord, type WorkshopRecord } from '../server/store/workshop-store.ts'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { FaultyStore } from './helpers/faulty-store.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import {
	closeOf,
	connect,
	createWorkshop,
	joinWorkshop,
	rawSocket,
	startTestServer,
	synced,
	waitFor,
} from './helpers/test-server.ts'

let server: TestServer
let store: FaultyStore
let workshop: CreatedWorkshop
let alice: { participantId: string; token: string }
let bob: { participantId: string; token: string }

beforeEach(async () => {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-contrib-'))
	store = new FaultyStore(await new LowdbStore(dataDir).open())
	server = await startTestServer({ dataDir }, { store })
	workshop = await createWorkshop(server)
	alice = await joinWorkshop(server, workshop, 'Alice', 'assos-benevoles')
	bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
})

afterEach(async () => {
	await server.dispose()
})

const proposal = { type: 'proposition', zone: 'propositions', column: 'financeurs', text: 'Conventions de 3 ans' }
const need = { type: 'besoin', zone: 'grille-besoins', row: 'r1', column: 'c2', text: 'Visibilité à 3 ans' }

async function call(
	pathname: string,
	token: string,
	body?: unknown,
	options: { method?: string; key?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; replayed: boolean }> {
	const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, {
		token,
		body,
		method: options.method,
		headers: options.key ? { 'idempotency-key': options.key } : {},
	})
	expect(response.headers.get('content-type')).toMatch(/application\/json/)
	return {
		status: response.status,
		body: (await response.json()) as Record<string, unknown>,
		replayed: response.headers.get('idempotent-replayed') === 'true',
	}
}

const create = async (token: string, body: unknown = proposal, key?: string) => {
	const answer = await call('/contributions', token, body, { key })
	if (answer.status !== 201) throw new Error(`create: ${answer.status} ${JSON.stringify(answer.body)}`)
	return (answer.body as { contribution: Contribution }).contribution
}

/** The contributions as stored on disk (what survives a restart). */
async function storedContributions(): Promise<Map<string, Contribution>> {
	const file = path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`)
	const record = JSON.parse(await readFile(file, 'utf8')) as { control: string }
	const doc = new Y.Doc()
	Y.applyUpdate(doc, Buffer.from(record.control, 'base64'))
	return readContributions(doc)
}

async function storedRecord() {
	const file = path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`)
	return JSON.parse(await readFile(file, 'utf8')) as { serverOnly: { authors: Record<string, string> } }
}

describe('contribution intents', () => {
	test('[K3] a created contribution is stored before the answer, and reaches every client through the control document', async () => {
		const watcher = connect(server.wsUrl, `${workshop.id}/control`, bob.token)
		await synced(watcher)
		const made = await create(alice.token, need)
		expect(made).toMatchObject({ type: 'besoin', college: 'assos-benevoles', theme: 'r1', authorName: null })
		expect((await storedContributions()).get(made.id)).toEqual(made)
		await waitFor(() => readContributions(watcher.doc).has(made.id), 'the contribution reaches the watcher')
		expect(readContributions(watcher.doc).get(made.id)).toEqual(made)
		watcher.destroy()
	})

	test('[K9] in pseudonymous mode nobody sees the author; the link is kept server-side only', async () => {
		const made = await create(alice.token)
		const facilitatorView = connect(server.wsUrl, `${workshop.id}/control`, workshop.tokens.facilitator)
		await synced(facilitatorView)
		await waitFor(() => readContributions(facilitatorView.doc).has(made.id), 'synced')
		// The participants list is public (who is here); nothing ties a contribution to one of them.
		const published = JSON.stringify(facilitatorView.doc.toJSON().contributions)
		expect(published).not.toContain(alice.participantId)
		expect(published).not.toContain('Alice')
		expect(readContributions(facilitatorView.doc).get(made.id)?.authorName).toBeNull()
		expect((await storedRecord()).serverOnly.authors[made.id]).toBe(alice.participantId)
		const mine = await call('/contributions/mine', alice.token)
		expect(mine.body).toEqual({ ids: [made.id], drafts: [] })
		expect((await call('/contributions/mine', bob.token)).body).toEqual({ ids: [], drafts: [] })
		facilitatorView.destroy()
	})

	test('[K9] named mode shows the name; switching to pseudonymous hides it; back to named is refused', async () => {
		const named = await createWorkshop(server, { authorMode: 'named' })
		const carol = await joinWorkshop(server, named, 'Carol')
		const answer = await server.api(`/api/workshops/${named.id}/contributions`, { token: carol.token, body: proposal })
		const made = ((await answer.json()) as { contribution: Contribution }).contribution
		expect(made.authorName).toBe('Carol')
		const settings = (mode: string, token = named.tokens.facilitator) =>
			server.api(`/api/workshops/${named.id}/settings`, { method: 'PATCH', token, body: { authorMode: mode } })
		expect((await settings('pseudonymous', carol.token)).status).toBe(403)
		expect((await settings('pseudonymous')).status).toBe(200)
		const view = (await (await server.api(`/api/workshops/${named.id}`, { token: carol.token })).json()) as {
			authorMode: string
		}
		expect(view.authorMode).toBe('pseudonymous')
		const refused = await settings('named')
		expect(refused.status).toBe(409)
		expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('authors_hidden')
	})

	test('[K1] edits: own yes, someone else’s no, facilitator any, observer never — refusals change nothing', async () => {
		const made = await create(alice.token)
		const observer = await joinWorkshop(server, workshop, 'Olga', null, 'observer')
		const before = await storedContributions()
		const edit = (token: string) => call(`/contributions/${made.id}`, token, { text: 'Modifié' }, { method: 'PATCH' })
		expect(await edit(bob.token)).toMatchObject({ status: 403, body: { error: { code: 'not_your_contribution' } } })
		expect(await edit(observer.token)).toMatchObject({ status: 403, body: { error: { code: 'observer_read_only' } } })
		expect(await edit(workshop.tokens.participant)).toMatchObject({
			status: 403,
			body: { error: { code: 'personal_token_required' } },
		})
		expect(await storedContributions()).toEqual(before)
		expect((await edit(alice.token)).status).toBe(200)
		const byFacilitator = await call(
			`/contributions/${made.id}`,
			workshop.tokens.facilitator,
			{ caution: 'Selon les budgets' },
			{ method: 'PATCH' },
		)
		expect(byFacilitator.body.contribution).toMatchObject({ text: 'Modifié', caution: 'Selon les budgets' })
	})

	test('[K2][H1] malformed bodies are refused with a JSON error and create nothing', async () => {
		const cases: [unknown, number, string][] = [
			['{not json', 400, 'invalid_json'],
			[{ ...proposal, text: '' }, 400, 'invalid_body'],
			[{ ...proposal, type: 'vote' }, 400, 'invalid_body'],
			[{ ...proposal, college: 'etat' }, 400, 'invalid_body'],
			[{ ...proposal, zone: 'nowhere' }, 400, 'unknown_zone'],
			[{ ...proposal, zone: 'parking', column: null }, 409, 'type_not_allowed_here'],
			[{ ...need, row: 'r42' }, 400, 'unknown_cell'],
			[[proposal], 400, 'invalid_body'],
		]
		for (const [body, status, code] of cases) {
			const answer = await call('/contributions', alice.token, body)
			expect({ status: answer.status, code: (answer.body.error as { code: string }).code }).toEqual({ status, code })
		}
		expect((await storedContributions()).size).toBe(0)
		expect((await call('/contributions/not-an-id!', alice.token, { text: 'x' }, { method: 'PATCH' })).status).toBe(404)
	})

	test('[K11] a replayed idempotency key answers the first result and creates nothing more', async () => {
		const first = await call('/contributions', alice.token, proposal, { key: 'outbox-0001' })
		const again = await call('/contributions', alice.token, proposal, { key: 'outbox-0001' })
		expect(first.status).toBe(201)
		expect(again).toEqual({ ...first, replayed: true })
		expect((await storedContributions()).size).toBe(1)
		// Concurrent retries of one key (a reconnecting outbox racing a slow answer) also count once.
		const burst = await Promise.all(
			Array.from({ length: 5 }, () => call('/contributions', alice.token, need, { key: 'outbox-0002' })),
		)
		expect(new Set(burst.map((answer) => (answer.body.contribution as Contribution).id)).size).toBe(1)
		expect((await storedContributions()).size).toBe(2)
		// The same key with another request is a client bug: refused, not silently replayed.
		const reused = await call('/contributions', alice.token, { ...proposal, text: 'Autre' }, { key: 'outbox-0001' })
		expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } })
		// Keys are per participant: Bob's key of the same name is his own.
		expect((await call('/contributions', bob.token, proposal, { key: 'outbox-0001' })).status).toBe(201)
		expect((await call('/contributions', alice.token, proposal, { key: 'bad key' })).status).toBe(400)
		expect((await storedContributions()).size).toBe(3)
	})

	test('[K11] the remembered answer survives a restart, so a retry after a crash does not duplicate', async () => {
		const first = await call('/contributions', alice.token, proposal, { key: 'outbox-restart' })
		const { dataDir } = server.config
		await server.close()
		server = await startTestServer({ dataDir })
		const again = await call('/contributions', alice.token, proposal, { key: 'outbox-restart' })
		expect(again).toEqual({ ...first, replayed: true })
		expect((await storedContributions()).size).toBe(1)
	})

	test('[P2][K3] an intent whose save fails is answered 503 and leaves no trace', async () => {
		const watcher = connect(server.wsUrl, `${workshop.id}/control`, bob.token)
		await synced(watcher)
		store.failSaves = 1
		const failed = await call('/contributions', alice.token, proposal, { key: 'outbox-fail1' })
		expect(failed).toMatchObject({ status: 503, body: { error: { code: 'storage_unavailable' } } })
		expect((await call('/contributions/mine', alice.token)).body).toEqual({ ids: [], drafts: [] })
		// The retry with the same key is a fresh attempt (nothing was remembered) and succeeds.
		expect((await call('/contributions', alice.token, proposal, { key: 'outbox-fail1' })).status).toBe(201)
		await waitFor(() => readContributions(watcher.doc).size === 1, 'one contribution, not two')
		watcher.destroy()
	})

	test('intents write under one server client id: the control document does not grow a client per intent', async () => {
		for (let i = 0; i < 10; i++) await create(alice.token, { ...proposal, text: `Proposition ${i}` })
		const file = path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`)
		const record = JSON.parse(await readFile(file, 'utf8')) as { control: string }
		const doc = new Y.Doc()
		Y.applyUpdate(doc, Buffer.from(record.control, 'base64'))
		// Creation (one id) and the joins and intents of this server run (one more).
		expect(Y.decodeStateVector(Y.encodeStateVector(doc)).size).toBeLessThanOrEqual(2)
	})

	test('[K5] moves check the zone; [K6] deletes remove the contribution and its author link', async () => {
		const made = await create(alice.token, need)
		const moved = await call(`/contributions/${made.id}/move`, alice.token, {
			zone: 'grille-besoins',
			row: 'r3',
			column: 'c1',
		})
		expect(moved.body.contribution).toMatchObject({ row: 'r3', column: 'c1', theme: 'r3' })
		const refused = await call(`/contributions/${made.id}/move`, alice.token, { zone: 'meteo' })
		expect(refused).toMatchObject({ status: 409, body: { error: { code: 'type_not_allowed_here' } } })
		expect((await call(`/contributions/${made.id}`, bob.token, undefined, { method: 'DELETE' })).status).toBe(403)
		expect(await call(`/contributions/${made.id}`, alice.token, undefined, { method: 'DELETE' })).toMatchObject({
			status: 200,
			body: { deleted: made.id },
		})
		expect((await storedContributions()).size).toBe(0)
		expect((await storedRecord()).serverOnly.authors).toEqual({})
		expect((await call(`/contributions/${made.id}`, alice.token, undefined, { method: 'DELETE' })).status).toBe(404)
	})

	test('[K7][K8] the facilitator merges, groups into a recommendation and undoes a merge; participants cannot', async () => {
		const a = await create(alice.token)
		const b = await create(bob.token)
		expect((await call(`/contributions/${a.id}/merge`, alice.token, { sources: [b.id] })).status).toBe(403)
		const merged = await call(`/contributions/${a.id}/merge`, workshop.tokens.facilitator, { sources: [b.id] })
		expect(merged.status).toBe(200)
		const recommendation = await create(workshop.tokens.facilitator, {
			type: 'recommandation',
			zone: 'recommandations',
			title: 'Sécuriser',
			text: 'Généraliser les conventions pluriannuelles',
			sources: [a.id],
		})
		expect(recommendation).toMatchObject({ college: null, authorRole: 'facilitator', sources: [a.id] })
		const stored = await storedContributions()
		expect(stored.get(b.id)?.mergedInto).toBe(a.id)
		expect(
			(await call(`/contributions/${b.id}/unmerge`, workshop.tokens.facilitator, undefined, { method: 'POST' })).status,
		).toBe(200)
		expect((await storedContributions()).get(b.id)?.mergedInto).toBeNull()
	})
})

describe('document layouts', () => {
	test('[K12] a client declaring older layouts is told to reload (4426); the current ones sync', async () => {
		const base = `${server.wsUrl}/${workshop.id}/control?token=${alice.token}`
		const old = await rawSocket(`${base}&layout=1.1`)
		expect(await closeOf(old)).toEqual({ code: 4426, reason: 'client outdated, reload' })
		const current = await rawSocket(`${base}&layout=${CONTROL_LAYOUT_VERSION}.${BOARD_LAYOUT_VERSION}`)
		const received = await new Promise<boolean>((resolve) => current.once('message', () => resolve(true)))
		expect(received).toBe(true)
		current.close()
	})

	test('[K12] a workshop stored with control layout 1 is migrated when loaded', async () => {
		const file = path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`)
		const { dataDir } = server.config
		await server.close()
		const record = JSON.parse(await readFile(file, 'utf8')) as WorkshopRecord
		const control = new Y.Doc()
		Y.applyUpdate(control, Buffer.from(record.control, 'base64'))
		controlStructures(control).meta.set('controlLayout', 1)
		controlStructures(control).meta.delete('authorMode')
		const old = createRecord({
			id: record.id,
			linkGeneration: record.linkGeneration,
			board: Buffer.from(record.board, 'base64'),
			control: Y.encodeStateAsUpdate(control),
		})
		await writeFile(file, JSON.stringify(old))

		server = await startTestServer({ dataDir })
		const view = connect(server.wsUrl, `${workshop.id}/control`, alice.token)
		await synced(view)
		await waitFor(() => readMeta(view.doc)?.controlLayout === CONTROL_LAYOUT_VERSION, 'migrated layout published')
		expect(readMeta(view.doc)?.authorMode).toBe('pseudonymous')
		view.destroy()
		// Intents work on the migrated workshop.
		expect((await create(alice.token)).authorName).toBeNull()
	})
})
