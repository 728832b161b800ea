import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { createWorkshop, joinWorkshop, startTestServer } from '../helpers/test-server.ts'
import { seriousViolations } from './axe.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

/** Personal data as people meet it (SPEC D1, D4, D6): the notice, deleting, removing one's name. */
let browser: Browser
let server: TestServer
let base: string
const watch = new Watch()

beforeAll(async () => {
	const port = await freePort()
	base = `http://127.0.0.1:${port}`
	server = await startTestServer({
		port,
		host: '127.0.0.1',
		publicUrl: base,
		organisationName: 'Mouvement associatif de la Creuse',
		privacyContact: 'dpo@mouvement-asso-creuse.example',
		retentionDays: 180,
	})
	browser = await launchBrowser()
})

afterAll(async () => {
	await browser?.close()
	await server?.dispose()
})

const viewports = [
	{ name: 'desktop', width: 1280, height: 900 },
	{ name: 'phone', width: 360, height: 780 },
] as const

async function pageAt(viewport: { width: number; height: number }): Promise<Page> {
	const context = watch.observe(await browser.newContext({ viewport: viewport }))
	return context.newPage()
}

test('[D6] the privacy notice names the controller, the retention period and says why no cookie banner is needed', async () => {
	for (const viewport of viewports) {
		const page = await pageAt(viewport)
		await page.goto(`${base}/confidentialite`)
		await page.getByRole('heading', { name: 'Données personnelles', level: 1 }).waitFor()
		const text = await page.locator('main').innerText()
		expect(text).toContain('Mouvement associatif de la Creuse')
		expect(text).toContain('dpo@mouvement-asso-creuse.example')
		expect(text).toContain('180 jours après la date de l’atelier')
		expect(text).toContain('aucun bandeau de consentement')
		await screenshot(page, `privacy-notice-fr-${viewport.name}`)
		await page.getByRole('combobox').first().selectOption('en')
		await page.getByRole('heading', { name: 'Personal data', level: 1 }).waitFor()
		expect(await page.locator('main').innerText()).toContain('180 days after the workshop’s date')
		await page.getByRole('combobox').first().selectOption('fr')
		await page.context().close()
	}
	// The join page links it before anyone types a name.
	const workshop = await createWorkshop(server)
	const page = await pageAt(viewports[1])
	await page.goto(workshop.links.participant)
	await page.getByRole('link', { name: 'Données personnelles' }).scrollIntoViewIfNeeded()
	await screenshot(page, 'privacy-join-link-phone')
	await page.getByRole('link', { name: 'Données personnelles' }).click()
	await page.waitForURL(`${base}/confidentialite`)
	await page.context().close()
	expect(watch.externalRequests).toEqual([])
})

test('[D4] from the light view, a participant opens the notice and removes their own name', async () => {
	const workshop = await createWorkshop(server, { authorMode: 'named', title: 'Concertation Creuse' })
	const alice = await joinWorkshop(server, workshop, 'Alice Martin', 'assos-benevoles')
	for (const viewport of viewports) {
		const page = await pageAt(viewport)
		await page.goto(`${base}/p/${workshop.id}#token=${alice.token}`)
		await page.getByRole('link', { name: 'Données personnelles' }).click()
		await page.waitForURL(`${base}/confidentialite?atelier=${workshop.id}`)
		const button = page.getByRole('button', { name: 'Retirer mon nom' })
		await button.scrollIntoViewIfNeeded()
		await screenshot(page, `privacy-erase-name-${viewport.name}`)
		if (viewport.name === 'phone') {
			page.once('dialog', (dialog) => void dialog.accept())
			await button.click()
			await page.getByText('Votre nom a été retiré').waitFor()
			await screenshot(page, `privacy-erase-name-done-${viewport.name}`)
		}
		await page.context().close()
	}
	const view = (await (await server.api(`/api/workshops/${workshop.id}/privacy`, { token: alice.token })).json()) as {
		anonymiseOn: string
	}
	expect(view.anonymiseOn).toMatch(/^\d{4}-\d{2}-\d{2}$/)
	const file = JSON.stringify(
		await (
			await server.api(`/api/workshops/${workshop.id}/export?format=json`, { token: workshop.tokens.facilitator })
		).json(),
	)
	expect(file).not.toContain('Alice Martin')
})

