import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Contribution } from '../shared/concertation/contribution.ts'
import { type ConsolidationModel, consolidate } from '../shared/consolidation/model.ts'
import { formatPercent } from '../shared/consolidation/typography.ts'
import { renderSynthesisDocx, renderSynthesisPdf } from '../server/exports/render-synthesis-files.ts'
import { renderSynthesisHtml, renderSynthesisMarkdown } from '../shared/consolidation/render-synthesis.ts'
import { sideAgreement, similarity, suggestGroups, synthesize } from '../shared/consolidation/synthesis.ts'
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
		// The reasons shown to the author: here, the words they have in common.
		expect(suggestions[0]?.reasons.words).toEqual(expect.arrayContaining(['sécuriser', 'financements']))
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

/** A figure of one recommendation in one territory: supporters of voters, overall and per side. */
interface Figure {
	id: string
	title: string
	dots: number
	supporters: number
	associations: [number, number]
	funders: [number, number]
	flag: 'consensuel' | 'clivant' | 'partage'
}

/** A territory of `people` participants (all of whom voted) holding the recommendations `figures`. */
function sized(name: string, people: number, figures: Figure[]): ConsolidationModel {
	const base = creuse.recommendations[0]
	if (!base?.support) throw new Error('the fixture has a supported recommendation')
	const commitment = creuse.annex.find((item) => item.type === 'engagement')
	if (!commitment) throw new Error('the fixture has a commitment')
	return {
		...creuse,
		context: {
			...creuse.context,
			title: `Concertation ${name}`,
			territory: name,
			participants: people,
			voters: people,
		},
		recommendations: figures.map((figure, index) => ({
			...base,
			rank: index + 1,
			recommendation: { ...base.recommendation, id: figure.id, title: figure.title, text: `${figure.title} (${name})` },
			support: base.support && {
				...base.support,
				dots: figure.dots,
				supporters: figure.supporters,
				voters: people,
				bySide: {
					associations: { dots: 0, supporters: figure.associations[0], voters: figure.associations[1] },
					funders: { dots: 0, supporters: figure.funders[0], voters: figure.funders[1] },
				},
				consensus: { ...base.support.consensus, flag: figure.flag },
			},
			conditions: [
				{
					text: `Condition de ${name} sur ${figure.id}`,
					answer: 'disagree' as const,
					from: { id: 'side:funders', label: { fr: 'Financeurs', en: 'Funders' }, side: 'funders' as const },
					proposal: null,
				},
			],
			commitments: [
				{ ...commitment, who: `Réseau ${name}`, text: `Engagement de ${name} sur ${figure.id}`, due: '2027-06' },
			],
		})),
	}
}

