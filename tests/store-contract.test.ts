import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { MemoryStore } from '../server/store/memory-store.ts'
import type { WorkshopRecord, WorkshopStore } from '../server/store/workshop-store.ts'
import { createRecord, RECORD_VERSION } from '../server/store/workshop-store.ts'

const dirs: string[] = []
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function tempDir() {
	const dir = await mkdtemp(path.join(tmpdir(), 'tablee-store-'))
	dirs.push(dir)
	return dir
}

const adapters: [string, () => Promise<WorkshopStore>][] = [
	['memory', async () => new MemoryStore()],
	['lowdb', async () => new LowdbStore(await tempDir()).open()],
]

function record(id: string, board = 'AAA=', linkGeneration = 0): WorkshopRecord {
	return createRecord({
		id,
		linkGeneration,
		board: Buffer.from(board, 'base64'),
		control: Buffer.from('AAA=', 'base64'),
	})
}

describe.each(adapters)('[S1] store contract: %s', (_name, makeStore) => {
	test('a workshop never saved is null, not an error', async () => {
		const store = await makeStore()
		expect(await store.load('abcdefghijkl')).toEqual({ ok: true, value: null })
	})

	test('a saved record loads back equal', async () => {
		const store = await makeStore()
		const saved = record('abcdefghijkl', 'AQID', 3)
		await store.save(saved)
		expect(await store.load('abcdefghijkl')).toEqual({ ok: true, value: saved })
	})

	test('the last save wins, and saving one workshop leaves the others alone', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa', 'AQ=='))
		await store.save(record('bbbbbbbbbbbb', 'Ag=='))
		await Promise.all([store.save(record('aaaaaaaaaaaa', 'Aw==')), store.save(record('aaaaaaaaaaaa', 'BA=='))])
		const a = await store.load('aaaaaaaaaaaa')
		const b = await store.load('bbbbbbbbbbbb')
		expect(a.ok && a.value?.board).toBe('BA==')
		expect(b.ok && b.value?.board).toBe('Ag==')
	})

	test('a loaded record is a copy: changing it changes nothing stored', async () => {
		const store = await makeStore()
		await store.save(record('abcdefghijkl'))
		const loaded = await store.load('abcdefghijkl')
		if (loaded.ok && loaded.value) loaded.value.linkGeneration = 99
		const again = await store.load('abcdefghijkl')
		expect(again.ok && again.value?.linkGeneration).toBe(0)
	})

	test('[D1] a deleted workshop loads as null and is no longer listed; the others stay', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa'))
		await store.save(record('bbbbbbbbbbbb'))
		expect((await store.ids()).sort()).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb'])
		await store.delete('aaaaaaaaaaaa')
		expect(await store.load('aaaaaaaaaaaa')).toEqual({ ok: true, value: null })
		expect(await store.ids()).toEqual(['bbbbbbbbbbbb'])
		const other = await store.load('bbbbbbbbbbbb')
		expect(other.ok && other.value?.id).toBe('bbbbbbbbbbbb')
		// Deleting what is not there succeeds (a retried deletion).
		await store.delete('aaaaaaaaaaaa')
	})

	test('[D1] a deletion queued behind saves is not undone by them', async () => {
		const store = await makeStore()
		const saves = [store.save(record('aaaaaaaaaaaa', 'AQ==')), store.save(record('aaaaaaaaaaaa', 'Ag=='))]
		await Promise.all([...saves, store.delete('aaaaaaaaaaaa')])
		expect(await store.load('aaaaaaaaaaaa')).toEqual({ ok: true, value: null })
	})
})

