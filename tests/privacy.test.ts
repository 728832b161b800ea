import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, describe, expect, test } from 'vitest'
import { CloseCode } from '../shared/protocol/close-codes.ts'
import { readContributions, readMeta, readParticipants, readResults } from '../shared/workshop/control-document.ts'
import { createLogger } from '../server/logger.ts'
import type { Clock } from '../server/privacy/retention.ts'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { FaultyStore } from './helpers/faulty-store.ts'
import { FACILITATOR_NAME, PAPER_NAME, PEOPLE, runWorkshop } from './helpers/full-workshop.ts'
import type { TestServer } from './helpers/test-server.ts'
import {
	connect,
	createWorkshop,
	nextClose,
	startTestServer,
	synced,
	testConfig,
	waitFor,
} from './helpers/test-server.ts'

const servers: TestServer[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) cleanup()
	for (const server of servers.splice(0)) await server.dispose()
})

async function start(...args: Parameters<typeof startTestServer>) {
	const server = await startTestServer(...args)
	servers.push(server)
	return server
}

const allNames = [...PEOPLE.map((person) => person.name), PAPER_NAME, FACILITATOR_NAME]
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

describe('[D1] deleting a workshop', () => {
	test('[D1] the facilitator deletes: sockets close with 4410, files go, tokens stop working, syntheses keep their copy', async () => {
		const server = await start()
		const run = await runWorkshop(server.api)
		const { workshop } = run
		const alice = run.people[0]
		if (!alice) throw new Error('no participant')
		const upload = await fetch(`${server.url}/api/workshops/${workshop.id}/assets`, {
			method: 'POST',
			headers: { authorization: `Bearer ${alice.token}` },
			body: png,
		})
		const { src } = (await upload.json()) as { src: string }
		const synthesis = (await (
			await server.api('/api/syntheses', {
				body: { title: 'Synthèse', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
			})
		).json()) as { id: string; synthesis: { territories: unknown[]; groups: unknown[] } }
		expect(JSON.stringify(synthesis)).not.toContain(PEOPLE[0].name)

		const board = connect(server.wsUrl, workshop.id, alice.token)
		const control = connect(server.wsUrl, `${workshop.id}/control`, alice.token)
		cleanups.push(
			() => board.destroy(),
			() => control.destroy(),
		)
		await Promise.all([synced(board), synced(control)])
		const closes = [nextClose(board), nextClose(control)]

		// Participants and a wrong token may not delete.
		const del = (headers: { token?: string; headers?: Record<string, string> }) =>
			server.api(`/api/workshops/${workshop.id}`, { method: 'DELETE', ...headers })
		expect((await del({ token: alice.token })).status).toBe(403)
		expect((await del({})).status).toBe(401)
		expect(existsSync(path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`))).toBe(true)

		const deleted = await del({ token: workshop.tokens.facilitator })
		expect(deleted.status).toBe(200)
		expect(await deleted.json()).toEqual({ deleted: workshop.id })
		expect(await Promise.all(closes)).toEqual([
			{ code: CloseCode.workshopDeleted, reason: 'workshop deleted' },
			{ code: CloseCode.workshopDeleted, reason: 'workshop deleted' },
		])
		// Everything is gone from the disk.
		expect(await readdir(path.join(server.config.dataDir, 'workshops'))).toEqual([])
		expect(existsSync(path.join(server.config.dataDir, 'assets', workshop.id))).toBe(false)
		expect(await readdir(path.join(server.config.dataDir, 'deletions'))).toEqual([])
		expect((await fetch(`${server.url}${src}`)).status).toBe(404)
		// Every token of the workshop now finds nothing.
		for (const token of [workshop.tokens.facilitator, workshop.tokens.participant, alice.token]) {
			const answer = await server.api(`/api/workshops/${workshop.id}`, { token })
			expect(answer.status).toBe(404)
			expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('workshop_not_found')
		}
		const late = connect(server.wsUrl, workshop.id, alice.token)
		cleanups.push(() => late.destroy())
		expect((await nextClose(late)).code).toBe(CloseCode.unknownWorkshop)
		expect((await del({ token: workshop.tokens.facilitator })).status).toBe(404)

		// The synthesis keeps its figures and says the source was deleted.
		const kept = (await (await server.api(`/api/syntheses/${synthesis.id}`)).json()) as {
			synthesis: { territories: { source: unknown }[]; groups: unknown[] }
			deletedSources: { source: number; deletedAt: string }[]
		}
		expect(kept.synthesis.groups).toEqual(synthesis.synthesis.groups)
		expect(synthesis.synthesis.territories[0]).toMatchObject({ source: { status: 'here' } })
		expect(kept.synthesis.territories[0]).toMatchObject({
			source: { status: 'deleted', deletedAt: expect.any(String) },
		})
		expect(kept.deletedSources).toEqual([{ source: 0, deletedAt: expect.any(String) }])
	})

	test('[D1] every synthesis export says which source workshop was deleted, and that another server’s cannot be known', async () => {
		const server = await start()
		const run = await runWorkshop(server.api, { territory: 'Creuse' })
		const { workshop } = run
		const exported = (await (
			await server.api(`/api/workshops/${workshop.id}/export?format=json`, { token: workshop.tokens.facilitator })
		).json()) as { context: Record<string, unknown> & { workshop: { id: string; server: string } } }
		expect(exported.context.workshop).toEqual({ id: workshop.id, server: server.config.publicUrl })
		const variant = (territory: string, workshopRef: unknown) => {
			const copy = structuredClone(exported)
			copy.context.territory = territory
			if (workshopRef === undefined) delete (copy.context as Record<string, unknown>).workshop
			else copy.context.workshop = workshopRef as { id: string; server: string }
			return copy
		}
		const created = (await (
			await server.api('/api/syntheses', {
				body: {
					title: 'Synthèse nationale',
					// Uploaded: the same workshop's own export, another server's, and one that names no workshop.
					exports: [
						variant('Creuse (fichier)', exported.context.workshop),
						variant('Corrèze', { id: 'abcdefghijkl', server: 'https://tablee.autre.example' }),
						variant('Haute-Vienne', undefined),
					],
					workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }],
				},
			})
		).json()) as { id: string }
		expect(
			(await server.api(`/api/workshops/${workshop.id}`, { method: 'DELETE', token: workshop.tokens.facilitator }))
				.status,
		).toBe(200)

		const view = (await (await server.api(`/api/syntheses/${created.id}`)).json()) as {
			synthesis: { territories: { territory: string; source: { status: string } }[] }
		}
		expect(view.synthesis.territories.map((territory) => [territory.territory, territory.source.status])).toEqual([
			['Creuse (fichier)', 'deleted'],
			['Corrèze', 'elsewhere'],
			['Haute-Vienne', 'unknown'],
			['Creuse', 'deleted'],
		])
		const exportOf = (query: string) => server.api(`/api/syntheses/${created.id}/export?${query}`)
		const french = [
			'Creuse : l’atelier source a été supprimé de ce serveur le',
			'Cette synthèse garde sa propre copie de ses résultats consolidés',
			'Provenance des territoires',
			'export d’un atelier d’un autre serveur (https://tablee.autre.example) : s’il y a été supprimé depuis, ce serveur ne peut pas le savoir',
			'export qui ne nomme pas son atelier : ce serveur ne peut pas savoir s’il existe encore',
			'Creuse (atelier supprimé)',
		]
		const english = [
			'Creuse: the source workshop was deleted from this server on',
			'This synthesis keeps its own copy of its consolidated results',
			'Where the territories come from',
			'export of a workshop of another server (https://tablee.autre.example): whether it was deleted there since cannot be known here',
			'export that names no workshop: whether it still exists cannot be known here',
			'Creuse (workshop deleted)',
		]
		const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ')
		const markdown = plain(await (await exportOf('format=md')).text())
		const html = plain(await (await exportOf('format=html')).text())
		const markdownEn = plain(await (await exportOf('format=md&lang=en')).text())
		const htmlEn = plain(await (await exportOf('format=html&lang=en')).text())
		const docxText = async (query: string) => {
			const files = unzipSync(new Uint8Array(await (await exportOf(query)).arrayBuffer()))
			const xml = strFromU8(files['word/document.xml'] as Uint8Array)
			// Paragraph by paragraph, the text of its runs.
			return plain(xml.replace(/<\/w:p>/g, ' ').replace(/<[^>]+>/g, ''))
		}
		const pdfText = async (query: string) => {
			const { extractText, getDocumentProxy } = await import('unpdf')
			const pdf = await getDocumentProxy(new Uint8Array(await (await exportOf(query)).arrayBuffer()))
			// Lines are broken where the page breaks them: read them back as one text.
			return plain((await extractText(pdf, { mergePages: true })).text.replace(/-\n/g, '-'))
		}
		const documents: [string, string, string[]][] = [
			['Markdown', markdown, french],
			['HTML', html, french],
			['Word', await docxText('format=docx'), french],
			['PDF', await pdfText('format=pdf'), french],
			['Markdown (en)', markdownEn, english],
			['HTML (en)', htmlEn, english],
			['Word (en)', await docxText('format=docx&lang=en'), english],
			['PDF (en)', await pdfText('format=pdf&lang=en'), english],
		]
		for (const [format, text, sentences] of documents) {
			for (const sentence of sentences) expect(text, `${format}: ${sentence}`).toContain(sentence)
			// The notice comes first: before the summary of recommendations.
			expect(text.indexOf(sentences[0] ?? ''), format).toBeLessThan(
				text.indexOf(format.endsWith('(en)') ? 'Where the territories come from' : 'Provenance des territoires'),
			)
		}
		// The uploaded copy of the deleted workshop loses its authors' names with it; the others keep theirs.
		const model = (await (await exportOf('format=json')).json()) as {
			groups: { members: { ref: { source: number } }[] }[]
		}
		const membersOf = (source: number) =>
			JSON.stringify(model.groups.flatMap((group) => group.members.filter((member) => member.ref.source === source)))
		for (const source of [0, 3]) for (const name of allNames) expect(membersOf(source)).not.toContain(name)
		expect(membersOf(1)).toContain(PEOPLE[0].name)
		// Nor does the synthesis keep any of their names on disk (authors, facilitators).
		const stored = JSON.parse(
			await readFile(path.join(server.config.dataDir, 'syntheses', `${created.id}.json`), 'utf8'),
		) as { sources: unknown[] }
		for (const source of [0, 3]) {
			for (const name of allNames) expect(JSON.stringify(stored.sources[source])).not.toContain(name)
		}
	})

	test('[D1] the organiser key deletes too; a failing store deletes nothing and the workshop carries on', async () => {
		const dataDir = (await testConfig()).dataDir
		const store = new FaultyStore(await new LowdbStore(dataDir).open())
		const server = await start({ dataDir, organizerKey: 'cle-organisation-1234' }, { store })
		const headers = { 'x-organizer-key': 'cle-organisation-1234' }
		const workshop = await createWorkshop({
			api: (pathname, init) => server.api(pathname, { ...init, headers }),
		})
		const control = connect(server.wsUrl, `${workshop.id}/control`, workshop.tokens.facilitator)
		cleanups.push(() => control.destroy())
		await synced(control)

		store.failDeletes = 1
		const failed = await server.api(`/api/workshops/${workshop.id}`, { method: 'DELETE', headers })
		expect(failed.status).toBe(503)
		expect(existsSync(path.join(dataDir, 'deletions', `${workshop.id}.json`))).toBe(false)
		// Still there, still served, still saving.
		const join = await server.api(`/api/workshops/${workshop.id}/join`, {
			token: workshop.tokens.participant,
			body: { name: 'Après', college: 'etat' },
		})
		expect(join.status).toBe(201)
		expect(control.wsconnected).toBe(true)

		const wrongKey = await server.api(`/api/workshops/${workshop.id}`, {
			method: 'DELETE',
			headers: { 'x-organizer-key': 'wrong' },
		})
		expect(wrongKey.status).toBe(401)
		const closed = nextClose(control)
		expect((await server.api(`/api/workshops/${workshop.id}`, { method: 'DELETE', headers })).status).toBe(200)
		expect((await closed).code).toBe(4410)
		expect(await store.load(workshop.id)).toEqual({ ok: true, value: null })
	})
})

describe('[D3] anonymising a workshop', () => {
	test('[D3] "anonymiser maintenant": no name is left anywhere, stored or published, and the results read the same', async () => {
		const server = await start()
		const run = await runWorkshop(server.api)
		const { workshop } = run
		const exportJson = async () =>
			(await (
				await server.api(`/api/workshops/${workshop.id}/export?format=json`, { token: workshop.tokens.facilitator })
			).json()) as {
				recommendations: { support: unknown }[]
				context: { colleges: { id: string; participants: number }[]; voters: number }
				annex: { text: string; author: string | null }[]
			}
		const before = await exportJson()
		expect(JSON.stringify(before)).toContain(PEOPLE[0].name)
		const fileBefore = await readFile(path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`), 'utf8')
		const controlBefore = Buffer.from((JSON.parse(fileBefore) as { control: string }).control, 'base64')
		expect(controlBefore.toString('latin1')).toContain('Bastien Quorvath')

		const privacy = await server.api(`/api/workshops/${workshop.id}/privacy`, { token: workshop.tokens.participant })
		expect(await privacy.json()).toEqual({
			retentionDays: 365,
			anonymiseOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			anonymisedAt: null,
		})
		expect(
			(await server.api(`/api/workshops/${workshop.id}/anonymise`, { token: run.people[0]?.token, body: {} })).status,
		).toBe(403)
		const answer = await server.api(`/api/workshops/${workshop.id}/anonymise`, {
			token: workshop.tokens.facilitator,
			body: {},
		})
		expect(answer.status).toBe(200)
		const { anonymisedAt } = (await answer.json()) as { anonymisedAt: string }

		// Published: the control document a newcomer receives holds no name.
		const control = connect(server.wsUrl, `${workshop.id}/control`, workshop.tokens.facilitator)
		cleanups.push(() => control.destroy())
		await synced(control)
		await waitFor(() => readMeta(control.doc)?.anonymisedAt === anonymisedAt, 'anonymisation published')
		const published = JSON.stringify(control.doc.toJSON())
		for (const name of allNames) expect(published).not.toContain(name)
		expect(readResults(control.doc).ballots).toBeNull()
		expect([...readContributions(control.doc).values()].every((c) => c.authorName === null)).toBe(true)
		expect([...readParticipants(control.doc).values()].every((p) => p.anonymous)).toBe(true)

		// Stored: the file on disk holds none either (not even in Yjs's deleted content).
		const file = await readFile(path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`), 'utf8')
		const record = JSON.parse(file) as { board: string; control: string; serverOnly: unknown }
		const stored = `${file}${Buffer.from(record.control, 'base64').toString('latin1')}${Buffer.from(record.board, 'base64').toString('latin1')}`
		for (const name of allNames) {
			expect(stored).not.toContain(name)
			expect(stored).not.toContain(Buffer.from(name).toString('latin1'))
		}

		// The results read as before: participants per college, voters, support, every contribution.
		const after = await exportJson()
		for (const name of allNames) expect(JSON.stringify(after)).not.toContain(name)
		// (Now pseudonymous, the document also protects colleges too small to be shown alone.)
		expect(after.context.colleges.map((college) => college.id)).toEqual(before.context.colleges.map((c) => c.id))
		expect(after.context.voters).toBe(before.context.voters)
		expect(after.recommendations).toHaveLength(before.recommendations.length)
		expect(after.annex.map((item) => item.text)).toEqual(before.annex.map((item) => item.text))
		expect(after.annex.every((item) => item.author === null)).toBe(true)

		// Again: nothing changes, the first date stays; the console still works with its token.
		const again = await server.api(`/api/workshops/${workshop.id}/anonymise`, {
			token: workshop.tokens.facilitator,
			body: {},
		})
		expect(await again.json()).toEqual({ anonymisedAt })
		expect(
			(await server.api(`/api/workshops/${workshop.id}/privacy`, { token: workshop.tokens.facilitator })).status,
		).toBe(200)
	})
})

describe('[D4] erasure on request', () => {
	test('[D4] a participant removes their own name; the facilitator removes a paper participant’s; nobody removes another’s', async () => {
		const server = await start()
		const run = await runWorkshop(server.api)
		const { workshop } = run
		const [alice, bob] = run.people
		if (!alice || !bob) throw new Error('no participants')
		const erase = (who: string, token: string) =>
			server.api(`/api/workshops/${workshop.id}/participants/${who}/name`, { method: 'DELETE', token })

		expect((await erase(alice.participantId, bob.token)).status).toBe(403)
		expect((await erase('nobody00000000', workshop.tokens.facilitator)).status).toBe(404)

		// Alice is connected: her presence is stamped again without the name.
		const control = connect(server.wsUrl, `${workshop.id}/control`, alice.token)
		cleanups.push(() => control.destroy())
		await synced(control)
		const own = await erase(alice.participantId, alice.token)
		expect(own.status).toBe(200)
		expect(await own.json()).toEqual({
			participantId: alice.participantId,
			name: 'Associations – dirigeant·es bénévoles',
		})
		const paper = await erase(run.paper.participantId, workshop.tokens.facilitator)
		expect(paper.status).toBe(200)

		const view = connect(server.wsUrl, `${workshop.id}/control`, bob.token)
		cleanups.push(() => view.destroy())
		await synced(view)
		await waitFor(
			() => readParticipants(view.doc).get(run.paper.participantId)?.anonymous === true,
			'erasure published',
		)
		const published = JSON.stringify(view.doc.toJSON())
		expect(published).not.toContain(alice.name)
		expect(published).not.toContain(PAPER_NAME)
		expect(published).toContain(bob.name)
		// Her contribution stays, attributed to her college only; her ballot stays in the results.
		const mine = readContributions(view.doc).get(run.proposals[0] ?? '')
		expect(mine).toMatchObject({ text: 'Proposition numéro 1', college: alice.college, authorName: null })
		expect(readResults(view.doc).ballots).toHaveLength(PEOPLE.length + 1)
		const file = await readFile(path.join(server.config.dataDir, 'workshops', `${workshop.id}.json`), 'utf8')
		expect(file).not.toContain(alice.name)
		expect(file).not.toContain(PAPER_NAME)
		// She can go on: her token still works.
		expect((await server.api(`/api/workshops/${workshop.id}/contributions/mine`, { token: alice.token })).status).toBe(
			200,
		)
	})
})

/** A clock the test moves by hand: `after` timers fire when it passes their time. */
function manualClock(start: number): Clock & { advance(ms: number): void } {
	let now = start
	const timers: { at: number; run: () => void }[] = []
	return {
		now: () => now,
		after: (ms, run) => {
			const timer = { at: now + ms, run }
			timers.push(timer)
			return () => timers.splice(timers.indexOf(timer), 1)
		},
		advance(ms) {
			now += ms
			for (const timer of timers.filter((candidate) => candidate.at <= now)) {
				timers.splice(timers.indexOf(timer), 1)
				timer.run()
			}
		},
	}
}

describe('[D2] retention', () => {
	test('[D2] at start and then daily, workshops past RETENTION_DAYS lose their names, logged without them', async () => {
		const dataDir = (await testConfig()).dataDir
		const first = await start({ dataDir, logLevel: 'silent' })
		const old = await runWorkshop(first.api, { date: '2026-01-10' })
		const recent = await runWorkshop(first.api, { date: '2026-03-01' })
		const undated = await createWorkshop(first, { title: 'Sans date' })
		await first.close()
		servers.splice(servers.indexOf(first), 1)

		// A restart on 2026-03-30 with 30 days of retention: the January workshop is due.
		const lines: string[] = []
		const clock = manualClock(Date.parse('2026-03-30T12:00:00Z'))
		const server = await start(
			{ dataDir, retentionDays: 30 },
			{ clock, logger: createLogger('info', (line) => lines.push(line)) },
		)
		await waitFor(() => lines.some((line) => line.includes('privacy.retention_sweep')), 'sweep at start')
		const metaOf = async (id: string, token: string) => {
			const provider = connect(server.wsUrl, `${id}/control`, token)
			cleanups.push(() => provider.destroy())
			await synced(provider)
			return { meta: readMeta(provider.doc), json: JSON.stringify(provider.doc.toJSON()) }
		}
		const oldNow = await metaOf(old.workshop.id, old.workshop.tokens.facilitator)
		expect(oldNow.meta?.anonymisedAt).toBe('2026-03-30T12:00:00.000Z')
		for (const name of allNames) expect(oldNow.json).not.toContain(name)
		expect((await metaOf(recent.workshop.id, recent.workshop.tokens.facilitator)).json).toContain(PEOPLE[0].name)

		// The console shows the day.
		const privacy = await server.api(`/api/workshops/${recent.workshop.id}/privacy`, {
			token: recent.workshop.tokens.facilitator,
		})
		expect(await privacy.json()).toMatchObject({ retentionDays: 30, anonymiseOn: '2026-03-31', anonymisedAt: null })

		// A day later the daily sweep takes the March workshop; the one created today waits.
		lines.length = 0
		clock.advance(24 * 60 * 60 * 1000)
		await waitFor(() => lines.some((line) => line.includes('privacy.retention_sweep')), 'daily sweep')
		const sweep = JSON.parse(lines.find((line) => line.includes('privacy.retention_sweep')) ?? '{}') as Record<
			string,
			unknown
		>
		expect(sweep).toMatchObject({ retentionDays: 30, checked: 3, anonymised: 1, failed: 0 })
		expect(lines.filter((line) => line.includes('privacy.anonymised'))).toHaveLength(1)
		expect((await metaOf(recent.workshop.id, recent.workshop.tokens.facilitator)).meta?.anonymisedAt).toBe(
			'2026-03-31T12:00:00.000Z',
		)
		expect((await metaOf(undated.id, undated.tokens.facilitator)).meta?.anonymisedAt).toBeUndefined()
		for (const name of allNames) expect(lines.join('\n')).not.toContain(name)
	})
})
