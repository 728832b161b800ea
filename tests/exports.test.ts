import { readFileSync } from 'node:fs'
import { strFromU8, unzipSync } from 'fflate'
import { Marked } from 'marked'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { renderDocx } from '../server/exports/render-docx.ts'
import { renderPdf } from '../server/exports/render-pdf.ts'
import { renderSynthesisDocx, renderSynthesisPdf } from '../server/exports/render-synthesis-files.ts'
import { type ConsolidationModel, consolidate } from '../shared/consolidation/model.ts'
import { readConsolidation } from '../shared/consolidation/read-consolidation.ts'
import { renderHtml } from '../shared/consolidation/render-html.ts'
import {
	renderSynthesisCsv,
	renderSynthesisHtml,
	renderSynthesisMarkdown,
} from '../shared/consolidation/render-synthesis.ts'
import { csvCell, renderCsv, renderMarkdown, renderSupportCsv } from '../shared/consolidation/render-text.ts'
import { type SynthesisModel, synthesize } from '../shared/consolidation/synthesis.ts'
import { fileSlug, typeset } from '../shared/consolidation/typography.ts'
import { fixtureContributions, fixtureInput } from './fixtures/workshop-fixture.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

const model = consolidate(fixtureInput)

describe('consolidation model', () => {
	test('[E1] nothing anyone contributed is missing: the annex lists every contribution, merged ones too', () => {
		expect(model.annex.map((item) => item.id).sort()).toEqual([...fixtureContributions.keys()].sort())
		expect(model.context).toMatchObject({ participants: 5, contributions: 11, voters: 5, proxyVoters: 1 })
	})

	test('[E2] recommendations carry support, conditions apart from supportive reasons, and the whole trail', () => {
		const [first] = model.recommendations
		expect(first?.recommendation.id).toBe('c08recommand0')
		expect(first?.support).toMatchObject({ dots: 8 + 5, supporters: 5, voters: 5 })
		expect(first?.conditions.map((reason) => [reason.text, reason.answer])).toEqual([
			['Selon le budget voté', null],
			['Pas avant le budget 2028', 'disagree'],
		])
		expect(first?.cautions).toEqual(['Selon le budget voté', 'Pas avant le budget 2028'])
		const trail = first?.trail
		expect(trail?.sources.map((step) => step.contribution.id)).toEqual(['c04proposal00', 'c06proposal00'])
		expect(trail?.sources[0]?.merged.map((step) => step.contribution.id)).toEqual(['c05duplicate0'])
		// A college of fewer than 3 participants shows its side (V8).
		expect(trail?.sources[0]?.merged[0]?.contribution.college?.id).toBe('side:associations')
	})

	test('[E3] pseudonymous workshops show colleges, never names; named ones show names and colleges', () => {
		expect(JSON.stringify(model)).not.toMatch(/Alice|Amina|Arthur|Berthe|"Bob"/)
		const named = consolidate({
			...fixtureInput,
			meta: { ...fixtureInput.meta, authorMode: 'named' },
			contributions: new Map(
				[...fixtureContributions].map(([id, c]) => [id, { ...c, authorName: c.college === 'etat' ? 'Bob' : null }]),
			),
		})
		expect(named.annex.find((item) => item.id === 'c03constraint')).toMatchObject({
			author: 'Bob',
			college: { id: 'etat' },
		})
	})

	test('[E4] points of disagreement: divisive proposals and those that met disagreement', () => {
		expect(model.disagreements.map((item) => item.proposal.id)).toEqual(['c04proposal00'])
		expect(model.parking.map((item) => item.id)).toEqual(['c10parking000', 'c11hostile000'])
		expect(model.unlinkedCommitments.map((item) => item.id)).toEqual(['c09commitment'])
	})

	test('[E5] version 1 exports are read back: migrated, the vote-based flags become "not measured"', () => {
		const old = JSON.parse(readFileSync(new URL('./golden/consolidation-v1.json', import.meta.url), 'utf8'))
		const read = readConsolidation(old)
		expect(read.ok).toBe(true)
		const migrated = read.ok ? read.value : model
		expect(migrated.version).toBe(2)
		expect(migrated.recommendations[0]?.conditions.map((reason) => reason.text)).toEqual([
			'Selon le budget voté',
			'Pas avant le budget 2028',
		])
		expect(migrated.proposals.map((item) => item.support?.consensus.flag)).toEqual([
			'clivant',
			'non-mesure',
			'non-mesure',
		])
		// A synthesis mixing both versions renders in every format.
		const synthesis = synthesize('Mixte', [migrated, model], [])
		expect(renderSynthesisMarkdown(synthesis, 'fr')).toContain('Sécuriser les financements dans la durée')
		expect(readConsolidation({ ...old, version: 9 }).ok).toBe(false)
	})
})

