import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Tally } from '../shared/concertation/tally.ts'
import type { ConsolidationModel } from '../shared/consolidation/model.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

/**
 * The published document, checked by reading it (SPEC E2, E13–E15, V8–V10): a workshop like a
 * real one — 13 participants in 6 colleges (one of two people, one on paper), 45 contributions,
 * merges, an anonymous dot vote with equal weight and a tie, a consensus check with reasons of
 * both kinds, recommendations grouping proposals — exported through the real server. Figures
 * are recomputed here from the ballots and answers this test cast.
 */

// The default template's agenda: 6 vote, 7 consensus check, 8 recommendations.
const VOTE = 6
const CONSENSUS = 7
const RECOMMENDATIONS = 8

type Person = { participantId: string; token: string; college: string; paper?: boolean }
type Answer = 'agree' | 'disagree' | 'unsure'

const colleges: Record<string, 'associations' | 'funders'> = {
	'assos-benevoles': 'associations',
	'assos-salaries': 'associations',
	'tetes-de-reseau': 'associations',
	etat: 'funders',
	collectivites: 'funders',
	'protection-sociale': 'funders',
}

let server: TestServer
let workshop: CreatedWorkshop
const people: Record<string, Person> = {}
const proposals: Record<string, string> = {}
const recommendations: Record<string, string> = {}
const commitments: Record<string, string> = {}
const ballots: Record<string, Record<string, number>> = {
	b1: { P1: 3, P2: 2 },
	b2: { P1: 2, P3: 3 },
	b3: { P1: 3, P4: 2 },
	b4: { P2: 2, P5: 3 },
	s1: { P1: 2, P3: 2, P4: 1 },
	s2: { P3: 3, P6: 2 },
	r1: { P4: 3, P1: 2 },
	e1: { P1: 3, P2: 2 },
	e2: { P2: 3, P4: 2 },
	c1: { P1: 2, P6: 3 },
	c2: { P3: 2, P4: 3 },
	c3: { P2: 2, P7: 3 },
	p1: { P1: 3, P8: 2 },
}
/** Answers per person for the checked proposals, with reasons. */
const answers: Record<string, Record<string, [Answer, string?]>> = {}
let tallyOrder: string[] = []
let checked: string[] = []
let model: ConsolidationModel

