import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../helpers/server-process.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { createWorkshop, startTestServer } from '../helpers/test-server.ts'
import { launchBrowser, screenshot, Watch } from './browser.ts'

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

test('[N5] from two territorial exports to a confirmed grouping "supported in 2 of 2"', async () => {
	const creuse = await territory('Creuse', 'Sécuriser les financements dans la durée')
	const correze = await territory('Corrèze', 'Sécuriser les financements pluriannuels')
	const page = await watch.observe(await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage()
	// This device facilitates the Creuse workshop (its console was opened here); Corrèze sent its export.
	await page.goto(creuse.workshop.links.facilitator)
	await page.locator('.facilitator-panel').waitFor()
	await page.goto(`${base}/`)
	await page.getByText('Créer une synthèse nationale').click()
	await page.getByLabel('Titre de la synthèse').fill('Synthèse Nouvelle-Aquitaine')
	await page.getByLabel('Concertation Creuse — Creuse').check()
	await page.getByLabel('Exports JSON des ateliers').setInputFiles([correze.file])
	await page.getByRole('button', { name: 'Créer la synthèse' }).click()
	await page.waitForURL(/\/s\/[a-z0-9]+$/)
	await page.getByRole('heading', { name: 'Synthèse Nouvelle-Aquitaine' }).waitFor()
	await page.getByRole('button', { name: 'Confirmer ce regroupement' }).click()
	const group = page.locator('.synthesis-groups > li').first()
	await group.getByText('Soutenue dans 2 territoire(s) sur 2').waitFor()
	expect(await group.textContent()).toContain('Creuse')
	expect(await group.textContent()).toContain('Corrèze')
	await screenshot(page, 'synthesis')
	// Reopened, the grouping is still there.
	await page.reload()
	await page.locator('.synthesis-groups > li').first().getByText('Soutenue dans 2 territoire(s) sur 2').waitFor()
	expect(watch.externalRequests).toEqual([])
	expect(watch.pageErrors).toEqual([])
}, 60_000)
