import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ConsolidationModel } from '../../shared/consolidation/model.ts'
import { freePort } from '../helpers/server-process.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from '../helpers/test-server.ts'
import { seriousViolations } from './axe.ts'
import { artifactsDir, launchBrowser, screenshot as viewport, Watch } from './browser.ts'

const run = promisify(execFile)

/** The page from its top, and the whole of it (the helper shows the viewport only). */
const screenshot = async (page: Page, name: string) => {
	await page.evaluate(() => window.scrollTo(0, 0))
	await viewport(page, name)
	await page.screenshot({ path: path.join(artifactsDir, `${name}-full.png`), fullPage: true })
}

/**
 * What became of my contribution (SPEC M1–M6), as people live it: a participant writes two notes
 * on the phone view; the facilitator merges one into another participant's note and groups that
 * into a recommendation; a national synthesis of this server retains it. The participant's page
 * follows every step live; another participant's page shows none of it.
 */
let browser: Browser
let server: TestServer
let base: string
let workshop: CreatedWorkshop
/** Bastien's note, which absorbs Aurélie's and is grouped into the recommendation. */
let bobNote = ''
const watch = new Watch()

beforeAll(async () => {
	const port = await freePort()
	base = `http://127.0.0.1:${port}`
	server = await startTestServer({ port, host: '127.0.0.1', publicUrl: base })
	browser = await launchBrowser()
	workshop = await createWorkshop(server, { title: 'Concertation Creuse', territory: 'Creuse', date: '2026-12-03' })
})

afterAll(async () => {
	await browser?.close()
	await server?.dispose()
})

const call = async (path: string, token: string, body?: unknown, method?: string) => {
	const response = await server.api(`/api/workshops/${workshop.id}${path}`, { token, body, method })
	const json = (await response.json()) as Record<string, unknown>
	if (response.status >= 400) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
	return json
}

