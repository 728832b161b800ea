import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'
import { seriousViolations } from './axe.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/**
 * Accessibility outside the canvas (SPEC Y1–Y6): axe-core's WCAG 2.1 AA rules on every page but
 * the canvas, the light view driven with the keyboard alone, reflow at 320 px and 200 % text,
 * the accessibility statement linked from every page. Condition waits only.
 */
let browser: Browser
let server: TestServer
let base: string
const watch = new Watch()
const contexts: BrowserContext[] = []
const pages: Record<string, Page> = {}

const desktop = { width: 1280, height: 800 }
const phone = { width: 360, height: 740 }

beforeAll(async () => {
	const port = await freePort()
	base = `http://127.0.0.1:${port}`
	server = await startTestServer({
		port,
		host: '127.0.0.1',
		publicUrl: base,
		accessibilityContact: 'accessibilite@example.org',
	})
	browser = await launchBrowser()
})

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => undefined)
	await browser?.close()
	await server?.dispose()
})

afterEach(async (context) => {
	if (context.task.result?.state !== 'fail') return
	for (const [name, page] of Object.entries(pages)) {
		if (!page.isClosed()) await screenshot(page, `failed-a11y-${name}`).catch(() => undefined)
	}
})

async function person(name: string, viewport: { width: number; height: number }): Promise<Page> {
	const context = watch.observe(await browser.newContext({ viewport }))
	contexts.push(context)
	const page = await context.newPage()
	pages[name] = page
	return page
}

async function call(workshop: CreatedWorkshop, path: string, body?: unknown) {
	const response = await server.api(`/api/workshops/${workshop.id}${path}`, {
		token: workshop.tokens.facilitator,
		body: body ?? {},
	})
	expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300)
	return response.json()
}

/** Agenda indexes in the default template. */
const phases = { propositions: 5, vote: 6, consensus: 7 }

async function expectNoSeriousViolation(page: Page, what: string, exclude: string[] = []) {
	expect(await seriousViolations(page, exclude), what).toEqual([])
}

describe('axe-core, WCAG 2.1 AA, outside the canvas', () => {
	test('[Y1] the lobby, the join page and the console have no serious or critical violation', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Creuse' })
		for (const [viewport, suffix] of [
			[desktop, '1280'],
			[phone, '360'],
		] as const) {
			const page = await person(`pages-${suffix}`, viewport)
			await page.goto(`${base}/`)
			await page.getByRole('heading', { level: 1 }).first().waitFor()
			await expectNoSeriousViolation(page, `lobby ${suffix}`)
			await page.goto(workshop.links.participant)
			await page.getByLabel('Votre nom ou prénom').waitFor()
			await expectNoSeriousViolation(page, `join ${suffix}`)
			await page.goto(workshop.links.facilitator)
			await page.locator('.facilitator-panel').waitFor()
			await expectNoSeriousViolation(page, `console ${suffix}`)
			await screenshot(page, `a11y-console-${suffix}`)
		}
		expect(watch.pageErrors).toEqual([])
	}, 120_000)

	test('[Y1] the light view, with a vote open then its results shown, has no serious or critical violation', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Corrèze' })
		await call(workshop, '/phase', { index: phases.propositions })
		for (const title of ['Un guichet unique départemental', 'Des conventions pluriannuelles'])
			await call(workshop, '/contributions', {
				type: 'proposition',
				zone: 'propositions',
				column: 'financeurs',
				title,
				text: title,
			})
		const page = await person('light', phone)
		await page.goto(workshop.links.participant)
		await page.getByLabel('Votre nom ou prénom').fill('Bob')
		await page.getByLabel('Financeurs publics – État').check()
		await page.getByLabel('Vue légère (téléphone)').check()
		await page.getByRole('button', { name: 'Entrer' }).click()
		await page.locator('.light-zone').first().waitFor()
		await expectNoSeriousViolation(page, 'light view')

		await call(workshop, '/phase', { index: phases.vote })
		await call(workshop, '/vote/open', {
			budget: 5,
			maxPerProposal: 3,
			banOwn: false,
			anonymous: true,
			equalWeight: false,
			minutes: 10,
		})
		await page.locator('.ballot li', { hasText: 'Un guichet unique' }).waitFor()
		await expectNoSeriousViolation(page, 'light view, vote open')
		await call(workshop, '/vote/close')
		await call(workshop, '/vote/reveal')
		await page.locator('.results-chart, .poll-results').first().waitFor()
		await expectNoSeriousViolation(page, 'light view, results shown')
		await screenshot(page, 'a11y-light-results-360')
		expect(watch.pageErrors).toEqual([])
	}, 120_000)

	test('[Y1] the synthesis page and the HTML document have no serious or critical violation', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Lozère', territory: 'Lozère' })
		await call(workshop, '/contributions', {
			type: 'recommandation',
			zone: 'recommandations',
			title: 'Sécuriser les financements',
			text: 'Conventions pluriannuelles',
		})
		const created = await server.api('/api/syntheses', {
			body: { title: 'Synthèse Occitanie', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
		})
		expect(created.status).toBe(201)
		const synthesis = (await created.json()) as { id: string }
		const page = await person('synthesis', desktop)
		await page.goto(`${base}/s/${synthesis.id}`)
		await page.getByRole('heading', { name: 'Synthèse Occitanie' }).waitFor()
		await expectNoSeriousViolation(page, 'synthesis page')

		for (const lang of ['fr', 'en']) {
			const exported = await server.api(`/api/workshops/${workshop.id}/export?format=html&lang=${lang}`, {
				token: workshop.tokens.facilitator,
			})
			expect(exported.status).toBe(200)
			await page.setContent(await exported.text())
			expect(await page.evaluate(() => document.documentElement.lang)).toMatch(new RegExp(`^${lang}\\b`))
			await page.getByRole('heading', { level: 1 }).first().waitFor()
			await expectNoSeriousViolation(page, `HTML export ${lang}`)
		}
	}, 120_000)
})
