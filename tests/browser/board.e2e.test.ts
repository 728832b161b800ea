import jsQRModule from 'jsqr'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
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
	await page.getByRole('button', { name: 'Entrer' }).click()
	await page.waitForURL(/\/b\//)
	await page.locator('.tl-container').waitFor({ timeout: 30_000 })
	return page
}

async function addNote(page: Page, text: string, at: { x: number; y: number }) {
	await page.getByTestId('tools.note').click()
	await page.mouse.click(at.x, at.y)
	// Type once the note's editor has focus, or the first keys go elsewhere.
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

	test('[U3] a note drawn by one participant appears for the other', async () => {
		await addNote(alice, 'Financement pluriannuel', { x: 300, y: 350 })
		await shapeWithText(alice, 'Financement pluriannuel').waitFor()
		await shapeWithText(bob, 'Financement pluriannuel').waitFor({ state: 'attached', timeout: 10_000 })
		await alice.locator('.connection[data-state="connected"][data-unsent="no"]').waitFor()
		await screenshot(alice, 'board-alice')
	})

	test('[U4] live cursors carry the participant’s name', async () => {
		// Within the phone's narrow viewport, so Bob can see it.
		await alice.mouse.move(120, 300)
		await alice.mouse.move(140, 320)
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
			const src = (await image.first().getAttribute('src')) ?? ''
			expect(src).toMatch(/\/assets\/[a-z0-9]+\/[a-z0-9]{26}\.png$/)
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

	test('[U9] no request left this machine and no page raised an uncaught error', () => {
		expect(watch.externalRequests).toEqual([])
		expect(watch.pageErrors).toEqual([])
	})
})
