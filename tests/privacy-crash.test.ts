import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { PAPER_NAME, PEOPLE, runWorkshop } from './helpers/full-workshop.ts'
import type { ServerProcess } from './helpers/server-process.ts'
import { freePort, spawnServer } from './helpers/server-process.ts'
import { apiAt, TEST_SECRET } from './helpers/test-server.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9])

async function setup() {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-privacy-crash-'))
	cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
	const port = await freePort()
	const env = { PORT: String(port), DATA_DIR: dataDir, TABLEE_SECRET: TEST_SECRET, PUBLIC_URL: 'http://tablee.test' }
	const api = apiAt(`http://127.0.0.1:${port}`)
	const holder: { running: ServerProcess | null } = { running: null }
	cleanups.push(() => holder.running?.stop())
	const restart = async () => {
		holder.running = await spawnServer(env)
		return holder.running
	}
	return { dataDir, api, holder, restart }
}

/** What is on disk of one workshop: all of it, or none of it. */
async function stateOf(dataDir: string, id: string, synthesis: string) {
	const record = existsSync(path.join(dataDir, 'workshops', `${id}.json`))
	const assets =
		existsSync(path.join(dataDir, 'assets', id)) && (await readdir(path.join(dataDir, 'assets', id))).length
	const marked = (
		JSON.parse(await readFile(path.join(dataDir, 'syntheses', `${synthesis}.json`), 'utf8')) as {
			origins: { deletedAt: string | null }[]
		}
	).origins.some((origin) => origin.deletedAt !== null)
	const journal = existsSync(path.join(dataDir, 'deletions')) ? await readdir(path.join(dataDir, 'deletions')) : []
	return { record, assets: Boolean(assets), marked, journal: journal.length }
}

test('[D5] kill -9 during deletions: after a restart each workshop is whole or entirely gone', async () => {
	const { dataDir, api, holder, restart } = await setup()
	await restart()
	const outcomes: string[] = []
	for (let round = 0; round < 6; round++) {
		const created = await api('/api/workshops', { body: { title: `Atelier ${round}` } })
		const workshop = (await created.json()) as { id: string; tokens: { facilitator: string } }
		for (let n = 0; n < 20; n++) {
			await fetch(`http://127.0.0.1:${holder.running?.port}/api/workshops/${workshop.id}/assets`, {
				method: 'POST',
				headers: { authorization: `Bearer ${workshop.tokens.facilitator}` },
				body: png,
			})
		}
		const synthesis = (await (
			await api('/api/syntheses', {
				body: { title: 'S', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
			})
		).json()) as { id: string }
		const output = holder.running?.output().length ?? 0
		// Kill at a different moment of the deletion each round: as soon as it is sent, or once the
		// record's removal is logged (the middle: files and synthesis still to do), or a bit later.
		const request = api(`/api/workshops/${workshop.id}`, {
			method: 'DELETE',
			token: workshop.tokens.facilitator,
		}).catch(() => null)
		if (round % 3 === 1) {
			const running = holder.running
			const deadline = Date.now() + 5000
			while (running && !running.output().slice(output).includes('privacy.workshop_deleted') && Date.now() < deadline) {
				await new Promise((resolve) => setImmediate(resolve))
			}
		} else if (round % 3 === 2) {
			await new Promise((resolve) => setTimeout(resolve, 5 * round))
		}
		await holder.running?.kill9()
		await request
		await restart()
		const state = await stateOf(dataDir, workshop.id, synthesis.id)
		expect(state.journal).toBe(0)
		const whole = { record: true, assets: true, marked: false, journal: 0 }
		const gone = { record: false, assets: false, marked: true, journal: 0 }
		expect([whole, gone]).toContainEqual(state)
		outcomes.push(
			state.record
				? 'whole'
				: holder.running?.output().includes('deletion_resumed')
					? 'gone (finished at start)'
					: 'gone',
		)
		const answer = await api(`/api/workshops/${workshop.id}`, { token: workshop.tokens.facilitator })
		expect(answer.status).toBe(state.record ? 200 : 404)
	}
	expect(outcomes).toHaveLength(6)
}, 180_000)

test('[D5] a deletion interrupted after its commit point is finished at start, before anything is served', async () => {
	const { dataDir, api, holder, restart } = await setup()
	await restart()
	const created = await api('/api/workshops', { body: { title: 'Atelier' } })
	const workshop = (await created.json()) as { id: string; tokens: { facilitator: string } }
	await fetch(`http://127.0.0.1:${holder.running?.port}/api/workshops/${workshop.id}/assets`, {
		method: 'POST',
		headers: { authorization: `Bearer ${workshop.tokens.facilitator}` },
		body: png,
	})
	const synthesis = (await (
		await api('/api/syntheses', {
			body: { title: 'S', workshops: [{ id: workshop.id, token: workshop.tokens.facilitator }] },
		})
	).json()) as { id: string }
	await holder.running?.kill9()
	// The exact state a crash right after the record's removal leaves.
	await mkdir(path.join(dataDir, 'deletions'), { recursive: true })
	await writeFile(path.join(dataDir, 'deletions', `${workshop.id}.json`), JSON.stringify({ id: workshop.id }))
	await unlink(path.join(dataDir, 'workshops', `${workshop.id}.json`))
	const running = await restart()
	expect(await stateOf(dataDir, workshop.id, synthesis.id)).toEqual({
		record: false,
		assets: false,
		marked: true,
		journal: 0,
	})
	expect(running.output()).toContain('privacy.deletion_resumed')
}, 60_000)

test('[D5] kill -9 during anonymisations: the stored workshop has every name or none, and always loads', async () => {
	const { dataDir, api, holder, restart } = await setup()
	await restart()
	const names = [...PEOPLE.map((person) => person.name), PAPER_NAME]
	const outcomes: string[] = []
	for (let round = 0; round < 4; round++) {
		const run = await runWorkshop(api)
		const request = api(`/api/workshops/${run.workshop.id}/anonymise`, {
			token: run.workshop.tokens.facilitator,
			body: {},
		}).catch(() => null)
		await new Promise((resolve) => setTimeout(resolve, 10 * round))
		await holder.running?.kill9()
		await request
		await restart()
		const file = await readFile(path.join(dataDir, 'workshops', `${run.workshop.id}.json`), 'utf8')
		const record = JSON.parse(file) as { control: string }
		const control = Buffer.from(record.control, 'base64').toString('latin1')
		const present = names.filter((name) => control.includes(Buffer.from(name).toString('latin1')))
		expect([0, names.length]).toContain(present.length)
		// It loads (checksum and Yjs state intact) and reads as one state or the other.
		const answer = await api(`/api/workshops/${run.workshop.id}/privacy`, { token: run.workshop.tokens.facilitator })
		expect(answer.status).toBe(200)
		const { anonymisedAt } = (await answer.json()) as { anonymisedAt: string | null }
		expect(anonymisedAt === null).toBe(present.length > 0)
		outcomes.push(present.length > 0 ? 'old' : 'anonymised')
	}
	expect(outcomes).toHaveLength(4)
}, 180_000)
