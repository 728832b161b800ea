import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
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
	page.setDefaultTimeout(15_000)
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
		for (const title of [
			'Un guichet unique départemental',
			'Des conventions pluriannuelles pour toutes les associations',
		])
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
		// At 360 px a proposal's title wraps between words: none is cut across two lines.
		const cutWords = await page.locator('.results-head strong').evaluateAll((titles) =>
			titles.flatMap((title) => {
				const text = title.firstChild
				if (!text?.textContent) return []
				const cut: string[] = []
				for (const match of text.textContent.matchAll(/\S+/g)) {
					const range = document.createRange()
					range.setStart(text, match.index)
					range.setEnd(text, match.index + match[0].length)
					if (new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1) cut.push(match[0])
				}
				return cut
			}),
		)
		expect(cutWords).toEqual([])
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

/**
 * Presses Tab until `target` has focus (it is in the focus order, no trap on the way), then
 * checks that the focus is visible: an outline or a box shadow drawn around it.
 */
async function tabTo(page: Page, target: Locator, limit = 80) {
	for (let presses = 0; presses < limit; presses += 1) {
		if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) {
			const visible = await target.evaluate((element) => {
				const style = getComputedStyle(element)
				return (
					(style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'
				)
			})
			expect(visible, `focus visible on ${await target.evaluate((element) => element.outerHTML.slice(0, 120))}`).toBe(
				true,
			)
			return
		}
		await page.keyboard.press('Tab')
	}
	throw new Error(`never reached with Tab: ${target.toString()}`)
}

/** Tabs into a radio group (Tab stops on one radio of it), then arrows to the option named `name`. */
async function chooseRadio(page: Page, group: Locator, name: string) {
	const inGroup = () => group.evaluate((element) => element.contains(document.activeElement))
	for (let presses = 0; presses < 40 && !(await inGroup()); presses += 1) await page.keyboard.press('Tab')
	expect(await inGroup(), 'radio group reached with Tab').toBe(true)
	const wanted = group.getByRole('radio', { name, exact: true })
	for (let presses = 0; presses < 20 && !(await wanted.isChecked()); presses += 1)
		await page.keyboard.press('ArrowDown')
	expect(await wanted.isChecked()).toBe(true)
}

async function announced(page: Page, text: string) {
	await expect
		.poll(() => page.getByRole('status').filter({ hasText: text }).count(), { timeout: 10_000 })
		.toBeGreaterThan(0)
}