describe('national model', () => {
	// The case: A is strongly supported in the two small territories, weakly in the large one;
	// B the reverse. Raw points add up to more for B (66 against 60); every territory weighing the
	// same, A comes first.
	const figures = (a: [number, number, number], b: [number, number, number], people: number) => [
		{
			id: 'ra',
			title: 'Financer la vie associative dans la durée',
			dots: a[0],
			supporters: a[1],
			associations: [a[2], people / 2] as [number, number],
			funders: [a[2], people / 2] as [number, number],
			flag: 'consensuel' as const,
		},
		{
			id: 'rb',
			title: 'Créer un guichet unique',
			dots: b[0],
			supporters: b[1],
			associations: [b[2], people / 2] as [number, number],
			funders: [0, people / 2] as [number, number],
			flag: 'clivant' as const,
		},
	]
	const national = [
		sized('Creuse', 6, figures([15, 5, 2], [2, 1, 1], 6)),
		sized('Corrèze', 12, figures([25, 10, 5], [4, 2, 1], 12)),
		sized('Gironde', 30, figures([20, 6, 3], [60, 24, 12], 30)),
	]
	const groups = [
		{
			id: 'a',
			label: 'Financer dans la durée',
			text: 'Des conventions pluriannuelles partout.',
			members: [0, 1, 2].map((source) => ({ source, recommendation: 'ra' })),
		},
		{ id: 'b', label: 'Un guichet unique', members: [0, 1, 2].map((source) => ({ source, recommendation: 'rb' })) },
	]
	const model = synthesize('Synthèse', national, groups)
	const [first, second] = model.groups

	test('[N8] every territory weighs the same: raw points would put B first, the national model puts A first', () => {
		expect(second?.dots).toBeGreaterThan(first?.dots ?? 0)
		expect(first?.label).toBe('Financer dans la durée')
		expect(first?.supportedIn).toBe(3)
		expect(first?.support.share).toBeCloseTo((5 / 6 + 10 / 12 + 6 / 30) / 3, 6)
		expect(second?.support.share).toBeCloseTo((1 / 6 + 2 / 12 + 24 / 30) / 3, 6)
		expect(first?.text).toBe('Des conventions pluriannuelles partout.')
	})

	test.each([
		// [group, retained, share of associations, share of funders, side agreement, consensual, divisive]
		['a', 3, (2 / 3 + 5 / 6 + 3 / 15) / 3, (2 / 3 + 5 / 6 + 3 / 15) / 3, 'both', 3, 0],
		['b', 3, (1 / 3 + 1 / 6 + 12 / 15) / 3, 0, 'associations', 0, 3],
	] as const)(
		'[N8][N9] group %s: retained in %i territories, per side and consensus per territory',
		(id, retained, associations, funders, agreement, consensual, divisive) => {
			const group = model.groups.find((candidate) => candidate.id === id)
			expect(group?.supportedIn).toBe(retained)
			expect(group?.support.sides.associations).toBeCloseTo(associations, 6)
			expect(group?.support.sides.funders).toBeCloseTo(funders, 6)
			expect(group?.sides).toBe(agreement)
			expect(group?.consensus.consensuel).toBe(consensual)
			expect(group?.consensus.clivant).toBe(divisive)
		},
	)

	test.each([
		[{ associations: 0.8, funders: 0.6 }, 'both'],
		[{ associations: 0.8, funders: 0.3 }, 'associations'],
		[{ associations: 0.1, funders: 0.5 }, 'funders'],
		[{ associations: null, funders: 0.5 }, 'unknown'],
		[{ associations: 0, funders: 0 }, 'both'],
	] as const)('[N9] sides %o read as %s', (sides, expected) => {
		expect(sideAgreement(sides)).toBe(expected)
	})

	test('[N10] conditions and commitments from every territory, with their territory and side; the trail kept', () => {
		expect(first?.conditions.map((c) => `${c.territory} · ${c.from?.side} · ${c.text}`)).toEqual([
			'Creuse · funders · Condition de Creuse sur ra',
			'Corrèze · funders · Condition de Corrèze sur ra',
			'Gironde · funders · Condition de Gironde sur ra',
		])
		expect(first?.commitments.map((c) => `${c.territory} · ${c.who} · ${c.due}`)).toEqual([
			'Creuse · Réseau Creuse · 2027-06',
			'Corrèze · Réseau Corrèze · 2027-06',
			'Gironde · Réseau Gironde · 2027-06',
		])
		expect(first?.members.map((m) => `${m.territory}: ${m.text}`)).toContain(
			'Gironde: Financer la vie associative dans la durée (Gironde)',
		)
		expect(first?.members[0]?.trail.sources.length).toBeGreaterThan(0)
	})

	test('[N11] a recommendation retained in one territory only is listed, not dropped', () => {
		const partial = synthesize('Synthèse', national, [groups[0] as (typeof groups)[number]])
		const alone = partial.groups.filter((group) => group.supportedIn === 1)
		expect(alone.map((group) => `${group.label} · ${group.members[0]?.territory}`)).toEqual(
			expect.arrayContaining([
				'Créer un guichet unique · Creuse',
				'Créer un guichet unique · Corrèze',
				'Créer un guichet unique · Gironde',
			]),
		)
	})
})

