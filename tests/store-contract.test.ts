import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { MemoryStore } from '../server/store/memory-store.ts'
import { openPgStorage } from '../server/store/pg-store.ts'
import { DeletionFiles } from '../server/store/deletion-files.ts'
import { MemoryDeletions } from '../server/store/memory-files.ts'
import type { DeletionJournal, Storage } from '../server/store/storage.ts'
import type { ServerOnlyState, WorkshopRecord, WorkshopStore } from '../server/store/workshop-store.ts'
import { encodeFrames } from '../server/store/update-log.ts'
import { createTestDatabase, dropTestDatabases } from './helpers/postgres.ts'
import { createWorkshop, joinWorkshop, startTestServer } from './helpers/test-server.ts'
import { createRecord, emptyServerOnly, RECORD_VERSION } from '../server/store/workshop-store.ts'

const dirs: string[] = []
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function tempDir() {
	const dir = await mkdtemp(path.join(tmpdir(), 'tablee-store-'))
	dirs.push(dir)
	return dir
}

const opened: Storage[] = []
afterAll(async () => {
	for (const storage of opened.splice(0)) await storage.close?.()
	await dropTestDatabases()
})

/** The PostgreSQL storage on a fresh database (not exclusive: several stores may share one). */
async function pgStorage(url?: string) {
	const storage = await openPgStorage(url ?? (await createTestDatabase()), { exclusive: false, secret: null })
	opened.push(storage)
	return storage
}

const adapters: [string, () => Promise<WorkshopStore>][] = [
	['memory', async () => new MemoryStore()],
	['lowdb', async () => new LowdbStore(await tempDir()).open()],
	['postgresql', async () => (await pgStorage()).workshops],
]

function record(id: string, board = 'AAA=', linkGeneration = 0): WorkshopRecord {
	return createRecord({
		id,
		linkGeneration,
		board: Buffer.from(board, 'base64'),
		control: Buffer.from('AAA=', 'base64'),
	})
}

/** A Yjs update that sets `key` in the map `name` (from a fresh client each time). */
function mapUpdate(name: string, key: string, value: string): Uint8Array {
	const doc = new Y.Doc()
	doc.getMap(name).set(key, value)
	return Y.encodeStateAsUpdate(doc)
}

/** The map `name` of a stored document state (base64). */
function mapOf(state: string, name: string): Record<string, unknown> {
	const doc = new Y.Doc()
	Y.applyUpdate(doc, Buffer.from(state, 'base64'))
	return doc.getMap(name).toJSON()
}