describe('formats (golden files, read by a person before they were committed)', () => {
	test('[E5] Markdown', async () => {
		await expect(renderMarkdown(model, 'fr')).toMatchFileSnapshot('./golden/concertation-creuse.fr.md')
	})
	test('[E5] Markdown in English', async () => {
		await expect(renderMarkdown(model, 'en')).toMatchFileSnapshot('./golden/concertation-creuse.en.md')
	})
	test('[E5] JSON', async () => {
		await expect(`${JSON.stringify(model, null, 2)}\n`).toMatchFileSnapshot('./golden/concertation-creuse.json')
	})
	test('[E7] CSV of contributions and of support', async () => {
		await expect(renderCsv(model, 'fr')).toMatchFileSnapshot('./golden/concertation-creuse.fr.csv')
		await expect(renderSupportCsv(model, 'fr')).toMatchFileSnapshot('./golden/concertation-creuse-soutien.fr.csv')
	})
})

describe('[E15] French typography and plain words', () => {
	test('no-break spaces where French wants them, numbers held together, English untouched', () => {
		expect(typeset('Budget : 300 000 € ; pourquoi ? « oui » 12 %', 'fr')).toBe(
			'Budget\u00a0: 300\u202f000\u00a0€\u202f; pourquoi\u202f? «\u00a0oui\u00a0» 12\u202f%',
		)
		expect(typeset('Budget : 300 000 €', 'en')).toBe('Budget : 300 000 €')
	})
	test('file names are transliterated', () => {
		expect(fileSlug('Concertation Finistère — Côtes-d’Armor, Œuvres', 'x')).toBe(
			'concertation-finistere-cotes-d-armor-oeuvres',
		)
		expect(fileSlug('???', 'tablee-abc')).toBe('tablee-abc')
	})
	test('Markdown reads as text: only what would change the rendering is escaped', () => {
		const markdown = renderMarkdown(model, 'fr')
		expect(markdown).toContain('| Têtes de réseau & accompagnement (DLA, Mouvement associatif…) | 1 | 3 |')
		expect(markdown).not.toMatch(/\\[-.!(),]|&amp;|<br>/)
		expect(markdown).not.toContain('(s)')
		expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T/)
	})
})

/** Every string and every number of a value replaced by markup (the shape kept). */
function poisoned<T>(value: T, mark: string): T {
	if (typeof value === 'string') return `${mark}${value}` as T
	if (typeof value === 'number') return mark as T
	if (Array.isArray(value)) return value.map((item) => poisoned(item, mark)) as T
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, poisoned(item, mark)])) as T
	}
	return value
}
const MARK = '<script>alert(1)</script><img src=x onerror=alert(2)>*em* _u_ [a](javascript:alert(3)) `c` &amp; # '
/** Tags our HTML renderer writes; anything else came from the data. */
const OUR_TAGS = new Set(
	'html head meta title style body h1 h2 h3 h4 h5 p ul li table thead tbody tr th td strong em br div'.split(' '),
)
const tagsOf = (html: string) => [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => match[1] ?? '')

