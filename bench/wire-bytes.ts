/**
 * Bytes on the wire for a first visit, measured in Chromium (what the browser reports as
 * received, headers included: `encodedDataLength` of every request, via the DevTools protocol).
 * A participant joins from the shared link and lands on the board (wide screen) or the light view
 * (phone); then the same page is loaded again, as when someone comes back or reloads. The board is
 * visited twice: as a new workshop's board (zones, no drawing yet) and with notes on it (tldraw
 * draws them in its "draw" font, which it loads before its first draw).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import * as Y from 'yjs'
import { boardNote, LightClient, writeBoardPage } from './light-client.ts'
import { jsonPoster, tableeLaunch } from './peers.ts'

export interface WireFigures {
	/** Bytes received until the view is usable (the canvas mounted, or the light view drawn). */
	untilUsable: number
	/** Bytes once the network is quiet (lazy fonts, translations…). */
	total: number
	requests: number
	/** Bytes received when the same view is loaded again. */
	again: number
	/** Every response of the first load, in the order they finished (BENCH_WIRE_LOG=1 prints them). */
	log: WireEntry[]
}

export interface WireEntry {
	url: string
	bytes: number
	/** Milliseconds from the first request of the visit until the response finished. */
	atMs: number
	beforeUsable: boolean
}

export interface WireResult {
	board: WireFigures
	/** The board with `NOTES` tldraw notes on it. */
	boardWithNotes: WireFigures
	light: WireFigures
}

export const NOTES = 20

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
	const writers: LightClient[] = []
	try {
		const post = jsonPoster(url)
		const created = (await post('/api/workshops', { title: 'Octets sur le fil' })) as {
			links: { participant: string }
		}
		const link = created.links.participant.replace(/^https?:\/\/[^/]+/, url)
		const board = await visit(link, { width: 1280, height: 800 }, 'board')
		const light = await visit(link, { width: 390, height: 844 }, 'light')
		const boardWithNotes = await visit(await workshopWithNotes(url, writers), { width: 1280, height: 800 }, 'board')
		return { board, boardWithNotes, light }
	} finally {
		await Promise.all(writers.map((writer) => writer.close()))
		await browser.close()
		const exited = new Promise((resolve) => child.once('exit', resolve))
		child.kill('SIGTERM')
		await exited
		await rm(dataDir, { recursive: true, force: true })
	}

	async function visit(link: string, viewport: { width: number; height: number }, view: 'board' | 'light') {
		const context = await browser.newContext({ viewport, locale: 'fr-FR' })
		await context.addInitScript(markUsable)
		const page = await context.newPage()
		const counter = await countBytes(page)
		await page.goto(link)
		await page.getByLabel('Votre nom ou prénom').fill(view === 'board' ? 'Alice' : 'Bob')
		await page.getByLabel('Associations – dirigeant·es bénévoles').check()
		await page.getByLabel(view === 'board' ? 'Tableau complet' : 'Vue légère').check()
		await page.getByRole('button', { name: 'Entrer' }).click()
		const usableAt = await usable(page)
		await quiet(page, counter)
		const log = counter.log.map((entry) => ({ ...entry, beforeUsable: entry.finishedAt <= usableAt }))
		const untilUsable = log.filter((entry) => entry.beforeUsable).reduce((sum, entry) => sum + entry.bytes, 0)
		const total = counter.bytes
		const requests = counter.requests
		const start = counter.navigationStart
		counter.reset()
		await page.reload()
		await usable(page)
		await quiet(page, counter)
		const again = counter.bytes
		await context.close()
		return {
			untilUsable,
			total,
			requests,
			again,
			log: log.map(({ url, bytes, finishedAt, beforeUsable }) => ({
				url,
				bytes,
				atMs: finishedAt - start,
				beforeUsable,
			})),
		}
	}
}