describe.each(adapters)('[S1] store contract: %s', (_name, makeStore) => {
	test('a workshop never saved is null, not an error', async () => {
		const store = await makeStore()
		expect(await store.load('abcdefghijkl')).toEqual({ ok: true, value: null })
	})

	test('a saved record loads back equal, at the revision its save answered', async () => {
		const store = await makeStore()
		const saved = record('abcdefghijkl', 'AQID', 3)
		expect(await store.save(saved, null)).toEqual({ ok: true, value: { revision: 1 } })
		expect(await store.load('abcdefghijkl')).toEqual({ ok: true, value: { ...saved, revision: 1 } })
	})

	test('the last save wins, and saving one workshop leaves the others alone', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa', 'AQ=='), null)
		await store.save(record('bbbbbbbbbbbb', 'Ag=='), null)
		await store.save(record('aaaaaaaaaaaa', 'Aw=='), 1)
		await store.save(record('aaaaaaaaaaaa', 'BA=='), 2)
		const a = await store.load('aaaaaaaaaaaa')
		const b = await store.load('bbbbbbbbbbbb')
		expect(a.ok && a.value?.board).toBe('BA==')
		expect(a.ok && a.value?.revision).toBe(3)
		expect(b.ok && b.value?.board).toBe('Ag==')
	})

	test('[S2] a save on an outdated revision is answered "conflict" and changes nothing', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa', 'AQ=='), null)
		// Two writers start from revision 1: the first wins, the second is told.
		const [first, second] = await Promise.all([
			store.save(record('aaaaaaaaaaaa', 'Ag=='), 1),
			store.save(record('aaaaaaaaaaaa', 'Aw=='), 1),
		])
		expect(first).toEqual({ ok: true, value: { revision: 2 } })
		expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } })
		expect(await store.save(record('aaaaaaaaaaaa', 'BA=='), null)).toMatchObject({ ok: false })
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok && loaded.value).toMatchObject({ board: 'Ag==', revision: 2 })
	})

	test('[S13] ballots, answers and remembered intents load back equal, in order, as they are added, changed, withdrawn and renewed', async () => {
		const store = await makeStore()
		const at = '2026-11-30T10:00:00.000Z'
		const intent = (n: number) => ({ fingerprint: `f${n}`, status: 200, body: { n, text: 'é"\\' }, at })
		const serverOnly: ServerOnlyState = {
			...emptyServerOnly(),
			votePoll: { id: 'vote0000aaaa', budget: 3, maxPerProposal: 2 },
			consensusPoll: { id: 'cons0000aaaa' },
			ballots: {
				zvoter000001: { allocation: { p2222222: 1, p1111111: 2 }, proxy: false, at },
				avoter000002: { allocation: { p1111111: 1 }, proxy: true, at },
			},
			answers: { zvoter000001: { p1111111: { answer: 'agree' as const, why: 'parce que' } } },
			intents: { 'zvoter000001:key-0000000b': intent(1), 'avoter000002:key-0000000a': intent(2) },
		}
		// Each state saved on the revision before and loaded back equal, checksum included.
		const roundTrip = async (state: ServerOnlyState, revision: number) => {
			const saved = createRecord({
				id: 'abcdefghijkl',
				linkGeneration: 0,
				board: new Uint8Array([0, 0]),
				control: new Uint8Array([0, 0]),
				serverOnly: state,
				revision,
			})
			expect(await store.save(saved, revision === 0 ? null : revision)).toEqual({
				ok: true,
				value: { revision: revision + 1 },
			})
			expect(await store.load('abcdefghijkl')).toEqual({ ok: true, value: { ...saved, revision: revision + 1 } })
		}
		await roundTrip(serverOnly, 0)

		// One withdraws, one changes their ballot, a third votes; an answer and an intent go.
		const changed = structuredClone(serverOnly)
		delete changed.ballots.avoter000002
		changed.ballots.zvoter000001 = { allocation: { p1111111: 1 }, proxy: false, at }
		changed.ballots.mvoter000003 = { allocation: { p2222222: 2, p1111111: 1 }, proxy: false, at }
		changed.answers = {}
		delete changed.intents['avoter000002:key-0000000a']
		await roundTrip(changed, 1)

		// A new vote: new poll id and limits, the previous ballots gone.
		await roundTrip(
			{
				...changed,
				votePoll: { id: 'vote0000bbbb', budget: 5, maxPerProposal: 5 },
				ballots: { avoter000002: { allocation: { p1111111: 5 }, proxy: false, at } },
			},
			2,
		)
	})

	test('a loaded record is a copy: changing it changes nothing stored', async () => {
		const store = await makeStore()
		await store.save(record('abcdefghijkl'), null)
		const loaded = await store.load('abcdefghijkl')
		if (loaded.ok && loaded.value) loaded.value.linkGeneration = 99
		const again = await store.load('abcdefghijkl')
		expect(again.ok && again.value?.linkGeneration).toBe(0)
	})

	test('[S3] appended updates are part of the next load, per document, and each append resolves once stored', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa'), null)
		// Many appends at once (one group commit or several), in both documents.
		await Promise.all([
			...Array.from({ length: 20 }, (_, i) =>
				store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', `c${i}`, `card ${i}`)]),
			),
			store.appendUpdates('aaaaaaaaaaaa', 'control', [mapUpdate('meta', 'title', 'Atelier')]),
		])
		const loaded = await store.load('aaaaaaaaaaaa')
		if (!loaded.ok || !loaded.value) throw new Error('not loaded')
		expect(Object.keys(mapOf(loaded.value.board, 'cards'))).toHaveLength(20)
		expect(mapOf(loaded.value.control, 'meta')).toEqual({ title: 'Atelier' })
		expect(mapOf(loaded.value.board, 'meta')).toEqual({})
		expect(loaded.value.revision).toBe(1)
	})

	test('[S12] client id claims: the first claim of an id wins, a claim resolves once stored, compacting keeps them', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa'), null)
		expect(await store.clientOwners('aaaaaaaaaaaa')).toEqual({ ok: true, value: new Map() })
		await store.claimClients('aaaaaaaaaaaa', new Map([[11, 'alice']]))
		await store.claimClients(
			'aaaaaaaaaaaa',
			new Map([
				[11, 'mallory'],
				[12, 'bob'],
			]),
		)
		await store.claimClients('bbbbbbbbbbbb', new Map([[11, 'carol']]))
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c', 'card')])
		await store.compact('aaaaaaaaaaaa')
		const owners = await store.clientOwners('aaaaaaaaaaaa')
		expect(owners.ok && [...owners.value]).toEqual([
			[11, 'alice'],
			[12, 'bob'],
		])
		const other = await store.clientOwners('bbbbbbbbbbbb')
		expect(other.ok && [...other.value]).toEqual([[11, 'carol']])
	})

	test('[S4] compact folds the logs into the stored snapshot, empties them, and moves the revision on', async () => {
		const store = await makeStore()
		expect(await store.compact('aaaaaaaaaaaa')).toEqual({ ok: true, value: null })
		await store.save(record('aaaaaaaaaaaa'), null)
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c1', 'one')])
		expect(await store.compact('aaaaaaaaaaaa')).toEqual({ ok: true, value: { revision: 2 } })
		const loaded = await store.load('aaaaaaaaaaaa')
		expect(loaded.ok && loaded.value && mapOf(loaded.value.board, 'cards')).toEqual({ c1: 'one' })
		// What follows lands in the emptied log, on top of the compacted snapshot.
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c2', 'two')])
		const again = await store.load('aaaaaaaaaaaa')
		expect(again.ok && again.value && mapOf(again.value.board, 'cards')).toEqual({ c1: 'one', c2: 'two' })
		// A save based on the revision before compaction is now outdated.
		expect(await store.save(record('aaaaaaaaaaaa'), 1)).toMatchObject({ ok: false, error: { code: 'conflict' } })
	})

	test('[S5] the workshop lock runs one holder at a time, per workshop', async () => {
		const store = await makeStore()
		const events: string[] = []
		const holder = (workshop: string, name: string) =>
			store.lock(workshop, async () => {
				events.push(`${name} in`)
				await new Promise((resolve) => setImmediate(resolve))
				events.push(`${name} out`)
				return name
			})
		const failing = store.lock('aaaaaaaaaaaa', async () => {
			throw new Error('refused')
		})
		const results = await Promise.all([
			holder('aaaaaaaaaaaa', 'a1'),
			holder('aaaaaaaaaaaa', 'a2'),
			failing.catch(() => 'failed'),
			holder('aaaaaaaaaaaa', 'a3'),
		])
		expect(results).toEqual(['a1', 'a2', 'failed', 'a3'])
		expect(events).toEqual(['a1 in', 'a1 out', 'a2 in', 'a2 out', 'a3 in', 'a3 out'])
		// Another workshop's lock does not wait for this one's.
		const order: string[] = []
		let release: () => void = () => undefined
		const held = store.lock('aaaaaaaaaaaa', () => new Promise<void>((resolve) => (release = resolve)))
		await store.lock('bbbbbbbbbbbb', async () => order.push('b'))
		order.push('after b')
		release()
		await held
		expect(order).toEqual(['b', 'after b'])
	})

	test('[D1] a deleted workshop loads as null and is no longer listed; the others stay', async () => {
		const store = await makeStore()
		await store.save(record('aaaaaaaaaaaa'), null)
		await store.save(record('bbbbbbbbbbbb'), null)
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c1', 'one')])
		expect((await store.ids()).sort()).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb'])
		await store.delete('aaaaaaaaaaaa')
		// The update log goes with the record: nothing of it comes back.
		expect(await store.load('aaaaaaaaaaaa')).toEqual({ ok: true, value: null })
		expect(await store.ids()).toEqual(['bbbbbbbbbbbb'])
		const other = await store.load('bbbbbbbbbbbb')
		expect(other.ok && other.value?.id).toBe('bbbbbbbbbbbb')
		// Deleting what is not there succeeds (a retried deletion).
		await store.delete('aaaaaaaaaaaa')
	})

	test('[D1] a deletion queued behind saves is not undone by them', async () => {
		const store = await makeStore()
		const saves = [store.save(record('aaaaaaaaaaaa', 'AQ=='), null)]
		await Promise.all([...saves, store.delete('aaaaaaaaaaaa')])
		expect(await store.load('aaaaaaaaaaaa')).toEqual({ ok: true, value: null })
	})
})

