import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { createLogger } from '../server/logger.ts'
import { loadTemplates } from '../server/templates/template-catalog.ts'
import type { Template } from '../shared/template/template-schema.ts'
import type { TestServer } from './helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'

const shipped = path.resolve(import.meta.dirname, '../templates')
let server: TestServer | undefined
const dirs: string[] = []
afterEach(async () => {
	await server?.dispose()
	server = undefined
	for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('shipped templates', () => {
	test('[T1] every shipped template validates', async () => {
		const catalog = await loadTemplates(shipped)
		expect(catalog.problems).toEqual([])
		expect([...catalog.templates.keys()].sort()).toEqual([
			'barometre-reciprocite',
			'concertation-territoriale',
			'diagnostic-ctg',
			'retour-learning-journey',
		])
	})

	test('[T1] the default template follows the method: zones 0–9, grid R1–R7 × C1–C5, three proposal columns', async () => {
		const template = (await loadTemplates(shipped)).templates.get('concertation-territoriale') as Template
		expect(template.zones.map((zone) => zone.label.fr.split(' · ')[0])).toEqual([
			'0',
			'1',
			'2',
			'3',
			'4',
			'5',
			'6',
			'7',
			'8',
			'9',
		])
		const grid = template.zones.find((zone) => zone.kind === 'grid')
		expect(grid?.rows).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'])
		expect(grid?.columns?.map((column) => column.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5'])
		expect(template.zones.find((zone) => zone.id === 'propositions')?.columns?.map((column) => column.id)).toEqual([
			'financeurs',
			'associations',
			'ensemble-national',
		])
		expect(template.colleges).toHaveLength(7)
		expect(new Set(template.colleges.map((college) => college.side))).toEqual(new Set(['associations', 'funders']))
		expect(template.phases.map((phase) => phase.kind)).toContain('private-writing')
		expect(template.phases.reduce((minutes, phase) => minutes + phase.minutes, 0)).toBeGreaterThanOrEqual(150)
	})
})

/** A template file as plain JSON, to break on purpose. */
interface RawTemplate {
	phases: { zones: string[] }[]
	zones: { kind: string }[]
	colleges: { id: string }[]
	[field: string]: unknown
}

describe('broken templates', () => {
	const base = async (): Promise<RawTemplate> =>
		JSON.parse(await readFile(path.join(shipped, 'retour-learning-journey.json'), 'utf8'))

	test.each<[string, () => string | RawTemplate | Promise<RawTemplate>, RegExp]>([
		['not JSON', () => '{"format": 1,', /not valid JSON/],
		['an unknown format', async () => ({ ...(await base()), format: 9 }), /format/],
		['a label missing in English', async () => ({ ...(await base()), title: { fr: 'Titre' } }), /title\.en/],
		[
			'a phase in a zone that does not exist',
			async () => {
				const t = await base()
				return { ...t, phases: t.phases.map((phase, i) => (i === 0 ? { ...phase, zones: ['nulle-part'] } : phase)) }
			},
			/phases refer to zones/,
		],
		[
			'a grid without rows',
			async () => {
				const t = await base()
				return { ...t, zones: t.zones.map((zone, i) => (i === 0 ? { ...zone, kind: 'grid' } : zone)) }
			},
			/grid zone has rows and columns/,
		],
		[
			'two colleges with one id',
			async () => {
				const t = await base()
				return {
					...t,
					colleges: t.colleges.map((college, i) => (i === 1 ? { ...college, id: t.colleges[0]?.id ?? '' } : college)),
				}
			},
			/college ids must be unique/,
		],
		[
			'a colour that is not one',
			async () => ({
				...(await base()),
				colleges: [{ id: 'x', label: { fr: 'x', en: 'x' }, color: 'blue', side: 'other' }],
			}),
			/colleges\.0\.color/,
		],
	] as const)(
		'[T2] %s is refused with a message naming the problem; the server starts anyway',
		async (_name, make, message) => {
			const dir = await mkdtemp(path.join(tmpdir(), 'tablee-templates-'))
			dirs.push(dir)
			const content = await make()
			await writeFile(path.join(dir, 'broken.json'), typeof content === 'string' ? content : JSON.stringify(content))
			await writeFile(path.join(dir, 'good.json'), JSON.stringify(await base()))
			const catalog = await loadTemplates(dir)
			expect(catalog.problems).toHaveLength(1)
			expect(catalog.problems[0]).toContain('broken.json')
			expect(catalog.problems[0]).toMatch(message)
			const lines: string[] = []
			server = await startTestServer(
				{ templatesDir: dir },
				{ logger: createLogger('error', (line) => lines.push(line)) },
			)
			expect(lines.join('')).toContain('template.refused')
			const listed = (await (await server.api('/api/templates')).json()) as { templates: { id: string }[] }
			expect(listed.templates.map((template) => template.id)).toEqual(['retour-learning-journey'])
		},
	)
})

describe('templates over the API', () => {
	test('[T4] GET /api/templates lists them with labels, zones, colleges and phases, the default first', async () => {
		server = await startTestServer()
		const { templates } = (await (await server.api('/api/templates')).json()) as { templates: Template[] }
		expect(templates[0]?.id).toBe('concertation-territoriale')
		expect(templates).toHaveLength(4)
		for (const template of templates) {
			expect(template.title.fr.length).toBeGreaterThan(0)
			expect(template.title.en.length).toBeGreaterThan(0)
			expect(template.zones.length).toBeGreaterThan(0)
			expect(template.colleges.length).toBeGreaterThan(0)
			expect(template.phases.length).toBeGreaterThan(0)
		}
	})

	test('[T5] a workshop created from a template carries its colleges, zones (placed) and agenda', async () => {
		server = await startTestServer()
		const workshop = await createWorkshop(server, { templateId: 'diagnostic-ctg' })
		const view = (await (
			await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
		).json()) as {
			templateId: string
			colleges: { id: string }[]
			zones: { id: string; x: number; y: number }[]
			agenda: { id: string; kind: string }[]
		}
		expect(view.templateId).toBe('diagnostic-ctg')
		expect(view.colleges.map((college) => college.id)).toContain('caf')
		expect(view.zones.map((zone) => zone.id)).toEqual(['accueil', 'diagnostic', 'priorites', 'plan-action', 'suites'])
		expect(view.zones.map((zone) => zone.x)).toEqual([...view.zones.map((zone) => zone.x)].sort((a, b) => a - b))
		expect(view.agenda[0]?.kind).toBe('welcome')
		expect((await joinWorkshop(server, workshop, 'Agent CAF', 'caf')).token).toBeTruthy()
		const wrong = await server.api(`/api/workshops/${workshop.id}/join`, {
			token: workshop.tokens.participant,
			body: { name: 'x', college: 'etat' },
		})
		expect(wrong.status).toBe(400)
	})
})
