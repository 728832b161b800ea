import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import * as Y from 'yjs'
import { LowdbStore } from '../server/store/lowdb-store.ts'
import { openPgStorage } from '../server/store/pg-store.ts'
import {
	createRecord,
	emptyServerOnly,
	type ServerOnlyState,
	type WorkshopStore,
} from '../server/store/workshop-store.ts'

/**
 * The store under the relay's load, lowdb against PostgreSQL: sustained edits (appendUpdates,
 * each acknowledged once durable) from concurrent editors, and loading 50 workshops at once, as a
 * restart does. PostgreSQL is the one at BENCH_DATABASE_URL (default: this machine's), on a fresh
 * database dropped afterwards.
 */
export interface StorageBenchRow {
	store: 'lowdb' | 'postgresql'
	editsPerSecond: number
	ackP50Ms: number
	ackP99Ms: number
	load50Ms: number
	/** Revisioned saves per second, each changing one ballot of a 200-voter vote (S13). */
	ballotSavesPerSecond: number
}

const EDITORS = 40
const EDIT_SECONDS = 3
const WORKSHOPS = 50

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

async function edits(store: WorkshopStore, workshop: string) {
	const latencies: number[] = []
	const until = performance.now() + EDIT_SECONDS * 1000
	await Promise.all(
		Array.from({ length: EDITORS }, async (_, editor) => {
			const doc = new Y.Doc()
			let n = 0
			while (performance.now() < until) {
				let update: Uint8Array = new Uint8Array()
				doc.once('update', (bytes: Uint8Array) => (update = bytes))
				doc.getMap('cards').set(`e${editor}-${n++}`, { x: n, y: editor })
				const started = performance.now()
				await store.appendUpdates(workshop, 'board', [update])
				latencies.push(performance.now() - started)
			}
		}),
	)
	latencies.sort((a, b) => a - b)
	return {
		editsPerSecond: latencies.length / EDIT_SECONDS,
		ackP50Ms: percentile(latencies, 50),
		ackP99Ms: percentile(latencies, 99),
	}
}

/** 50 workshops with a board of 500 cards and 50 logged edits each, then all loaded at once. */
async function load50(store: WorkshopStore, reopen: () => Promise<WorkshopStore>) {
	const ids = Array.from({ length: WORKSHOPS }, (_, i) => `bench${String(i).padStart(7, '0')}`)
	for (const id of ids) {
		const doc = new Y.Doc()
		for (let i = 0; i < 500; i++) doc.getMap('cards').set(`c${i}`, { x: i, y: i, text: `carte ${i}` })
		await store.save(
			createRecord({ id, linkGeneration: 0, board: Y.encodeStateAsUpdate(doc), control: new Uint8Array([0, 0]) }),
			null,
		)
		const updates: Uint8Array[] = []
		doc.on('update', (bytes: Uint8Array) => updates.push(bytes))
		for (let i = 0; i < 50; i++) doc.getMap('cards').set(`n${i}`, { x: i })
		await store.appendUpdates(id, 'board', updates)
	}
	const fresh = await reopen()
	const started = performance.now()
	const loaded = await Promise.all(ids.map((id) => fresh.load(id)))
	const took = performance.now() - started
	if (!loaded.every((answer) => answer.ok && answer.value !== null)) throw new Error('a workshop did not load')
	return took
}

/** Intents casting ballots one after the other: each a revisioned save of the whole record. */
async function ballotSaves(store: WorkshopStore) {
	const id = 'ballotbench1'
	const serverOnly: ServerOnlyState = {
		...emptyServerOnly(),
		votePoll: { id: 'benchpoll001', budget: 5, maxPerProposal: 3 },
	}
	const at = new Date().toISOString()
	for (let voter = 0; voter < 200; voter++) {
		serverOnly.ballots[`voter${String(voter).padStart(7, '0')}`] = {
			allocation: { p0000001: 2, p0000002: 3 },
			proxy: false,
			at,
		}
	}
	const record = (revision: number) =>
		createRecord({
			id,
			linkGeneration: 0,
			board: new Uint8Array([0, 0]),
			control: new Uint8Array([0, 0]),
			serverOnly,
			revision,
		})
	const first = await store.save(record(0), null)
	if (!first.ok) throw new Error('ballot bench: first save refused')
	let revision = first.value.revision
	let saves = 0
	const until = performance.now() + EDIT_SECONDS * 1000
	while (performance.now() < until) {
		const ballot = serverOnly.ballots[`voter${String(saves % 200).padStart(7, '0')}`]
		if (ballot) ballot.allocation = { p0000001: 1 + (saves % 3), p0000002: 2 }
		const saved = await store.save(record(revision), revision)
		if (!saved.ok) throw new Error('ballot bench: a save conflicted')
		revision = saved.value.revision
		saves++
	}
	return saves / EDIT_SECONDS
}

export async function runStorageBench(): Promise<StorageBenchRow[]> {
	const rows: StorageBenchRow[] = []
	const dir = await mkdtemp(path.join(tmpdir(), 'tablee-bench-store-'))
	try {
		const lowdb = await new LowdbStore(dir).open()
		await lowdb.save(
			createRecord({
				id: 'editsbench01',
				linkGeneration: 0,
				board: new Uint8Array([0, 0]),
				control: new Uint8Array([0, 0]),
			}),
			null,
		)
		const measured = await edits(lowdb, 'editsbench01')
		const load50Ms = await load50(lowdb, () => new LowdbStore(dir).open())
		const ballotSavesPerSecond = await ballotSaves(lowdb)
		rows.push({ store: 'lowdb', ...measured, load50Ms, ballotSavesPerSecond })
	} finally {
		await rm(dir, { recursive: true, force: true })
	}
	const admin = process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres'
	const name = `tablee_bench_${randomBytes(4).toString('hex')}`
	const client = new pg.Client({ connectionString: admin })
	await client.connect()
	await client.query(`CREATE DATABASE ${name}`)
	const url = new URL(admin)
	url.pathname = `/${name}`
	const opened: { close(): Promise<void> }[] = []
	const open = async () => {
		const storage = await openPgStorage(url.toString(), { exclusive: false, secret: null })
		opened.push(storage)
		return storage.workshops
	}
	try {
		const store = await open()
		await store.save(
			createRecord({
				id: 'editsbench01',
				linkGeneration: 0,
				board: new Uint8Array([0, 0]),
				control: new Uint8Array([0, 0]),
			}),
			null,
		)
		const measured = await edits(store, 'editsbench01')
		const load50Ms = await load50(store, open)
		const ballotSavesPerSecond = await ballotSaves(store)
		rows.push({ store: 'postgresql', ...measured, load50Ms, ballotSavesPerSecond })
	} finally {
		for (const storage of opened) await storage.close()
		await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
		await client.end()
	}
	return rows
}
