import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/**
 * A short concertation in Chromium, as people run it (SPEC F7): a facilitator at the console, one
 * association participant on the board, one funder on the light view of a phone. Private writing
 * and reveal, proposals, a named dot vote, the consensus check, and a proposal promoted to a
 * recommendation — with the tallies per college read on screen.
 */
let browser: Browser
let server: TestServer
let base: string
const watch = new Watch()

beforeAll(async () => {
	const port = await freePort()
	base = `http://127.0.0.1:${port}`
	server = await startTestServer({ port, host: '127.0.0.1', publicUrl: base })
	browser = await launchBrowser()
})

afterAll(async () => {
	await browser?.close()
	await server?.dispose()
})

async function page(viewport: { width: number; height: number }): Promise<Page> {
	const context = watch.observe(await browser.newContext({ viewport }))
	return context.newPage()
}

async function join(link: string, name: string, college: string, viewport: { width: number; height: number }) {
	const person = await page(viewport)
	await person.goto(link)
	await person.getByLabel('Votre nom ou prénom').fill(name)
	await person.getByLabel(college).check()
	await person.getByRole('button', { name: 'Entrer' }).click()
	return person
}

describe('a short concertation', () => {
	test('[F7] private writing, reveal, proposals, vote, consensus check and a recommendation, per college on screen', async () => {
		const workshop = await createWorkshop(server, { title: 'Concertation Creuse', facilitatorName: 'Camille' })
		const facilitator = await page({ width: 1280, height: 900 })
		await facilitator.goto(workshop.links.facilitator)
		const panel = facilitator.locator('.facilitator-panel')
		await panel.waitFor()

		const alice = await join(workshop.links.participant, 'Alice', 'Associations – dirigeant·es bénévoles', {
			width: 1280,
			height: 800,
		})
		await alice.waitForURL(/\/b\//)
		await alice.locator('.tl-container').waitFor({ timeout: 30_000 })
		const bob = await join(workshop.links.participant, 'Bob', 'Financeurs publics – État', { width: 390, height: 844 })
		await bob.waitForURL(/\/p\//)
		await bob.locator('.light-zone').first().waitFor()

		// Private writing: Alice's card is hers alone until the reveal.
		await panel.locator('.live-agenda li', { hasText: 'écriture individuelle' }).getByRole('button').click()
		await bob.locator('.phase-bar', { hasText: 'écriture individuelle' }).waitFor()
		await panel.getByRole('button', { name: 'Suivez-moi' }).nth(2).click()
		await alice.waitForTimeout(800)
		await alice.getByTestId('tools.note').click()
		await alice.mouse.click(640, 450)
		const compose = alice.locator('#panel-compose')
		await compose.getByLabel('Votre contribution').fill('Trésorerie tendue en fin d’année')
		await compose.getByRole('button', { name: 'Enregistrer' }).click()
		await alice.locator('.tablee-card--private', { hasText: 'Trésorerie tendue' }).waitFor({ state: 'attached' })
		await panel.getByText('1 contribution privée en attente').waitFor({ timeout: 10_000 })
		await bob.waitForTimeout(300)
		expect(await bob.getByText('Trésorerie tendue').count()).toBe(0)
		await panel.getByRole('button', { name: 'Dévoiler les contributions privées' }).click()
		await bob.locator('.contribution-card', { hasText: 'Trésorerie tendue' }).waitFor({ timeout: 10_000 })

		// Proposals, one from each side; "suivez-moi" brings Alice's board to the proposals zone.
		await panel.locator('.live-agenda li', { hasText: 'Propositions' }).getByRole('button').click()
		await panel.getByRole('button', { name: 'Suivez-moi' }).nth(4).click()
		await alice.waitForTimeout(800)
		await alice.getByTestId('tools.note').click()
		await alice.mouse.click(400, 450)
		await compose.getByLabel('Description de la proposition').fill('Conventions pluriannuelles de trois ans')
		await compose.getByRole('button', { name: 'Enregistrer' }).click()
		await alice.locator('.tablee-card', { hasText: 'Conventions pluriannuelles' }).waitFor({ state: 'attached' })
		await bob.getByRole('button', { name: 'Ajouter une contribution' }).first().click()
		const form = bob.locator('#light-form')
		await form.getByLabel('Zone').selectOption('propositions')
		await form.getByLabel('Colonne').selectOption('associations')
		await form.getByLabel('Description de la proposition').fill('Mutualiser les fonctions support')
		await form.getByRole('button', { name: 'Enregistrer' }).click()
		await alice.locator('.tablee-card', { hasText: 'Mutualiser les fonctions support' }).waitFor({ state: 'attached' })

		// A named vote: each votes for the other side's proposal (their own is not allowed).
		await panel.locator('.live-agenda li', { hasText: 'Vote par points' }).getByRole('button').click()
		await panel.getByLabel('Vote anonyme (seuls les totaux sont publiés)').uncheck()
		await panel.getByRole('button', { name: 'Ouvrir le vote' }).click()
		const bobBallot = bob.locator('.ballot li', { hasText: 'Conventions pluriannuelles' })
		await bobBallot.waitFor({ timeout: 10_000 })
		await bobBallot.getByRole('button', { name: /Ajouter un point/ }).click()
		await bobBallot.getByRole('button', { name: /Ajouter un point/ }).click()
		await bobBallot.getByRole('button', { name: /Ajouter un point/ }).click()
		expect(
			await bob
				.locator('.ballot li', { hasText: 'Mutualiser' })
				.getByRole('button', { name: /Ajouter/ })
				.isDisabled(),
		).toBe(true)
		await bob.getByText('Points restants : 2 sur 5').waitFor()
		await alice.getByRole('button', { name: 'Vote', exact: true }).click()
		const aliceBallot = alice.locator('#panel-polls .ballot li', { hasText: 'Mutualiser' })
		await aliceBallot.getByRole('button', { name: /Ajouter un point/ }).click()
		await aliceBallot.getByRole('button', { name: /Ajouter un point/ }).click()
		// Ballots are sent a moment after the last click; the facilitator's private preview shows them.
		await panel.getByText('2 votant·es, dont 0 sur papier').waitFor({ timeout: 15_000 })
		await panel.getByRole('button', { name: 'Clore le vote' }).click()
		await panel.getByRole('button', { name: 'Dévoiler les résultats' }).click()

		// Results per college, on both screens.
		for (const person of [alice, bob]) {
			const results = person.locator('.results-chart')
			await results.waitFor({ timeout: 10_000 })
			const legend = await results.locator('.results-legend').textContent()
			expect(legend).toContain('Associations – dirigeant·es bénévoles (1)')
			expect(legend).toContain('Financeurs publics – État (1)')
			const first = results.locator('.results-list li').first()
			expect(await first.textContent()).toContain('Conventions pluriannuelles')
			expect(await first.locator('.results-figures').first().textContent()).toContain('Financeurs publics – État 3')
		}
		await screenshot(bob, 'concertation-results-phone')

		// Consensus check on the top of the vote, with a reason.
		await panel.locator('.live-agenda li', { hasText: 'Test de consensus' }).getByRole('button').click()
		await panel.getByRole('button', { name: 'Ouvrir le test de consensus' }).click()
		const bobCheck = bob.locator('.poll', { hasText: 'Test de consensus' }).locator('li', { hasText: 'Conventions' })
		await bobCheck.waitFor({ timeout: 10_000 })
		await bobCheck.getByLabel('D’accord', { exact: true }).check()
		await bobCheck.getByLabel('Pourquoi ? (une ligne, facultatif)').fill('Sous réserve du budget 2027')
		await bobCheck.getByLabel('Pourquoi ? (une ligne, facultatif)').press('Tab')
		const aliceCheck = alice.locator('#panel-polls .poll', { hasText: 'Test de consensus' }).locator('li', {
			hasText: 'Conventions',
		})
		await aliceCheck.getByLabel('D’accord', { exact: true }).check()
		await alice.waitForTimeout(1000)
		await panel.getByRole('button', { name: 'Clore le test' }).click()
		await panel.getByRole('button', { name: 'Dévoiler le test' }).click()
		const checked = bob.locator('.results-list li', { hasText: 'Conventions pluriannuelles' })
		await checked.getByText('D’accord 2 · Pas d’accord 0 · Ne sait pas 0').waitFor({ timeout: 10_000 })
		await checked.locator('summary', { hasText: 'Pourquoi' }).click()
		expect(await checked.textContent()).toContain('Sous réserve du budget 2027')

		// The facilitator promotes the proposal to a recommendation, on the board.
		await panel.locator('.live-agenda li', { hasText: 'Recommandations' }).getByRole('button').click()
		const board = await facilitator.context().newPage()
		await board.goto(`${base}/b/${workshop.id}`)
		await board.locator('.tl-container').waitFor({ timeout: 30_000 })
		await panel.getByRole('button', { name: 'Suivez-moi' }).nth(7).click()
		await board.waitForTimeout(800)
		await board.getByTestId('tools.note').click()
		await board.mouse.click(640, 450)
		const facilitatorCompose = board.locator('#panel-compose')
		await facilitatorCompose.getByLabel('Type').selectOption('recommandation')
		await facilitatorCompose.getByLabel('Titre').fill('Sécuriser les financements dans la durée')
		await facilitatorCompose
			.getByLabel('Description de la recommandation')
			.fill('Généraliser les conventions de trois ans')
		await facilitatorCompose.getByRole('button', { name: 'Enregistrer' }).click()
		const recommendation = board.locator('.tablee-card', { hasText: 'Sécuriser les financements' })
		await recommendation.waitFor({ timeout: 10_000 })
		await recommendation.dblclick({ position: { x: 12, y: 12 } })
		await board.locator('#panel-card .grouping').getByLabel('Conventions pluriannuelles de trois ans').check()
		await bob
			.locator('.contribution-card', { hasText: 'Sécuriser les financements' })
			.getByText('Regroupe 1 proposition')
			.waitFor({ timeout: 10_000 })
		await screenshot(board, 'concertation-recommendation')

		expect(watch.externalRequests).toEqual([])
		expect(watch.pageErrors).toEqual([])
	}, 240_000)
})
