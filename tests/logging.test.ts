import { afterEach, expect, test } from 'vitest'
import { createLogger } from '../server/logger.ts'
import type { TestServer } from './helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced } from './helpers/test-server.ts'

let server: TestServer | undefined
afterEach(async () => {
	await server?.dispose()
})

test('[L1] a whole session at debug level writes no token to the logs', async () => {
	const lines: string[] = []
	server = await startTestServer({}, { logger: createLogger('debug', (line) => lines.push(line)) })
	const workshop = await createWorkshop(server)
	const alice = await joinWorkshop(server, workshop, 'Alice')
	await server.api(`/api/workshops/${workshop.id}?token=${encodeURIComponent(alice.token)}`)
	const provider = connect(server.wsUrl, workshop.id, alice.token)
	await synced(provider)
	const refused = connect(server.wsUrl, workshop.id, workshop.tokens.participant)
	await new Promise((resolve) => refused.on('closed', resolve))
	provider.destroy()
	refused.destroy()
	const log = lines.join('')
	expect(log).toContain('http.request')
	expect(log).toContain('relay.refused')
	for (const token of [alice.token, workshop.tokens.participant, workshop.tokens.facilitator]) {
		const signature = token.split('.')[2] ?? token
		expect(log).not.toContain(signature)
	}
})