describe('[P5] lowdb adapter on disk', () => {
	test('one JSON file per workshop, with base64 state; no temp file left behind', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		await store.save(record('aaaaaaaaaaaa', 'AQID'))
		await store.save(record('bbbbbbbbbbbb'))
		expect((await readdir(path.join(dir, 'workshops'))).sort()).toEqual(['aaaaaaaaaaaa.json', 'bbbbbbbbbbbb.json'])
		const json = JSON.parse(await readFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), 'utf8'))
		expect(json).toMatchObject({ version: RECORD_VERSION, id: 'aaaaaaaaaaaa', board: 'AQID' })
	})

	test.each([
		['not JSON', '{"version": 1, "id": "aaaa'],
		['JSON of another shape', '{"hello": "world"}'],
		['an empty file', ''],
		['base64 that is not base64', JSON.stringify({ ...record('aaaaaaaaaaaa'), board: '@@@' })],
	])('[P4] a file that is %s is reported corrupt and left untouched', async (_name, content) => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		const file = path.join(dir, 'workshops', 'aaaaaaaaaaaa.json')
		await writeFile(file, content)
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok).toBe(false)
		if (!loaded.ok) expect(loaded.error.code).toBe('corrupt')
		expect(await readFile(file, 'utf8')).toBe(content)
	})

	test('[P4] a record whose state does not match its checksum is corrupt (a flipped byte)', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		const saved = record('aaaaaaaaaaaa', 'AQIDBA==')
		await writeFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), JSON.stringify({ ...saved, board: 'AQIDBQ==' }))
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok || loaded.error).toMatchObject({ code: 'corrupt', message: expect.stringContaining('checksum') })
	})

	test.each(['null', '0', 'false', '""', '[]'])(
		'[P4] a file holding %s is corrupt, not a missing workshop',
		async (content) => {
			const dir = await tempDir()
			const store = await new LowdbStore(dir).open()
			await writeFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), content)
			const loaded = await store.load('aaaaaaaaaaaa')
			expect(loaded.ok || loaded.error.code).toBe('corrupt')
		},
	)

	test('[P7] a version 1 record (no checksum) is migrated on load', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		const v1 = {
			version: 1,
			id: 'aaaaaaaaaaaa',
			linkGeneration: 2,
			board: 'AQID',
			control: 'AAA=',
			savedAt: new Date().toISOString(),
		}
		await writeFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), JSON.stringify(v1))
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok && loaded.value).toMatchObject({ version: RECORD_VERSION, linkGeneration: 2, board: 'AQID' })
		expect(loaded.ok && loaded.value && loaded.value.checksum).toMatch(/^[0-9a-f]{64}$/)
	})

	test('[P7] a version 2 record (no server-only state) is migrated on load; a damaged one is still caught', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		const board = 'AQID'
		const control = 'AAA='
		const checksum = createHash('sha256').update(board).update('.').update(control).digest('hex')
		const v2 = {
			version: 2,
			id: 'aaaaaaaaaaaa',
			linkGeneration: 1,
			board,
			control,
			checksum,
			savedAt: new Date().toISOString(),
		}
		await writeFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), JSON.stringify(v2))
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok && loaded.value).toMatchObject({
			version: RECORD_VERSION,
			board,
			serverOnly: { authors: {}, intents: {} },
		})
		await writeFile(
			path.join(dir, 'workshops', 'bbbbbbbbbbbb.json'),
			JSON.stringify({ ...v2, id: 'bbbbbbbbbbbb', board: 'AQIE' }),
		)
		const damaged = await store.load('bbbbbbbbbbbb')
		expect(damaged.ok || damaged.error.message).toContain('checksum')
	})

	test('[P4] a record filed under another id is corrupt', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		await writeFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), JSON.stringify(record('bbbbbbbbbbbb')))
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok || loaded.error.code).toBe('corrupt')
	})

	test('[D1] deleting removes the file and the temp files a crash left behind', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		await store.save(record('aaaaaaaaaaaa'))
		await store.save(record('bbbbbbbbbbbb'))
		await writeFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json.123.4.tmp'), '{')
		await store.delete('aaaaaaaaaaaa')
		expect(await readdir(path.join(dir, 'workshops'))).toEqual(['bbbbbbbbbbbb.json'])
	})

	test('[P4] an unreadable file is "unavailable", not "absent"', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		// A directory where the file should be makes the read fail with EISDIR.
		await (await import('node:fs/promises')).mkdir(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'))
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok || loaded.error.code).toBe('unavailable')
	})
})
