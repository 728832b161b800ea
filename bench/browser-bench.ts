/**
 * Browser figures (Chromium): how long a participant waits until a large board is interactive,
 * and how smoothly the page draws while many remote participants move notes.
 *
 * A Tablée server (this checkout, or BENCH_TABLEE_DIR) serves the built client; a light client
 * writes a board of `notes` tldraw notes; a participant joins from the shared link in Chromium
 * (1280 × 800, French) and lands on the board. Interactive: the canvas is mounted, every note in
 * view is drawn, and the canvas follows a pan (a wheel turn over it moves the view within a frame
 * of the page handling it). Complete: every note of the board is in the page (the client hands
 * tldraw a large board in slices, so this can come later than interactive).
 * Then `movers` other participants, light clients in this process (bench/light-client.ts), each
 * move a note of their own `rate` times a second, and the page records the time between its
 * animation frames (requestAnimationFrame deltas): first with nobody moving, then while they move.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import * as Y from 'yjs'
import { boardNote, LightClient, writeBoardPage } from './light-client.ts'
import { jsonPoster } from './peers.ts'
import { countBytes } from './wire-bytes.ts'

export interface BrowserParams {
	notes: number
	movers: number
	/** Moves per second per mover. */
	rate: number
	/** Seconds of frames recorded, idle and then while the notes move. */
	frameWindowS: number
}

export interface FrameFigures {
	frames: number
	p50Ms: number
	p95Ms: number
	p99Ms: number
	maxMs: number
	/** Share of frames that took longer than 50 ms (a visible stutter). */
	longShare: number
}

export interface BrowserResult {
	notes: number
	/** From clicking "Entrer" until the board is interactive (first visit, nothing cached). */
	interactiveMs: number
	/** From clicking "Entrer" until every note is in the page. */
	completeMs: number
	/** The same after a reload (assets cached, the session remembered). */
	interactiveAgainMs: number
	completeAgainMs: number
	/** Bytes received (headers included, WebSocket excluded) until interactive, first visit. */
	bytesUntilInteractive: number
	requests: number
	/** Notes moved per second by all movers together during the moving window. */
	movesPerSecond: number
	idle: FrameFigures
	moving: FrameFigures
}

const root = path.resolve(import.meta.dirname, '..')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function startServer(
	main: string,
	clientDir: string,
	dataDir: string,
): Promise<{ url: string; child: ChildProcess }> {
	const child = spawn(process.execPath, [main], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'info',
			CLIENT_DIR: clientDir,
			// Every bench client comes from 127.0.0.1.
			CONNECT_BURST: '100000',
			CONNECT_RATE: '100000',
		},
		stdio: ['ignore', 'pipe', 'inherit'],
		cwd: root,
	})
	const url = await new Promise<string>((resolve, reject) => {
		let output = ''
		const onData = (chunk: Buffer) => {
			output += chunk
			const match = /"url":"(http:\/\/[^"]+)"/.exec(output)
			if (match?.[1]) {
				child.stdout?.off('data', onData)
				child.stdout?.resume()
				resolve(match[1])
			}
		}
		child.stdout?.on('data', onData)
		child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)))
	})
	return { url, child }
}