describe('the light view with the keyboard alone', () => {
	test('[Y2][K16] join, contribute, edit, move to another column, vote, answer the consensus check, see results; each change announced', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Cantal' })
		await call(workshop, '/phase', { index: phases.propositions })
		await call(workshop, '/contributions', {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			title: 'Des conventions pluriannuelles',
			text: 'Des conventions pluriannuelles',
		})
		const page = await person('keyboard', desktop)
		await page.goto(workshop.links.participant)
		await tabTo(page, page.getByRole('textbox', { name: 'Votre nom ou prénom' }))
		await page.keyboard.type('Chloé')
		await chooseRadio(page, page.getByRole('group', { name: 'Vous parlez au nom de…' }), 'Financeurs publics – État')
		await chooseRadio(
			page,
			page.getByRole('group', { name: /la vue légère est plus rapide/ }),
			'Vue légère (téléphone)',
		)
		await tabTo(page, page.getByRole('button', { name: 'Entrer' }))
		await page.keyboard.press('Enter')
		await page.waitForURL(/\/p\//)
		await page.locator('.light-zone').first().waitFor()

		// Contribute: the form opens with the focus in it.
		await tabTo(page, page.getByRole('button', { name: 'Ajouter une contribution' }).first())
		await page.keyboard.press('Enter')
		const form = page.locator('#light-form')
		await tabTo(page, form.getByRole('textbox', { name: 'Description de la proposition' }))
		await page.keyboard.type('Un guichet unique départemental')
		await tabTo(page, form.getByRole('button', { name: 'Enregistrer' }))
		await page.keyboard.press('Enter')
		await announced(page, 'Contribution envoyée')
		const card = page.locator('.contribution-card', { hasText: 'Un guichet unique' })
		await card.waitFor()

		// Edit and move to another column, without dragging.
		await tabTo(page, card.getByRole('button', { name: /^Modifier : Un guichet unique/ }))
		await page.keyboard.press('Enter')
		await tabTo(page, form.getByRole('textbox', { name: 'Description de la proposition' }))
		await page.keyboard.press('End')
		await page.keyboard.type(' pour les dossiers')
		const column = form.getByRole('combobox', { name: 'Colonne' })
		const before = await column.inputValue()
		await tabTo(page, column)
		await page.keyboard.press('ArrowDown')
		expect(await column.inputValue()).not.toBe(before)
		await tabTo(page, form.getByRole('button', { name: 'Enregistrer' }))
		await page.keyboard.press('Enter')
		await announced(page, 'Contribution déplacée')
		await page.locator('.contribution-card', { hasText: 'pour les dossiers' }).waitFor()

		// A refusal is said too: the zone locked while the form is open.
		const moved = page.locator('.contribution-card', { hasText: 'pour les dossiers' })
		await tabTo(page, moved.getByRole('button', { name: /^Modifier : / }))
		await page.keyboard.press('Enter')
		await call(workshop, '/zones/propositions/lock', { locked: true })
		await tabTo(page, form.getByRole('textbox', { name: 'Description de la proposition' }))
		await page.keyboard.type(' !')
		await tabTo(page, form.getByRole('button', { name: 'Enregistrer' }))
		await page.keyboard.press('Enter')
		// …in French, not in the server's English (K16).
		await page
			.getByRole('alert')
			.filter({ hasText: 'refusée par le serveur : l’animation a verrouillé cette zone' })
			.waitFor()
		await screenshot(page, 'a11y-light-refused-1280')
		await call(workshop, '/zones/propositions/lock', { locked: false })

		// Vote.
		await call(workshop, '/phase', { index: phases.vote })
		await call(workshop, '/vote/open', {
			budget: 5,
			maxPerProposal: 3,
			banOwn: false,
			anonymous: true,
			equalWeight: false,
			minutes: 10,
		})
		await tabTo(page, page.getByRole('button', { name: 'Ajouter un point à « Des conventions pluriannuelles »' }))
		await page.keyboard.press('Enter')
		await announced(page, 'Vote enregistré')
		await call(workshop, '/vote/close')
		await call(workshop, '/vote/reveal')

		// Consensus check.
		await call(workshop, '/phase', { index: phases.consensus })
		await call(workshop, '/consensus/open', {})
		const check = page.getByRole('region', { name: 'Test de consensus' })
		await check.waitFor()
		await tabTo(page, check.getByRole('radio').first())
		await page.keyboard.press('Space')
		await announced(page, 'Réponse enregistrée')
		await call(workshop, '/consensus/close')
		await call(workshop, '/consensus/reveal')

		// Results, as a region with a heading and a table.
		const results = page.getByRole('region', { name: 'Résultats' })
		await results.getByRole('heading', { name: 'Résultats' }).waitFor()
		expect(await results.textContent()).toContain('Des conventions pluriannuelles')
		await screenshot(page, 'a11y-light-keyboard-1280')
		expect(watch.pageErrors).toEqual([])
	}, 180_000)
})

/** Horizontal overflow of the page (0 when none), and the elements that stick out the furthest. */
async function expectNoOverflow(page: Page, what: string) {
	const found = await page.evaluate(() => {
		const width = document.documentElement.clientWidth
		const out = [...document.body.querySelectorAll('*')]
			.map((element) => ({ element, right: element.getBoundingClientRect().right }))
			.filter(({ right }) => right > width + 1)
			.sort((a, b) => b.right - a.right)
			.slice(0, 4)
			.map(({ element, right }) => `${element.tagName.toLowerCase()}.${element.className} → ${Math.round(right)}`)
		return { extra: document.documentElement.scrollWidth - width, out }
	})
	expect(found.extra, `${what}: ${found.out.join(', ')}`).toBeLessThanOrEqual(0)
}

/** Text at 200 %: the browser's text size doubled, the layout width unchanged. */
const doubleText = (page: Page) => page.addStyleTag({ content: 'html { font-size: 200% !important; }' })

