import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { readParticipants } from '../shared/workshop/control-document.ts'
import type { ServerProcess } from './helpers/server-process.ts'
import { freePort, spawnServer } from './helpers/server-process.ts'
import { removeStores, storesUnderTest } from './helpers/store-adapters.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from './helpers/test-server.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(removeStores)

describe.each(storesUnderTest)('[S14] on $name', (store) => {
	test('[P6] kill -9 during a live session, then a restart: clients reconnect and nothing written is lost', async () => {
		const location = await store.fresh()
		const port = await freePort()
		// Default save windows (1 s / 5 s): the kill lands before the board is saved.
		const env = { PORT: String(port), TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test', ...location.env }
		const base = `http://127.0.0.1:${port}`
		const api = { api: apiAt(base) }
		let running: ServerProcess = await spawnServer(env)
		cleanups.push(() => running.stop())

		const workshop = await createWorkshop(api)
		const alice = await joinWorkshop(api, workshop, 'Alice', 'assos-salaries')
		const bob = await joinWorkshop(api, workshop, 'Bob', 'collectivites')
		const wsUrl = `ws://127.0.0.1:${port}/ws`
		const a = connect(wsUrl, workshop.id, alice.token)
		const b = connect(wsUrl, workshop.id, bob.token)
		cleanups.push(() => a.destroy())
		cleanups.push(() => b.destroy())
		await Promise.all([synced(a), synced(b)])

		// Both keep writing through the crash and the outage.
		let n = 0
		const write = () => {
			n++
			a.doc.getMap('records').set(`shape:a${n}`, { n })
			b.doc.getMap('records').set(`shape:b${n}`, { n })
		}
		const writer = setInterval(write, 5)
		cleanups.push(() => clearInterval(writer))
		await waitFor(() => n >= 40, 'some edits written')
		await running.kill9()
		await waitFor(() => n >= 80, 'edits written while the server is down')
		running = await spawnServer(env)
		await waitFor(() => a.wsconnected && b.wsconnected, 'clients reconnected', 10_000)
		await waitFor(() => n >= 120, 'edits written after the restart')
		clearInterval(writer)
		const total = n

		// A newcomer, after both writers re-synced, sees every edit and every participant.
		await waitFor(
			() => b.doc.getMap('records').size === 2 * total && a.doc.getMap('records').size === 2 * total,
			'writers converged',
			10_000,
		)
		const late = connect(wsUrl, workshop.id, workshop.tokens.facilitator)
		cleanups.push(() => late.destroy())
		await synced(late)
		await waitFor(() => late.doc.getMap('records').size === 2 * total, 'newcomer has every edit', 10_000)
		expect(late.doc.getMap('records').toJSON()).toEqual(a.doc.getMap('records').toJSON())

		const control = connect(wsUrl, `${workshop.id}/control`, workshop.tokens.facilitator)
		cleanups.push(() => control.destroy())
		await synced(control)
		const participants = readParticipants(control.doc)
		expect(participants.get(alice.participantId)?.college).toBe('assos-salaries')
		expect(participants.get(bob.participantId)?.college).toBe('collectivites')

		// And after a graceful stop, everything is stored.
		a.destroy()
		b.destroy()
		late.destroy()
		control.destroy()
		await running.stop()
		expect(running.output()).toContain('"server.stopped"')
		running = await spawnServer(env)
		const check = connect(wsUrl, workshop.id, workshop.tokens.facilitator)
		cleanups.push(() => check.destroy())
		await synced(check)
		expect(check.doc.getMap('records').size).toBe(2 * total)
		// Tokens never reach the logs.
		expect(running.output()).not.toContain(workshop.tokens.facilitator.split('.')[2])
	})
})