export async function browserFigures(main: string, clientDir: string, params: BrowserParams): Promise<BrowserResult> {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-browser-bench-'))
	const { url, child } = await startServer(main, clientDir, dataDir)
	const clients: LightClient[] = []
	const timers: NodeJS.Timeout[] = []
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run'],
	})
	try {
		const post = jsonPoster(url)
		const created = (await post('/api/workshops', { title: 'Grand tableau' })) as {
			id: string
			tokens: { participant: string }
			links: { participant: string }
		}
		const join = async (i: number) =>
			(await post(
				`/api/workshops/${created.id}/join`,
				{ name: `Déplaceur ${i}`, college: 'assos-benevoles' },
				created.tokens.participant,
			)) as { token: string }
		const base = `${url.replace(/^http/, 'ws')}/ws`

		// The board: a page and `notes` notes, written by a participant in chunks.
		const seedDoc = new Y.Doc()
		const seeder = new LightClient({
			dialect: 'y-websocket',
			base,
			room: created.id,
			token: (await join(-1)).token,
			doc: seedDoc,
		})
		clients.push(seeder)
		await seeder.synced
		const records = seedDoc.getMap('records')
		seedDoc.transact(() => {
			writeBoardPage(records)
		})
		for (let start = 0; start < params.notes; start += 500) {
			seedDoc.transact(() => {
				for (let i = start; i < Math.min(params.notes, start + 500); i++) records.set(`shape:n${i}`, boardNote(i))
			})
		}
		// Movers join and sync now, so their joining is not part of what the page lives through.
		const movers: Array<{ client: LightClient; doc: Y.Doc }> = []
		for (let m = 0; m < params.movers; m++) {
			const doc = new Y.Doc()
			const options = {
				dialect: 'y-websocket' as const,
				base,
				room: created.id,
				token: (await join(m)).token,
				doc,
				apply: true,
			}
			const client = new LightClient(options)
			clients.push(client)
			await client.synced
			// Each mover knew the board when it started; it does not need the others' moves.
			options.apply = false
			movers.push({ client, doc })
		}

		const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' })
		const page = await context.newPage()
		const counter = await countBytes(page)
		await page.goto(created.links.participant.replace(/^https?:\/\/[^/]+/, url))
		await page.getByLabel('Votre nom ou prénom').fill('Alice')
		await page.getByLabel('Associations – dirigeant·es bénévoles').check()
		await page.getByLabel('Tableau complet').check()
		// BENCH_BROWSER_PROFILE=<file>: the page's CPU profile from the click until interactive.
		const profiler = process.env.BENCH_BROWSER_PROFILE ? await context.newCDPSession(page) : null
		if (profiler) {
			await profiler.send('Profiler.enable')
			await profiler.send('Profiler.start')
		}
		const clicked = performance.now()
		await page.getByRole('button', { name: 'Entrer' }).click()
		const first = await interactive(page, params.notes)
		const interactiveMs = first.interactive - clicked
		const completeMs = first.complete - clicked
		if (profiler && process.env.BENCH_BROWSER_PROFILE) {
			const { profile } = await profiler.send('Profiler.stop')
			await writeFile(process.env.BENCH_BROWSER_PROFILE, JSON.stringify(profile))
		}
		const bytesUntilInteractive = counter.bytes
		const requests = counter.requests

		await sleep(1000)
		const reloaded = performance.now()
		await page.reload()
		const again = await interactive(page, params.notes)
		const interactiveAgainMs = again.interactive - reloaded
		const completeAgainMs = again.complete - reloaded
		await sleep(1000)

		const idle = await frames(page, params.frameWindowS)
		// Movers move the first notes of the board (the top-left corner, where the camera opens).
		let moves = 0
		movers.forEach(({ doc }, m) => {
			const map = doc.getMap('records')
			const id = `shape:n${m}`
			let step = 0
			const start = map.get(id) as Record<string, unknown>
			timers.push(
				setInterval(() => {
					step++
					doc.transact(() =>
						map.set(id, {
							...start,
							x: (start.x as number) + 40 * Math.sin(step / 5),
							y: (start.y as number) + 40 * Math.cos(step / 5),
						}),
					)
					moves++
				}, 1000 / params.rate),
			)
		})
		await sleep(500)
		const movesBefore = moves
		const startedMoving = performance.now()
		const moving = await frames(page, params.frameWindowS)
		const movesPerSecond = (moves - movesBefore) / ((performance.now() - startedMoving) / 1000)
		for (const timer of timers.splice(0)) clearInterval(timer)
		await context.close()
		return {
			notes: params.notes,
			interactiveMs,
			completeMs,
			interactiveAgainMs,
			completeAgainMs,
			bytesUntilInteractive,
			requests,
			movesPerSecond,
			idle,
			moving,
		}
	} finally {
		for (const timer of timers) clearInterval(timer)
		await Promise.all(clients.map((client) => client.close()))
		await browser.close()
		const exited = new Promise((resolve) => child.once('exit', resolve))
		child.kill('SIGTERM')
		await exited
		await rm(dataDir, { recursive: true, force: true })
	}
}

/**
 * Interactive: the canvas is mounted, every note in view is drawn (in the page and displayed), and
 * a wheel turn over the canvas moves the view (the html layer's transform changes) — the page
 * handles input and draws again. Complete: the notes are in the page — read as at least 95 % of
 * them and no more arriving for half a second (the page cannot tell a note still to come from none). Returns when each happened (performance.now() of this
 * process); complete is when the last note arrived.
 */