test('[D1] the facilitator deletes from the console after being offered the archive and documents; each participant is told in their language, on the light view and the board; [D4] a paper participant’s name removed from the console', async () => {
	const workshop = await createWorkshop(server, { title: 'Atelier à supprimer', date: '2026-12-03' })
	const bob = await joinWorkshop(server, workshop, 'Bob', 'etat')
	const carol = await joinWorkshop(server, workshop, 'Carol', 'etat')
	const paper = await server.api(`/api/workshops/${workshop.id}/participants/paper`, {
		token: workshop.tokens.facilitator,
		body: { name: 'Denise Papier', college: 'etat' },
	})
	const { participantId: paperId } = (await paper.json()) as { participantId: string }
	const participant = await pageAt(viewports[0])
	await participant.goto(`${base}/p/${workshop.id}#token=${bob.token}`)
	await participant.locator('.connection[data-state="connected"]').waitFor()
	// On the board too (the canvas underneath is covered).
	const board = await pageAt(viewports[0])
	await board.goto(`${base}/b/${workshop.id}#token=${bob.token}`)
	await board.locator('.tl-container').waitFor({ timeout: 30_000 })
	// A participant who reads the interface in English is told in English.
	const english = await pageAt(viewports[1])
	await english.addInitScript(() => localStorage.setItem('tablee:language', 'en'))
	await english.goto(`${base}/p/${workshop.id}#token=${carol.token}`)
	await english.locator('.connection[data-state="connected"]').waitFor()
	const storedKeys = () =>
		participant.evaluate((id) => Object.keys(localStorage).filter((key) => key.includes(id)), workshop.id)
	expect(await storedKeys()).toContain(`tablee:session:${workshop.id}`)

	for (const viewport of viewports) {
		const page = await pageAt(viewport)
		await page.goto(workshop.links.facilitator)
		await page.getByRole('heading', { name: 'Données personnelles' }).waitFor()
		await page.getByText('Les noms seront retirés automatiquement le').waitFor()
		if (viewport.name === 'desktop') {
			// D4: the facilitator removes the name of someone who asked on paper.
			await page.getByLabel('Retirer le nom d’une personne qui le demande').selectOption({ label: 'Denise Papier' })
			page.once('dialog', (confirm) => void confirm.accept())
			await page.getByRole('button', { name: 'Retirer ce nom' }).click()
			await page.getByText('Le nom a été retiré.').waitFor()
			const status = (await (
				await server.api(`/api/workshops/${workshop.id}/privacy`, { token: workshop.tokens.facilitator })
			).json()) as { named: { id: string }[] }
			expect(status.named.map((person) => person.id)).not.toContain(paperId)
		}
		await page.getByRole('button', { name: 'Supprimer l’atelier' }).click()
		const dialog = page.getByRole('dialog', { name: 'Supprimer définitivement cet atelier ?' })
		await dialog.waitFor()
		// The documents are offered too, before anything is deleted.
		await dialog.getByRole('button', { name: 'PDF' }).waitFor()
		await dialog.getByRole('button', { name: /Word/ }).waitFor()
		await screenshot(page, `privacy-delete-confirm-${viewport.name}`)
		// The archive comes first: it downloads from the dialog.
		const download = page.waitForEvent('download')
		await dialog.getByRole('button', { name: 'Télécharger l’archive complète' }).click()
		expect((await download).suggestedFilename()).toBe(`tablee-archive-${workshop.id}.json`)
		const confirm = dialog.getByRole('button', { name: 'Supprimer définitivement' })
		expect(await confirm.isDisabled()).toBe(true)
		if (viewport.name === 'phone') {
			await dialog.getByLabel('J’ai gardé ce qu’il me fallait').check()
			await confirm.click()
			await page.waitForURL(`${base}/`)
		} else {
			await dialog.getByRole('button', { name: 'Annuler' }).click()
		}
		await page.context().close()
	}
	await participant.getByText('cet atelier a été supprimé par son animation').waitFor()
	await participant.getByRole('heading', { name: 'Cet atelier a été supprimé' }).waitFor()
	// A modal notice: the page underneath is inert and Escape does not take it away.
	const notice = participant.locator('dialog.workshop-deleted')
	expect(await notice.evaluate((dialog) => dialog.matches(':modal'))).toBe(true)
	await participant.keyboard.press('Escape')
	expect(await notice.evaluate((dialog) => (dialog as HTMLDialogElement).open)).toBe(true)
	// It reads as the rest does (WCAG 2.1 AA, RGAA 4.1).
	expect(await seriousViolations(participant)).toEqual([])
	await english.getByText('this workshop was deleted by its facilitator').waitFor()
	await english.getByRole('heading', { name: 'This workshop was deleted' }).waitFor()
	await board.getByRole('heading', { name: 'Cet atelier a été supprimé' }).waitFor()
	await board.getByRole('link', { name: 'Retour à l’accueil' }).click({ trial: true })
	await screenshot(board, 'privacy-deleted-board-desktop')
	await board.context().close()
	await screenshot(english, 'privacy-deleted-participant-en-phone')
	await english.context().close()
	// Nothing of it stays on the participant's device.
	await waitForEmpty(storedKeys)
	await screenshot(participant, 'privacy-deleted-participant-desktop')
	expect((await server.api(`/api/workshops/${workshop.id}`, { token: bob.token })).status).toBe(404)
	await participant.context().close()
	expect(watch.pageErrors).toEqual([])
})

