import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/**
 * The participant path as people walk it (SPEC U13–U17, C1): a visible way to add a contribution
 * on a computer (button and shortcut) and on a phone, on the zone of the current phase; failures
 * explained on the page; a late joiner landing where the group is, with readable cards; the
 * "not yet received" warning for one's own unsent changes only. Condition waits only.
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
	server = await startTestServer({ port, host: '127.0.0.1', publicUrl: base })
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
		if (!page.isClosed()) await screenshot(page, `failed-path-${name}`).catch(() => undefined)
	}
})

async function person(name: string, viewport: { width: number; height: number }): Promise<Page> {
	const context = watch.observe(await browser.newContext({ viewport }))
	contexts.push(context)
	const page = await context.newPage()
	pages[name] = page
	return page
}

async function join(
	workshop: CreatedWorkshop,
	name: string,
	college: string,
	viewport: { width: number; height: number },
	view: 'Tableau complet' | 'Vue légère (téléphone)',
): Promise<Page> {
	const page = await person(name, viewport)
	await page.goto(workshop.links.participant)
	await page.getByLabel('Votre nom ou prénom').fill(name)
	await page.getByLabel(college).check()
	await page.getByLabel(view).check()
	await page.getByRole('button', { name: 'Entrer' }).click()
	if (view === 'Tableau complet') {
		await page.waitForURL(/\/b\//)
		await page.locator('.canvas[data-ready="yes"]').waitFor({ timeout: 30_000 })
	} else {
		await page.waitForURL(/\/p\//)
		await page.locator('.light-zone').first().waitFor()
	}
	return page
}

async function call(workshop: CreatedWorkshop, path: string, body: unknown) {
	const response = await server.api(`/api/workshops/${workshop.id}${path}`, {
		token: workshop.tokens.facilitator,
		body,
	})
	expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300)
	return response.json()
}

/** Agenda indexes in the default template. */
const phases = { croisement: 4, regroupement: 3, propositions: 5, vote: 6 }

