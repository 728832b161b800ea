import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { consolidate } from '../../shared/consolidation/model.ts'
import { createLogger } from '../../server/logger.ts'
import { fixtureInput } from '../fixtures/workshop-fixture.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'

// Time budget of this file: 15 s.

const upload = consolidate(fixtureInput)
let server: TestServer | null = null
afterEach(async () => {
	await server?.dispose()
	server = null
})

async function storedSyntheses(dataDir: string): Promise<string[]> {
	return readdir(path.join(dataDir, 'syntheses')).catch(() => [])
}

describe('creating a synthesis follows the rule for creating a workshop', () => {
	test('[N7] with ORGANIZER_KEY set, only the key creates one, uploads or workshops alike', async () => {
		server = await startTestServer({ organizerKey: 'cle-des-organisateurs' })
		const workshop = await createWorkshop({
			api: (p, init = {}) =>
				(server as TestServer).api(p, { ...init, headers: { 'x-organizer-key': 'cle-des-organisateurs' } }),
		})
		const create = (body: unknown, key?: string) =>
			(server as TestServer).api('/api/syntheses', { body, headers: key ? { 'x-organizer-key': key } : {} })

		for (const key of [undefined, 'une-autre-cle']) {
			const refused = await create({ title: 'Synthèse', exports: [upload] }, key)
			expect(refused.status).toBe(401)
			expect(await refused.json()).toMatchObject({ error: { code: 'organizer_key_required' } })
			// Its facilitator token alone does not create one either (as it would not create a workshop).
			const withToken = await create(
				{ title: 'Synthèse', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
				key,
			)
			expect(withToken.status).toBe(401)
		}
		expect(await storedSyntheses(server.config.dataDir)).toEqual([])

		const created = await create(
			{ title: 'Synthèse', exports: [upload], workshops: [{ id: workshop.id }] },
			'cle-des-organisateurs',
		)
		expect(created.status).toBe(201)
		expect(await storedSyntheses(server.config.dataDir)).toHaveLength(1)
	})

	test('[N7] without ORGANIZER_KEY anyone may, but every upload is checked field by field and bounded', async () => {
		server = await startTestServer({ maxUploadBytes: 512 * 1024 })
		const create = (body: unknown) => (server as TestServer).api('/api/syntheses', { body })
		const recommendation = upload.recommendations[0]
		if (!recommendation?.support) throw new Error('the fixture has a supported recommendation')
		const hostile: [string, unknown][] = [
			[
				'byGroup not a list',
				{
					...upload,
					recommendations: [{ ...recommendation, support: { ...recommendation.support, byGroup: 'x' } }],
				},
			],
			['numeric title', { ...upload, context: { ...upload.context, title: 42 } }],
			['null title', { ...upload, context: { ...upload.context, title: null } }],
			['object date', { ...upload, context: { ...upload.context, date: { toString: 'x' } } }],
			['dots as text', { ...upload, annex: upload.annex.map((item) => ({ ...item, dots: '<b>' })) }],
			['no recommendations', { ...upload, recommendations: undefined }],
		]
		for (const [what, exported] of hostile) {
			const answer = await create({ title: 'Synthèse', exports: [exported] })
			expect(answer.status, what).toBe(400)
			const body = (await answer.json()) as { error: { code: string; message: string } }
			expect(body.error.code, what).toBe('invalid_body')
			expect(body.error.message, what).toMatch(/^exports\.0\./)
		}

		const many = await create({ title: 'Synthèse', exports: Array.from({ length: 101 }, () => ({ format: 'x' })) })
		expect(many.status).toBe(400)
		const deep = `${'['.repeat(100_000)}"fond"${']'.repeat(100_000)}`
		const nested = await create(`{"title":"Synthèse","exports":[${deep}]}`)
		expect(nested.status).toBe(400)
		expect(await nested.json()).toMatchObject({ error: { code: 'invalid_body' } })
		expect(await storedSyntheses(server.config.dataDir)).toEqual([])

		// The real thing is stored, without fields that are not part of the format.
		const created = await create({ title: 'Synthèse', exports: [{ ...upload, extraField: 'not-part-of-the-format' }] })
		expect(created.status).toBe(201)
		const [file] = await storedSyntheses(server.config.dataDir)
		const stored = await readFile(path.join(server.config.dataDir, 'syntheses', file as string), 'utf8')
		expect(stored).not.toContain('not-part-of-the-format')

		// Last: the server does not read the rest of a refused body and closes that connection.
		const padding = 512 * 1024 + 1 - JSON.stringify(upload).length
		const large = await create({ title: 'Synthèse', exports: [{ ...upload, padding: 'x'.repeat(padding) }] })
		expect(large.status).toBe(413)
		expect(await large.json()).toMatchObject({ error: { code: 'body_too_large' } })
		expect(await storedSyntheses(server.config.dataDir)).toHaveLength(1)
	})
})

describe('a stored synthesis is checked every time it is read', () => {
	const damage: [string, (record: Record<string, unknown>) => unknown][] = [
		['not JSON', () => '{"version": 1, "id":'],
		[
			'byGroup not a list',
			(record) => {
				const [source] = record.sources as { recommendations: { support: { byGroup: unknown } }[] }[]
				const first = source?.recommendations[0]
				if (first) first.support.byGroup = 7
				return record
			},
		],
		['numeric title', (record) => ({ ...record, title: 12 })],
		['null', () => null],
		['another synthesis', (record) => ({ ...record, id: 'autresynthese00' })],
	]
	test.each(damage)(
		'[N7] %s: reported as corrupt (422 JSON, logged), never rendered, the file left alone',
		async (_, corrupt) => {
			const lines: string[] = []
			server = await startTestServer({}, { logger: createLogger('error', (line) => lines.push(line)) })
			const created = await server.api('/api/syntheses', { body: { title: 'Synthèse', exports: [upload] } })
			const { id } = (await created.json()) as { id: string }
			const file = path.join(server.config.dataDir, 'syntheses', `${id}.json`)
			const damaged = corrupt(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>)
			const text = typeof damaged === 'string' ? damaged : JSON.stringify(damaged)
			await writeFile(file, text)

			const answers = [
				await server.api(`/api/syntheses/${id}`),
				await server.api(`/api/syntheses/${id}/groups`, { method: 'PUT', body: { groups: [] } }),
				...(await Promise.all(
					['json', 'md', 'html', 'csv', 'docx', 'pdf'].map((format) =>
						(server as TestServer).api(`/api/syntheses/${id}/export?format=${format}`),
					),
				)),
			]
			for (const answer of answers) {
				expect(answer.status).toBe(422)
				expect(await answer.json()).toMatchObject({ error: { code: 'synthesis_corrupt' } })
			}
			expect(lines.some((line) => line.includes('"synthesis.corrupt"'))).toBe(true)
			expect(lines.some((line) => line.includes('http.unexpected_error'))).toBe(false)
			expect(await readFile(file, 'utf8')).toBe(text)
		},
	)
})