describe('[E6] escaping is a property of every renderer, whatever a field holds', () => {
	const hostileModel = poisoned(model, MARK) as ConsolidationModel
	const hostileSynthesis = poisoned(synthesize('Synthèse', [model], []), MARK) as SynthesisModel

	test('HTML (workshop and synthesis): no tag but ours, hostile text shown as text', () => {
		for (const html of [renderHtml(hostileModel, 'fr'), renderSynthesisHtml(hostileSynthesis, 'fr')]) {
			expect(new Set(tagsOf(html).filter((tag) => !OUR_TAGS.has(tag.toLowerCase())))).toEqual(new Set())
			expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
			expect(html).not.toMatch(/href=|onerror=alert\(2\)>/)
		}
	})

	test('Markdown (workshop and synthesis): rendered by a Markdown reader, nothing becomes markup', () => {
		for (const markdown of [renderMarkdown(hostileModel, 'fr'), renderSynthesisMarkdown(hostileSynthesis, 'fr')]) {
			const html = new Marked({ gfm: true, async: false }).parse(markdown) as string
			const allowed = 'h1 h2 h3 h4 h5 p ul li table thead tbody tr th td strong em br'.split(' ')
			const foreign = tagsOf(html).filter((tag) => !allowed.includes(tag) && tag !== 'a')
			// A web address someone typed may become a link (GFM autolinks), never a script.
			const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1])
			for (const link of links) expect(link).toMatch(/^https?:\/\//)
			expect(foreign).toEqual([])
			expect(html).not.toContain('<em>em</em>')
			expect(html).not.toContain('<code>')
			expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
		}
	})

	test('CSV (contributions, support, synthesis): every cell quoted, formulas neutralised', () => {
		const formula = poisoned(model, '=HYPERLINK("x")') as ConsolidationModel
		for (const csv of [
			renderCsv(formula, 'fr'),
			renderSupportCsv(formula, 'fr'),
			renderSynthesisCsv(poisoned(synthesize('S', [model], []), '=1+') as SynthesisModel, 'fr'),
		]) {
			const cells = csv
				.slice(1)
				.split('\r\n')
				.filter(Boolean)
				.flatMap((row) => row.slice(1, -1).split('";"'))
			for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@]/)
		}
		expect(csvCell('=1+1')).toBe(`"'=1+1"`)
		expect(csvCell('say "hi"; bye')).toBe('"say ""hi""; bye"')
		expect(csvCell(-3)).toBe('"-3"')
	})

	test('Word and PDF (workshop and synthesis): hostile text stays text', async () => {
		for (const bytes of [await renderDocx(hostileModel, 'fr'), await renderSynthesisDocx(hostileSynthesis, 'fr')]) {
			const document = strFromU8(unzipSync(new Uint8Array(bytes))['word/document.xml'] as Uint8Array)
			expect(document).not.toContain('<script')
			expect(document).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
		}
		const { extractText, getDocumentProxy } = await import('unpdf')
		for (const bytes of [await renderPdf(hostileModel, 'fr'), await renderSynthesisPdf(hostileSynthesis, 'fr')]) {
			const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true })
			expect(text).toContain('<script>alert(1)</script>')
		}
	})
})

describe('export endpoint', () => {
	let server: TestServer
	let workshop: CreatedWorkshop
	beforeEach(async () => {
		server = await startTestServer()
		workshop = await createWorkshop(server, { title: 'Concertation Creuse', timeZone: 'America/Cayenne' })
	})
	afterEach(async () => server.dispose())

	test('[E8] the facilitator downloads every format; others are refused with a JSON error', async () => {
		const alice = await joinWorkshop(server, workshop, 'Alice')
		await server.api(`/api/workshops/${workshop.id}/contributions`, {
			token: alice.token,
			body: { type: 'idee', zone: 'parking', text: 'Une idée' },
		})
		const get = (query: string, token = workshop.tokens.facilitator) =>
			server.api(`/api/workshops/${workshop.id}/export${query}`, { token })
		for (const [format, type] of [
			['json', 'application/json'],
			['md', 'text/markdown'],
			['html', 'text/html'],
			['csv', 'text/csv'],
		]) {
			const response = await get(`?format=${format}`)
			expect(response.status).toBe(200)
			expect(response.headers.get('content-type')).toContain(type)
			expect(response.headers.get('content-disposition')).toBe(`attachment; filename="concertation-creuse.${format}"`)
			expect(await response.text()).toContain('Une idée')
		}
		const docx = await get('?format=docx')
		expect(docx.headers.get('content-type')).toContain('wordprocessingml')
		expect(Object.keys(unzipSync(new Uint8Array(await docx.arrayBuffer())))).toContain('word/document.xml')
		const pdf = await get('?format=pdf')
		expect(pdf.headers.get('content-type')).toBe('application/pdf')
		expect(
			Buffer.from(await pdf.arrayBuffer())
				.subarray(0, 5)
				.toString(),
		).toBe('%PDF-')
		const json = (await (await get('?format=json')).json()) as ConsolidationModel
		expect(json).toMatchObject({ format: 'tablee-consolidation', version: 2, context: { timeZone: 'America/Cayenne' } })
		expect((await get('?format=odt')).status).toBe(400)
		expect(await (await get('?format=csv&table=votes')).json()).toMatchObject({ error: { code: 'unknown_table' } })
		const refused = await get('?format=json', alice.token)
		expect(refused.status).toBe(403)
		expect(await refused.json()).toMatchObject({ error: { code: 'facilitator_only' } })
	})

	test('[E15] the time zone is chosen at creation (default Europe/Paris) and checked', async () => {
		const paris = await createWorkshop(server, { title: 'Paris' })
		const json = (await (
			await server.api(`/api/workshops/${paris.id}/export?format=json`, { token: paris.tokens.facilitator })
		).json()) as ConsolidationModel
		expect(json.context.timeZone).toBe('Europe/Paris')
		const refused = await server.api('/api/workshops', { body: { title: 'X', timeZone: 'Mars/Olympus' } })
		expect(refused.status).toBe(400)
		expect(await refused.json()).toMatchObject({ error: { code: 'invalid_body' } })
	})
})