/** The text a reader sees in each format, spaces made plain (no-break spaces included). */
async function formatsOf(model: ReturnType<typeof synthesize>) {
	const plainText = (value: string) => value.replace(/[\s\u00a0\u202f]+/g, ' ')
	const html = renderSynthesisHtml(model, 'fr')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&amp;/g, '&')
		.replace(/&#39;|&apos;/g, "'")
		.replace(/&quot;/g, '"')
	const docxFiles = unzipSync(new Uint8Array(await renderSynthesisDocx(model, 'fr')))
	const docx = strFromU8(docxFiles['word/document.xml'] as Uint8Array)
		.replace(/<\/w:p>/g, ' ')
		.replace(/<[^>]+>/g, '')
		.replace(/&amp;/g, '&')
	const { extractText, getDocumentProxy } = await import('unpdf')
	const pdfBytes = new Uint8Array(await renderSynthesisPdf(model, 'fr'))
	const { text: pdf } = await extractText(await getDocumentProxy(pdfBytes), { mergePages: true })
	return {
		// Markdown's emphasis markers go; the text the reader sees stays.
		markdown: plainText(
			renderSynthesisMarkdown(model, 'fr')
				.replace(/\*\*|(?<![\\\w])_|_(?!\w)/g, '')
				.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1'),
		),
		html: plainText(html),
		docx: plainText(docx),
		pdf: plainText(pdf),
	}
}

