import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { ContributionTrail } from '../shared/consolidation/contribution-trail.ts'
import type { ConsolidationModel } from '../shared/consolidation/model.ts'
import { readContributions } from '../shared/workshop/control-document.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from './helpers/test-server.ts'

type Trail = ContributionTrail & { person: { participantId: string; name: string; paper: boolean } }

const NATIONAL_LABEL = 'Garantir des financements pluriannuels partout'
const NATIONAL_TEXT = 'Un texte national écrit par les auteurs de la synthèse'

/**
 * What became of my contribution (SPEC M1–M6), through the real server: a pseudonymous workshop
 * where a participant's notes are merged, grouped into a recommendation that was voted on, and
 * retained by a national synthesis of the same server — on the embedded files and on PostgreSQL.
 */
describe.each(['files', 'PostgreSQL'] as const)('what became of my contributions (%s)', (store) => {
	let server: TestServer
	let workshop: CreatedWorkshop
	let facilitator: string
	const people: Record<string, { participantId: string; token: string }> = {}
	let observer: { participantId: string; token: string }
	const ids: Record<string, string> = {}

	const call = async (path: string, token: string, body?: unknown, method?: string) => {
		const response = await server.api(`/api/workshops/${workshop.id}${path}`, { token, body, method })
		const json = (await response.json()) as Record<string, unknown>
		if (response.status >= 400) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
		return json
	}
	const write = async (token: string, text: string, column = 'financeurs') =>
		(
			(await call('/contributions', token, { type: 'proposition', zone: 'propositions', column, text })) as {
				contribution: { id: string }
			}
		).contribution.id
	const trailOf = (participantId: string, token: string) =>
		server.api(`/api/workshops/${workshop.id}/participants/${participantId}/trail`, { token })
	const trail = async (who: string): Promise<Trail> => {
		const person = people[who]
		if (!person) throw new Error(who)
		const response = await trailOf(person.participantId, person.token)
		expect(response.status).toBe(200)
		return (await response.json()) as Trail
	}

	beforeAll(async () => {
		// The same on the embedded files and on PostgreSQL: syntheses are read through either store.
		server = await startTestServer(store === 'PostgreSQL' ? { databaseUrl: await createTestDatabase() } : {})
		workshop = await createWorkshop(server, { facilitatorName: 'Fulbert Animakis' })
		facilitator = workshop.tokens.facilitator
		// Three associations and three funders: each side is shown on its own (V8).
		for (const [name, college] of [
			['Aurélie', 'assos-benevoles'],
			['Bastien', 'assos-benevoles'],
			['Capucine', 'assos-salaries'],
			['Désiré', 'etat'],
			['Eugénie', 'etat'],
			['Fernand', 'collectivites'],
		] as const) {
			people[name] = await joinWorkshop(server, workshop, name, college)
		}
		observer = await joinWorkshop(server, workshop, 'Octave', null, 'observer')
		const token = (name: string) => people[name]?.token ?? ''
		await call('/phase', facilitator, { index: 5 })
		ids.kept = await write(token('Aurélie'), 'Un fonds de trésorerie pour les petites associations')
		ids.merged = await write(token('Aurélie'), 'Des conventions sur trois ans au moins')
		ids.target = await write(token('Désiré'), 'Conventions pluriannuelles d’objectifs généralisées')
		ids.other = await write(token('Fernand'), 'Simplifier les dossiers de subvention', 'associations')
		await call(`/contributions/${ids.target}/merge`, facilitator, { sources: [ids.merged] })
		await call('/vote/open', facilitator, { budget: 3, maxPerProposal: 2, banOwn: false, anonymous: true, minutes: 10 })
		await call('/phase', facilitator, { index: 6 })
		for (const [index, name] of Object.keys(people).entries()) {
			const allocation = index % 2 === 0 ? { [ids.target]: 2, [ids.kept]: 1 } : { [ids.other]: 1, [ids.target]: 1 }
			await call('/vote/ballot', token(name), { allocation })
		}
		await call('/vote/close', facilitator, {})
		await call('/vote/reveal', facilitator, {})
		await call('/phase', facilitator, { index: 8 })
		ids.recommendation = (
			(await call('/contributions', facilitator, {
				type: 'recommandation',
				zone: 'recommandations',
				title: 'Des financements pluriannuels',
				text: 'Généraliser les conventions pluriannuelles',
				sources: [ids.target],
			})) as { contribution: { id: string } }
		).contribution.id
	})
	afterAll(async () => {
		await server.dispose()
		await dropTestDatabases()
	})

	test('[M1] each own contribution with its fate: kept as is, merged into which note, grouped into which recommendation', async () => {
		const mine = await trail('Aurélie')
		expect(mine.contributions.map((fate) => fate.contribution.id).sort()).toEqual([ids.kept, ids.merged].sort())
		const kept = mine.contributions.find((fate) => fate.contribution.id === ids.kept)
		const merged = mine.contributions.find((fate) => fate.contribution.id === ids.merged)
		expect(kept?.fate).toBe('kept')
		expect(kept?.recommendation).toBeNull()
		// A proposal standing on its own still says how it fared in the vote.
		expect(kept?.proposal?.support?.dots).toBe(3)
		expect(merged?.fate).toBe('merged')
		expect(merged?.mergedInto.map((note) => note.text)).toEqual(['Conventions pluriannuelles d’objectifs généralisées'])
		expect(merged?.recommendation?.id).toBe(ids.recommendation)
		expect(merged?.recommendation?.title).toBe('Des financements pluriannuels')
		// The note it was merged into shows its college as the documents do, never its author.
		expect(merged?.mergedInto[0]?.author).toBeNull()
		// Désiré's page shows the note that absorbed Aurélie's, grouped; none of Aurélie's.
		const theirs = await trail('Désiré')
		expect(theirs.contributions.map((fate) => [fate.contribution.id, fate.fate])).toEqual([[ids.target, 'grouped']])
	})

	test('[M2] the recommendation’s support and consensus are those of the documents, with the same anonymity rule', async () => {
		const exported = (await (
			await server.api(`/api/workshops/${workshop.id}/export?format=json`, { token: facilitator })
		).json()) as ConsolidationModel
		const inDocument = exported.recommendations.find((item) => item.recommendation.id === ids.recommendation)
		const mine = await trail('Aurélie')
		const merged = mine.contributions.find((fate) => fate.contribution.id === ids.merged)
		expect(inDocument?.support).toBeTruthy()
		expect(merged?.recommendation?.support).toEqual(inDocument?.support)
		expect(merged?.recommendation?.rank).toBe(inDocument?.rank)
		// Six voters, all of them supporting it; sides shown because each counts 3 (V8).
		expect(merged?.recommendation?.support?.supporters).toBe(6)
		expect(merged?.recommendation?.support?.bySide.associations?.voters).toBe(3)
	})

	test('[M2] before the facilitator reveals a vote, the page shows no result of it', async () => {
		const other = await createWorkshop(server)
		const alice = await joinWorkshop(server, other, 'Alice', 'assos-benevoles')
		const run = (path: string, token: string, body?: unknown) =>
			server.api(`/api/workshops/${other.id}${path}`, { token, body })
		await run('/phase', other.tokens.facilitator, { index: 5 })
		const made = (await (
			await run('/contributions', alice.token, {
				type: 'proposition',
				zone: 'propositions',
				column: 'financeurs',
				text: 'Une idée',
			})
		).json()) as { contribution: { id: string } }
		await run('/vote/open', other.tokens.facilitator, {
			budget: 3,
			maxPerProposal: 2,
			banOwn: false,
			anonymous: true,
			minutes: 10,
		})
		await run('/phase', other.tokens.facilitator, { index: 6 })
		expect((await run('/vote/ballot', alice.token, { allocation: { [made.contribution.id]: 2 } })).status).toBe(200)
		const before = (await (
			await server.api(`/api/workshops/${other.id}/participants/${alice.participantId}/trail`, { token: alice.token })
		).json()) as Trail
		expect(before.contributions[0]?.proposal).toBeNull()
		await run('/vote/close', other.tokens.facilitator, {})
		await run('/vote/reveal', other.tokens.facilitator, {})
		const after = (await (
			await server.api(`/api/workshops/${other.id}/participants/${alice.participantId}/trail`, { token: alice.token })
		).json()) as Trail
		expect(after.contributions[0]?.proposal?.support?.dots).toBe(2)
	})

	test('[M3] a national synthesis of this server that includes the workshop: which national recommendation, retained how widely', async () => {
		const before = await trail('Aurélie')
		expect(before.contributions.find((fate) => fate.contribution.id === ids.merged)?.recommendation?.national).toEqual(
			[],
		)
		// Another territory, uploaded as an export: a copy of this one under another name and no workshop link.
		const exported = (await (
			await server.api(`/api/workshops/${workshop.id}/export?format=json`, { token: facilitator })
		).json()) as ConsolidationModel
		const elsewhere = {
			...exported,
			context: { ...exported.context, title: 'Concertation Corrèze', territory: 'Corrèze', workshop: null },
		}
		const created = await server.api('/api/syntheses', {
			body: { title: 'Synthèse nationale', workshops: [{ id: workshop.id, token: facilitator }], exports: [elsewhere] },
		})
		expect(created.status).toBe(201)
		const { id, editKey } = (await created.json()) as { id: string; editKey: string }
		const saved = await server.api(`/api/syntheses/${id}/groups`, {
			method: 'PUT',
			headers: { 'x-synthesis-key': editKey },
			body: {
				groups: [
					{
						id: 'g1',
						label: NATIONAL_LABEL,
						text: NATIONAL_TEXT,
						members: [
							{ source: 0, recommendation: ids.recommendation },
							{ source: 1, recommendation: ids.recommendation },
						],
					},
				],
			},
		})
		expect(saved.status).toBe(200)
		const mine = await trail('Aurélie')
		const national = mine.contributions.find((fate) => fate.contribution.id === ids.merged)?.recommendation?.national
		expect(national).toHaveLength(1)
		expect(national?.[0]).toMatchObject({
			synthesis: 'Synthèse nationale',
			label: NATIONAL_LABEL,
			text: NATIONAL_TEXT,
			confirmed: true,
			supportedIn: 2,
			territories: 2,
		})
		expect(national?.[0]?.share).toBe(1)
		// The proposal kept on its own fed no recommendation, so no national one either.
		expect(mine.contributions.find((fate) => fate.contribution.id === ids.kept)?.recommendation).toBeNull()
	})

	test('[M4] someone else’s page: 403 for another participant, an observer and the facilitator — and for unknown people too', async () => {
		const aurelie = people.Aurélie?.participantId ?? ''
		for (const token of [people.Bastien?.token ?? '', observer.token, facilitator]) {
			const response = await trailOf(aurelie, token)
			expect(response.status).toBe(403)
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_your_trail')
		}
		// Whether the person exists or not, the answer is the same: nobody learns who is there.
		expect((await trailOf('zzzzzzzznobody0', people.Bastien?.token ?? '')).status).toBe(403)
		// Shared links do not open it; a missing token is 401.
		expect((await trailOf(aurelie, workshop.tokens.participant)).status).toBe(403)
		expect((await trailOf(aurelie, '')).status).toBe(401)
		// The observer's own page is empty, and the facilitator's own page lists what they wrote.
		expect((await (await trailOf(observer.participantId, observer.token)).json()) as Trail).toMatchObject({
			contributions: [],
		})
		const facilitatorId = ((await call('', facilitator)) as { you: { participantId: string } }).you.participantId
		const own = (await (await trailOf(facilitatorId, facilitator)).json()) as Trail
		expect(own.contributions.map((fate) => fate.contribution.id)).toEqual([ids.recommendation])
		expect(own.contributions[0]?.fate).toBe('recommendation')
	})

	test('[M4] the page is never written into the control document, and the control document never says who wrote what', async () => {
		const doc = new Y.Doc()
		const provider = connect(server.wsUrl, `${workshop.id}/control`, people.Bastien?.token ?? '', doc)
		try {
			await synced(provider)
			await trail('Aurélie')
			const everything = JSON.stringify(
				Object.fromEntries([...doc.share.keys()].map((name) => [name, doc.getMap(name).toJSON()])),
			)
			expect(everything).toContain('Des financements pluriannuels')
			for (const fromThePage of [NATIONAL_LABEL, NATIONAL_TEXT, 'Synthèse nationale', '"fate"', 'mergedInto":[{']) {
				expect(everything).not.toContain(fromThePage)
			}
			// No contribution carries its author in a pseudonymous workshop (K9).
			const contributions = [...readContributions(doc).values()]
			expect(contributions.every((contribution) => contribution.authorName === null)).toBe(true)
			expect(JSON.stringify(contributions)).not.toContain(people.Aurélie?.participantId ?? '-')
		} finally {
			provider.destroy()
		}
	})

	test('[M5] the facilitator writes for a participant on paper and gets that person’s sheet, and the whole table’s', async () => {
		const paper = (await call('/participants/paper', facilitator, { name: 'Edwige', college: 'etat' })) as {
			participantId: string
		}
		const second = (await call('/participants/paper', facilitator, { name: 'Gaspard', college: 'assos-salaries' })) as {
			participantId: string
		}
		await call('/phase', facilitator, { index: 9 })
		const made = (await call('/contributions', facilitator, {
			type: 'idee',
			zone: 'parking',
			text: 'Revoir la date du prochain atelier',
			onBehalfOf: paper.participantId,
		})) as { contribution: { id: string; college: string; authorRole: string } }
		expect(made.contribution).toMatchObject({ college: 'etat', authorRole: 'participant' })
		await call('/contributions', facilitator, {
			type: 'idee',
			zone: 'parking',
			text: 'Inviter la Région',
			onBehalfOf: second.participantId,
		})
		// A participant cannot write for someone else; nobody writes for an online participant.
		const refused = await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: people.Bastien?.token,
			body: { type: 'idee', zone: 'parking', text: 'x', onBehalfOf: paper.participantId },
		})
		expect(refused.status).toBe(403)
		// The same refusal whatever the id: trying ids tells a participant nothing.
		const unknown = await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: people.Bastien?.token,
			body: { type: 'idee', zone: 'parking', text: 'x', onBehalfOf: 'zzzzzzzznobody0' },
		})
		expect(unknown.status).toBe(403)
		expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('facilitator_only')
		const online = await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: facilitator,
			body: { type: 'idee', zone: 'parking', text: 'x', onBehalfOf: people.Bastien?.participantId },
		})
		expect(online.status).toBe(404)

		const sheet = (await (await trailOf(paper.participantId, facilitator)).json()) as Trail
		expect(sheet.person).toMatchObject({ name: 'Edwige', paper: true })
		expect(sheet.contributions.map((fate) => [fate.contribution.text, fate.fate])).toEqual([
			['Revoir la date du prochain atelier', 'kept'],
		])
		const table = await server.api(`/api/workshops/${workshop.id}/paper-trail`, { token: facilitator })
		expect(table.status).toBe(200)
		const whole = (await table.json()) as Trail & { people: { name: string }[] }
		expect(whole.people.map((person) => person.name)).toEqual(['Edwige', 'Gaspard'])
		expect(whole.contributions.map((fate) => fate.contribution.text).sort()).toEqual([
			'Inviter la Région',
			'Revoir la date du prochain atelier',
		])
		expect(
			(await server.api(`/api/workshops/${workshop.id}/paper-trail`, { token: people.Bastien?.token })).status,
		).toBe(403)
	})

	test('[M6] pages asking again get 304 while nothing changed, and the new trail once something did', async () => {
		const aurelie = people.Aurélie?.participantId ?? ''
		const token = people.Aurélie?.token ?? ''
		const first = await trailOf(aurelie, token)
		const etag = first.headers.get('etag') ?? ''
		expect(etag).toMatch(/^"[\w-]+"$/)
		expect(first.headers.get('cache-control')).toBe('private, no-cache')
		const again = await server.api(`/api/workshops/${workshop.id}/participants/${aurelie}/trail`, {
			token,
			headers: { 'if-none-match': etag },
		})
		expect(again.status).toBe(304)
		// As browsers and proxies send it: a list, weak validators included.
		const listed = await server.api(`/api/workshops/${workshop.id}/participants/${aurelie}/trail`, {
			token,
			headers: { 'if-none-match': `W/"older", ${etag}` },
		})
		expect(listed.status).toBe(304)
		// Someone else sending the owner's ETag learns nothing from it: 403, not 304.
		const probe = await server.api(`/api/workshops/${workshop.id}/participants/${aurelie}/trail`, {
			token: people.Bastien?.token,
			headers: { 'if-none-match': etag },
		})
		expect(probe.status).toBe(403)
		// The facilitator unmerges Aurélie's note: the next answer is new.
		await call(`/contributions/${ids.merged}/unmerge`, facilitator, {})
		const changed = await server.api(`/api/workshops/${workshop.id}/participants/${aurelie}/trail`, {
			token,
			headers: { 'if-none-match': etag },
		})
		expect(changed.status).toBe(200)
		const fresh = (await changed.json()) as Trail
		expect(fresh.contributions.find((fate) => fate.contribution.id === ids.merged)?.fate).toBe('kept')
		await call(`/contributions/${ids.target}/merge`, facilitator, { sources: [ids.merged] })
		expect((await trail('Aurélie')).contributions.find((fate) => fate.contribution.id === ids.merged)?.fate).toBe(
			'merged',
		)
	})

	test('[M1] a draft of private writing is on its author’s page only, as not revealed yet', async () => {
		await call('/phase', facilitator, { index: 2 })
		const draft = (await call('/contributions', people.Capucine?.token ?? '', {
			type: 'besoin',
			zone: 'grille-besoins',
			row: 'r1',
			column: 'c2',
			text: 'Un besoin encore privé',
		})) as { contribution: { id: string }; private?: boolean }
		expect(draft.private).toBe(true)
		const mine = await trail('Capucine')
		expect(mine.contributions.map((fate) => [fate.contribution.text, fate.fate])).toEqual([
			['Un besoin encore privé', 'draft'],
		])
		await waitFor(async () => (await trail('Bastien')).contributions.length === 0, 'nothing on Bastien’s page')
	})
	test('[M4] once names are removed (D3), nothing ties anyone to a contribution any more: no page lists one, and a token of before is told so (403 names_removed)', async () => {
		expect((await server.api(`/api/workshops/${workshop.id}/anonymise`, { token: facilitator, body: {} })).status).toBe(
			200,
		)
		for (const name of ['Aurélie', 'Désiré', 'Capucine']) {
			const person = people[name]
			const response = await trailOf(person?.participantId ?? '', person?.token ?? '')
			expect(response.status).toBe(403)
			// Said as it is: the names were removed — not "someone else's page".
			const { error } = (await response.json()) as { error: { code: string; message: string } }
			expect(error.code).toBe('names_removed')
			expect(error.message).toMatch(/removed on \d{4}-\d{2}-\d{2}/)
		}
		// Asking for someone else's page says the same: it tells about the asker, never about them.
		const otherwise = await trailOf(people.Aurélie?.participantId ?? '', people.Bastien?.token ?? '')
		expect(((await otherwise.json()) as { error: { code: string } }).error.code).toBe('names_removed')
		// An intent with a token of before is refused for the same reason.
		const write = await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: people.Bastien?.token,
			body: { type: 'idee', zone: 'parking', text: 'Encore une idée' },
		})
		expect(write.status).toBe(403)
		expect(((await write.json()) as { error: { code: string } }).error.code).toBe('names_removed')
		const facilitatorId = ((await call('', facilitator)) as { you: { participantId: string } }).you.participantId
		expect(((await (await trailOf(facilitatorId, facilitator)).json()) as Trail).contributions).toEqual([])
	})
})
