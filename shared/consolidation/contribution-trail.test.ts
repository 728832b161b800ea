import { describe, expect, test } from 'vitest'
import { fixtureContributions, fixtureInput } from '../../tests/fixtures/workshop-fixture.ts'
import type { Contribution } from '../concertation/contribution.ts'
import { contributionTrail, type FateKind } from './contribution-trail.ts'
import { consolidate } from './model.ts'
import { synthesize } from './synthesis.ts'

/** The fixture workshop with a second-level duplicate: c12 merged into c05, itself merged into c04… */
const contributions = new Map(fixtureContributions)
const duplicate = contributions.get('c05duplicate0') as Contribution
contributions.set('c12deeper0000', { ...duplicate, id: 'c12deeper0000', mergedInto: 'c05duplicate0' })
// …and the commitment linked to the recommendation (K17).
const commitment = contributions.get('c09commitment') as Contribution
contributions.set('c09commitment', { ...commitment, sources: ['c08recommand0'] })
const model = consolidate({ ...fixtureInput, contributions })
const synthesis = synthesize(
	'Synthèse',
	[model, model],
	[{ id: 'g', label: 'Nationale', members: [{ source: 0, recommendation: 'c08recommand0' }] }],
)

describe('contributionTrail', () => {
	test.each<[string, FateKind, string[], string | null]>([
		['c01', 'kept', [], null],
		['c04proposal00', 'grouped', [], 'c08recommand0'],
		['c05duplicate0', 'merged', ['c04proposal00'], 'c08recommand0'],
		['c12deeper0000', 'merged', ['c05duplicate0', 'c04proposal00'], 'c08recommand0'],
		['c07proposal00', 'kept', [], null],
		['c08recommand0', 'recommendation', [], 'c08recommand0'],
		['c09commitment', 'linked', [], 'c08recommand0'],
	])('[M1] %s: %s, merged into %j, feeding %s', (id, fate, chain, recommendation) => {
		const own = [...contributions.keys()].find((key) => key.startsWith(id)) ?? id
		const trail = contributionTrail({ model, own: [own], drafts: new Set(), syntheses: [] })
		expect(trail.contributions).toHaveLength(1)
		const [found] = trail.contributions
		expect(found?.fate).toBe(fate)
		expect(found?.mergedInto.map((note) => note.id)).toEqual(chain)
		expect(found?.recommendation?.id ?? null).toBe(recommendation)
	})

	test('[M2] the recommendation carries the document’s support and rank, figure for figure', () => {
		const trail = contributionTrail({ model, own: ['c05duplicate0'], drafts: new Set(), syntheses: [] })
		const inDocument = model.recommendations.find((item) => item.recommendation.id === 'c08recommand0')
		expect(trail.contributions[0]?.recommendation?.support).toEqual(inDocument?.support)
		expect(trail.contributions[0]?.recommendation?.rank).toBe(inDocument?.rank)
	})

	test('[M3] only the national recommendations whose members include this source and recommendation', () => {
		const fromFirst = contributionTrail({
			model,
			own: ['c04proposal00'],
			drafts: new Set(),
			syntheses: [{ title: 'Synthèse', model: synthesis, source: 0 }],
		})
		expect(fromFirst.contributions[0]?.recommendation?.national.map((national) => national.label)).toEqual([
			'Nationale',
		])
		// The same recommendation id in another source of the synthesis is another territory's.
		const fromSecond = contributionTrail({
			model,
			own: ['c04proposal00'],
			drafts: new Set(),
			syntheses: [{ title: 'Synthèse', model: synthesis, source: 1 }],
		})
		expect(fromSecond.contributions[0]?.recommendation?.national.map((national) => national.label)).toEqual([
			expect.not.stringMatching(/^Nationale$/),
		])
	})

	test('[M1] someone else’s contributions are never listed; a draft is said as such', () => {
		const trail = contributionTrail({
			model,
			own: ['c07proposal00'],
			drafts: new Set(['c07proposal00']),
			syntheses: [],
		})
		expect(trail.contributions.map((fate) => [fate.contribution.id, fate.fate])).toEqual([['c07proposal00', 'draft']])
	})
})