async function call(pathname: string, token: string, body?: unknown, method?: string) {
	const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, { token, body, method })
	const json = (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } }
	if (response.status >= 400) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(json.error)}`)
	return json
}
const facilitator = () => workshop.tokens.facilitator
const exportOf = (query: string) =>
	server.api(`/api/workshops/${workshop.id}/export${query}`, { token: workshop.tokens.facilitator })

beforeAll(async () => {
	server = await startTestServer()
	workshop = await createWorkshop(server, {
		title: 'Concertation Finistère 2026',
		territory: 'Finistère',
		date: '2026-12-03',
		facilitatorName: 'Camille Martin',
		timeZone: 'Europe/Paris',
	})
	const roster: [string, string][] = [
		['b1', 'assos-benevoles'],
		['b2', 'assos-benevoles'],
		['b3', 'assos-benevoles'],
		['b4', 'assos-benevoles'],
		['s1', 'assos-salaries'],
		['s2', 'assos-salaries'],
		['r1', 'tetes-de-reseau'],
		['e1', 'etat'],
		['e2', 'etat'],
		['c1', 'collectivites'],
		['c2', 'collectivites'],
		['p1', 'protection-sociale'],
	]
	for (const [name, college] of roster) {
		people[name] = { ...(await joinWorkshop(server, workshop, name, college)), college }
	}
	const paper = await call('/participants/paper', facilitator(), { name: 'c3 (papier)', college: 'collectivites' })
	people.c3 = {
		participantId: paper.participantId as string,
		token: facilitator(),
		college: 'collectivites',
		paper: true,
	}

	const write = async (who: string, body: Record<string, unknown>) =>
		((await call('/contributions', people[who]?.token ?? facilitator(), body)).contribution as { id: string }).id
	// Findings in the needs grid, the "who is here" map, the crossing of views.
	const cells = ['c1', 'c2', 'c3', 'c4', 'c5']
	const names = Object.keys(people).filter((name) => name !== 'c3')
	for (let i = 0; i < 18; i++) {
		const who = names[i % names.length] ?? 'b1'
		await write(who, {
			type: i % 3 === 0 ? 'besoin' : 'constat',
			zone: 'grille-besoins',
			row: `r${(i % 7) + 1}`,
			column: cells[i % 5],
			text: `Constat ${i + 1} : les conventions annuelles fragilisent l’emploi de 300 000 € de budget ; pourquoi ?`,
		})
	}
	for (const who of ['b1', 'e1', 'c1'])
		await write(who, { type: 'idee', zone: 'qui-est-la', text: `Présent·e : ${who}` })
	await write('s1', { type: 'idee', zone: 'croisement', column: 'vu-associations', text: 'Trop de dossiers' })
	await write('c2', { type: 'idee', zone: 'croisement', column: 'vu-financeurs', text: 'Des bilans tardifs' })
	await write('b2', { type: 'idee', zone: 'croisement', column: 'vu-associations', text: 'Trésorerie tendue' })
	await write('e2', { type: 'idee', zone: 'croisement', column: 'vu-financeurs', text: 'Contrôles nécessaires' })

	const titles: Record<string, string> = {
		P1: 'Conventions pluriannuelles d’objectifs',
		P2: 'Financer le fonctionnement, pas seulement les projets',
		P3: 'Un dossier unique de demande',
		P4: 'Avances de trésorerie à la signature',
		P5: 'Reconnaître le bénévolat de direction',
		P6: 'Un fonds départemental de fonds propres',
		P7: 'Former les élu·es aux subventions',
		P8: 'Calendrier commun des appels à projets',
	}
	for (const [key, title] of Object.entries(titles)) {
		proposals[key] = await write(Object.keys(people)[Number(key.slice(1))] ?? 'b1', {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			title,
			text: `${title} : description longue de la proposition, avec ses modalités et son calendrier.`,
			target: 'financeurs',
			level: 'departemental',
			caution: key === 'P1' ? 'Selon le budget voté' : undefined,
		})
	}
	// Two duplicates, merged.
	const d1 = await write('b4', {
		type: 'proposition',
		zone: 'propositions',
		column: 'financeurs',
		text: 'Conventions de 3 ans',
	})
	const d2 = await write('c2', {
		type: 'proposition',
		zone: 'propositions',
		column: 'financeurs',
		text: 'Avances rapides',
	})
	await call(`/contributions/${proposals.P1}/merge`, facilitator(), { sources: [d1] })
	await call(`/contributions/${proposals.P4}/merge`, facilitator(), { sources: [d2] })

	// An anonymous vote with equal weight per column.
	await call('/phase', facilitator(), { index: VOTE })
	await call('/vote/open', facilitator(), {
		budget: 5,
		maxPerProposal: 3,
		banOwn: false,
		anonymous: true,
		equalWeight: true,
		minutes: null,
	})
	for (const [who, allocation] of Object.entries(ballots)) {
		const ids = Object.fromEntries(Object.entries(allocation).map(([key, dots]) => [proposals[key], dots]))
		const person = people[who] as Person
		await call(
			'/vote/ballot',
			person.token,
			person.paper ? { allocation: ids, onBehalfOf: person.participantId } : { allocation: ids },
		)
	}
	await call('/vote/close', facilitator(), {})
	const tally = (await (
		await server.api(`/api/workshops/${workshop.id}/vote/tally`, { token: facilitator() })
	).json()) as Tally
	tallyOrder = tally.proposals.map((proposal) => proposal.id)

	// The consensus check on the top five (its default list).
	await call('/phase', facilitator(), { index: CONSENSUS })
	checked = ((await call('/consensus/open', facilitator(), { minutes: null })).consensus as { proposals: string[] })
		.proposals
	const key = (id: string) => Object.keys(proposals).find((name) => proposals[name] === id) ?? id
	for (const who of Object.keys(people)) {
		const funder = colleges[people[who]?.college ?? ''] === 'funders'
		const mine: Record<string, [Answer, string?]> = {}
		for (const id of checked) {
			const name = key(id)
			if (name === 'P1') mine[id] = who === 'e2' ? ['unsure', 'Selon la loi de finances'] : ['agree']
			else if (name === 'P2')
				mine[id] = funder ? ['disagree', who === 'e1' ? 'Pas sans cofinancement' : undefined] : ['agree']
			else if (name === 'P3') mine[id] = ['agree']
			else mine[id] = funder && who !== 'c1' ? ['unsure'] : ['agree']
		}
		if (who === 'b1') mine[proposals.P1 as string] = ['agree', 'Enfin !']
		if (who === 'c1') mine[proposals.P1 as string] = ['agree', 'Conforme à la circulaire de 2015']
		answers[who] = mine
		const body = Object.fromEntries(
			Object.entries(mine).map(([id, [answer, why]]) => [id, why ? { answer, why } : { answer }]),
		)
		const person = people[who] as Person
		await call(
			'/consensus/answer',
			person.token,
			person.paper ? { answers: body, onBehalfOf: person.participantId } : { answers: body },
		)
	}
	await call('/consensus/close', facilitator(), {})

	// Recommendations grouping proposals, commitments, the parking lot and the weather.
	await call('/phase', facilitator(), { index: RECOMMENDATIONS })
	const recommend = async (name: string, title: string, sources: string[]) => {
		recommendations[name] = await write('facilitator', {
			type: 'recommandation',
			zone: 'recommandations',
			title,
			text: `${title} : ce que la concertation demande, en deux phrases. Avec 300 000 € par an !`,
			target: 'national',
			level: 'national',
			effect: 'Des emplois stables',
			sources: sources.map((source) => proposals[source]),
		})
	}
	await recommend('R1', 'Sécuriser les financements dans la durée', ['P1', 'P2'])
	await recommend('R2', 'Simplifier les demandes', ['P3'])
	await recommend('R3', 'Former les élu·es', ['P7'])
	for (const [who, text, due] of [
		['e1', 'Réunir les financeurs du département', 'Mars 2027'],
		['c1', 'Tester le dossier unique', 'Juin 2027'],
		['b1', 'Porter la demande au national', 'Décembre 2027'],
	] as const) {
		commitments[text] = await write(who, {
			type: 'engagement',
			zone: 'recommandations',
			text,
			who: `Collège de ${who}`,
			due,
		})
	}
	// K17: the facilitator links a commitment to the recommendation it serves.
	await call(
		`/contributions/${commitments['Réunir les financeurs du département']}`,
		facilitator(),
		{ sources: [recommendations.R1] },
		'PATCH',
	)
	await write('b3', { type: 'idee', zone: 'parking', text: 'Revoir le calendrier des appels à projets' })
	await write('s2', { type: 'idee', zone: 'parking', text: 'Et la Région ?' })
	await write('b2', { type: 'idee', zone: 'meteo', text: 'Soleil' })
	await write('e1', { type: 'idee', zone: 'meteo', text: 'Éclaircies' })

	model = (await (await exportOf('?format=json')).json()) as ConsolidationModel
	// DOCUMENTS_OUT=<dir> writes every export there, for a person to read (pdftoppm, LibreOffice).
	const out = process.env.DOCUMENTS_OUT
	if (out) {
		const { writeFileSync } = await import('node:fs')
		const { join } = await import('node:path')
		for (const [name, query] of [
			['document.md', '?format=md'],
			['document.en.md', '?format=md&lang=en'],
			['document.html', '?format=html'],
			['document.pdf', '?format=pdf'],
			['document.en.pdf', '?format=pdf&lang=en'],
			['document.docx', '?format=docx'],
			['document.json', '?format=json'],
			['contributions.csv', '?format=csv'],
			['support.csv', '?format=csv&table=support'],
		] as const) {
			writeFileSync(join(out, name), new Uint8Array(await (await exportOf(query)).arrayBuffer()))
		}
	}
}, 60_000)

afterAll(async () => {
	await server.dispose()
})

const sideOf = (who: string) => colleges[people[who]?.college ?? ''] ?? 'associations'
const nameOf = (id: string) => Object.keys(proposals).find((name) => proposals[name] === id) ?? id

/** Counts and flag of one proposal, recomputed from the answers this test gave (V10). */
function expectedConsensus(id: string) {
	const counts = { agree: 0, disagree: 0, unsure: 0 }
	const bySide = {
		associations: { agree: 0, disagree: 0, unsure: 0 },
		funders: { agree: 0, disagree: 0, unsure: 0 },
	}
	for (const [who, given] of Object.entries(answers)) {
		const answer = given[id]?.[0]
		if (!answer) continue
		counts[answer]++
		bySide[sideOf(who)][answer]++
	}
	const share = (side: { agree: number; disagree: number; unsure: number }) =>
		side.agree / (side.agree + side.disagree + side.unsure)
	const [a, f] = [share(bySide.associations), share(bySide.funders)]
	const flag = a >= 0.6 && f >= 0.6 ? 'consensuel' : Math.abs(a - f) >= 0.4 ? 'clivant' : 'partage'
	return { counts, bySide, flag }
}

describe('figures recomputed from the ballots and answers cast', () => {
	test('[V6][V9] every proposal’s points and supporters; one ranking in the tally, the consensus check and the document', () => {
		for (const entry of model.proposals) {
			const key = nameOf(entry.proposal.id)
			const given = Object.values(ballots).map((allocation) => allocation[key] ?? 0)
			expect(entry.support?.dots ?? 0).toBe(given.reduce((a, b) => a + b, 0))
			expect(entry.support?.supporters ?? 0).toBe(given.filter((dots) => dots > 0).length)
		}
		// P2 and P4 are tied at 11 points: the same order everywhere.
		const voted = model.proposals.filter((entry) => (entry.support?.dots ?? 0) > 0).map((entry) => entry.proposal.id)
		expect(voted).toEqual(tallyOrder.filter((id) => voted.includes(id)))
		expect(checked).toEqual(tallyOrder.slice(0, 5))
		expect(model.proposals.map((entry) => entry.rank)).toEqual(model.proposals.map((_, index) => index + 1))
	})

	test('[E2][V10] a recommendation shows the people of its most contested proposal, never a sum, never the vote', () => {
		const r1 = model.recommendations.find((entry) => entry.recommendation.id === recommendations.R1)
		const p2 = expectedConsensus(proposals.P2 as string)
		expect(p2.flag).toBe('clivant')
		expect(r1?.support?.consensus).toMatchObject({ flag: 'clivant', from: proposals.P2, answers: p2.counts })
		expect(r1?.support?.consensus.bySide).toEqual(p2.bySide)
		// Distinct people who gave points to P1 or P2, out of the 13 voters.
		const supporters = Object.values(ballots).filter((allocation) => (allocation.P1 ?? 0) + (allocation.P2 ?? 0) > 0)
		expect(r1?.support).toMatchObject({ supporters: supporters.length, voters: 13 })
		const p1 = expectedConsensus(proposals.P1 as string)
		expect(p1.counts).toEqual({ agree: 12, disagree: 0, unsure: 1 })
		expect(model.proposals.find((entry) => entry.proposal.id === proposals.P1)?.support?.consensus).toMatchObject({
			flag: p1.flag,
			answers: p1.counts,
		})
		// Not in the consensus check: not measured, whatever the vote said.
		const r3 = model.recommendations.find((entry) => entry.recommendation.id === recommendations.R3)
		expect(r3?.support?.consensus.flag).toBe('non-mesure')
	})

	test('[E2] reasons given with "d’accord" are supportive, the others are conditions, each with its side', () => {
		const r1 = model.recommendations.find((entry) => entry.recommendation.id === recommendations.R1)
		expect(r1?.supportive.map((reason) => reason.text).sort()).toEqual(['Conforme à la circulaire de 2015', 'Enfin !'])
		expect(r1?.conditions.map((reason) => [reason.text, reason.answer, reason.from?.label.fr])).toEqual(
			expect.arrayContaining([
				['Selon le budget voté', null, 'Associations – dirigeant·es bénévoles'],
				['Selon la loi de finances', 'unsure', 'Financeurs'],
				['Pas sans cofinancement', 'disagree', 'Financeurs'],
			]),
		)
	})

	test('[E2][K17] a commitment linked to a recommendation is listed with it, the others apart', () => {
		const r1 = model.recommendations.find((entry) => entry.recommendation.id === recommendations.R1)
		expect(r1?.commitments.map((item) => [item.text, item.who, item.due])).toEqual([
			['Réunir les financeurs du département', 'Collège de e1', 'Mars 2027'],
		])
		expect(model.unlinkedCommitments.map((item) => item.text)).toEqual([
			'Tester le dossier unique',
			'Porter la demande au national',
		])
	})

	test('[V8] the two-person college cannot be solved back: pooled everywhere, shares from published columns', async () => {
		const alone = (columns: { colleges: string[] }[]) => columns.some((column) => column.colleges.join() === 'etat')
		expect(
			alone(model.context.columns) || alone(model.context.voteColumns) || alone(model.context.respondentColumns),
		).toBe(false)
		for (const column of [...model.context.columns, ...model.context.voteColumns, ...model.context.respondentColumns]) {
			expect(column.people).toBeGreaterThanOrEqual(3)
		}
		expect(model.context.colleges.find((college) => college.id === 'etat')?.participants).toBeNull()
		expect(model.annex.some((item) => item.college?.id === 'etat')).toBe(false)
		// Equal-weight shares recomputed from the published columns alone give the published shares.
		const totals = new Map(model.context.voteColumns.map((column) => [column.id, 0]))
		for (const entry of model.proposals) {
			for (const group of entry.support?.byGroup ?? []) totals.set(group.id, (totals.get(group.id) ?? 0) + group.dots)
		}
		for (const entry of model.proposals.filter((item) => item.support)) {
			const share =
				(entry.support?.byGroup ?? []).reduce((sum, group) => sum + group.dots / (totals.get(group.id) ?? 1), 0) /
				model.context.voteColumns.length
			expect(entry.support?.weightedShare).toBeCloseTo(share, 10)
		}
		// No export names the État college as a column of its own.
		for (const query of ['?format=md', '?format=html', '?format=csv&table=support']) {
			const text = await (await exportOf(query)).text()
			expect(text).not.toMatch(
				/\| Financeurs publics – État \||>Financeurs publics – État<|"Points — Financeurs publics – État \(/,
			)
			expect(text).toContain('Financeurs publics – État + Protection sociale (CAF, MSA) (regroupés)')
		}
	})
})

describe('the documents, read', () => {
	test('[E13] PDF: pages read page by page — none nearly empty, each recommendation’s consensus on its title’s page', async () => {
		const response = await exportOf('?format=pdf')
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="concertation-finistere-2026.pdf"')
		const bytes = new Uint8Array(await response.arrayBuffer())
		const raw = Buffer.from(bytes).toString('latin1')
		const { extractText, getDocumentProxy } = await import('unpdf')
		// pdf.js takes the bytes it is given (the buffer is detached): it reads a copy.
		const pdf = await getDocumentProxy(bytes.slice())
		const { text } = await extractText(pdf, { mergePages: false })
		const pages = text.map((page) => page.replace(/[\u00a0\u202f]/g, ' '))
		expect(pages.length).toBeGreaterThan(3)
		pages.forEach((page, index) => {
			const lines = page.split('\n').filter((line) => line.trim().length > 0)
			if (index < pages.length - 1) expect(lines.length, `page ${index + 1}`).toBeGreaterThanOrEqual(5)
			expect(page).toContain(`Concertation Finistère 2026 — ${index + 1} / ${pages.length}`)
		})
		for (const entry of model.recommendations) {
			const title = `${entry.rank}. ${entry.recommendation.title}`
			const page = pages.find((candidate) => candidate.split('\n').some((line) => line.trim() === title))
			expect(page, title).toBeDefined()
			const consensus = entry.support?.consensus
			if (consensus && consensus.flag !== 'non-mesure') {
				const { agree, unsure, disagree } = consensus.answers
				expect(page).toContain(`Consensus : ${agree} d’accord · ${unsure} ne sait pas · ${disagree} pas d’accord`)
			} else expect(page).toContain('Consensus : consensus non mesuré')
		}
		// Tagged: a structure tree, the language, the title shown.
		expect(raw).toMatch(/\/StructTreeRoot/)
		expect(raw).toMatch(/\/Lang \(fr-FR\)/)
		expect(raw).toMatch(/\/DisplayDocTitle true/)
		expect(raw).toMatch(/\/S \/TH/)
	})

	test('[E9] Word: columns sized to their content, fr-FR, a font, the title and the facilitator as author', async () => {
		const response = await exportOf('?format=docx')
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="concertation-finistere-2026.docx"')
		const files = unzipSync(new Uint8Array(await response.arrayBuffer()))
		const document = strFromU8(files['word/document.xml'] as Uint8Array)
		const styles = strFromU8(files['word/styles.xml'] as Uint8Array)
		const core = strFromU8(files['docProps/core.xml'] as Uint8Array)
		expect(styles).toMatch(/<w:lang w:val="fr-FR"\/>/)
		expect(styles).toMatch(/<w:rFonts w:ascii="Arial"/)
		expect(core).toContain('<dc:title>Concertation Finistère 2026</dc:title>')
		expect(core).toContain('<dc:creator>Camille Martin</dc:creator>')
		const grids = [...document.matchAll(/<w:tblGrid>(.*?)<\/w:tblGrid>/g)].map((match) =>
			[...(match[1] ?? '').matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((col) => Number(col[1])),
		)
		expect(grids.length).toBeGreaterThan(5)
		for (const grid of grids.filter((widths) => widths.length > 1)) expect(new Set(grid).size).toBeGreaterThan(1)
		// The annex's text column is the widest by far.
		const annex = grids.at(-1) ?? []
		expect(Math.max(...annex)).toBeGreaterThan(3 * Math.min(...annex))
		// Header rows repeat, rows never split.
		expect(document).toContain('<w:tblHeader/>')
		expect(document).toContain('<w:cantSplit/>')
	})

	test('[E14] Markdown reads as text; the document follows the published order; options leave parts out', async () => {
		const markdown = await (await exportOf('?format=md')).text()
		const headings = [...markdown.matchAll(/^## (.*)$/gm)].map((match) => match[1])
		expect(headings).toEqual([
			'Synthèse en une page',
			'Méthode',
			'Recommandations',
			'Propositions classées par soutien',
			'Annexe — toutes les contributions',
		])
		expect(markdown).toContain('3 décembre 2026')
		expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T/)
		expect(markdown).not.toContain('concertation-territoriale')
		expect(markdown).not.toContain('(s)')
		expect(markdown).not.toMatch(/\\[-.!]|&amp;/)
		expect(markdown).toContain('300\u202f000\u00a0€')
		expect(markdown).toMatch(/soutenue par \d+\u00a0participant·es sur\u00a013, associations comme financeurs\u202f; /)
		const short = await (await exportOf('?format=md&annex=0')).text()
		expect(short).not.toContain('Annexe')
		const noWelcome = await (await exportOf('?format=md&welcome=0&weather=0')).text()
		expect(noWelcome).not.toContain('Présent·e')
		expect(noWelcome).not.toContain('Éclaircies')
		expect(markdown).toContain('Éclaircies')
		expect((await exportOf('?format=md&annex=maybe')).status).toBe(400)
	})

	test('[E7] CSV: titles instead of ids, spreadsheet dates; the support table per proposal', async () => {
		const contributions = await (await exportOf('?format=csv')).text()
		expect(contributions).not.toContain(proposals.P1)
		expect(contributions).toMatch(/"Conventions pluriannuelles d’objectifs"/)
		expect(contributions).toMatch(/"\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}"/)
		const response = await exportOf('?format=csv&table=support')
		expect(response.headers.get('content-disposition')).toBe(
			'attachment; filename="concertation-finistere-2026-soutien.csv"',
		)
		const rows = (await response.text())
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\r\n')
			.map((row) => row.slice(1, -1).split('";"'))
		expect(rows[0]?.slice(0, 4)).toEqual(['Rang', 'Proposition', 'Titre', 'Points'])
		expect(rows).toHaveLength(1 + model.proposals.length)
		const first = rows[1]
		expect(first?.[1]).toBe(model.proposals[0]?.proposal.title)
		expect(first?.[3]).toBe(String(model.proposals[0]?.support?.dots))
		expect(first?.at(-1)).toBe('consensuelle')
	})
})