describe('reflow, colour and time', () => {
	test('[Y3] at 320 px, and with text at 200 %, the light view and the console need no horizontal scrolling; timers are announced', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation des Hautes-Pyrénées et du Gers' })
		await call(workshop, '/phase', { index: phases.propositions })
		await call(workshop, '/contributions', {
			type: 'proposition',
			zone: 'propositions',
			column: 'financeurs',
			title: 'Un interlocuteur unique par financeur public',
			text: 'Un interlocuteur unique par financeur public, pour les associations employeuses',
		})
		await call(workshop, '/timer', { action: 'start', minutes: 3 })
		const light = await person('reflow-light', { width: 320, height: 640 })
		await light.goto(workshop.links.participant)
		await light.getByLabel('Votre nom ou prénom').fill('Dominique')
		await light.getByLabel('Financeurs publics – collectivités').check()
		await light.getByLabel('Vue légère (téléphone)').check()
		await light.getByRole('button', { name: 'Entrer' }).click()
		await light.locator('.contribution-card').first().waitFor()
		// Who wrote it is said in words, not only by the colour swatch (the facilitator here).
		expect(await light.locator('.contribution-card .author').first().textContent()).toContain('Animation')
		// The countdown is said at milestones inside the phase bar's polite region, not every second.
		const bar = light.locator('.phase-bar[aria-live="polite"]')
		await bar.locator('[data-timer-spoken]', { hasText: 'Fin de la phase dans 5 min ou moins' }).waitFor()
		expect(await bar.getByRole('timer').getAttribute('aria-live')).toBe('off')
		// Extended by the facilitator: said again.
		await call(workshop, '/timer', { action: 'extend', minutes: 10 })
		await bar.locator('[data-timer-spoken]', { hasText: 'Fin de la phase dans 20 min ou moins' }).waitFor()
		await expectNoOverflow(light, 'light')
		await screenshot(light, 'a11y-light-320')
		await doubleText(light)
		await expectNoOverflow(light, 'light')
		await screenshot(light, 'a11y-light-320-text-200')

		const console = await person('reflow-console', { width: 320, height: 640 })
		await console.goto(workshop.links.facilitator)
		await console.locator('.facilitator-panel').waitFor()
		await expectNoOverflow(console, 'console')
		await screenshot(console, 'a11y-console-320')
		await console.setViewportSize({ width: 1280, height: 800 })
		await doubleText(console)
		await expectNoOverflow(console, 'console')
		await screenshot(console, 'a11y-console-1280-text-200')
		expect(watch.pageErrors).toEqual([])
	}, 120_000)
})

describe('the board’s alternative and the statement', () => {
	test('[Y4] the board’s first focusable element leads to the same content as lists, and says so', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Gers' })
		const page = await person('board', desktop)
		await page.goto(workshop.links.participant)
		await page.getByLabel('Votre nom ou prénom').fill('Eve')
		await page.getByLabel('Protection sociale (CAF, MSA)').check()
		await page.getByLabel('Tableau complet').check()
		await page.getByRole('button', { name: 'Entrer' }).click()
		await page.locator('.canvas[data-ready="yes"]').waitFor({ timeout: 30_000 })
		await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
		await page.keyboard.press('Tab')
		const first = page.getByRole('link', { name: /même contenu en listes.*alternative accessible/i })
		expect(await first.evaluate((element) => element === document.activeElement)).toBe(true)
		await screenshot(page, 'a11y-board-skip-link-1280')
		await page.keyboard.press('Enter')
		await page.waitForURL(/\/p\//)
		await page.locator('.light-zone').first().waitFor()
	}, 120_000)

	test('[Y5] every page ends with a link to the accessibility statement, in French and English, with the operator’s contact', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Ariège' })
		const page = await person('statement', desktop)
		for (const url of [`${base}/`, workshop.links.participant]) {
			await page.goto(url)
			await page
				.getByRole('contentinfo')
				.getByRole('link', { name: 'Accessibilité : partiellement conforme' })
				.waitFor()
		}
		await page.getByRole('contentinfo').getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click()
		await page.waitForURL(/\/accessibilite$/)
		await page.getByRole('heading', { level: 1, name: 'Déclaration d’accessibilité' }).waitFor()
		for (const heading of ['Contenus non accessibles', 'Alternative accessible', 'Dernière vérification'])
			await page.getByRole('heading', { level: 2, name: heading }).waitFor()
		await page.getByText('Accessibilité : partiellement conforme').first().waitFor()
		await page.getByRole('link', { name: 'accessibilite@example.org' }).waitFor()
		expect(await page.getByRole('link', { name: 'accessibilite@example.org' }).getAttribute('href')).toBe(
			'mailto:accessibilite@example.org',
		)
		await expectNoSeriousViolation(page, 'statement fr')
		await screenshot(page, 'a11y-statement-1280')
		await page.getByLabel('Langue').first().selectOption('en')
		await page.getByRole('heading', { level: 1, name: 'Accessibility statement' }).waitFor()
		await page.getByRole('heading', { level: 2, name: 'Content that is not accessible' }).waitFor()
		await page.getByText('Accessibility: partially compliant').first().waitFor()
		await page.setViewportSize(phone)
		await expectNoOverflow(page, 'page')
		await expectNoSeriousViolation(page, 'statement en')
		await screenshot(page, 'a11y-statement-en-360')
		await page.getByLabel('Language').first().selectOption('fr')
	}, 60_000)
})
