import { strFromU8, unzipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Contribution } from '../shared/concertation/contribution.ts'
import { type ConsolidationModel, consolidate } from '../shared/consolidation/model.ts'
import { similarity, suggestGroups, synthesize } from '../shared/consolidation/synthesis.ts'
import { fixtureContributions, fixtureInput } from './fixtures/workshop-fixture.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { createWorkshop, startTestServer } from './helpers/test-server.ts'

/** Three territories from the fixture workshop, each with its own recommendation. */
function territory(name: string, recommendation: Partial<Contribution>): ConsolidationModel {
	const contributions = new Map(fixtureContributions)
	const base = contributions.get('c08recommand0') as Contribution
	contributions.set('c08recommand0', { ...base, ...recommendation })
	return consolidate({
		...fixtureInput,
		meta: { ...fixtureInput.meta, title: `Concertation ${name}`, territory: name },
		contributions,
	})
}

const creuse = territory('Creuse', {})
const correze = territory('Corrèze', { title: 'Sécuriser les financements pluriannuels' })
const hauteVienne = territory('Haute-Vienne', {
	title: 'Simplifier les dossiers de demande',
	text: 'Un guichet commun pour les petites associations',
	sources: ['c07proposal00'],
})
const sources = [creuse, correze, hauteVienne]

describe('national synthesis', () => {
	test('[N4] similar recommendations of different territories are suggested together, others not', () => {
		expect(
			similarity('Sécuriser les financements dans la durée', 'Sécuriser les financements pluriannuels'),
		).toBeGreaterThan(0.3)
		const suggestions = suggestGroups(sources)
		expect(suggestions).toHaveLength(1)
		expect(suggestions[0]?.members).toEqual([
			{ source: 0, recommendation: 'c08recommand0' },
			{ source: 1, recommendation: 'c08recommand0' },
		])
	})

	test('[N1][N2][N3] supported in N territories of M, support per college added up, figure by figure', () => {
		const [suggested] = suggestGroups(sources)
		if (!suggested) throw new Error('no suggestion')
		const synthesis = synthesize('Synthèse Nouvelle-Aquitaine', sources, [
			{ ...suggested, label: 'Sécuriser les financements dans la durée' },
		])
		expect(synthesis.territories.map((t) => `${t.territory}:${t.recommendations}`)).toEqual([
			'Creuse:1',
			'Corrèze:1',
			'Haute-Vienne:1',
		])
		const [shared, alone] = synthesis.groups
		expect(shared).toMatchObject({
			label: 'Sécuriser les financements dans la durée',
			supportedIn: 2,
			territories: 3,
			dots: 26,
		})
		// Creuse and Corrèze each: assos-benevoles 5, têtes de réseau 3, État 3, protection sociale 2.
		expect(Object.fromEntries(shared?.byCollege.map((c) => [c.college, c.dots]) ?? [])).toEqual({
			'assos-benevoles': 10,
			'tetes-de-reseau': 6,
			etat: 6,
			'protection-sociale': 4,
		})
		expect(shared?.members.map((m) => `${m.territory} · ${m.title} · ${m.dots}`)).toEqual([
			'Creuse · Sécuriser les financements dans la durée · 13',
			'Corrèze · Sécuriser les financements pluriannuels · 13',
		])
		// The Haute-Vienne recommendation stands alone, with its own support (one dot, from assos-benevoles).
		expect(alone).toMatchObject({ label: 'Simplifier les dossiers de demande', supportedIn: 1, dots: 1 })
		expect(alone?.byCollege.find((c) => c.college === 'assos-benevoles')?.dots).toBe(1)
		// Links back to each territory's recommendation.
		expect(alone?.members[0]?.ref).toEqual({ source: 2, recommendation: 'c08recommand0' })
	})
})

