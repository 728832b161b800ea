import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser, screenshot, Watch } from '../browser/browser.ts'
import { freePort } from '../helpers/server-process.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'

// Time budget of this file: 60 s (Chromium: the lobby, console, join, board, light view, synthesis).

let server: TestServer
let base: string
let workshop: CreatedWorkshop
let synthesisId: string

beforeAll(async () => {
	const port = await freePort()
	base = `http://127.0.0.1:${port}`
	server = await startTestServer({ port, host: '127.0.0.1', publicUrl: base })
	workshop = await createWorkshop(server, { title: 'Concertation <b>Creuse</b>' })
	const exported = await server.api(`/api/workshops/${workshop.id}/export?format=json`, {
		token: workshop.tokens.facilitator,
	})
	const created = await server.api('/api/syntheses', { body: { title: 'Synthèse', exports: [await exported.json()] } })
	synthesisId = ((await created.json()) as { id: string }).id
})

afterAll(async () => {
	await server?.dispose()
})

const pages = () => [
	'/',
	`/w/${workshop.id}`,
	`/join/${workshop.id}`,
	`/b/${workshop.id}`,
	`/p/${workshop.id}`,
	`/s/${synthesisId}`,
]

function directives(header: string | null): Map<string, string[]> {
	return new Map(
		(header ?? '')
			.split(';')
			.map((part) => part.trim().split(/\s+/))
			.filter((words) => words[0])
			.map(([name, ...values]) => [name as string, values]),
	)
}

describe('security headers', () => {
	test('[H3] every page: a CSP of our own origin with no inline script and no framing, nosniff, no-referrer', async () => {
		for (const pathname of pages()) {
			const response = await fetch(`${base}${pathname}`)
			expect(response.headers.get('content-type'), pathname).toMatch(/^text\/html/)
			const csp = directives(response.headers.get('content-security-policy'))
			expect(csp.get('default-src'), pathname).toEqual(["'self'"])
			expect(csp.get('script-src'), pathname).toEqual(["'self'"])
			expect(csp.get('connect-src'), pathname).toEqual(["'self'", 'data:', 'blob:'])
			expect(csp.get('frame-ancestors'), pathname).toEqual(["'none'"])
			expect(csp.get('object-src'), pathname).toEqual(["'none'"])
			expect(response.headers.get('x-content-type-options'), pathname).toBe('nosniff')
			expect(response.headers.get('referrer-policy'), pathname).toBe('no-referrer')
			expect(response.headers.get('x-frame-options'), pathname).toBe('DENY')
			// No inline script in the page itself.
			const html = await response.text()
			for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag, pathname).toMatch(/\bsrc=/)
		}
	})

	test('[H3] the HTML exports: no script at all, no framing, nosniff, no-referrer; JSON answers are nosniff too', async () => {
		const exports = [
			await server.api(`/api/workshops/${workshop.id}/export?format=html`, { token: workshop.tokens.facilitator }),
			await server.api(`/api/syntheses/${synthesisId}/export?format=html`),
		]
		for (const response of exports) {
			expect(response.status).toBe(200)
			const csp = directives(response.headers.get('content-security-policy'))
			expect(csp.get('default-src')).toEqual(["'none'"])
			expect(csp.has('script-src')).toBe(false)
			expect(csp.get('frame-ancestors')).toEqual(["'none'"])
			expect(response.headers.get('x-content-type-options')).toBe('nosniff')
			expect(response.headers.get('referrer-policy')).toBe('no-referrer')
		}
		const json = await server.api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
		expect(json.headers.get('x-content-type-options')).toBe('nosniff')
	})
})

describe('in Chromium', () => {
	let browser: Browser
	const watch = new Watch()
	const violations: string[] = []
	beforeAll(async () => {
		browser = await launchBrowser()
	})
	afterAll(async () => {
		await browser?.close()
	})
	async function open(viewport = { width: 1280, height: 800 }): Promise<Page> {
		const context = watch.observe(await browser.newContext({ viewport }))
		const page = await context.newPage()
		page.on('console', (message) => {
			if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`)
		})
		return page
	}

	test('[H3] the lobby, console, join, board (with a note), light view and synthesis work with no CSP violation', async () => {
		const facilitator = await open()
		await facilitator.goto(workshop.links.facilitator)
		await facilitator.locator('svg.qr').first().waitFor()
		const alice = await open()
		await alice.goto(workshop.links.participant)
		await alice.getByLabel('Votre nom ou prénom').fill('Alice')
		await alice.getByLabel('Financeurs publics – État').check()
		await alice.getByLabel('Tableau complet').check()
		await alice.getByRole('button', { name: 'Entrer' }).click()
		await alice.waitForURL(/\/b\//)
		await alice.locator('.tl-container').waitFor({ timeout: 30_000 })
		await alice.getByTestId('tools.text').click()
		await alice.mouse.click(640, 400)
		await alice.locator('.tl-shape [contenteditable="true"]:focus').waitFor()
		await alice.keyboard.type('Sous CSP')
		await alice.keyboard.press('Escape')
		await alice.locator('.tl-shape', { hasText: 'Sous CSP' }).waitFor()
		await screenshot(alice, 'csp-board')
		const phone = await open({ width: 360, height: 740 })
		await phone.goto(workshop.links.participant)
		await phone.getByLabel('Votre nom ou prénom').fill('Bruno')
		await phone.getByLabel('Financeurs publics – État').check()
		await phone.getByRole('button', { name: 'Entrer' }).click()
		await phone.waitForURL(/\/(p|b)\//)
		const lobby = await open()
		await lobby.goto(`${base}/`)
		await lobby.locator('h1').waitFor()
		await lobby.goto(`${base}/s/${synthesisId}`)
		await lobby.getByText('Synthèse').first().waitFor()

		expect(violations).toEqual([])
		expect(watch.pageErrors).toEqual([])
		expect(watch.externalRequests).toEqual([])
	}, 60_000)

	test('[H3] another site cannot frame the facilitator console', async () => {
		const attacker = await open()
		await attacker.setContent(`<iframe src="${workshop.links.facilitator}" width="600" height="400"></iframe>`)
		await expect
			.poll(() => violations.some((line) => line.includes("frame-ancestors 'none'")), { timeout: 10_000 })
			.toBe(true)
		const frame = attacker.frames()[1]
		// The console's page did not run in the frame.
		expect(await frame?.locator('svg.qr').count()).toBe(0)
	})
})
