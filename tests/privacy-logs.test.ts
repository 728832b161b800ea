import { afterEach, expect, test } from 'vitest'
import { createLogger } from '../server/logger.ts'
import { FACILITATOR_NAME, PAPER_NAME, PEOPLE, runWorkshop } from './helpers/full-workshop.ts'
import type { TestServer } from './helpers/test-server.ts'
import { connect, startTestServer, synced } from './helpers/test-server.ts'

let server: TestServer | null = null
afterEach(async () => {
	await server?.dispose()
	server = null
})

test('[D7] a whole named workshop leaves no participant name in the logs or the metrics', async () => {
	const lines: string[] = []
	server = await startTestServer({ logLevel: 'debug' }, { logger: createLogger('debug', (line) => lines.push(line)) })
	const run = await runWorkshop(server.api)
	const { workshop } = run
	// Everyone on the board and the control channel, with their presence.
	const providers = run.people.flatMap((person) => [
		connect(server?.wsUrl ?? '', workshop.id, person.token),
		connect(server?.wsUrl ?? '', `${workshop.id}/control`, person.token),
	])
	await Promise.all(providers.map((provider) => synced(provider)))
	for (const [index, provider] of providers.entries()) {
		provider.awareness.setLocalStateField('user', { name: run.people[Math.floor(index / 2)]?.name })
		provider.doc.getMap('records').set(`shape:${index}`, { text: 'dessin' })
	}
	// A refused frame and a refused token are logged too.
	const bad = connect(server.wsUrl, workshop.id, 'not-a-token')
	await new Promise((resolve) => bad.once('connection-close', resolve))
	bad.destroy()
	await server.api(`/api/workshops/${workshop.id}/participants/${run.people[0]?.participantId}/name`, {
		method: 'DELETE',
		token: run.people[0]?.token,
	})
	const metrics = await (await server.api('/api/metrics')).text()
	for (const provider of providers) provider.destroy()
	await server.api(`/api/workshops/${workshop.id}`, { method: 'DELETE', token: workshop.tokens.facilitator })

	expect(lines.length).toBeGreaterThan(50)
	expect(lines.some((line) => line.includes('privacy.workshop_deleted'))).toBe(true)
	const logs = lines.join('\n')
	for (const name of [...PEOPLE.map((person) => person.name), PAPER_NAME, FACILITATOR_NAME]) {
		for (const part of name.split(' ')) {
			expect(logs).not.toContain(part)
			expect(metrics).not.toContain(part)
		}
	}
	// Nor the text of contributions.
	expect(logs).not.toContain('Proposition numéro')
	expect(metrics).not.toContain('Proposition numéro')
})