describe('the participant path', () => {
	test('[U13] on a computer, "Ajouter une contribution" and Alt+N open the form on the current phase’s zone', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Corrèze' })
		await call(workshop, '/phase', { index: phases.croisement })
		const alice = await join(workshop, 'Alice', 'Associations – dirigeant·es bénévoles', desktop, 'Tableau complet')

		const add = alice.locator('.board-actions').getByRole('button', { name: /Ajouter une contribution/ })
		expect(await add.getAttribute('aria-keyshortcuts')).toBe('Alt+N')
		await add.click()
		const compose = alice.locator('#panel-compose')
		expect(await compose.getByLabel('Zone').inputValue()).toBe('croisement')
		await compose.getByLabel('Votre contribution').fill('Les dossiers changent chaque année')
		await compose.getByRole('button', { name: 'Enregistrer' }).click()
		const first = alice.locator('.tablee-card', { hasText: 'Les dossiers changent' })
		await first.waitFor()

		// The shortcut works with the canvas focused.
		await alice.locator('.tl-canvas').click({ position: { x: 30, y: 300 } })
		await alice.keyboard.press('Alt+KeyN')
		await compose.waitFor()
		expect(await compose.getByLabel('Zone').inputValue()).toBe('croisement')
		await compose.getByLabel('Votre contribution').fill('Un seul interlocuteur par financeur')
		await compose.getByRole('button', { name: 'Enregistrer' }).click()
		await alice.locator('.tablee-card', { hasText: 'Un seul interlocuteur' }).waitFor()

		// A single click on a card shows what its author may do with it.
		await first.click()
		const bar = alice.getByRole('toolbar', { name: 'Actions sur la contribution' })
		await bar.waitFor()
		for (const name of ['Ouvrir', 'Modifier ou déplacer', 'Supprimer'])
			await bar.getByRole('button', { name, exact: true }).waitFor()
		await screenshot(alice, 'path-board-card-actions-1280')
		// Deleting can be taken back.
		await bar.getByRole('button', { name: 'Supprimer', exact: true }).click()
		await alice.getByRole('button', { name: 'Annuler la suppression' }).click()
		await alice.getByRole('button', { name: 'Annuler la suppression' }).waitFor({ state: 'detached' })
		expect(await first.count()).toBe(1)
	}, 120_000)

	test('[U13] the facilitator drives phases, reveal, vote and consensus from the board too', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Lozère' })
		const facilitator = await person('facilitator', desktop)
		await facilitator.goto(workshop.links.facilitator)
		await facilitator.locator('.facilitator-panel').waitFor()
		const [board] = await Promise.all([
			facilitator.context().waitForEvent('page'),
			facilitator.getByRole('link', { name: 'Ouvrir le tableau' }).click(),
		])
		pages.board = board
		await board.locator('.canvas[data-ready="yes"]').waitFor({ timeout: 30_000 })
		await board.locator('.board-actions').getByRole('button', { name: 'Animation' }).click()
		const panel = board.locator('#panel-facilitate')
		await panel.getByRole('button', { name: 'Ouvrir le vote' }).waitFor()
		await panel.getByRole('button', { name: /Ouvrir le test de consensus/ }).waitFor()
		await panel.getByRole('button', { name: 'Démarrer l’atelier' }).click()
		await board.locator('.phase-bar', { hasText: 'Accueil' }).waitFor()
		await screenshot(board, 'path-board-facilitate-1280')
	}, 120_000)

	test('[U14] on a phone, a new contribution lands in the current phase’s zone; the page fits 360 px, votes included', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Cantal' })
		await call(workshop, '/phase', { index: phases.propositions })
		const bob = await join(workshop, 'Bob', 'Financeurs publics – État', phone, 'Vue légère (téléphone)')
		await bob.locator('.add-contribution').click()
		const form = bob.locator('#light-form')
		expect(await form.getByLabel('Zone').inputValue()).toBe('propositions')
		await form.getByLabel('Description de la proposition').fill('Un guichet unique départemental')
		await form.getByRole('button', { name: 'Enregistrer' }).click()
		await bob
			.locator('.light-zone[data-zone="propositions"] .contribution-card', { hasText: 'Un guichet unique' })
			.waitFor()
		await screenshot(bob, 'path-light-360')

		await call(workshop, '/phase', { index: phases.vote })
		await call(workshop, '/vote/open', {
			budget: 5,
			maxPerProposal: 3,
			banOwn: false,
			anonymous: true,
			equalWeight: false,
			minutes: 10,
		})
		await bob.locator('.ballot li', { hasText: 'Un guichet unique' }).waitFor()
		// One countdown, saying what it counts down to.
		await bob.locator('.phase-timer', { hasText: 'Fin du vote dans' }).waitFor()
		expect(await bob.locator('[role="timer"]').count()).toBe(1)
		expect(await bob.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
		await screenshot(bob, 'path-light-vote-360')
	}, 120_000)

	test('[U15] an old link, a console without its token and a device that never joined are explained within five seconds', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Lot' })
		await call(workshop, '/links/regenerate', {})
		for (const [viewport, suffix] of [
			[desktop, '1280'],
			[phone, '360'],
		] as const) {
			const stranger = await person(`stranger-${suffix}`, viewport)
			await stranger.goto(workshop.links.participant)
			await stranger.getByRole('alert').filter({ hasText: 'Ce lien a été remplacé' }).waitFor({ timeout: 5000 })
			await screenshot(stranger, `path-old-link-${suffix}`)
			await stranger.goto(`${base}/w/${workshop.id}`)
			await stranger.getByRole('alert').filter({ hasText: 'Aucun accès à cet atelier' }).waitFor({ timeout: 5000 })
			await screenshot(stranger, `path-console-no-token-${suffix}`)
			await stranger.goto(`${base}/b/${workshop.id}`)
			await stranger.getByText('Vous n’avez pas encore rejoint cet atelier').waitFor({ timeout: 5000 })
		}
		expect(watch.pageErrors).toEqual([])
	}, 60_000)

	test('[U16] a late joiner lands on the current zone, with card text at least 12 px on screen', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Aveyron' })
		await call(workshop, '/phase', { index: phases.regroupement })
		for (const [row, column, text] of [
			['r1', 'c1', 'Avances de trésorerie trop tardives'],
			['r1', 'c2', 'Conventions annuelles seulement'],
			['r3', 'c2', 'Bénévoles épuisés en fin de projet'],
		])
			await call(workshop, '/contributions', { type: 'besoin', zone: 'grille-besoins', row, column, text })
		for (const [viewport, suffix] of [
			[desktop, '1280'],
			[phone, '360'],
		] as const) {
			const late = await join(workshop, `Dana ${suffix}`, 'Protection sociale (CAF, MSA)', viewport, 'Tableau complet')
			const text = late.locator('.tablee-card', { hasText: 'Avances de trésorerie' }).locator('.tablee-card__text')
			await text.waitFor()
			// On screen, inside the canvas, at a readable size: the camera waits for nothing else.
			await expect
				.poll(
					() =>
						text.evaluate((element) => {
							const box = element.getBoundingClientRect()
							const canvas = document.querySelector('.canvas')?.getBoundingClientRect()
							const onScreen =
								canvas !== undefined &&
								box.left >= canvas.left &&
								box.top >= canvas.top &&
								box.left < canvas.right &&
								box.top < canvas.bottom
							const fontPx = Number.parseFloat(getComputedStyle(element).fontSize)
							return onScreen ? fontPx * (box.height / (element as HTMLElement).offsetHeight) : 0
						}),
					{ timeout: 10_000 },
				)
				.toBeGreaterThanOrEqual(12)
			await screenshot(late, `path-late-joiner-${suffix}`)
		}
	}, 120_000)

	test('[C1] "not yet received" means one’s own unsent changes: others’ edits and observers never raise it', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Tarn' })
		const erin = await join(workshop, 'Erin', 'Associations – dirigeant·es bénévoles', desktop, 'Tableau complet')
		const fred = await join(workshop, 'Fred', 'Financeurs publics – État', desktop, 'Tableau complet')
		const observer = await person('observer', desktop)
		await observer.goto(workshop.links.observer)
		await observer.getByLabel('Votre nom ou prénom').fill('Presse')
		await observer.getByRole('button', { name: 'Entrer' }).click()
		await observer.locator('.canvas[data-ready="yes"]').waitFor({ timeout: 30_000 })

		// Fred draws: Erin and the observer receive it, and have nothing unsent.
		await fred.getByTestId('tools.text').click()
		await fred.mouse.click(400, 400)
		await fred.locator('.tl-shape [contenteditable="true"]:focus').waitFor()
		await fred.keyboard.type('Une annotation de Fred')
		await fred.keyboard.press('Escape')
		for (const page of [erin, observer]) {
			await page.locator('.tl-shape', { hasText: 'Une annotation de Fred' }).waitFor({ state: 'attached' })
			await page.locator('.connection[data-pending="no"]').waitFor({ timeout: 5000 })
		}
		// Fred's own change clears once the server has it.
		await fred.locator('.connection[data-state="connected"][data-pending="no"][data-unsent="no"]').waitFor()
		expect(await erin.locator('.connection-warning').count()).toBe(0)
		expect(await observer.locator('.connection-warning').count()).toBe(0)
	}, 120_000)
})
