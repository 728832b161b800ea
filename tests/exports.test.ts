import { strFromU8, unzipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { renderDocx } from '../server/exports/render-docx.ts'
import { renderPdf } from '../server/exports/render-pdf.ts'
import { consolidate } from '../shared/consolidation/model.ts'
import { renderHtml } from '../shared/consolidation/render-html.ts'
import { csvCell, renderCsv, renderMarkdown } from '../shared/consolidation/render-text.ts'
import { fixtureContributions, fixtureInput } from './fixtures/workshop-fixture.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

const model = consolidate(fixtureInput)

describe('consolidation model', () => {
	test('[E1] nothing anyone contributed is missing: the annex lists every contribution, merged ones too', () => {
		expect(model.annex.map((item) => item.id).sort()).toEqual([...fixtureContributions.keys()].sort())
		expect(model.context).toMatchObject({ participants: 5, contributions: 11, voters: 5, proxyVoters: 1 })
	})

	test('[E2] recommendations carry support, cautions and the whole trail down to merged duplicates', () => {
		const [first] = model.recommendations
		expect(first?.recommendation.id).toBe('c08recommand0')
		expect(first?.support?.dots).toBe(8 + 5)
		expect(first?.cautions).toEqual(['Selon le budget voté', 'Pas avant le budget 2028'])
		const trail = first?.trail
		expect(trail?.sources.map((step) => step.contribution.id)).toEqual(['c04proposal00', 'c06proposal00'])
		expect(trail?.sources[0]?.merged.map((step) => step.contribution.id)).toEqual(['c05duplicate0'])
		expect(trail?.sources[0]?.merged[0]?.contribution.college?.id).toBe('tetes-de-reseau')
	})

	test('[E3] pseudonymous workshops show colleges, never names; named ones show names', () => {
		expect(JSON.stringify(model)).not.toMatch(/Alice|Amina|Arthur|Berthe|"Bob"/)
		const named = consolidate({
			...fixtureInput,
			meta: { ...fixtureInput.meta, authorMode: 'named' },
			contributions: new Map(
				[...fixtureContributions].map(([id, c]) => [id, { ...c, authorName: c.college === 'etat' ? 'Bob' : null }]),
			),
		})
		expect(named.annex.find((item) => item.id === 'c03constraint')?.author).toBe('Bob')
	})

	test('[E4] points of disagreement: divisive proposals and those that met disagreement', () => {
		expect(model.disagreements.map((item) => item.proposal.id)).toContain('c04proposal00')
		expect(model.parking.map((item) => item.id)).toEqual(['c10parking000', 'c11hostile000'])
	})
})

describe('formats (golden files)', () => {
	test('[E5] Markdown', async () => {
		await expect(renderMarkdown(model, 'fr')).toMatchFileSnapshot('./golden/concertation-creuse.fr.md')
	})
	test('[E5] JSON', async () => {
		await expect(`${JSON.stringify(model, null, 2)}\n`).toMatchFileSnapshot('./golden/concertation-creuse.json')
	})
	test('[E7] CSV', async () => {
		await expect(renderCsv(model, 'fr')).toMatchFileSnapshot('./golden/concertation-creuse.fr.csv')
	})
})

describe('[E6] hostile text stays text in every format', () => {
	const hostile = model.annex.find((item) => item.id === 'c11hostile000')
	test('Markdown and HTML: no live markup, no control character', () => {
		const markdown = renderMarkdown(model, 'fr')
		expect(markdown).not.toContain('<script>')
		expect(markdown).not.toContain('\u0007')
		const html = renderHtml(model, 'fr')
		expect(html).not.toMatch(/<script>alert/)
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
		expect(html).toContain('**gras**')
		expect(hostile?.text).toContain('=HYPERLINK')
	})

	test('CSV: formulas neutralised, quotes doubled, one field per column on every row', () => {
		expect(csvCell('=1+1')).toBe(`"'=1+1"`)
		expect(csvCell('+33 6')).toBe(`"'+33 6"`)
		expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`)
		expect(csvCell('say "hi"; bye')).toBe('"say ""hi""; bye"')
		expect(csvCell(3)).toBe('"3"')
		const csv = renderCsv(model, 'fr')
		expect(csv.startsWith('\uFEFF')).toBe(true)
		const rows = parseCsv(csv.slice(1))
		expect(new Set(rows.map((row) => row.length)).size).toBe(1)
		expect(rows).toHaveLength(1 + model.annex.length)
		const hostileRow = rows.find((row) => row[0] === 'c11hostile000')
		expect(hostileRow?.[7]).toBe(
			'\'=HYPERLINK("http://evil.example") <script>alert(1)</script> | **gras** "citation";\nligne 2',
		)
	})
})

describe('[E9] Word document (docx)', () => {
	test('a valid package with the section headings, the per-college table, page numbers and escaped text', async () => {
		const files = unzipSync(new Uint8Array(await renderDocx(model, 'fr')))
		expect(Object.keys(files)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml']))
		const document = strFromU8(files['word/document.xml'] as Uint8Array)
		const headings = [...document.matchAll(/<w:pStyle w:val="Heading1"\/>.*?<\/w:p>/g)].map((match) =>
			[...match[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((text) => text[1]).join(''),
		)
		expect(headings).toEqual([
			'Contexte et méthode',
			'Constats partagés (grille des besoins)',
			'Recommandations prioritaires',
			'Propositions classées par soutien',
			'Engagements',
			'Points de désaccord',
			'Parking et suites',
			'Annexe — toutes les contributions',
		])
		// The support table of the first recommendation: one row per college column with its dots.
		const tables = [...document.matchAll(/<w:tbl>.*?<\/w:tbl>/g)].map((match) => match[0])
		const support = tables.find(
			(table) => table.includes('Têtes de réseau &amp; accompagnement') && table.includes('>Points<'),
		)
		expect(support).toBeDefined()
		expect(support).toContain('>Associations – dirigeant·es bénévoles (2)<')
		// Participants' text: escaped, never markup; no control character.
		expect(document).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
		expect(document).not.toContain('<script>')
		expect(document).not.toContain('\u0007')
		const footer = Object.entries(files).find(([name]) => name.startsWith('word/footer'))
		expect(footer && strFromU8(footer[1])).toMatch(/PAGE/)
	})
})

describe('[E13] PDF document', () => {
	test('every recommendation and every contribution is in the text, hostile text as typed, pages numbered', async () => {
		const { extractText, getDocumentProxy } = await import('unpdf')
		const pdf = await getDocumentProxy(new Uint8Array(await renderPdf(model, 'fr')))
		const { text } = await extractText(pdf, { mergePages: true })
		const flat = text.replace(/\s+/g, ' ')
		for (const item of model.recommendations) expect(flat).toContain(item.recommendation.title ?? '')
		for (const item of model.annex) expect(flat).toContain(item.text.split('\n')[0]?.slice(0, 30) ?? '')
		expect(flat).toContain('<script>alert(1)</script>')
		expect(flat).toContain('Recommandations prioritaires')
		expect(flat).toContain(`1 / ${pdf.numPages}`)
	})
})

/** A strict RFC 4180 reader (`;` separator) to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = []
	let row: string[] = []
	let field = ''
	let quoted = false
	for (let i = 0; i < text.length; i++) {
		const char = text[i]
		if (quoted) {
			if (char === '"' && text[i + 1] === '"') {
				field += '"'
				i++
			} else if (char === '"') quoted = false
			else field += char
		} else if (char === '"') quoted = true
		else if (char === ';') {
			row.push(field)
			field = ''
		} else if (char === '\r' && text[i + 1] === '\n') {
			row.push(field)
			rows.push(row)
			row = []
			field = ''
			i++
		} else field += char
	}
	return rows
}

describe('export endpoint', () => {
	let server: TestServer
	let workshop: CreatedWorkshop
	beforeEach(async () => {
		server = await startTestServer()
		workshop = await createWorkshop(server, { title: 'Concertation Creuse' })
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
			expect(response.headers.get('content-disposition')).toBe(
				`attachment; filename="tablee-concertation-creuse.${format}"`,
			)
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
		const json = (await (await get('?format=json')).json()) as { format: string; version: number }
		expect(json).toMatchObject({ format: 'tablee-consolidation', version: 1 })
		expect((await get('?format=odt')).status).toBe(400)
		const refused = await get('?format=json', alice.token)
		expect(refused.status).toBe(403)
		expect(await refused.json()).toMatchObject({ error: { code: 'facilitator_only' } })
	})
})
