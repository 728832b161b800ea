import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'
import type { Page } from 'playwright-core'
import { launchBrowser, screenshot as viewport, Watch } from './browser.ts'

/** The page from its top (the helper shows the viewport where the page last scrolled). */
const screenshot = async (page: Page, name: string) => {
	await page.evaluate(() => window.scrollTo(0, 0))
	await viewport(page, name)
}

/** The national synthesis page, as an advocacy team uses it (SPEC N1–N5). */
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

async function territory(name: string, title: string): Promise<{ file: string; workshop: CreatedWorkshop }> {
	const workshop: CreatedWorkshop = await createWorkshop(server, { title: `Concertation ${name}`, territory: name })
	const answer = await server.api(`/api/workshops/${workshop.id}/contributions`, {
		token: workshop.tokens.facilitator,
		body: { type: 'recommandation', zone: 'recommandations', title, text: 'Conventions pluriannuelles' },
	})
	expect(answer.status).toBe(201)
	const exported = await server.api(`/api/workshops/${workshop.id}/export?format=json`, {
		token: workshop.tokens.facilitator,
	})
	const dir = await mkdtemp(path.join(tmpdir(), 'tablee-export-'))
	const file = path.join(dir, `${name}.json`)
	await writeFile(file, await exported.text())
	return { file, workshop }
}

