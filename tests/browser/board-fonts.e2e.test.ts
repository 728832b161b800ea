import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import { createWorkshop, startTestServer, type TestServer } from '../helpers/test-server.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/**
 * Which of tldraw's font files a board fetches, and when (SPEC W8): real Chromium, the real server
 * serving the built client (`npm run build` first).
 *
 * tldraw adds a `FontFace` to `document.fonts` for every face it asks for, before the file is
 * fetched, in the same task as the request. So the faces in `document.fonts` once tldraw has
 * mounted (`window.tldrawReady`) and a frame has passed are every face it asked for — no waiting
 * for the network to fall quiet.
 */
let browser: Browser
let server: TestServer
const watch = new Watch()
const contexts: BrowserContext[] = []
const pages: Page[] = []

beforeAll(async () => {
	const port = await freePort()
	server = await startTestServer({ port, host: '127.0.0.1', publicUrl: `http://127.0.0.1:${port}` })
	browser = await launchBrowser()
})

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => undefined)
	await browser?.close()
	await server?.dispose()
})

afterEach(async (context) => {
	if (context.task.result?.state !== 'fail') return
	for (const [index, page] of pages.entries())
		if (!page.isClosed()) await screenshot(page, `failed-fonts-${index}`).catch(() => undefined)
})

interface Person {
	page: Page
	/** Font files the page requested, in order (file names). */
	fontFiles: string[]
}

/**
 * Runs in the page before its scripts: when tldraw has drawn its canvas (its shapes layer and our
 * zones), notes which of its faces were loaded by then.
 */
function noteFacesAtFirstDraw() {
	const page = globalThis as unknown as { __facesAtFirstDraw?: string[] }
	const observer = new MutationObserver(() => {
		if (!document.querySelector('.tl-canvas .tl-shapes') || !document.querySelector('.tablee-zone')) return
		page.__facesAtFirstDraw = [...document.fonts]
			.filter((face) => face.family.startsWith('tldraw_') && face.status === 'loaded')
			.map((face) => `${face.family} ${face.weight} ${face.style}`)
		observer.disconnect()
	})
	observer.observe(document, { subtree: true, childList: true })
}

async function joinBoard(link: string, name: string): Promise<Person> {
	const context = watch.observe(await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' }))
	contexts.push(context)
	await context.addInitScript(noteFacesAtFirstDraw)
	const page = await context.newPage()
	pages.push(page)
	const fontFiles: string[] = []
	page.on('request', (request) => {
		const file = new URL(request.url()).pathname.split('/').at(-1) ?? ''
		if (file.endsWith('.woff2')) fontFiles.push(file.replace(/-[\w-]{8}\.woff2$/, '.woff2'))
	})
	await page.goto(link)
	await page.getByLabel('Votre nom ou prénom').fill(name)
	await page.getByLabel('Associations – dirigeant·es bénévoles').check()
	await page.getByLabel('Tableau complet').check()
	await page.getByRole('button', { name: 'Entrer' }).click()
	await mounted(page)
	return { page, fontFiles }
}

/** tldraw has drawn and run its mount callbacks (where it used to ask for every face), plus a frame. */
async function mounted(page: Page) {
	await page.waitForFunction(() => (globalThis as { tldrawReady?: boolean }).tldrawReady === true, undefined, {
		timeout: 30_000,
	})
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
}

/** tldraw's faces known to the page ("family weight style"), and whether each has loaded. */
function faces(page: Page) {
	return page.evaluate(() =>
		[...document.fonts]
			.filter((face) => face.family.startsWith('tldraw_'))
			.map((face) => ({ face: `${face.family} ${face.weight} ${face.style}`, status: face.status })),
	)
}

const loaded = async (page: Page, face: string) =>
	page.waitForFunction(
		(wanted) =>
			[...document.fonts].some(
				(candidate) =>
					`${candidate.family} ${candidate.weight} ${candidate.style}` === wanted && candidate.status === 'loaded',
			),
		face,
		{ timeout: 15_000 },
	)

describe('tldraw fonts on the board', () => {
	let link: string
	let alice: Person

	test('[W8] a new board asks for none of tldraw’s sixteen font files', async () => {
		link = (await createWorkshop(server, { title: 'Polices à la demande' })).links.participant
		alice = await joinBoard(link, 'Alice')
		// Zones and cards are drawn in the page's own fonts.
		await alice.page.locator('.tablee-zone').first().waitFor()
		expect(await faces(alice.page)).toEqual([])
		expect(alice.fontFiles).toEqual([])
	})

	test('[W8] a text asks for the face it is drawn in when it is written, another when its font is switched', async () => {
		const { page } = alice
		await page.getByTestId('tools.text').click()
		await page.mouse.click(640, 420)
		await page.locator('.tl-shape [contenteditable="true"]:focus').waitFor()
		await page.keyboard.type('Mobilité partagée')
		// The draw font (tldraw's default) is fetched now, and the text is drawn in it.
		await loaded(page, 'tldraw_draw normal normal')
		await page.keyboard.press('Escape')
		const text = page.locator('.tl-shape', { hasText: 'Mobilité partagée' })
		await text.waitFor()
		expect(alice.fontFiles).toEqual(['Shantell_Sans-Informal_Regular.woff2'])

		// Selected, then set in serif from the style panel: that face is fetched, and used.
		await text.click()
		await page.locator('.tablee-styles__toggle').click()
		await page.getByTestId('style.font.serif').click()
		await loaded(page, 'tldraw_serif normal normal')
		await page.waitForFunction(
			() => {
				const label = [...document.querySelectorAll<HTMLElement>('.tl-shape .tl-rich-text')].find((element) =>
					element.textContent?.includes('Mobilité partagée'),
				)
				return label ? getComputedStyle(label).fontFamily.includes('tldraw_serif') : false
			},
			undefined,
			{ timeout: 10_000 },
		)
		expect(alice.fontFiles).toEqual(['Shantell_Sans-Informal_Regular.woff2', 'IBMPlexSerif-Medium.woff2'])
		expect((await faces(page)).map(({ face }) => face)).toEqual([
			'tldraw_draw normal normal',
			'tldraw_serif normal normal',
		])
	})

	test('[W8] a board with a text fetches its face when the text is handed to tldraw, and no other', async () => {
		const bob = await joinBoard(link, 'Bob')
		await bob.page.locator('.tl-shape', { hasText: 'Mobilité partagée' }).waitFor()
		// The board goes to tldraw in slices after its first draw (W9): by then, no other face.
		const atFirstDraw = await bob.page.evaluate(
			() => (globalThis as { __facesAtFirstDraw?: string[] }).__facesAtFirstDraw,
		)
		expect(['tldraw_serif normal normal']).toEqual(expect.arrayContaining(atFirstDraw ?? []))
		await expect.poll(() => faces(bob.page)).toEqual([{ face: 'tldraw_serif normal normal', status: 'loaded' }])
		expect(bob.fontFiles).toEqual(['IBMPlexSerif-Medium.woff2'])
		expect(watch.pageErrors).toEqual([])
		expect(watch.externalRequests).toEqual([])
	})
})
