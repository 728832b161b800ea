/**
 * Bytes on the wire for a first visit, measured in Chromium (what the browser reports as
 * received, headers included: `encodedDataLength` of every request, via the DevTools protocol).
 * A participant joins from the shared link and lands on the board (wide screen) or the light view
 * (phone); then the same page is loaded again, as when someone comes back or reloads.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { tableeLaunch } from './peers.ts'

export interface WireFigures {
	/** Bytes received until the view is usable (the canvas mounted, or the light view drawn). */
	untilUsable: number
	/** Bytes once the network is quiet (lazy fonts, translations…). */
	total: number
	requests: number
	/** Bytes received when the same view is loaded again. */
	again: number
}

export interface WireResult {
	board: WireFigures
	light: WireFigures
}

const root = path.resolve(import.meta.dirname, '..')

/** `main`: the server to run (server/main.ts of some checkout); `clientDir`: the build it serves. */
export async function wireBytes(main: string, clientDir: string): Promise<WireResult> {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-wire-'))
	const launch = tableeLaunch(main)
	const child = spawn(process.execPath, launch.args, {
		env: {
			...process.env,
			...launch.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'info',
			CLIENT_DIR: clientDir,
		},
		stdio: ['ignore', 'pipe', 'inherit'],
		cwd: root,
	})
	const url = await new Promise<string>((resolve, reject) => {
		let output = ''
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk
			const match = /"url":"(http:\/\/[^"]+)"/.exec(output)
			if (match?.[1]) resolve(match[1])
		})
		child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)))
	})
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run'],
	})
	try {
		const created = (await (
			await fetch(`${url}/api/workshops`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ title: 'Octets sur le fil' }),
			})
		).json()) as { links: { participant: string } }
		const link = created.links.participant.replace(/^https?:\/\/[^/]+/, url)
		const board = await visit(link, { width: 1280, height: 800 }, 'board')
		const light = await visit(link, { width: 390, height: 844 }, 'light')
		return { board, light }
	} finally {
		await browser.close()
		const exited = new Promise((resolve) => child.once('exit', resolve))
		child.kill('SIGTERM')
		await exited
		await rm(dataDir, { recursive: true, force: true })
	}

	async function visit(link: string, viewport: { width: number; height: number }, view: 'board' | 'light') {
		const context = await browser.newContext({ viewport })
		const page = await context.newPage()
		const counter = await countBytes(page)
		await page.goto(link)
		await page.getByLabel('Votre nom ou prénom').fill(view === 'board' ? 'Alice' : 'Bob')
		await page.getByLabel('Associations – dirigeant·es bénévoles').check()
		await page.getByLabel(view === 'board' ? 'Tableau complet' : 'Vue légère').check()
		await page.getByRole('button', { name: 'Entrer' }).click()
		await usable(page, view)
		const untilUsable = counter.bytes
		await quiet(page, counter)
		const total = counter.bytes
		const requests = counter.requests
		counter.reset()
		await page.reload()
		await usable(page, view)
		await quiet(page, counter)
		const again = counter.bytes
		await context.close()
		return { untilUsable, total, requests, again }
	}
}

async function usable(page: Page, view: 'board' | 'light') {
	if (view === 'board') await page.locator('.tl-container').waitFor({ timeout: 60_000 })
	else await page.locator('.light-zone').first().waitFor({ timeout: 60_000 })
}

/** Waits until nothing more arrives for 2 s: the canvas asks for its fonts some time after it mounts. */
async function quiet(page: Page, counter: { requests: number }) {
	await page.waitForLoadState('networkidle')
	await page.evaluate(() => document.fonts.ready)
	let seen = -1
	for (let waited = 0; waited < 30_000 && seen !== counter.requests; waited += 2000) {
		seen = counter.requests
		await new Promise((resolve) => setTimeout(resolve, 2000))
	}
}

/** Counts what the browser receives (headers included; the WebSocket excluded). */
export async function countBytes(page: Page) {
	const session = await page.context().newCDPSession(page)
	await session.send('Network.enable')
	const counter = {
		bytes: 0,
		requests: 0,
		reset() {
			counter.bytes = 0
			counter.requests = 0
		},
	}
	session.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
		counter.bytes += event.encodedDataLength
		counter.requests++
	})
	return counter
}