async function interactive(page: Page, notes: number): Promise<{ interactive: number; complete: number }> {
	await page.locator('.tl-container').waitFor({ timeout: 120_000 })
	const mountedAt = performance.now()
	const timeout = Number(process.env.BENCH_BROWSER_TIMEOUT_MS ?? 120_000)
	// Counts the notes in the page at every frame from now on.
	await page.evaluate(() => {
		const state = { count: -1, changedAt: 0, stop: false }
		;(globalThis as { __benchShapes?: typeof state }).__benchShapes = state
		const tick = () => {
			const count = document.querySelectorAll('.tl-shape').length
			if (count !== state.count) {
				state.count = count
				state.changedAt = performance.now()
			}
			if (!state.stop) requestAnimationFrame(tick)
		}
		tick()
	})
	const fail = async (what: string, error: Error) => {
		const seen = await page.evaluate(() => document.querySelectorAll('.tl-shape').length)
		if (process.env.BENCH_BROWSER_SHOT) await page.screenshot({ path: process.env.BENCH_BROWSER_SHOT })
		return new Error(`${what}: ${seen} of ${notes} notes in the page: ${error.message}`)
	}
	// Every note in view drawn: the view from the camera (the html layer's transform), the notes'
	// places from boardNote's layout (bench/light-client.ts note: 100 a row, 220 px apart, 200 px wide).
	await page
		.waitForFunction(
			(count) => {
				const layer = document.querySelector('.tl-html-layer')
				const canvas = document.querySelector('.tl-canvas')
				if (!layer || !canvas) return false
				const camera = new DOMMatrix(getComputedStyle(layer).transform)
				const view = canvas.getBoundingClientRect()
				const z = camera.a
				const left = -camera.e / z
				const top = -camera.f / z
				const right = left + view.width / z
				const bottom = top + view.height / z
				let expected = 0
				for (let i = 0; i < count; i++) {
					const x = (i % 100) * 220
					const y = Math.floor(i / 100) * 220
					if (x + 200 <= left || x >= right || y + 200 <= top || y >= bottom) continue
					expected++
					const element = document.querySelector<HTMLElement>(`.tl-shape[data-shape-id="shape:n${i}"]`)
					if (!element || element.style.display === 'none') return false
				}
				return expected > 0
			},
			notes,
			{ polling: 'raf', timeout },
		)
		.catch(async (error: Error) => {
			throw await fail('notes in view', error)
		})
	const inViewAt = performance.now()
	// A pan: the wheel over the canvas, then the frame that shows the view moved.
	const before = await page.evaluate(
		() => getComputedStyle(document.querySelector('.tl-html-layer') as Element).transform,
	)
	await page.mouse.move(640, 400)
	await page.mouse.wheel(0, 120)
	const panned = await page.waitForFunction(
		(previous) =>
			getComputedStyle(document.querySelector('.tl-html-layer') as Element).transform !== previous
				? performance.timeOrigin + performance.now()
				: false,
		before,
		{ polling: 'raf', timeout },
	)
	const interactiveAt = (await panned.jsonValue()) as number
	const complete = await page
		.waitForFunction(
			(count) => {
				const state = (globalThis as { __benchShapes?: { count: number; changedAt: number; stop: boolean } })
					.__benchShapes
				if (!state) return false
				if (state.count >= count * 0.95 && performance.now() - state.changedAt > 500) {
					state.stop = true
					return performance.timeOrigin + state.changedAt
				}
				return false
			},
			notes,
			{ polling: 'raf', timeout },
		)
		.catch(async (error: Error) => {
			throw await fail('every note', error)
		})
	const completeAt = (await complete.jsonValue()) as number
	if (process.env.BENCH_BROWSER_DEBUG)
		console.error(
			`in view at ${(inViewAt - mountedAt).toFixed(0)} ms, panned at ${(interactiveAt - performance.timeOrigin - mountedAt).toFixed(0)} ms, complete at ${(completeAt - performance.timeOrigin - mountedAt).toFixed(0)} ms after the canvas appeared`,
		)
	await page.evaluate(() => {
		delete (globalThis as { __benchShapes?: unknown }).__benchShapes
	})
	// Back to this process's clock (both are wall-clock based on one machine).
	return { interactive: interactiveAt - performance.timeOrigin, complete: completeAt - performance.timeOrigin }
}

/** Time between animation frames over `seconds`, recorded in the page. */
async function frames(page: Page, seconds: number): Promise<FrameFigures> {
	const deltas = await page.evaluate(
		(ms) =>
			new Promise<number[]>((resolve) => {
				const found: number[] = []
				let last = -1
				const end = performance.now() + ms
				const tick = (at: number) => {
					if (last >= 0) found.push(at - last)
					last = at
					if (at < end) requestAnimationFrame(tick)
					else resolve(found)
				}
				requestAnimationFrame(tick)
			}),
		seconds * 1000,
	)
	const sorted = deltas.sort((a, b) => a - b)
	const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
	return {
		frames: sorted.length,
		p50Ms: at(50),
		p95Ms: at(95),
		p99Ms: at(99),
		maxMs: sorted.at(-1) ?? Number.NaN,
		longShare: sorted.length === 0 ? Number.NaN : sorted.filter((delta) => delta > 50).length / sorted.length,
	}
}
