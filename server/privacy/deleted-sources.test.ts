import { describe, expect, test } from 'vitest'
import { consolidate } from '../../shared/consolidation/model.ts'
import { fixtureInput } from '../../tests/fixtures/workshop-fixture.ts'
import type { SynthesisRecord } from '../store/synthesis-files.ts'
import { markDeleted, sourceWorkshops } from './deleted-sources.ts'

const HERE = 'https://tablee.ici.example'
/** A named workshop's export (authors shown), naming the workshop it comes from, or none. */
const exported = (workshop: { id: string; server: string } | undefined) => {
	const model = consolidate({ ...fixtureInput, meta: { ...fixtureInput.meta, authorMode: 'named' } })
	return workshop ? { ...model, context: { ...model.context, workshop } } : model
}

/** A synthesis of: a workshop taken from here, its own uploaded export, another server's, one that names none. */
const record = (origins?: SynthesisRecord['origins']): SynthesisRecord => ({
	version: 2,
	id: 'synthese0001',
	editKey: null,
	revision: 3,
	title: 'Synthèse',
	createdAt: '2026-11-01T00:00:00.000Z',
	updatedAt: '2026-11-01T00:00:00.000Z',
	sources: [
		exported({ id: 'atelier00001', server: HERE }),
		exported({ id: 'atelier00001', server: HERE }),
		exported({ id: 'atelier00001', server: 'https://ailleurs.example' }),
		exported(undefined),
	],
	groups: [],
	...(origins ? { origins } : {}),
})

describe('[D1] which sources of a synthesis are known deleted', () => {
	test.each([
		['with origins recorded at creation', record([{ workshop: 'atelier00001', deletedAt: null }, null, null, null])],
		['stored before origins existed', record()],
	])('[D1] %s: this server’s sources are marked, with their names gone; the others stay as they were', (_, before) => {
		expect(sourceWorkshops(before, HERE).map((source) => source.status)).toEqual([
			'here',
			'here',
			'elsewhere',
			'unknown',
		])
		const after = markDeleted(before, 'atelier00001', HERE, '2026-11-30T10:00:00.000Z')
		expect(sourceWorkshops(after, HERE)).toEqual([
			{ status: 'deleted', deletedAt: '2026-11-30T10:00:00.000Z' },
			{ status: 'deleted', deletedAt: '2026-11-30T10:00:00.000Z' },
			{ status: 'elsewhere', server: 'https://ailleurs.example' },
			{ status: 'unknown' },
		])
		const names = [...fixtureInput.participants.values()].map((person) => person.name)
		const named = (value: unknown) => names.some((name) => JSON.stringify(value).includes(name))
		expect(named(before.sources[1])).toBe(true)
		expect(named(after.sources[0]) || named(after.sources[1])).toBe(false)
		expect(after.sources[2]).toBe(before.sources[2])
		// Figures and everything else stay; a second pass (a resumed deletion) changes nothing.
		expect(after.sources[1]?.recommendations.map((item) => item.support)).toEqual(
			before.sources[1]?.recommendations.map((item) => item.support),
		)
		expect({ ...after, sources: [], origins: [] }).toEqual({ ...before, sources: [], origins: [] })
		expect(markDeleted(after, 'atelier00001', HERE, '2026-12-01T00:00:00.000Z')).toBe(after)
		// Another workshop's deletion leaves it alone.
		expect(markDeleted(before, 'autre0000001', HERE, '2026-11-30T10:00:00.000Z')).toBe(before)
	})
})
