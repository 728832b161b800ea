import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'

export const artifactsDir = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots')

function chromiumPath(): string {
	return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

/** Debian's Chromium with the flags this machine needs (root, no network but loopback). */
export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath(),
		args: [
			'--no-sandbox',
			'--headless',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	})
}

/**
 * Watches every page of a context: requests to any host but this machine, uncaught errors.
 * Both lists must stay empty for a test to pass.
 */
export class Watch {
	readonly externalRequests: string[] = []
	readonly pageErrors: string[] = []

	observe(context: BrowserContext): BrowserContext {
		context.on('request', (request) => {
			const url = new URL(request.url())
			if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:')
				return
			if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) this.externalRequests.push(request.url())
		})
		context.on('page', (page) => this.observePage(page))
		return context
	}

	private observePage(page: Page) {
		page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`))
		page.on('websocket', (socket) => {
			const url = new URL(socket.url())
			if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) this.externalRequests.push(socket.url())
		})
	}
}

export async function screenshot(page: Page, name: string): Promise<void> {
	await mkdir(artifactsDir, { recursive: true })
	await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) })
}

/**
 * Waits until an element stops moving: its box is the same on three reads one animation frame
 * apart, at least 50 ms from the first (tldraw's camera animations move every zone and card).
 * With `containsCentre`, the box must also hold the middle of the viewport (the camera arrived).
 */
export async function settled(locator: Locator, options: { containsCentre?: boolean; timeoutMs?: number } = {}) {
	const page = locator.page()
	const deadline = Date.now() + (options.timeoutMs ?? 10_000)
	const boxes: string[] = []
	for (;;) {
		const box = await locator.boundingBox()
		const viewport = page.viewportSize()
		const centred =
			!options.containsCentre ||
			(box !== null &&
				viewport !== null &&
				box.x < viewport.width / 2 &&
				box.x + box.width > viewport.width / 2 &&
				box.y < viewport.height / 2 &&
				box.y + box.height > viewport.height / 2)
		boxes.push(box && centred ? JSON.stringify(box) : `none ${boxes.length}`)
		if (boxes.length >= 3 && new Set(boxes.slice(-3)).size === 1) return
		if (Date.now() > deadline) throw new Error(`element never settled: ${boxes.slice(-3).join(' / ')}`)
		await page.evaluate(() => new Promise((resolve) => setTimeout(() => requestAnimationFrame(resolve), 50)))
	}
}

/** Records kept by y-indexeddb on this page (every database's `updates` store). */
export function storedUpdates(page: Page): Promise<number> {
	return page.evaluate(async () => {
		let total = 0
		for (const { name } of await indexedDB.databases()) {
			if (!name?.startsWith('tablee-board-')) continue
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open(name)
				request.onsuccess = () => resolve(request.result)
				request.onerror = () => reject(request.error)
			})
			if (db.objectStoreNames.contains('updates')) {
				total += await new Promise<number>((resolve, reject) => {
					const request = db.transaction('updates').objectStore('updates').count()
					request.onsuccess = () => resolve(request.result)
					request.onerror = () => reject(request.error)
				})
			}
			db.close()
		}
		return total
	})
}