/**
 * Runs in the page before its own scripts: notes the time (wall clock, ms) at which the view first
 * became usable. The board: tldraw has drawn its canvas (its shapes layer) and our zones in it —
 * tldraw shows a loading screen in an empty `.tl-container` until the fonts of the page's shapes
 * have arrived, so the container alone is not enough. The light view: its first zone is drawn.
 * Noted in the page, when the DOM changes, so that what arrives a moment later (fonts tldraw asks
 * for once it has drawn) is not counted as before (Playwright's polling would lag behind it).
 */
function markUsable() {
	const page = globalThis as unknown as { __usableAt?: number }
	const check = () => {
		if (page.__usableAt !== undefined) return true
		const board = document.querySelector('.tl-canvas .tl-shapes') && document.querySelector('.tablee-zone')
		if (!board && !document.querySelector('.light-zone')) return false
		page.__usableAt = performance.timeOrigin + performance.now()
		return true
	}
	const observer = new MutationObserver(() => {
		if (check()) observer.disconnect()
	})
	observer.observe(document, { subtree: true, childList: true })
}

/** Waits until the view is usable; returns when it became so (wall clock, ms). */
async function usable(page: Page): Promise<number> {
	const at = await page.waitForFunction(() => (globalThis as { __usableAt?: number }).__usableAt, undefined, {
		timeout: 60_000,
	})
	return (await at.jsonValue()) as number
}

/** A new workshop whose board a participant (a light client) has put `NOTES` notes on. */
async function workshopWithNotes(url: string, writers: LightClient[]): Promise<string> {
	const post = jsonPoster(url)
	const created = (await post('/api/workshops', { title: 'Octets sur le fil, avec des notes' })) as {
		id: string
		tokens: { participant: string }
		links: { participant: string }
	}
	const { token } = (await post(
		`/api/workshops/${created.id}/join`,
		{ name: 'Rédactrice', college: 'assos-benevoles' },
		created.tokens.participant,
	)) as { token: string }
	const doc = new Y.Doc()
	const writer = new LightClient({
		dialect: 'y-websocket',
		base: `${url.replace(/^http/, 'ws')}/ws`,
		room: created.id,
		token,
		doc,
	})
	// Left open until the end: the server has its notes before anyone else joins.
	writers.push(writer)
	await writer.synced
	const records = doc.getMap('records')
	doc.transact(() => {
		writeBoardPage(records)
		for (let i = 0; i < NOTES; i++) records.set(`shape:n${i}`, boardNote(i))
	})
	return created.links.participant.replace(/^https?:\/\/[^/]+/, url)
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
		/** Each response that crossed the wire, with when it finished (wall clock, ms). */
		log: [] as Array<{ url: string; bytes: number; finishedAt: number }>,
		/** Wall clock (ms) of the first request since the last reset. */
		navigationStart: Number.NaN,
		reset() {
			counter.bytes = 0
			counter.requests = 0
			counter.log = []
			counter.navigationStart = Number.NaN
		},
	}
	const urls = new Map<string, string>()
	// DevTools stamps events with a monotonic clock; requestWillBeSent also gives the wall clock.
	let wallOffsetS = 0
	session.on(
		'Network.requestWillBeSent',
		(event: { requestId: string; request: { url: string }; timestamp: number; wallTime: number }) => {
			urls.set(event.requestId, event.request.url)
			wallOffsetS = event.wallTime - event.timestamp
			if (Number.isNaN(counter.navigationStart)) counter.navigationStart = event.wallTime * 1000
		},
	)
	session.on(
		'Network.loadingFinished',
		(event: { requestId: string; encodedDataLength: number; timestamp: number }) => {
			counter.bytes += event.encodedDataLength
			counter.requests++
			const url = urls.get(event.requestId) ?? '?'
			// Images tldraw builds in the page (data: and blob: URLs) cross no wire.
			if (/^(data|blob):/.test(url)) return
			counter.log.push({ url, bytes: event.encodedDataLength, finishedAt: (event.timestamp + wallOffsetS) * 1000 })
		},
	)
	return counter
}
