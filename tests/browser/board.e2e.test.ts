import jsQRModule from 'jsqr'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { startTestServer } from '../helpers/test-server.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/**
 * The board client as people use it: real Chromium, several browser contexts (several people),
 * the real server serving the built client (`npm test` builds it first).
 */
// jsqr is CommonJS typed as `export default`: under Node the default import is the function itself.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default

let browser: Browser
let server: TestServer
let port: number
let base: string
const watch = new Watch()
const contexts: BrowserContext[] = []

async function person(viewport = { width: 1280, height: 800 }): Promise<Page> {
	const context = watch.observe(await browser.newContext({ viewport }))
	contexts.push(context)
	return context.newPage()
}

async function startServer(dataDir?: string) {
	return startTestServer({ port, host: '127.0.0.1', publicUrl: base, ...(dataDir ? { dataDir } : {}) })
}

beforeAll(async () => {
	port = await freePort()
	base = `http://127.0.0.1:${port}`
	server = await startServer()
	browser = await launchBrowser()
})

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => undefined)
	await browser?.close()
	await server?.dispose()
})

// A 1×1 PNG.
const pixelPng = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
)

/** Reads a QR code the way a phone would: from pixels on the screen. */
async function scanQr(page: Page, index: number): Promise<string | null> {
	const png = PNG.sync.read(await page.locator('svg.qr').nth(index).screenshot())
	return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null
}