test('[M1][M2][M3][M6][Y1] a participant follows two notes to a national recommendation; another participant sees neither', async () => {
	const facilitator = workshop.tokens.facilitator
	const alice = await joinWorkshop(server, workshop, 'Aurélie', 'assos-benevoles')
	const bob = await joinWorkshop(server, workshop, 'Bastien', 'etat')
	await call('/phase', facilitator, { index: 5 })
	bobNote = (
		(await call('/contributions', bob.token, {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			text: 'Des conventions pluriannuelles pour toutes les associations',
		})) as { contribution: { id: string } }
	).contribution.id

	// Aurélie, on her phone, writes two notes in the light view.
	const phone = await watch
		.observe(await browser.newContext({ viewport: { width: 360, height: 760 }, isMobile: true, hasTouch: true }))
		.newPage()
	await phone.goto(`${base}/p/${workshop.id}#token=${alice.token}`)
	for (const text of ['Un fonds de trésorerie mutualisé', 'Des financements sur trois ans']) {
		await phone.getByRole('button', { name: 'Ajouter une contribution' }).first().click()
		await phone.getByLabel('Description de la proposition').fill(text)
		await phone.getByRole('button', { name: 'Enregistrer' }).click()
		await phone.locator('.contribution-list').getByText(text, { exact: true }).waitFor()
	}
	// From the light view to her page.
	await phone.getByRole('link', { name: 'Ce que deviennent mes contributions' }).click()
	await phone.getByRole('heading', { name: 'Ce que sont devenues mes contributions' }).waitFor()
	const item = (text: string) => phone.locator('.trail-item').filter({ hasText: text })
	await expect.poll(() => phone.locator('.trail-item').count()).toBe(2)
	expect(await item('Un fonds de trésorerie mutualisé').locator('.fate').textContent()).toBe('Gardée telle quelle')
	expect(await item('Des financements sur trois ans').locator('.fate').textContent()).toBe('Gardée telle quelle')
	await screenshot(phone, 'trail-360-fr-before')

	// M6: the facilitator merges her second note into Bastien's: her open page follows.
	const mine = (await call('/contributions/mine', alice.token)) as { ids: string[] }
	const byText = async (text: string) => {
		const workshopView = (await call('/export?format=json', facilitator)) as unknown as ConsolidationModel
		return workshopView.annex.find((contribution) => contribution.text === text)?.id ?? ''
	}
	const second = await byText('Des financements sur trois ans')
	expect(mine.ids).toContain(second)
	await call(`/contributions/${bobNote}/merge`, facilitator, { sources: [second] })
	await item('Des financements sur trois ans').locator('.fate', { hasText: 'Fusionnée' }).waitFor()
	expect(await item('Des financements sur trois ans').locator('.trail-merges').textContent()).toContain(
		'Fusionnée dans « Des conventions pluriannuelles pour toutes les associations »',
	)
	// The vote and the consensus check, revealed: the page shows the results as the documents do.
	const voters = [
		alice,
		bob,
		await joinWorkshop(server, workshop, 'Capucine', 'assos-salaries'),
		await joinWorkshop(server, workshop, 'Hugo', 'tetes-de-reseau'),
		await joinWorkshop(server, workshop, 'Désiré', 'etat'),
		await joinWorkshop(server, workshop, 'Inès', 'collectivites'),
	]
	const first = await byText('Un fonds de trésorerie mutualisé')
	await call('/vote/open', facilitator, { budget: 3, maxPerProposal: 2, banOwn: false, anonymous: true, minutes: 10 })
	await call('/phase', facilitator, { index: 6 })
	for (const [index, voter] of voters.entries()) {
		await call('/vote/ballot', voter.token, { allocation: index < 5 ? { [bobNote]: 2, [first]: 1 } : { [first]: 2 } })
	}
	await call('/vote/close', facilitator, {})
	await call('/vote/reveal', facilitator, {})
	await item('Un fonds de trésorerie mutualisé').getByText('Au vote : 2e sur 2 propositions.').waitFor()
	await call('/consensus/open', facilitator, { proposals: [bobNote], minutes: 10 })
	await call('/phase', facilitator, { index: 7 })
	for (const [index, voter] of voters.entries()) {
		await call('/consensus/answer', voter.token, {
			answers: { [bobNote]: { answer: index === 3 ? 'unsure' : 'agree', why: null } },
		})
	}
	await call('/consensus/close', facilitator, {})
	await call('/consensus/reveal', facilitator, {})
	// … and groups that note into a recommendation.
	await call('/phase', facilitator, { index: 8 })
	const recommendation = (
		(await call('/contributions', facilitator, {
			type: 'recommandation',
			zone: 'recommandations',
			title: 'Sécuriser les financements dans la durée',
			text: 'Généraliser les conventions pluriannuelles d’objectifs',
			sources: [bobNote],
		})) as { contribution: { id: string } }
	).contribution.id
	await item('Des financements sur trois ans')
		.getByRole('heading', { name: 'Recommandation « Sécuriser les financements dans la durée »' })
		.waitFor()
	expect(await item('Un fonds de trésorerie mutualisé').locator('.fate').textContent()).toBe('Gardée telle quelle')
	const grouped = item('Des financements sur trois ans').locator('.trail-recommendation')
	expect(await grouped.textContent()).toContain('Soutenue par 5 personnes sur 6 votant·es (10 points).')
	expect(await grouped.textContent()).toContain('Associations : 3 sur 3 · Financeurs : 2 sur 3')
	expect(await grouped.textContent()).toContain('Consensuel — d’accord : 5, ne sait pas : 1, pas d’accord : 0')

	// A national synthesis of this server retains the recommendation, with another territory.
	const exported = (await call('/export?format=json', facilitator)) as unknown as ConsolidationModel
	const correze = {
		...exported,
		context: { ...exported.context, title: 'Concertation Corrèze', territory: 'Corrèze', workshop: null },
	}
	const created = await server.api('/api/syntheses', {
		body: {
			title: 'Plaidoyer national 2027',
			workshops: [{ id: workshop.id, token: facilitator }],
			exports: [correze],
		},
	})
	const synthesis = (await created.json()) as { id: string; editKey: string }
	const confirmed = await server.api(`/api/syntheses/${synthesis.id}/groups`, {
		method: 'PUT',
		headers: { 'x-synthesis-key': synthesis.editKey },
		body: {
			groups: [
				{
					id: 'national-1',
					label: 'Des financements pluriannuels partout en France',
					members: [
						{ source: 0, recommendation },
						{ source: 1, recommendation },
					],
				},
			],
		},
	})
	expect(confirmed.status).toBe(200)
	await phone.reload()
	const national = item('Des financements sur trois ans').locator('.trail-national')
	await national.waitFor()
	expect(await national.textContent()).toContain('Remontée nationale — « Plaidoyer national 2027 »')
	expect(await national.textContent()).toContain('Des financements pluriannuels partout en France')
	expect(await national.textContent()).toContain('Retenue dans 2 territoires sur 2')
	// The note kept on its own fed nothing national.
	expect(await item('Un fonds de trésorerie mutualisé').locator('.trail-national').count()).toBe(0)
	expect(await seriousViolations(phone)).toEqual([])
	// The phone loaded no canvas code (K13).
	const scripts = await phone.evaluate(() =>
		performance.getEntriesByType('resource').map((entry) => entry.name.replace(/^.*\//, '')),
	)
	expect(scripts.filter((name) => /mount-canvas|tldraw|react/i.test(name))).toEqual([])
	await screenshot(phone, 'trail-360-fr')

	// The same page at 1366 px, then in English.
	const laptop = await watch.observe(await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage()
	await laptop.goto(`${base}/suivi/${workshop.id}#token=${alice.token}`)
	await laptop.locator('.trail-national').waitFor()
	expect(await seriousViolations(laptop)).toEqual([])
	await screenshot(laptop, 'trail-1366-fr')
	await laptop.getByLabel('Langue').selectOption('en')
	await laptop.getByRole('heading', { name: 'What became of my contributions' }).waitFor()
	expect(await laptop.locator('.trail-national').textContent()).toContain('Retained in 2 of 2 territories')
	// Every sentence follows the language, figures included.
	expect(await laptop.locator('.trail-item').first().textContent()).toContain(
		'In the vote: ranked 2 of 2 proposals. Supported by 6 of 6 voters (7 dots).',
	)
	expect(await laptop.locator('.trail-main').textContent()).not.toMatch(/Soutenue|Retenue|Fusionnée|Gardée/)
	await screenshot(laptop, 'trail-1366-en')

	// Bastien's page: his note, grouped; none of Aurélie's words.
	const other = await watch.observe(await browser.newContext({ viewport: { width: 360, height: 760 } })).newPage()
	await other.goto(`${base}/suivi/${workshop.id}#token=${bob.token}`)
	await other.getByRole('heading', { name: 'Ce que sont devenues mes contributions' }).waitFor()
	await expect.poll(() => other.locator('.trail-item').count()).toBe(1)
	const shown = (await other.locator('.trail-sheet').textContent()) ?? ''
	expect(shown).toContain('Des conventions pluriannuelles pour toutes les associations')
	expect(shown).not.toContain('Un fonds de trésorerie mutualisé')
	expect(shown).not.toContain('Des financements sur trois ans')

	// The board shows the code in its closing zone (no token in it: the scanning device's own
	// session opens the page), and its menu links the page.
	const board = await watch.observe(await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage()
	await board.goto(`${base}/b/${workshop.id}#token=${bob.token}`)
	const code = board.locator('.tablee-zone[data-zone="meteo"] [data-trail-qr]')
	await code.waitFor({ state: 'attached', timeout: 30_000 })
	expect(await code.getAttribute('data-trail-qr')).toBe(`${base}/suivi/${workshop.id}`)
	await board.locator('.board-actions').getByRole('button', { name: 'Menu' }).click()
	const menuLink = board.getByRole('link', { name: 'Ce que deviennent mes contributions' })
	expect(await menuLink.getAttribute('href')).toBe(`/suivi/${workshop.id}`)
	await menuLink.click()
	await board.getByRole('heading', { name: 'Ce que sont devenues mes contributions' }).waitFor()

	expect(watch.externalRequests).toEqual([])
	expect(watch.pageErrors).toEqual([])
}, 120_000)

test('[M5][Y1] the facilitator prints a one-page sheet for a participant on paper, and one for the whole table', async () => {
	const facilitator = workshop.tokens.facilitator
	const edwige = (await call('/participants/paper', facilitator, {
		name: 'Edwige',
		college: 'protection-sociale',
	})) as {
		participantId: string
	}
	const gaspard = (await call('/participants/paper', facilitator, { name: 'Gaspard', college: 'assos-salaries' })) as {
		participantId: string
	}
	await call('/phase', facilitator, { index: 5 })
	// The facilitator, on a phone, copies Edwige's first card: "Au nom de" makes it hers.
	const phone = await watch
		.observe(await browser.newContext({ viewport: { width: 360, height: 760 }, isMobile: true, hasTouch: true }))
		.newPage()
	await phone.goto(`${base}/p/${workshop.id}#token=${facilitator}`)
	// The form follows the phase: wait for it before asking for a proposal.
	await phone.getByText('Phase : Propositions').waitFor()
	await phone.getByRole('button', { name: 'Ajouter une contribution' }).first().click()
	const firstCard = 'Un interlocuteur unique à la CAF pour les petites associations du territoire'
	await phone.getByLabel('Description de la proposition').fill(firstCard)
	await phone.getByLabel('Au nom de').selectOption({ label: 'Edwige (sur papier)' })
	await phone.getByLabel('Description de la proposition').scrollIntoViewIfNeeded()
	await viewport(phone, 'trail-write-for-paper-360-fr')
	await phone.getByRole('button', { name: 'Enregistrer' }).click()
	await phone.locator('.contribution-list').getByText(firstCard, { exact: true }).waitFor()
	await phone.context().close()
	const written: string[] = ['']
	for (const text of [
		'Des conventions de trois ans, signées avant l’été',
		'Former les bénévoles trésoriers aux demandes de financement',
	]) {
		const made = await call('/contributions', facilitator, {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			text,
			onBehalfOf: edwige.participantId,
		})
		written.push((made.contribution as { id: string }).id)
	}
	// Gaspard wrote a lot: the whole table's sheet must still be one page.
	for (let index = 1; index <= 10; index++) {
		await call('/contributions', facilitator, {
			type: 'proposition',
			zone: 'propositions',
			column: 'associations',
			text: `Idée ${index} de Gaspard : mutualiser un poste de gestionnaire administratif entre plusieurs petites associations du même canton, financé à parts égales par les financeurs publics du territoire pendant trois ans au moins`,
			onBehalfOf: gaspard.participantId,
		})
	}
	// One of them joins Bastien's note, grouped into the recommendation the synthesis retained.
	await call(`/contributions/${bobNote}/merge`, facilitator, { sources: [written[1]] })
	const page = await watch.observe(await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage()
	// The console lists the sheets; each opens in a page of its own.
	await page.goto(workshop.links.facilitator)
	const sheets = page.getByRole('region', { name: 'Ce que deviennent les contributions' })
	await sheets.getByRole('link', { name: 'Fiche à imprimer : Edwige' }).waitFor()
	expect(await sheets.locator('svg.qr').getAttribute('data-qr-value')).toBe(`${base}/suivi/${workshop.id}`)
	await screenshot(page, 'trail-console-1366-fr')
	await page.goto(
		`${base}${await sheets.getByRole('link', { name: 'Fiche à imprimer : Edwige' }).getAttribute('href')}`,
	)
	await page.getByRole('heading', { name: 'Edwige : ce que sont devenues vos contributions' }).waitFor()
	await expect.poll(() => page.locator('.trail-item').count()).toBe(3)
	await page.locator('.trail-national').waitFor()
	expect(await seriousViolations(page)).toEqual([])
	await screenshot(page, 'trail-paper-1366-fr')
	await mkdir(artifactsDir, { recursive: true })
	const pdf = await page.pdf({ format: 'A4', printBackground: true })
	const file = path.join(artifactsDir, 'trail-paper-sheet.pdf')
	await writeFile(file, pdf)
	const pages = await run('pdfinfo', [file])
	expect(pages.stdout).toMatch(/Pages:\s+1\n/)

	await page.goto(`${base}/suivi/${workshop.id}?papier=table`)
	await page.getByRole('heading', { name: 'Table papier : ce que sont devenues vos contributions' }).waitFor()
	expect(await page.locator('.trail-sheet').textContent()).toContain('Edwige, Gaspard')
	await expect.poll(() => page.locator('.trail-item').count()).toBe(13)
	const table = path.join(artifactsDir, 'trail-table-sheet.pdf')
	await writeFile(table, await page.pdf({ format: 'A4', printBackground: true }))
	expect((await run('pdfinfo', [table])).stdout).toMatch(/Pages:\s+1\n/)
	// The facilitator's own page: no participant can open it (they are the facilitator), and it
	// offers no code of their token — which opens the console — since it may be on the projector.
	await page.goto(`${base}/suivi/${workshop.id}`)
	await page.getByRole('heading', { name: 'Ce que sont devenues mes contributions' }).waitFor()
	expect(await page.locator('.trail-private').textContent()).toBe(
		'Cette page n’est visible que par vous : aucun·e participant·e ne peut l’ouvrir.',
	)
	expect(await page.getByText('Ouvrir cette page sur un autre appareil').count()).toBe(0)
	expect(await page.locator('svg.qr').count()).toBe(0)
	expect(watch.pageErrors).toEqual([])
}, 60_000)

test('[M4][D3] once the names are removed, a phone of before is told why, and no longer offered a page', async () => {
	const facilitator = workshop.tokens.facilitator
	const celestin = await joinWorkshop(server, workshop, 'Célestin', 'assos-benevoles')
	await call('/phase', facilitator, { index: 9 })
	const phone = await watch
		.observe(await browser.newContext({ viewport: { width: 360, height: 760 }, isMobile: true, hasTouch: true }))
		.newPage()
	await phone.goto(`${base}/p/${workshop.id}#token=${celestin.token}`)
	await phone.getByRole('region', { name: 'Et ensuite ?' }).waitFor()
	await call('/anonymise', facilitator, {})
	// The light view follows the control document: the page of one's contributions is gone from it.
	await expect.poll(() => phone.getByRole('link', { name: 'Ce que deviennent mes contributions' }).count()).toBe(0)
	await phone.goto(`${base}/suivi/${workshop.id}`)
	const refusal = phone.getByRole('alert')
	await refusal.waitFor()
	expect(await refusal.textContent()).toContain('Les noms de cet atelier ont été retirés')
	await screenshot(phone, 'trail-360-fr-names-removed')
	await phone.getByLabel('Langue').selectOption('en')
	await phone.getByRole('alert').getByText('The names of this workshop were removed', { exact: false }).waitFor()
	expect(watch.pageErrors).toEqual([])
}, 60_000)
