import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

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