describe('synthesis endpoints', () => {
	let server: TestServer
	beforeEach(async () => {
		server = await startTestServer()
	})
	afterEach(async () => server.dispose())

	const recommend = async (workshop: CreatedWorkshop, title: string, text: string) => {
		const answer = await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: workshop.tokens.facilitator,
			body: { type: 'recommandation', zone: 'recommandations', title, text },
		})
		expect(answer.status).toBe(201)
	}

	test('[N5][N6] a synthesis of two workshops of this server and one uploaded export, saved, regrouped and reopened', async () => {
		const limousin = await createWorkshop(server, { title: 'Concertation Limousin', territory: 'Limousin' })
		const gironde = await createWorkshop(server, { title: 'Concertation Gironde', territory: 'Gironde' })
		await recommend(limousin, 'Sécuriser les financements pluriannuels', 'Conventions de trois ans')
		await recommend(gironde, 'Sécuriser les financements dans la durée', 'Conventions pluriannuelles')
		const create = (body: unknown, headers: Record<string, string> = {}) =>
			server.api('/api/syntheses', { body, headers })

		// N6: a workshop of this server needs its facilitator token (or the organiser key).
		const refused = await create({
			title: 'Synthèse',
			workshops: [{ id: limousin.id, token: limousin.tokens.participant }],
		})
		expect(refused.status).toBe(403)
		expect(await refused.json()).toMatchObject({ error: { code: 'workshop_access' } })
		expect((await create({ title: 'Synthèse', exports: [{ format: 'autre' }] })).status).toBe(400)
		expect((await create({ title: 'Synthèse' })).status).toBe(400)

		const created = await create({
			title: 'Synthèse nationale',
			workshops: [
				{ id: limousin.id, token: limousin.tokens.facilitator },
				{ id: gironde.id, token: gironde.tokens.facilitator },
			],
			exports: [hauteVienne],
		})
		expect(created.status).toBe(201)
		const body = (await created.json()) as { id: string; suggestions: { members: unknown[] }[]; link: string }
		expect(body.link).toBe(`http://tablee.test/s/${body.id}`)
		// The two similar recommendations are suggested together.
		expect(body.suggestions).toHaveLength(1)
		const suggestion = body.suggestions[0] as {
			id: string
			label: string
			members: { source: number; recommendation: string }[]
		}

		// Confirming the suggestion saves it; a recommendation in two groups is refused.
		const put = (groups: unknown) => server.api(`/api/syntheses/${body.id}/groups`, { method: 'PUT', body: { groups } })
		expect((await put([suggestion, { ...suggestion, id: 'twice' }])).status).toBe(400)
		expect((await put([{ ...suggestion, members: [{ source: 7, recommendation: 'x' }] }])).status).toBe(400)
		expect((await put([suggestion])).status).toBe(200)

		// Reopened after a restart: the grouping is still there.
		const { dataDir } = server.config
		await server.close()
		server = await startTestServer({ dataDir })
		const reopened = (await (await server.api(`/api/syntheses/${body.id}`)).json()) as {
			synthesis: { territories: unknown[]; groups: { supportedIn: number; territories: number; label: string }[] }
		}
		expect(reopened.synthesis.territories).toHaveLength(3)
		expect(reopened.synthesis.groups[0]).toMatchObject({ supportedIn: 2, territories: 3 })
		const markdown = await (await server.api(`/api/syntheses/${body.id}/export?format=md`)).text()
		expect(markdown).toContain('Retenue dans 2\u00a0territoires sur 3')
		const html = await (await server.api(`/api/syntheses/${body.id}/export?format=html`)).text()
		expect(html).toContain('<h1>Synthèse nationale</h1>')
		// fetch's text() drops a BOM: read the bytes.
		const bytes = Buffer.from(await (await server.api(`/api/syntheses/${body.id}/export?format=csv`)).arrayBuffer())
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
		const csv = bytes.subarray(3).toString('utf8')
		expect(csv.startsWith('"groupe";"regroupement"')).toBe(true)
		expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + 3)
		const docx = unzipSync(
			new Uint8Array(await (await server.api(`/api/syntheses/${body.id}/export?format=docx`)).arrayBuffer()),
		)
		expect(strFromU8(docx['word/document.xml'] as Uint8Array)).toContain('Retenue dans 2\u00a0territoires sur 3')
		const pdf = new Uint8Array(await (await server.api(`/api/syntheses/${body.id}/export?format=pdf`)).arrayBuffer())
		const { extractText, getDocumentProxy } = await import('unpdf')
		const { text } = await extractText(await getDocumentProxy(pdf), { mergePages: true })
		expect(text.replace(/\s+/g, ' ')).toContain('Retenue dans 2 territoires sur 3')
		expect((await server.api('/api/syntheses/nonexistent00')).status).toBe(404)
	})
})
