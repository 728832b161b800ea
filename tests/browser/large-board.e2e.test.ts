import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { writeBoardPage } from '../../bench/light-client.ts'
import { boardStructures } from '../../shared/workshop/board-document.ts'
import {
	connect,
	createWorkshop,
	joinWorkshop,
	startTestServer,
	synced,
	type TestServer,
	waitFor,
} from '../helpers/test-server.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/**
 * A large board in real Chromium (SPEC W9): the client hands tldraw the notes on screen first and
 * the others a slice per frame (client/canvas/board-binding.ts). Whatever happens while it loads,
 * every note ends up on the canvas, an edit made meanwhile reaches the others once, a remote change
 * made meanwhile is applied, and undo does not take the load back.
 */
const NOTES = 1500

let browser: Browser
let server: TestServer
const watch = new Watch()
const contexts: BrowserContext[] = []

beforeAll(async () => {
	server = await startTestServer({ host: '127.0.0.1' })
	browser = await launchBrowser()
})

afterAll(async () => {
	for (const context of contexts) await context.close().catch(() => undefined)
	await browser?.close()
	await server?.dispose()
})

/** A note as tldraw 5 writes it, 100 a row, 220 px apart. */
function note(i: number, text = `Idée n° ${i}`): Record<string, unknown> {
	return {
		id: `shape:n${i}`,
		typeName: 'shape',
		type: 'note',
		x: (i % 100) * 220,
		y: Math.floor(i / 100) * 220,
		rotation: 0,
		// A valid fractional index, in the notes' order (one never ends in 0).
		index: `a1${i.toString(36).padStart(3, '0')}V`,
		parentId: 'page:page',
		isLocked: false,
		opacity: 1,
		meta: {},
		props: {
			color: 'yellow',
			labelColor: 'black',
			size: 'm',
			font: 'draw',
			fontSizeAdjustment: 1,
			align: 'middle',
			verticalAlign: 'middle',
			growY: 0,
			url: '',
			scale: 1,
			textLastEditedBy: null,
			richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] },
		},
	}
}

const notesOnCanvas = (page: Page) => page.locator('.tl-shape[data-shape-type="note"]').count()

describe('a large board', () => {
	test('[W9] a 1 500-note board loads whole; an edit made while it loads reaches the others once, a remote change made meanwhile is applied, and undo leaves the board', async () => {
		const workshop = await createWorkshop(server)
		const writer = await joinWorkshop(server, workshop, 'Rédacteur')
		const provider = connect(server.wsUrl, workshop.id, writer.token)
		try {
			await synced(provider)
			const { records } = boardStructures(provider.doc)
			provider.doc.transact(() => {
				writeBoardPage(records)
				for (let i = 0; i < NOTES; i++) records.set(`shape:n${i}`, note(i))
			})

			const context = watch.observe(await browser.newContext({ viewport: { width: 1280, height: 800 } }))
			contexts.push(context)
			const alice = await context.newPage()
			await alice.goto(workshop.links.participant.replace(/^https?:\/\/[^/]+/, server.url))
			await alice.getByLabel('Votre nom ou prénom').fill('Alice')
			await alice.getByLabel('Associations – dirigeant·es bénévoles').check()
			await alice.getByLabel('Tableau complet').check()
			await alice.getByRole('button', { name: 'Entrer' }).click()
			await alice.locator('.tl-container').waitFor({ timeout: 30_000 })

			// As soon as the canvas is there: a note far from the camera changes, another goes, and
			// Alice writes on the board.
			provider.doc.transact(() => {
				records.set('shape:n1499', note(1499, 'Changée pendant le chargement'))
				records.delete('shape:n1498')
			})
			await alice.getByTestId('tools.text').click()
			await alice.mouse.click(640, 420)
			await alice.locator('.tl-shape [contenteditable="true"]:focus').waitFor()
			await alice.keyboard.type('Écrit pendant le chargement')
			await alice.keyboard.press('Escape')

			// Every note is on the canvas (less the one deleted), and the changed one as changed.
			await waitFor(async () => (await notesOnCanvas(alice)) === NOTES - 1, 'every note on the canvas', 60_000)
			expect(await alice.locator('.tl-shape[data-shape-id="shape:n1498"]').count()).toBe(0)
			await alice.locator('.tl-shape[data-shape-id="shape:n1499"]').waitFor({ state: 'attached' })

			// Alice's text reached the others, once.
			const written = () =>
				[...records.values()].filter((record) => JSON.stringify(record).includes('Écrit pendant le chargement'))
			await waitFor(() => written().length === 1, 'the edit made while loading at the other participant', 15_000)
			expect(written()).toHaveLength(1)

			// Undo takes back Alice's text, and nothing of the load.
			await alice.locator('.tl-canvas').click({ position: { x: 20, y: 200 } })
			for (let i = 0; i < 5; i++) await alice.keyboard.press('Control+z')
			await waitFor(() => written().length === 0, 'the text undone at the other participant', 15_000)
			expect(await notesOnCanvas(alice)).toBe(NOTES - 1)
			const shapes = [...records.values()].filter((record) => (record as { typeName?: string }).typeName === 'shape')
			expect(shapes).toHaveLength(NOTES - 1)
			// The whole board in view: the note changed while it loaded shows its new text.
			await alice.keyboard.press('Shift+1')
			await alice
				.locator('.tl-shape[data-shape-id="shape:n1499"]', { hasText: 'Changée pendant le chargement' })
				.waitFor({ timeout: 30_000 })
			await screenshot(alice, 'large-board')
			expect(watch.pageErrors).toEqual([])
		} finally {
			provider.destroy()
		}
	}, 180_000)
})
