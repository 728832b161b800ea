import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { ackedWriter } from '../helpers/acked-writer.ts'
import type { ServerProcess } from '../helpers/server-process.ts'
import { freePort, spawnServer } from '../helpers/server-process.ts'
import { removeStores, storesUnderTest } from '../helpers/store-adapters.ts'
import { apiAt, connect, createWorkshop, joinWorkshop, synced, TEST_SECRET, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 40 s (5 kill -9 and restarts of a server process, on files and on PostgreSQL).

const TRIALS = 5
const NOTES = 20

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(removeStores)

describe.each(storesUnderTest)('[S14] on $name', (store) => {
	test(`[P11] an author acknowledged for ${NOTES} notes loses none when the server is killed (-9) right after, ${TRIALS} times`, async () => {
		const location = await store.fresh()
		const port = await freePort()
		// Long save windows: without the log, nothing would reach the disk before the kill.
		const env = {
			PORT: String(port),
			TABLEE_SECRET: TEST_SECRET,
			PUBLIC_URL: 'http://tablee.test',
			SAVE_DEBOUNCE_MS: '5000',
			SAVE_MAX_WAIT_MS: '20000',
			...location.env,
		}
		let running: ServerProcess = await spawnServer(env)
		cleanups.push(() => running.stop())
		const api = { api: apiAt(`http://127.0.0.1:${port}`) }
		const wsUrl = `ws://127.0.0.1:${port}/ws`
		const workshop = await createWorkshop(api)

		let expected = 0
		for (let trial = 0; trial < TRIALS; trial++) {
			const person = await joinWorkshop(api, workshop, `Autrice ${trial}`, 'etat')
			const author = ackedWriter(wsUrl, workshop.id, person.token)
			await synced(author.provider, 10_000)
			for (let note = 0; note < NOTES; note++) {
				author.doc.getMap('records').set(`shape:${trial}-${note}`, { trial, note })
			}
			expected += NOTES
			await waitFor(() => author.acknowledged(), 'every note acknowledged', 10_000)
			// The author leaves, and the server dies at once: nobody else holds the notes.
			author.provider.destroy()
			await running.kill9()
			running = await spawnServer(env)
		}

		const reader = connect(wsUrl, workshop.id, workshop.tokens.facilitator)
		cleanups.push(() => reader.destroy())
		await synced(reader, 10_000)
		await waitFor(() => reader.doc.getMap('records').size >= expected, 'every acknowledged note is back', 10_000)
		expect(reader.doc.getMap('records').size).toBe(expected)
	}, 60_000)

	test('[P11][K11][V2] ballots acknowledged right before a kill -9 are all counted once after the restart, and their keys replay', async () => {
		const location = await store.fresh()
		const port = await freePort()
		const env = {
			PORT: String(port),
			TABLEE_SECRET: TEST_SECRET,
			PUBLIC_URL: 'http://tablee.test',
			SAVE_DEBOUNCE_MS: '5000',
			SAVE_MAX_WAIT_MS: '20000',
			...location.env,
		}
		let running: ServerProcess = await spawnServer(env)
		cleanups.push(() => running.stop())
		const server = { api: apiAt(`http://127.0.0.1:${port}`) }
		const workshop = await createWorkshop(server)
		const call = async (pathname: string, token: string, body?: unknown, key?: string) => {
			const response = await server.api(`/api/workshops/${workshop.id}${pathname}`, {
				token,
				body,
				...(key ? { headers: { 'idempotency-key': key } } : {}),
			})
			return {
				status: response.status,
				replayed: response.headers.get('idempotent-replayed'),
				body: await response.json(),
			}
		}
		const facilitator = workshop.tokens.facilitator
		const voters = []
		for (const name of ['Anaïs', 'Bruno', 'Chloé', 'Djamel'])
			voters.push(await joinWorkshop(server, workshop, name, 'etat'))
		await call('/phase', facilitator, { index: 5 })
		const proposal = (
			(
				await call('/contributions', voters[0]?.token ?? '', {
					type: 'proposition',
					zone: 'propositions',
					column: 'financeurs',
					text: 'Conventions de 3 ans',
				})
			).body as { contribution: { id: string } }
		).contribution.id
		await call('/vote/open', facilitator, { budget: 3, maxPerProposal: 2, banOwn: false, anonymous: true })
		await call('/phase', facilitator, { index: 6 })
		// Everyone votes at once; the server dies as soon as the last answer is in.
		const cast = await Promise.all(
			voters.map((voter, i) =>
				call('/vote/ballot', voter.token, { allocation: { [proposal]: 1 + (i % 2) } }, `ballot-${i}-key`),
			),
		)
		expect(cast.map((answer) => answer.status)).toEqual([200, 200, 200, 200])
		await running.kill9()
		running = await spawnServer(env)

		const tally = async () => ((await call('/vote/tally', facilitator)).body as { voters: number }).voters
		expect(await tally()).toBe(voters.length)
		for (const [i, voter] of voters.entries()) {
			const again = await call(
				'/vote/ballot',
				voter.token,
				{ allocation: { [proposal]: 1 + (i % 2) } },
				`ballot-${i}-key`,
			)
			expect(again).toEqual({ ...cast[i], replayed: 'true' })
		}
		expect(await tally()).toBe(voters.length)
	}, 60_000)
})
