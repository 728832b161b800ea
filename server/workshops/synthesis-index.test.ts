import { describe, expect, test } from 'vitest'
import { consolidate } from '../../shared/consolidation/model.ts'
import { fixtureInput } from '../../tests/fixtures/workshop-fixture.ts'
import { createLogger } from '../logger.ts'
import { MemorySyntheses } from '../store/memory-files.ts'
import type { SynthesisRecord } from '../store/synthesis-files.ts'
import { SYNTHESIS_SCAN_TTL_MS, SynthesisIndex } from './synthesis-index.ts'

const SERVER = 'https://tablee.example.org'
const base = consolidate(fixtureInput)
const from = (workshop: string, server = SERVER) => ({
	...base,
	context: { ...base.context, workshop: { id: workshop, server } },
})
const record = (id: string, sources: SynthesisRecord['sources']): SynthesisRecord => ({
	version: 2,
	id,
	editKey: 'k',
	revision: 0,
	title: `Synthèse ${id}`,
	createdAt: '2026-11-30T00:00:00.000Z',
	updatedAt: '2026-11-30T00:00:00.000Z',
	sources,
	groups: [],
})

describe('SynthesisIndex', () => {
	test('[M3] finds the syntheses including a workshop of this server, at the right source, and no other server’s', async () => {
		const store = new MemorySyntheses()
		await store.save(record('aaaaaaaa1', [from('elsewhere1'), from('workshop1')]))
		await store.save(record('aaaaaaaa2', [from('workshop1', 'https://other.example.org')]))
		const index = new SynthesisIndex(store, SERVER, createLogger('silent'))
		const found = await index.including('workshop1')
		expect(found.map((item) => [item.title, item.source])).toEqual([['Synthèse aaaaaaaa1', 1]])
	})

	test('[M3] one scan is trusted for a while; a save through the index is seen at once, another only after it', async () => {
		const store = new MemorySyntheses()
		let now = 0
		const index = new SynthesisIndex(store, SERVER, createLogger('silent'), () => now)
		expect(await index.including('workshop1')).toEqual([])
		// Saved behind the index's back (another process, say): seen once the scan is old enough.
		await store.save(record('bbbbbbbb1', [from('workshop1')]))
		expect(await index.including('workshop1')).toEqual([])
		now += SYNTHESIS_SCAN_TTL_MS
		expect(await index.including('workshop1')).toHaveLength(1)
		// Saved through the index (the synthesis routes): seen at once.
		await index.tracking().save(record('bbbbbbbb2', [from('workshop1')]))
		expect(await index.including('workshop1')).toHaveLength(2)
	})

	test('[M3] a synthesis model is built once while its record is unchanged, and again after an edit or a source deleted elsewhere', async () => {
		const store = new MemorySyntheses()
		await store.save(record('cccccccc1', [from('workshop1'), from('workshop2')]))
		const index = new SynthesisIndex(store, SERVER, createLogger('silent'))
		const [first] = await index.including('workshop1')
		const [again] = await index.including('workshop1')
		expect(again?.model).toBe(first?.model)
		const stored = (await store.load('cccccccc1')) as SynthesisRecord
		await index.tracking().save({ ...stored, revision: 1, title: 'Renommée' })
		const [edited] = await index.including('workshop1')
		expect(edited?.model).not.toBe(first?.model)
		expect(edited?.title).toBe('Renommée')
		// A deletion marks the record without an edit of its own (origins change): rebuilt too.
		const renamed = (await store.load('cccccccc1')) as SynthesisRecord
		await store.save({ ...renamed, origins: [null, { workshop: 'workshop2', deletedAt: '2026-11-30T01:00:00.000Z' }] })
		const [marked] = await index.including('workshop1')
		expect(marked?.model).not.toBe(edited?.model)
	})
})