const journals: [string, () => Promise<DeletionJournal>][] = [
	['memory', async () => new MemoryDeletions()],
	['files', async () => new DeletionFiles(await tempDir())],
	['postgresql', async () => (await pgStorage()).deletions],
]

describe.each(journals)('[D5] deletion journal contract: %s', (_name, makeJournal) => {
	test('[D5] an entry stays until ended, a second begin keeps one entry, ending twice is fine', async () => {
		const journal = await makeJournal()
		expect(await journal.pending()).toEqual([])
		await journal.begin('aaaaaaaaaaaa', '2026-11-30T00:00:00.000Z')
		await journal.begin('bbbbbbbbbbbb', '2026-11-30T00:00:01.000Z')
		await journal.begin('aaaaaaaaaaaa', '2026-11-30T00:00:02.000Z')
		expect((await journal.pending()).sort()).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb'])
		await journal.end('aaaaaaaaaaaa')
		await journal.end('aaaaaaaaaaaa')
		await journal.end('cccccccccccc')
		expect(await journal.pending()).toEqual(['bbbbbbbbbbbb'])
	})
})

test('[D5] the database journal outlives its connection pool, as the files journal outlives its process', async () => {
	const url = await createTestDatabase()
	const first = await openPgStorage(url, { exclusive: false, secret: null })
	await first.deletions.begin('aaaaaaaaaaaa', '2026-11-30T00:00:00.000Z')
	await first.close()
	const second = await pgStorage(url)
	expect(await second.deletions.pending()).toEqual(['aaaaaaaaaaaa'])
	const dir = await tempDir()
	await new DeletionFiles(dir).begin('aaaaaaaaaaaa', '2026-11-30T00:00:00.000Z')
	expect(await new DeletionFiles(dir).pending()).toEqual(['aaaaaaaaaaaa'])
})