describe('national document', () => {
	const people = { Creuse: 6, Corrèze: 12, Gironde: 30 } as const
	const territories = (Object.entries(people) as [string, number][]).map(([name, count]) => {
		const small = count < 30
		return sized(name, count, [
			{
				id: 'ra',
				title: 'Financer la vie associative dans la durée',
				dots: small ? count * 2 : 20,
				supporters: small ? Math.round(count * 0.84) : 6,
				associations: [small ? count / 2 : 3, count / 2],
				funders: [small ? count / 3 : 3, count / 2],
				flag: 'consensuel',
			},
			{
				id: 'rb',
				title: 'Créer un guichet unique',
				dots: small ? 3 : 70,
				supporters: small ? 1 : 24,
				associations: [small ? 1 : 14, count / 2],
				funders: [0, count / 2],
				flag: 'clivant',
			},
		])
	})
	const model = synthesize('Synthèse nationale du réseau', territories, [
		{
			id: 'b',
			label: 'Un guichet unique',
			members: [0, 1, 2].map((source) => ({ source, recommendation: 'rb' })),
		},
		{
			id: 'a',
			label: 'Financer dans la durée',
			text: 'Des conventions pluriannuelles partout. Elles sécurisent les emplois. Troisième phrase.',
			members: [0, 1, 2].map((source) => ({ source, recommendation: 'ra' })),
		},
	])

	test('[N8][N10][N11][E5] every format ranks the first first and carries the same figures, conditions and commitments with their territory', async () => {
		// Raw points favour the guichet unique (76 against 56), weighing territories the same does not.
		expect(model.groups.map((group) => `${group.label}:${group.dots}`)).toEqual([
			'Financer dans la durée:56',
			'Un guichet unique:76',
		])
		const formats = await formatsOf(model)
		const share = (value: number | null) => formatPercent(value ?? 0, 'fr').replace(/[\u00a0\u202f]/g, ' ')
		const [first, second] = model.groups
		for (const [name, text] of Object.entries(formats)) {
			const where = `${name}`
			expect(text.indexOf('1. Financer dans la durée'), where).toBeGreaterThan(-1)
			expect(text.indexOf('1. Financer dans la durée'), where).toBeLessThan(text.indexOf('2. Un guichet unique'))
			for (const heading of [
				'Synthèse en une page',
				'Méthode',
				'Recommandations nationales',
				'Conditions et points de vigilance',
				'Engagements',
				'Traçabilité',
			]) {
				expect(text, `${where}: ${heading}`).toContain(heading)
			}
			expect(text, where).toContain('Retenue dans 3 territoires sur 3')
			expect(text, where).toContain(`${share(first?.support.share ?? null)} des votant·es`)
			expect(text, where).toContain(`${share(second?.support.share ?? null)} des votant·es`)
			expect(text, where).toContain('consensuelle dans 3 territoires')
			expect(text, where).toContain('portée surtout par les associations')
			// The summary keeps the national text to two sentences.
			expect(text, where).toContain('Des conventions pluriannuelles partout. Elles sécurisent les emplois.')
			for (const territory of Object.keys(people)) {
				expect(text, `${where}: ${territory}`).toContain(`${territory} — Condition de ${territory} sur ra`)
				expect(text, `${where}: ${territory}`).toContain(`Engagement de ${territory} sur ra`)
				expect(text, `${where}: ${territory}`).toContain(`Réseau ${territory}`)
				expect(text, `${where}: ${territory}`).toContain(`Financer la vie associative dans la durée (${territory})`)
			}
			// Méthode: territories with their participants and the rule of the mean.
			expect(text, where).toContain('chaque territoire compte autant')
		}
	})

	test('[V8][N5] the rule under the participants table says which territories show their colleges as they are (named workshops)', () => {
		const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')
		const poolRule = 'Aucun chiffre publié ne porte sur moins de 3 personnes'
		const pseudonymous = plain(renderSynthesisMarkdown(model, 'fr'))
		expect(pseudonymous).toContain(poolRule)
		expect(pseudonymous).not.toContain('Contributions nominatives')

		const named = (source: ConsolidationModel, mode: 'named' | 'pseudonymous') => ({
			...source,
			context: { ...source.context, authorMode: mode },
		})
		const [creuse, correze] = territories
		if (!creuse || !correze) throw new Error('two territories')
		const mixed = synthesize('Mixte', [named(creuse, 'pseudonymous'), named(correze, 'named')], [])
		const mixedText = plain(renderSynthesisMarkdown(mixed, 'fr'))
		expect(mixedText).toContain(poolRule)
		expect(mixedText).toContain(
			'Contributions nominatives (Corrèze) : chaque collège de ce territoire y est montré tel quel',
		)

		const allNamed = synthesize('Nominative', [named(creuse, 'named'), named(correze, 'named')], [])
		const allNamedEn = plain(renderSynthesisMarkdown(allNamed, 'en'))
		expect(allNamedEn).toContain(
			'Named contributions (Creuse, Corrèze): each college of that territory is shown as it is',
		)
		expect(allNamedEn).not.toContain('No published figure')
	})
}, 60_000)

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
		const body = (await created.json()) as {
			id: string
			editKey: string
			editLink: string
			suggestions: { members: unknown[] }[]
			link: string
			workshops: { source: number; id: string }[]
		}
		expect(body.link).toBe(`http://tablee.test/s/${body.id}`)
		// N12: a separate edit link, handed to its creator.
		expect(body.editLink).toBe(`http://tablee.test/s/${body.id}#edit=${body.editKey}`)
		expect(body.editKey).not.toBe(body.id)
		// N10: it knows which of this server's workshops it includes.
		expect(body.workshops).toEqual([
			{ source: 1, id: limousin.id },
			{ source: 2, id: gironde.id },
		])
		// The two similar recommendations are suggested together.
		expect(body.suggestions).toHaveLength(1)
		const { reasons, ...suggestion } = body.suggestions[0] as {
			id: string
			label: string
			members: { source: number; recommendation: string }[]
			reasons: { words: string[] }
		}
		// Suggestions say why; what is confirmed is the group (its reasons are not part of it).
		expect(reasons.words.length).toBeGreaterThan(0)

		// Confirming the suggestion saves it; a recommendation in two groups is refused.
		const put = (groups: unknown) =>
			server.api(`/api/syntheses/${body.id}/groups`, {
				method: 'PUT',
				body: { groups },
				headers: { 'x-synthesis-key': body.editKey },
			})
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
		// Files are named after the title, never after the capability id.
		const named = await server.api(`/api/syntheses/${body.id}/export?format=pdf`)
		expect(named.headers.get('content-disposition')).toBe('attachment; filename="synthese-nationale.pdf"')
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

	const twoTerritories = async () => {
		const answer = await server.api('/api/syntheses', {
			body: { title: 'Synthèse Limousin', exports: [creuse, correze] },
		})
		expect(answer.status).toBe(201)
		const created = (await answer.json()) as {
			id: string
			editKey: string
			revision: number
			suggestions: { id: string; label: string; members: unknown[]; reasons?: unknown }[]
		}
		// A suggestion is confirmed as a group: its reasons are not part of it.
		return { ...created, suggestions: created.suggestions.map(({ reasons: _reasons, ...group }) => group) }
	}

	test('[N12] the read link reads and exports, only the edit link edits', async () => {
		const created = await twoTerritories()
		const groups = [created.suggestions[0]]
		const read = (await (await server.api(`/api/syntheses/${created.id}`)).json()) as Record<string, unknown>
		expect(read.access).toEqual({ edit: false, legacy: false })
		expect(read.editKey).toBeUndefined()
		expect((await server.api(`/api/syntheses/${created.id}/export?format=md`)).status).toBe(200)
		const refused = await server.api(`/api/syntheses/${created.id}/groups`, { method: 'PUT', body: { groups } })
		expect(refused.status).toBe(403)
		expect(await refused.json()).toMatchObject({ error: { code: 'edit_key_required' } })
		const wrong = await server.api(`/api/syntheses/${created.id}/groups`, {
			method: 'PUT',
			body: { groups },
			headers: { 'x-synthesis-key': `${created.editKey.slice(1)}x` },
		})
		expect(wrong.status).toBe(403)
		const edited = await server.api(`/api/syntheses/${created.id}/groups`, {
			method: 'PUT',
			body: { groups: [{ ...groups[0], label: 'Financer dans la durée', text: 'Texte national.' }] },
			headers: { 'x-synthesis-key': created.editKey },
		})
		expect(edited.status).toBe(200)
		const after = (await edited.json()) as {
			access: unknown
			revision: number
			synthesis: { groups: { label: string; text: string }[] }
		}
		expect(after.access).toEqual({ edit: true, legacy: false })
		expect(after.revision).toBe(1)
		expect(after.synthesis.groups[0]).toMatchObject({ label: 'Financer dans la durée', text: 'Texte national.' })
		expect((await server.api(`/api/syntheses/${created.id}/edit-key`, { method: 'POST' })).status).toBe(409)
	})

	test('[N12] a synthesis stored before edit links still opens and edits by its id until it asks for an edit key', async () => {
		const created = await twoTerritories()
		const file = path.join(server.config.dataDir, 'syntheses', `${created.id}.json`)
		const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
		const { editKey: _key, revision: _revision, ...rest } = stored
		await writeFile(file, JSON.stringify({ ...rest, version: 1 }))
		const legacy = (await (await server.api(`/api/syntheses/${created.id}`)).json()) as {
			access: unknown
			revision: number
		}
		expect(legacy).toMatchObject({ access: { edit: true, legacy: true }, revision: 0 })
		const put = (headers: Record<string, string> = {}) =>
			server.api(`/api/syntheses/${created.id}/groups`, {
				method: 'PUT',
				body: { groups: [created.suggestions[0]] },
				headers,
			})
		expect((await put()).status).toBe(200)
		const claimed = await server.api(`/api/syntheses/${created.id}/edit-key`, { method: 'POST' })
		expect(claimed.status).toBe(201)
		const { editKey } = (await claimed.json()) as { editKey: string }
		expect((await put()).status).toBe(403)
		expect((await put({ 'x-synthesis-key': editKey })).status).toBe(200)
		expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 2, editKey, revision: 2 })
	})

	test('[N13] two people editing at once: every write lands in order, a write on a stale revision is refused with 409', async () => {
		const created = await twoTerritories()
		const [suggestion] = created.suggestions
		const put = (label: string, revision?: number) =>
			server.api(`/api/syntheses/${created.id}/groups`, {
				method: 'PUT',
				body: { groups: [{ ...suggestion, label }], ...(revision === undefined ? {} : { revision }) },
				headers: { 'x-synthesis-key': created.editKey },
			})
		// Both wrote from revision 0: one lands, the other is told its copy is stale.
		const answers = await Promise.all([put('Première', 0), put('Seconde', 0)])
		expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409])
		const refused = answers.find((answer) => answer.status === 409)
		expect(await refused?.json()).toMatchObject({ error: { code: 'stale_revision' } })
		const landed = (await (await server.api(`/api/syntheses/${created.id}`)).json()) as {
			revision: number
			groups: { label: string }[]
		}
		expect(landed.revision).toBe(1)
		// Without a revision, last write wins, one after the other: ten writes, ten revisions.
		await Promise.all(Array.from({ length: 10 }, (_, index) => put(`Écrit ${index}`)))
		const last = (await (await server.api(`/api/syntheses/${created.id}`)).json()) as {
			revision: number
			groups: { label: string }[]
		}
		expect(last.revision).toBe(11)
		expect(last.groups).toHaveLength(1)
	})

	test('[N10] a workshop export names its workshop and this server', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Creuse', territory: 'Creuse' })
		const answer = await server.api(`/api/workshops/${workshop.id}/export?format=json`, {
			token: workshop.tokens.facilitator,
		})
		const model = (await answer.json()) as ConsolidationModel
		expect(model.context.workshop).toEqual({ id: workshop.id, server: 'http://tablee.test' })
	})
})