async function waitForEmpty(read: () => Promise<string[]>): Promise<void> {
	const deadline = Date.now() + 5000
	while ((await read()).length > 0) {
		if (Date.now() > deadline) throw new Error(`still stored: ${(await read()).join(', ')}`)
		await new Promise((resolve) => setTimeout(resolve, 20))
	}
}

test('[D1] a synthesis page says which source workshop was deleted, and which cannot be known', async () => {
	const workshop = await createWorkshop(server, { title: 'Atelier Creuse', territory: 'Creuse' })
	const exported = (await (
		await server.api(`/api/workshops/${workshop.id}/export?format=json`, { token: workshop.tokens.facilitator })
	).json()) as { context: Record<string, unknown> }
	const elsewhere = structuredClone(exported)
	elsewhere.context.territory = 'Corrèze'
	elsewhere.context.workshop = { id: 'abcdefghijkl', server: 'https://tablee.autre.example' }
	const created = (await (
		await server.api('/api/syntheses', {
			body: {
				title: 'Synthèse Limousin',
				exports: [elsewhere],
				workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }],
			},
		})
	).json()) as { id: string }
	const deleted = await server.api(`/api/workshops/${workshop.id}`, {
		method: 'DELETE',
		token: workshop.tokens.facilitator,
	})
	expect(deleted.status).toBe(200)
	for (const viewport of [
		{ name: 'desktop', width: 1366, height: 900 },
		{ name: 'phone', width: 360, height: 780 },
	]) {
		const page = await pageAt(viewport)
		await page.goto(`${base}/s/${created.id}`)
		const note = page.locator('[data-deleted-source="1"]')
		await note.waitFor()
		expect(await note.innerText()).toMatch(
			/^Creuse : l’atelier source a été supprimé de ce serveur le \d+ \S+ \d{4} ; cette synthèse garde sa propre copie/,
		)
		expect(await page.locator('[data-unknown-sources]').innerText()).toContain(
			'Corrèze : atelier d’un autre serveur, ou que son export ne nomme pas — ce serveur ne peut pas savoir s’il a été supprimé depuis.',
		)
		// A deleted workshop is no longer one "of this server included".
		await expect.poll(() => page.getByText('Ateliers de ce serveur inclus').count()).toBe(0)
		await screenshot(page, `privacy-synthesis-deleted-source-${viewport.name}`)
		if (viewport.name === 'desktop') {
			await page.getByRole('combobox').first().selectOption('en')
			await page.getByText('Creuse: the source workshop was deleted from this server on').waitFor()
			await page.getByRole('combobox').first().selectOption('fr')
		}
		await page.context().close()
	}
	expect(watch.pageErrors).toEqual([])
})