describe('[P5] lowdb adapter on disk', () => {
	test('one JSON file per workshop, with base64 state; no temp file left behind', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		await store.save(record('aaaaaaaaaaaa', 'AQID'), null)
		await store.save(record('bbbbbbbbbbbb'), null)
		expect((await readdir(path.join(dir, 'workshops'))).sort()).toEqual(['aaaaaaaaaaaa.json', 'bbbbbbbbbbbb.json'])
		const json = JSON.parse(await readFile(path.join(dir, 'workshops', 'aaaaaaaaaaaa.json'), 'utf8'))
		expect(json).toMatchObject({ version: RECORD_VERSION, id: 'aaaaaaaaaaaa', revision: 1, board: 'AQID' })
		// The update logs sit beside the record, one per document.
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c1', 'one')])
		expect(await readdir(path.join(dir, 'workshops'))).toContain('aaaaaaaaaaaa.board.log')
	})

	test('[S3] a torn tail of an update log (a crash mid-append) is ignored at load and cut before the next append', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		await store.save(record('aaaaaaaaaaaa'), null)
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c1', 'one')])
		const log = path.join(dir, 'workshops', 'aaaaaaaaaaaa.board.log')
		const whole = await readFile(log)
		const torn = encodeFrames([mapUpdate('cards', 'c2', 'two')])
		for (const cut of [3, 8, torn.length - 1]) {
			await writeFile(log, Buffer.concat([whole, torn.subarray(0, cut)]))
			// A fresh store, as after a restart.
			const restarted = await new LowdbStore(dir).open()
			const loaded = await restarted.load('aaaaaaaaaaaa')
			expect(loaded.ok && loaded.value && mapOf(loaded.value.board, 'cards')).toEqual({ c1: 'one' })
			await restarted.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c3', 'three')])
			const after = await new LowdbStore(dir).open().then((again) => again.load('aaaaaaaaaaaa'))
			expect(after.ok && after.value && mapOf(after.value.board, 'cards')).toEqual({ c1: 'one', c3: 'three' })
			await writeFile(log, whole)
		}
	})

	test('[S3] a damaged frame inside an update log is reported corrupt, not skipped', async () => {
		const dir = await tempDir()
		const store = await new LowdbStore(dir).open()
		await store.save(record('aaaaaaaaaaaa'), null)
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [
			mapUpdate('cards', 'c1', 'one'),
			mapUpdate('cards', 'c2', 'two'),
		])
		const log = path.join(dir, 'workshops', 'aaaaaaaaaaaa.board.log')
		const bytes = await readFile(log)
		bytes[10] = (bytes[10] ?? 0) ^ 0xff
		await writeFile(log, bytes)
		const loaded = await new LowdbStore(dir).open().then((again) => again.load('aaaaaaaaaaaa'))
		expect(loaded.ok || loaded.error.code).toBe('corrupt')
	})

	test('[S12] client id claims survive a restart (a new store on the same directory); a damaged claim is corrupt', async () => {
		const dir = await tempDir()
		const first = await new LowdbStore(dir).open()
		await first.claimClients('aaaaaaaaaaaa', new Map([[7, 'alice']]))
		const second = await new LowdbStore(dir).open()
		const owners = await second.clientOwners('aaaaaaaaaaaa')
		expect(owners.ok && [...owners.value]).toEqual([[7, 'alice']])
		await second.claimClients('aaaaaaaaaaaa', new Map([[7, 'mallory']]))
		const log = path.join(dir, 'workshops', 'aaaaaaaaaaaa.clients.log')
		await writeFile(log, encodeFrames([new TextEncoder().encode('{"not":"a claim"}')]))
		expect(await new LowdbStore(dir).clientOwners('aaaaaaaaaaaa')).toMatchObject({
			ok: false,
			error: { code: 'corrupt' },
		})
	})

	test("[S2] two stores on one directory see each other's saves as conflicts", async () => {
		const dir = await tempDir()
		const first = await new LowdbStore(dir).open()
		const second = await new LowdbStore(dir).open()
		await first.save(record('aaaaaaaaaaaa'), null)
		expect(await second.save(record('aaaaaaaaaaaa'), 1)).toEqual({ ok: true, value: { revision: 2 } })
		expect(await first.save(record('aaaaaaaaaaaa'), 1)).toMatchObject({ ok: false, error: { code: 'conflict' } })
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
		'[P4][P8] a file holding %s is corrupt, not a missing workshop',
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
		expect(loaded.ok && loaded.value).toMatchObject({
			version: RECORD_VERSION,
			revision: 0,
			linkGeneration: 2,
			board: 'AQID',
		})
		// Saved again, it is stored in the current version.
		expect(await store.save(loaded.ok && loaded.value ? loaded.value : record('aaaaaaaaaaaa'), 0)).toEqual({
			ok: true,
			value: { revision: 1 },
		})
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
		await store.save(record('aaaaaaaaaaaa'), null)
		await store.save(record('bbbbbbbbbbbb'), null)
		await store.appendUpdates('aaaaaaaaaaaa', 'board', [mapUpdate('cards', 'c1', 'one')])
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

describe('[S1] the adapter is chosen by configuration', () => {
	test('STORE=memory: workshops and board files work and nothing lands in DATA_DIR', async () => {
		const server = await startTestServer({ store: 'memory' })
		try {
			const workshop = await createWorkshop(server)
			const alice = await joinWorkshop(server, workshop, 'Alice')
			const png = Buffer.from(
				'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
				'base64',
			)
			const uploaded = await fetch(`${server.url}/api/workshops/${workshop.id}/assets`, {
				method: 'POST',
				headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'image/png' },
				body: png,
			})
			expect(uploaded.status).toBe(201)
			const { src } = (await uploaded.json()) as { src: string }
			const served = await fetch(`${server.url}${src}`)
			expect(Buffer.from(await served.arrayBuffer())).toEqual(png)
			await server.registry.closeAll()
			// Only the data-directory lock: no workshop, log, asset or secret file.
			expect(await readdir(server.config.dataDir)).toEqual(['tablee.lock'])
		} finally {
			await server.dispose()
		}
	})
})