test('[N5][N12][N13] from two territorial exports to a national recommendation its author edits, moves, undoes; readers only read', async () => {
	const creuse = await territory('Creuse', 'Sécuriser les financements dans la durée')
	const correze = await territory('Corrèze', 'Sécuriser les financements pluriannuels')
	const page = await watch.observe(await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
	// This device facilitates the Creuse workshop (its console was opened here); Corrèze sent its export.
	await page.goto(creuse.workshop.links.facilitator)
	await page.locator('.facilitator-panel').waitFor()
	await page.goto(`${base}/`)
	await page.getByText('Créer une synthèse nationale').click()
	await page.getByLabel('Titre de la synthèse').fill('Synthèse Nouvelle-Aquitaine')
	await page.getByLabel('Concertation Creuse — Creuse').check()
	await page.getByLabel('Exports JSON des ateliers').setInputFiles([correze.file])
	await page.getByRole('button', { name: 'Créer la synthèse' }).click()
	await page.getByRole('heading', { name: 'Synthèse Nouvelle-Aquitaine' }).waitFor()
	// The edit key left the address bar (kept on this device); the page offers both links.
	await page.waitForURL(/\/s\/[a-z0-9]+$/)
	const id = new URL(page.url()).pathname.split('/')[2] ?? ''
	const editKey = await page.evaluate((name) => localStorage.getItem(name), `tablee.synthesis-edit.${id}`)
	expect(editKey).toMatch(/^[a-z0-9]+$/)
	await page.getByText('Lien de modification (regrouper, renommer, écrire)').waitFor()
	// The suggestion says why.
	const suggestion = page.locator('.suggestions > li').first()
	expect(await suggestion.textContent()).toMatch(/mots communs : .*Sécuriser/i)
	await page.getByRole('button', { name: 'Confirmer ce regroupement' }).click()
	const group = page.locator('.synthesis-groups > li[data-confirmed="yes"]').first()
	await group.getByText('Retenue dans 2 territoires sur 2').waitFor()
	expect(await group.textContent()).toContain('Creuse')
	expect(await group.textContent()).toContain('Corrèze')
	// Grouped recommendations are never offered again.
	expect(await page.getByRole('button', { name: 'Confirmer ce regroupement' }).count()).toBe(0)

	// Renamed, with a national text.
	await group.getByLabel('Titre national').fill('Financer dans la durée')
	await group.getByLabel(/Texte national/).fill('Des conventions pluriannuelles partout.')
	await group.getByRole('button', { name: 'Enregistrer' }).click()
	await page
		.locator('.synthesis-groups > li[data-confirmed="yes"] strong', { hasText: 'Financer dans la durée' })
		.waitFor()
	// One recommendation moved out of the group, then the move undone.
	await page.getByLabel('Regroupement de « Sécuriser les financements pluriannuels »').selectOption('')
	await page
		.locator('.synthesis-groups > li[data-confirmed="yes"]')
		.getByText('Retenue dans 1 territoire sur 2')
		.waitFor()
	await screenshot(page, 'synthesis-1280')
	await page.getByRole('button', { name: 'Annuler ma dernière modification' }).click()
	await page
		.locator('.synthesis-groups > li[data-confirmed="yes"]')
		.getByText('Retenue dans 2 territoires sur 2')
		.waitFor()
	// Reopened, everything is still there.
	await page.reload()
	const reopened = page.locator('.synthesis-groups > li[data-confirmed="yes"]').first()
	await reopened.getByText('Retenue dans 2 territoires sur 2').waitFor()
	expect(await reopened.textContent()).toContain('Des conventions pluriannuelles partout.')
	expect(await page.getByRole('button', { name: 'Confirmer ce regroupement' }).count()).toBe(0)

	// A grouping changed through the API shows on the open page.
	const current = (await (
		await server.api(`/api/syntheses/${id}`, { headers: { 'x-synthesis-key': editKey ?? '' } })
	).json()) as { revision: number; groups: { id: string; label: string }[] }
	const renamed = await server.api(`/api/syntheses/${id}/groups`, {
		method: 'PUT',
		headers: { 'x-synthesis-key': editKey ?? '' },
		body: { revision: current.revision, groups: current.groups.map((g) => ({ ...g, label: 'Renommée par l’API' })) },
	})
	expect(renamed.status).toBe(200)
	await page.locator('.synthesis-groups strong', { hasText: 'Renommée par l’API' }).waitFor()
	await page.getByText('Cette synthèse a été modifiée ailleurs').waitFor()

	// Two people at once: the second, working on a stale copy, is told and sees the first's state.
	const other = await watch.observe(await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage()
	await other.clock.install()
	await other.goto(`${base}/s/${id}#edit=${editKey}`)
	const otherGroup = other.locator('.synthesis-groups > li[data-confirmed="yes"]').first()
	await otherGroup.getByLabel('Titre national').waitFor()
	// The page's own refresh is held still, so its copy stays stale while the first person saves.
	await other.clock.pauseAt(Date.now() + 60_000)
	await page
		.locator('.synthesis-groups > li[data-confirmed="yes"]')
		.first()
		.getByLabel('Titre national')
		.fill('Version de la première')
	await page
		.locator('.synthesis-groups > li[data-confirmed="yes"]')
		.first()
		.getByRole('button', { name: 'Enregistrer' })
		.click()
	await page.locator('.synthesis-groups strong', { hasText: 'Version de la première' }).waitFor()
	await otherGroup.getByLabel('Titre national').fill('Version de la seconde')
	await otherGroup.getByRole('button', { name: 'Enregistrer' }).click()
	await other.getByText('Quelqu’un d’autre a enregistré une modification entre-temps').waitFor()
	await other.locator('.synthesis-groups strong', { hasText: 'Version de la première' }).waitFor()
	const stored = (await (await server.api(`/api/syntheses/${id}`)).json()) as { groups: { label: string }[] }
	expect(stored.groups.map((g) => g.label)).toEqual(['Version de la première'])
	await screenshot(other, 'synthesis-360-stale')

	// The read link reads and exports, and offers no editing.
	const reader = await watch.observe(await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage()
	await reader.goto(`${base}/s/${id}`)
	await reader.getByText('Lecture seule').waitFor()
	expect(await reader.getByLabel('Titre national').count()).toBe(0)
	expect(await reader.getByRole('button', { name: 'Confirmer ce regroupement' }).count()).toBe(0)
	await reader.locator('.synthesis-groups > li').first().getByText('Retenue dans 2 territoires sur 2').waitFor()
	await screenshot(reader, 'synthesis-360-read')
	expect(watch.externalRequests).toEqual([])
	expect(watch.pageErrors).toEqual([])
}, 90_000)