async function joinAs(
	link: string,
	name: string,
	college: string | null,
	viewport?: { width: number; height: number },
) {
	const page = await person(viewport)
	await page.goto(link)
	await page.getByLabel('Votre nom ou prénom').fill(name)
	if (college) await page.getByLabel(college).check()
	// Narrow screens are offered the light view first; these people want the board.
	await page.getByLabel('Tableau complet').check()
	await page.getByRole('button', { name: 'Entrer' }).click()
	await page.waitForURL(/\/b\//)
	await page.locator('.tl-container').waitFor({ timeout: 30_000 })
	return page
}

/** Free annotation (a text shape): shared through the board document like any drawing. */
async function addNote(page: Page, text: string, at: { x: number; y: number }) {
	await page.getByTestId('tools.text').click()
	await page.mouse.click(at.x, at.y)
	// Type once the text's editor has focus, or the first keys go elsewhere.
	await page.locator('.tl-shape [contenteditable="true"]:focus').waitFor()
	await page.keyboard.type(text)
	await page.keyboard.press('Escape')
}

const shapeWithText = (page: Page, text: string) => page.locator('.tl-shape', { hasText: text })

describe('board client', () => {
	let links: { participant: string; observer: string }
	let facilitator: Page
	let alice: Page
	let bob: Page
	let carole: Page

	// A failed step leaves a picture of every person's screen in test-artifacts/screenshots.
	afterEach(async (context) => {
		if (context.task.result?.state !== 'fail') return
		const people = { facilitator, alice, bob, carole }
		for (const [name, page] of Object.entries(people)) {
			if (page && !page.isClosed()) await screenshot(page, `failed-${name}`).catch(() => undefined)
		}
	})

	test('[U1] the facilitator creates a workshop and gets scannable QR codes of the join links', async () => {
		facilitator = await person()
		await facilitator.goto(`${base}/`)
		await facilitator.getByLabel('Titre de l’atelier').fill('Concertation Creuse')
		await facilitator.getByLabel('Territoire').fill('Creuse')
		await facilitator.getByLabel('Votre nom (animation)').fill('Camille')
		await facilitator.getByRole('button', { name: 'Créer l’atelier' }).click()
		await facilitator.waitForURL(/\/w\/[a-z0-9]+$/)
		await facilitator.locator('svg.qr').first().waitFor()
		await screenshot(facilitator, 'console')
		const participant = await scanQr(facilitator, 0)
		const observer = await scanQr(facilitator, 1)
		expect(participant).toMatch(new RegExp(`^${base}/join/[a-z0-9]+#token=t1\\.`))
		expect(observer).toMatch(new RegExp(`^${base}/join/[a-z0-9]+#token=t1\\.`))
		expect(participant).not.toBe(observer)
		// The copy fields show the same links.
		expect(await facilitator.getByRole('textbox', { name: 'Lien participant·es' }).inputValue()).toBe(participant)
		links = { participant: participant ?? '', observer: observer ?? '' }
		// The facilitator's agenda, from the default template.
		await facilitator.getByRole('heading', { name: 'Déroulé' }).waitFor()
		expect(await facilitator.locator('.agenda li').count()).toBe(10)
	})

	test('[U2] two participants join with different colleges and see each other', async () => {
		alice = await joinAs(links.participant, 'Alice', 'Associations – dirigeant·es bénévoles')
		bob = await joinAs(links.participant, 'Bob', 'Financeurs publics – État', { width: 360, height: 740 })
		await bob.getByRole('button', { name: 'Participant·es' }).click()
		const aliceRow = bob.locator('.participants li', { hasText: 'Alice' })
		await aliceRow.waitFor()
		await bob.locator('.participants li[data-online="yes"]', { hasText: 'Alice' }).waitFor()
		expect(await aliceRow.textContent()).toContain('Associations – dirigeant·es bénévoles')
		await screenshot(bob, 'participants-phone')
		await bob.getByRole('button', { name: 'Fermer' }).click()
	})

	test('[U3] an annotation drawn by one participant appears for the other', async () => {
		await addNote(alice, 'Financement pluriannuel', { x: 300, y: 350 })
		await shapeWithText(alice, 'Financement pluriannuel').waitFor()
		await shapeWithText(bob, 'Financement pluriannuel').waitFor({ state: 'attached', timeout: 10_000 })
		await alice.locator('.connection[data-state="connected"][data-unsent="no"]').waitFor()
		await screenshot(alice, 'board-alice')
	})

	test('[U4] live cursors carry the participant’s name', async () => {
		// Both boards open on the first zone: the middle of Alice's view is within the phone's.
		await alice.mouse.move(600, 380)
		await alice.mouse.move(640, 400, { steps: 4 })
		await bob.locator('.tl-collaborator__cursor', { hasText: 'Alice' }).waitFor({ state: 'attached', timeout: 10_000 })
	})

	test('[U5] an observer sees the board and cannot change it', async () => {
		const observer = await person()
		await observer.goto(links.observer)
		await observer.getByLabel('Votre nom ou prénom').fill('Presse locale')
		await observer.getByRole('button', { name: 'Entrer' }).click()
		await observer.waitForURL(/\/b\//)
		await observer.getByText('Lecture seule').waitFor()
		await shapeWithText(observer, 'Financement pluriannuel').waitFor({ state: 'attached', timeout: 15_000 })
		// Neither the note tool nor deleting is available; keyboard shortcuts change nothing.
		expect(await observer.getByTestId('tools.note').count()).toBe(0)
		await observer.mouse.click(640, 400)
		await observer.keyboard.press('n')
		await observer.mouse.click(700, 450)
		await observer.keyboard.type('intrusion')
		await observer.keyboard.press('Escape')
		await observer.keyboard.press('Control+a')
		await observer.keyboard.press('Delete')
		await screenshot(observer, 'observer')
		await alice.waitForTimeout(500) // let any stray update travel (none may arrive)
		expect(await shapeWithText(alice, 'intrusion').count()).toBe(0)
		expect(await shapeWithText(alice, 'Financement pluriannuel').count()).toBe(1)
	})

	test('[U6] a reload keeps the same participant', async () => {
		await bob.reload()
		await bob.locator('.tl-container').waitFor({ timeout: 30_000 })
		await bob.getByRole('button', { name: 'Participant·es' }).click()
		await bob.locator('.participants li', { hasText: 'Bob' }).first().waitFor()
		expect(await bob.locator('.participants li', { hasText: 'Bob' }).count()).toBe(1)
		expect(await bob.locator('.participants li', { hasText: '(vous)' }).textContent()).toContain('Bob')
		await bob.getByRole('button', { name: 'Fermer' }).click()
	})

	test('[U7] an edit made while the server is down arrives after reconnection', async () => {
		const { dataDir } = server.config
		await server.close()
		await alice.locator('.connection:not([data-state="connected"])').waitFor({ timeout: 10_000 })
		await addNote(alice, 'Écrit hors ligne', { x: 200, y: 600 })
		await alice.locator('.connection[data-unsent="yes"]').waitFor({ timeout: 10_000 })
		await screenshot(alice, 'offline-pending')
		server = await startServer(dataDir)
		await alice.locator('.connection[data-state="connected"][data-unsent="no"]').waitFor({ timeout: 30_000 })
		await shapeWithText(bob, 'Écrit hors ligne').waitFor({ state: 'attached', timeout: 30_000 })
	})

	test('[U8] English is available and tldraw follows the app’s language', async () => {
		const eraser = alice.getByTestId('tools.eraser')
		const menu = alice.locator('.board-actions').getByRole('button', { name: 'Menu' })
		expect(await eraser.getAttribute('aria-label')).toMatch(/gomme/i)
		await menu.click()
		await alice.getByLabel('Langue').selectOption('en')
		await alice.locator('.board-actions').getByRole('button', { name: 'Participants' }).waitFor()
		await alice.getByRole('button', { name: 'Close' }).click()
		await alice.locator('[data-testid="tools.eraser"][aria-label*="Eraser" i]').waitFor()
		await screenshot(alice, 'board-english')
		await menu.click()
		await alice.getByLabel('Language').selectOption('fr')
		await alice.getByRole('button', { name: 'Fermer' }).click()
		await alice.locator('[data-testid="tools.eraser"][aria-label*="Gomme" i]').waitFor()
	})

	test('[U10] an image added to the board is uploaded and referenced by URL, not embedded', async () => {
		const [chooser] = await Promise.all([alice.waitForEvent('filechooser'), alice.getByTestId('tools.asset').click()])
		await chooser.setFiles({ name: 'carte.png', mimeType: 'image/png', buffer: pixelPng })
		for (const page of [alice, bob]) {
			// Zoom to fit, so the image is within the phone's viewport too.
			await page.locator('.tl-canvas').click({ position: { x: 20, y: 200 } })
			await page.keyboard.press('Shift+1')
			const image = page.locator('.tl-shape img')
			await image.first().waitFor({ state: 'attached', timeout: 15_000 })
			// The uploader may show a local preview (blob:) until the upload has finished.
			await expect
				.poll(async () => (await image.first().getAttribute('src')) ?? '', { timeout: 15_000 })
				.toMatch(/\/assets\/[a-z0-9]+\/[a-z0-9]{26}\.png$/)
		}
		await screenshot(bob, 'image-phone')
	})

	test('[U11] the template’s zones are drawn on every board, from the control document, and cannot be deleted', async () => {
		for (const page of [alice, bob]) {
			await page.locator('.tablee-zone[data-zone="accueil"]', { hasText: '0 · Accueil' }).waitFor({ state: 'attached' })
			expect(await page.locator('.tablee-zone__cell[data-cell="r1:c1"]').count()).toBe(1)
			expect(await page.locator('.tablee-zone').count()).toBe(10)
		}
		await alice.locator('.tl-canvas').click({ position: { x: 20, y: 200 } })
		await alice.keyboard.press('Control+a')
		await alice.keyboard.press('Delete')
		await shapeWithText(bob, 'Financement pluriannuel').waitFor({ state: 'detached', timeout: 10_000 })
		expect(await alice.locator('.tablee-zone').count()).toBe(10)
		expect(await bob.locator('.tablee-zone').count()).toBe(10)
		await screenshot(alice, 'zones')
	})

	test('[U12] an edit made offline survives closing the page: it is kept on the device and sent once the server is back', async () => {
		const { dataDir } = server.config
		const context = alice.context()
		await server.close()
		await alice.locator('.connection:not([data-state="connected"])').waitFor({ timeout: 10_000 })
		await addNote(alice, 'Gardé sur l’appareil', { x: 250, y: 500 })
		// y-indexeddb writes asynchronously: give it its turn before the page goes away.
		await alice.waitForTimeout(500)
		await alice.close()
		server = await startServer(dataDir)
		alice = await context.newPage()
		await alice.goto(`${base}/b/${new URL(links.participant).pathname.split('/').at(-1)}`)
		await alice.locator('.tl-container').waitFor({ timeout: 30_000 })
		await shapeWithText(bob, 'Gardé sur l’appareil').waitFor({ state: 'attached', timeout: 30_000 })
	})

	test('[K14] a contribution from the light view is a card in its zone on the board, and one from the board is in the light view', async () => {
		// A phone joins: the light view is offered first.
		carole = await person({ width: 390, height: 844 })
		await carole.goto(links.participant)
		await carole.getByLabel('Votre nom ou prénom').fill('Carole')
		await carole.getByLabel('Protection sociale (CAF, MSA)').check()
		expect(await carole.getByLabel('Vue légère (téléphone)').isChecked()).toBe(true)
		await carole.getByRole('button', { name: 'Entrer' }).click()
		await carole.waitForURL(/\/p\//)
		await carole.locator('.light-zone').first().waitFor()
		expect(await carole.locator('.tl-container').count()).toBe(0)

		await carole.getByRole('button', { name: 'Ajouter une contribution' }).first().click()
		const form = carole.locator('#light-form')
		await form.getByLabel('Zone').selectOption('grille-besoins')
		await form.getByLabel('Thème (ligne)').selectOption('r2')
		await form.getByLabel('Colonne').selectOption('c1')
		await form.getByLabel('Votre contribution').fill('Peu de fonds propres pour investir')
		await form.getByRole('button', { name: 'Enregistrer' }).click()
		const caroleCard = carole.locator('.light-zone[data-zone="grille-besoins"] .contribution-card', {
			hasText: 'Peu de fonds propres',
		})
		await caroleCard.waitFor()
		expect(await caroleCard.textContent()).toContain('la vôtre')
		await screenshot(carole, 'light-view')

		// On Alice's board: a card with Carole's college, inside the r2 × c1 cell.
		const card = alice.locator('.tablee-card', { hasText: 'Peu de fonds propres' })
		await card.waitFor({ state: 'attached', timeout: 15_000 })
		expect(await card.textContent()).toContain('Protection sociale (CAF, MSA)')
		await alice.locator('.tl-canvas').click({ position: { x: 20, y: 200 } })
		await alice.keyboard.press('Shift+1')
		// Zoom to fit is animated: let it finish before looking. One step out keeps the cards clear
		// of tldraw's style panel at the right of the view.
		await alice.waitForTimeout(800)
		await alice.keyboard.press('Minus')
		await alice.waitForTimeout(800)
		await card.waitFor({ state: 'visible' })
		const cell = alice.locator('.tablee-zone__cell[data-cell="r2:c1"]')
		const inside = async () => {
			const [cardBox, cellBox] = [await card.boundingBox(), await cell.boundingBox()]
			if (!cardBox || !cellBox) return false
			const centre = { x: cardBox.x + cardBox.width / 2, y: cardBox.y + cardBox.height / 2 }
			return (
				centre.x > cellBox.x &&
				centre.x < cellBox.x + cellBox.width &&
				centre.y > cellBox.y &&
				centre.y < cellBox.y + cellBox.height
			)
		}
		expect(await inside()).toBe(true)

		// Alice cannot move Carole’s card to another cell: it comes back, with the reason.
		const cardBox = await card.boundingBox()
		const target = await alice.locator('.tablee-zone__cell[data-cell="r3:c1"]').boundingBox()
		if (!cardBox || !target) throw new Error('card or cell not on screen')
		// Grab the card by its top-left corner: tldraw's style panel may cover the right of the view.
		await alice.mouse.move(cardBox.x + 15, cardBox.y + 15)
		await alice.mouse.down()
		await alice.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 8 })
		await alice.mouse.up()
		await alice.locator('.board-notice', { hasText: 'seule la personne qui l’a écrite' }).waitFor()
		await alice.waitForTimeout(800)

		await alice.waitForTimeout(800)
		expect(await inside()).toBe(true)

		// Alice writes on the board with the note tool, in the r3 × c1 cell: it is a contribution.
		await alice.getByTestId('tools.note').click()
		await alice.mouse.click(target.x + target.width / 2, target.y + target.height / 3)
		const compose = alice.locator('#panel-compose')
		await compose.waitFor()
		expect(await compose.getByLabel('Thème (ligne)').inputValue()).toBe('r3')
		await compose.getByLabel('Votre contribution').fill('Le bénévolat s’essouffle')
		await compose.getByRole('button', { name: 'Enregistrer' }).click()
		await alice.locator('.tablee-card', { hasText: 'Le bénévolat s’essouffle' }).waitFor({ state: 'attached' })
		await screenshot(alice, 'board-cards')
		const fromBoard = carole.locator('.light-zone[data-zone="grille-besoins"] .contribution-card', {
			hasText: 'Le bénévolat s’essouffle',
		})
		await fromBoard.waitFor({ timeout: 10_000 })
		expect(await fromBoard.textContent()).toContain('Associations – dirigeant·es bénévoles')
		expect(await fromBoard.textContent()).not.toContain('la vôtre')
		// Alice moves her own card to the r4 row: the server accepts, the light view follows.
		const own = alice.locator('.tablee-card', { hasText: 'Le bénévolat s’essouffle' })
		await own.waitFor({ state: 'visible' })
		const ownBox = await own.boundingBox()
		const r4 = await alice.locator('.tablee-zone__cell[data-cell="r4:c1"]').boundingBox()
		if (!ownBox || !r4) throw new Error('card or cell not on screen')
		await alice.mouse.move(ownBox.x + 15, ownBox.y + 15)
		await alice.mouse.down()
		await alice.mouse.move(r4.x + r4.width / 2, r4.y + r4.height / 2, { steps: 8 })
		await alice.mouse.up()
		await carole
			.locator('.light-group', { hasText: 'Santé & bien-être des dirigeant·es' })
			.locator('.contribution-card', { hasText: 'Le bénévolat s’essouffle' })
			.waitFor({ timeout: 10_000 })
		await screenshot(alice, 'board-cards-moved')
		// The same contribution, once: nothing was duplicated between the two views.
		expect(await carole.locator('.contribution-card', { hasText: 'Le bénévolat s’essouffle' }).count()).toBe(1)
		expect(await alice.locator('.tablee-card', { hasText: 'Le bénévolat s’essouffle' }).count()).toBe(1)
	}, 90_000)

	test('[K7][K15] the facilitator merges two similar contributions on the board; the trail shows in the light view; the merge is undone', async () => {
		// The facilitator opens the board from the console (personal link kept on this device).
		await facilitator.goto(facilitator.url().replace(/#.*$/, ''))
		// The board opens in its own tab, beside the console.
		;[facilitator] = await Promise.all([
			facilitator.context().waitForEvent('page'),
			facilitator.getByRole('link', { name: 'Ouvrir le tableau' }).click(),
		])
		await facilitator.waitForURL(/\/b\//)
		await facilitator.locator('.tl-container').waitFor({ timeout: 30_000 })
		const duplicate = facilitator.locator('.tablee-card', { hasText: 'Peu de fonds propres' })
		await duplicate.waitFor({ state: 'attached', timeout: 15_000 })
		await facilitator.locator('.tl-canvas').click({ position: { x: 20, y: 200 } })
		await facilitator.keyboard.press('Shift+1')
		await facilitator.waitForTimeout(800)
		await duplicate.dblclick({ position: { x: 12, y: 12 } })
		const panel = facilitator.locator('#panel-card')
		await panel.waitFor()
		await panel.getByLabel('Fusionner cette contribution dans…').selectOption({ label: 'Le bénévolat s’essouffle' })
		await panel.getByRole('button', { name: 'Fusionner' }).click()
		// The duplicate's card goes; the target's card says so; the light view shows the trail.
		await duplicate.waitFor({ state: 'detached', timeout: 10_000 })
		const target = carole.locator('.contribution-card', { hasText: 'Le bénévolat s’essouffle' })
		await target.locator('.trail summary').waitFor({ timeout: 10_000 })
		await target.locator('.trail summary').click()
		expect(await target.locator('.trail').textContent()).toContain('Peu de fonds propres pour investir')
		// Its own card is gone from the list (it lives on in the target's trail).
		const ownCard = carole
			.locator('.contribution-card', { hasText: 'Peu de fonds propres' })
			.filter({ hasNotText: 'Le bénévolat' })
		expect(await ownCard.count()).toBe(0)
		await screenshot(carole, 'light-view-trail')

		// Undo, from the target's panel.
		await facilitator
			.locator('.tablee-card', { hasText: 'Le bénévolat s’essouffle' })
			.dblclick({ position: { x: 12, y: 12 } })
		await panel.getByRole('button', { name: 'Défaire la fusion' }).click()
		await duplicate.waitFor({ state: 'attached', timeout: 10_000 })
		await ownCard.waitFor({ timeout: 10_000 })
		expect(await target.locator('.trail').count()).toBe(0)
		await screenshot(facilitator, 'facilitator-card-panel')
	}, 90_000)

	test('[K11][K16] a contribution written offline in the light view waits on the device, then is sent once', async () => {
		const { dataDir } = server.config
		await server.close()
		await carole.locator('.connection:not([data-state="connected"])').waitFor({ timeout: 10_000 })
		await carole.getByRole('button', { name: 'Ajouter une contribution' }).first().click()
		const form = carole.locator('#light-form')
		await form.getByLabel('Zone').selectOption('parking')
		await form.getByLabel('Votre contribution').fill('Revoir le calendrier des appels à projets')
		await form.getByRole('button', { name: 'Enregistrer' }).click()
		const waiting = carole.locator('.outbox li[data-outbox-state="pending"]', { hasText: 'Revoir le calendrier' })
		await waiting.waitFor()
		await screenshot(carole, 'light-view-offline')
		// Closing the page keeps it: the outbox is on the device, sent when the page opens again.
		const lightUrl = carole.url()
		const context = carole.context()
		await carole.close()
		server = await startServer(dataDir)
		carole = await context.newPage()
		await carole.goto(lightUrl)
		await carole.locator('.light-zone').first().waitFor()
		await carole
			.locator('.outbox li[data-outbox-state="pending"]', { hasText: 'Revoir le calendrier' })
			.waitFor({ state: 'detached', timeout: 30_000 })
		const sent = carole.locator('.light-zone[data-zone="parking"] .contribution-card', {
			hasText: 'Revoir le calendrier',
		})
		await sent.waitFor({ timeout: 15_000 })
		await alice.locator('.tablee-card', { hasText: 'Revoir le calendrier' }).waitFor({ state: 'attached' })
		await alice.waitForTimeout(500)
		expect(await carole.locator('.contribution-card', { hasText: 'Revoir le calendrier' }).count()).toBe(1)
		expect(await alice.locator('.tablee-card', { hasText: 'Revoir le calendrier' }).count()).toBe(1)
	}, 90_000)

	test('[K16] an intent refused on arrival stays visible to its author with the reason', async () => {
		const { dataDir } = server.config
		const mine = carole.locator('.light-zone[data-zone="parking"] .contribution-card', {
			hasText: 'Revoir le calendrier',
		})
		await server.close()
		await carole.locator('.connection:not([data-state="connected"])').waitFor({ timeout: 10_000 })
		// Carole edits her contribution offline…
		await mine.getByRole('button', { name: 'Modifier' }).click()
		await carole.locator('#light-form').getByLabel('Votre contribution').fill('Revoir tout le calendrier')
		await carole.locator('#light-form').getByRole('button', { name: 'Enregistrer' }).click()
		await carole.locator('.outbox li[data-outbox-state="pending"]').waitFor()
		// …while the facilitator deletes it (through the API, as the console would).
		server = await startServer(dataDir)
		const facilitatorToken = (await facilitator.evaluate(() =>
			Object.entries(localStorage)
				.filter(([key]) => key.startsWith('tablee:session:'))
				.map(([, value]) => (JSON.parse(value) as { token: string }).token)
				.at(0),
		)) as string
		const id = await mine.getAttribute('data-contribution')
		const workshop = new URL(links.participant).pathname.split('/').at(-1)
		const deleted = await fetch(`${base}/api/workshops/${workshop}/contributions/${id}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${facilitatorToken}` },
		})
		expect(deleted.status).toBe(200)
		const refused = carole.locator('.outbox li[data-outbox-state="refused"]', { hasText: 'Revoir tout le calendrier' })
		await refused.waitFor({ timeout: 30_000 })
		expect(await refused.textContent()).toContain('cette contribution n’existe plus')
		await screenshot(carole, 'light-view-refused')
		await refused.getByRole('button', { name: 'J’ai compris' }).click()
		await refused.waitFor({ state: 'detached' })
	}, 90_000)

	test('[U9] no request left this machine and no page raised an uncaught error', () => {
		expect(watch.externalRequests).toEqual([])
		expect(watch.pageErrors.map(String)).toEqual([])
	})
})
