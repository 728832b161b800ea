import { describe, expect, test } from 'vitest'
import type { Contribution } from '../shared/concertation/contribution.ts'
import { type ConsolidationModel, consolidate } from '../shared/consolidation/model.ts'
import { similarity, suggestGroups, synthesize } from '../shared/consolidation/synthesis.ts'
import { fixtureContributions, fixtureInput } from './fixtures/workshop-fixture.ts'

/** Three territories from the fixture workshop, each with its own recommendation. */
function territory(name: string, recommendation: Partial<Contribution>): ConsolidationModel {
	const contributions = new Map(fixtureContributions)
	const base = contributions.get('c08recommand0') as Contribution
	contributions.set('c08recommand0', { ...base, ...recommendation })
	return consolidate({
		...fixtureInput,
		meta: { ...fixtureInput.meta, title: `Concertation ${name}`, territory: name },
		contributions,
	})
}

const creuse = territory('Creuse', {})
const correze = territory('Corrèze', { title: 'Sécuriser les financements pluriannuels' })
const hauteVienne = territory('Haute-Vienne', {
	title: 'Simplifier les dossiers de demande',
	text: 'Un guichet commun pour les petites associations',
	sources: ['c07proposal00'],
})
const sources = [creuse, correze, hauteVienne]

describe('national synthesis', () => {
	test('[N4] similar recommendations of different territories are suggested together, others not', () => {
		expect(
			similarity('Sécuriser les financements dans la durée', 'Sécuriser les financements pluriannuels'),
		).toBeGreaterThan(0.3)
		const suggestions = suggestGroups(sources)
		expect(suggestions).toHaveLength(1)
		expect(suggestions[0]?.members).toEqual([
			{ source: 0, recommendation: 'c08recommand0' },
			{ source: 1, recommendation: 'c08recommand0' },
		])
	})

	test('[N1][N2][N3] supported in N territories of M, support per college added up, figure by figure', () => {
		const [suggested] = suggestGroups(sources)
		if (!suggested) throw new Error('no suggestion')
		const synthesis = synthesize('Synthèse Nouvelle-Aquitaine', sources, [
			{ ...suggested, label: 'Sécuriser les financements dans la durée' },
		])
		expect(synthesis.territories.map((t) => `${t.territory}:${t.recommendations}`)).toEqual([
			'Creuse:1',
			'Corrèze:1',
			'Haute-Vienne:1',
		])
		const [shared, alone] = synthesis.groups
		expect(shared).toMatchObject({
			label: 'Sécuriser les financements dans la durée',
			supportedIn: 2,
			territories: 3,
			dots: 26,
		})
		// Creuse and Corrèze each: assos-benevoles 5, têtes de réseau 3, État 3, protection sociale 2.
		expect(Object.fromEntries(shared?.byCollege.map((c) => [c.college, c.dots]) ?? [])).toEqual({
			'assos-benevoles': 10,
			'tetes-de-reseau': 6,
			etat: 6,
			'protection-sociale': 4,
		})
		expect(shared?.members.map((m) => `${m.territory} · ${m.title} · ${m.dots}`)).toEqual([
			'Creuse · Sécuriser les financements dans la durée · 13',
			'Corrèze · Sécuriser les financements pluriannuels · 13',
		])
		// The Haute-Vienne recommendation stands alone, with its own support (one dot, from assos-benevoles).
		expect(alone).toMatchObject({ label: 'Simplifier les dossiers de demande', supportedIn: 1, dots: 1 })
		expect(alone?.byCollege.find((c) => c.college === 'assos-benevoles')?.dots).toBe(1)
		// Links back to each territory's recommendation.
		expect(alone?.members[0]?.ref).toEqual({ source: 2, recommendation: 'c08recommand0' })
	})
})
