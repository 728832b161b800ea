import { readFileSync } from 'node:fs'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { templateSchema } from '../template/template-schema.ts'
import type { Contribution } from './contribution.ts'
import type { CreateContributionInput } from './contribution-input.ts'
import { createContributionSchema, editContributionSchema } from './contribution-input.ts'
import {
	type Actor,
	type ContributionChange,
	type ContributionState,
	createContribution,
	deleteContribution,
	editContribution,
	mergeContributions,
	moveContribution,
	setAuthorMode,
	trailOf,
	unmergeContribution,
} from './contribution-rules.ts'

const template = v.parse(
	templateSchema,
	JSON.parse(readFileSync(new URL('../../templates/concertation-territoriale.json', import.meta.url), 'utf8')),
)
const NOW = '2026-11-22T10:00:00.000Z'
const LATER = '2026-11-22T10:05:00.000Z'

const alice: Actor = { role: 'participant', participantId: 'alice', college: 'assos-benevoles', name: 'Alice' }
const bob: Actor = { role: 'participant', participantId: 'bob', college: 'etat', name: 'Bob' }
const facilitator: Actor = { role: 'facilitator', participantId: 'anim', college: null, name: 'Animation' }
const observer: Actor = { role: 'observer', participantId: 'obs', college: null, name: 'Obs' }

/** A small workshop state that applies changes the way the server does. */
class Workshop {
	contributions = new Map<string, Contribution>()
	authors = new Map<string, string>()
	authorMode: ContributionState['authorMode'] = 'pseudonymous'
	private next = 0

	get state(): ContributionState {
		return {
			zones: template.zones,
			themes: template.themes,
			authorMode: this.authorMode,
			contributions: this.contributions,
			authors: this.authors,
		}
	}

	apply(change: ContributionChange): void {
		for (const contribution of change.put) this.contributions.set(contribution.id, contribution)
		for (const id of change.remove) this.contributions.delete(id)
		for (const [id, participant] of change.authors.set) this.authors.set(id, participant)
		for (const id of change.authors.remove) this.authors.delete(id)
	}

	create(actor: Actor, input: Partial<CreateContributionInput> = {}): Contribution {
		const id = `c${String(++this.next).padStart(8, '0')}`
		const result = createContribution(this.state, actor, { ...proposal, ...input }, id, NOW)
		if (!result.ok) throw new Error(result.error.code)
		this.apply(result.value)
		return this.contributions.get(id) as Contribution
	}
}

const proposal: CreateContributionInput = {
	type: 'proposition',
	zone: 'propositions',
	column: 'financeurs',
	text: 'Conventions pluriannuelles de 3 ans',
}
const need: CreateContributionInput = {
	type: 'besoin',
	zone: 'grille-besoins',
	row: 'r1',
	column: 'c2',
	text: 'Visibilité à 3 ans',
}

describe('K1–K3 creating', () => {
	it('K3 records the author college, the role and the times, never a name in pseudonymous mode', () => {
		const workshop = new Workshop()
		const made = workshop.create(alice, need)
		expect(made).toMatchObject({
			type: 'besoin',
			zone: 'grille-besoins',
			row: 'r1',
			column: 'c2',
			theme: 'r1',
			college: 'assos-benevoles',
			authorRole: 'participant',
			authorName: null,
			createdAt: NOW,
			updatedAt: NOW,
			mergedInto: null,
			sources: [],
		})
		expect(workshop.authors.get(made.id)).toBe('alice')
	})

	it('K3 a facilitator contribution has no college; named mode shows the name', () => {
		const workshop = new Workshop()
		workshop.authorMode = 'named'
		expect(workshop.create(facilitator)).toMatchObject({ college: null, authorRole: 'facilitator' })
		expect(workshop.create(bob)).toMatchObject({ authorName: 'Bob', college: 'etat' })
	})

	it.each<[string, Actor, Partial<CreateContributionInput>, string]>([
		['K1 observer', observer, {}, 'observer_read_only'],
		['K2 unknown zone', alice, { zone: 'nowhere' }, 'unknown_zone'],
		['K2 type not taken by the zone', alice, { zone: 'parking', column: null }, 'type_not_allowed_here'],
		['K2 grid needs a cell', alice, { ...need, row: null }, 'cell_required'],
		['K2 unknown cell', alice, { ...need, row: 'r9' }, 'unknown_cell'],
		['K2 columns zone needs a column', alice, { column: null }, 'column_required'],
		['K2 unknown column', alice, { column: 'c1' }, 'unknown_column'],
		['K2 no rows in a columns zone', alice, { row: 'r1' }, 'no_rows_here'],
		['K2 no cells in an area', alice, { type: 'idee', zone: 'parking', column: 'x' }, 'no_cells_here'],
		['K2 field of another type', alice, { who: 'La CAF' }, 'field_not_allowed'],
		['K2 unknown theme', alice, { theme: 'r99' }, 'unknown_theme'],
		[
			'K8 participants do not group',
			alice,
			{ type: 'recommandation', zone: 'recommandations', column: null, sources: ['c00000001'] },
			'facilitator_only',
		],
	])('%s is refused', (_name, actor, input, code) => {
		const workshop = new Workshop()
		const result = createContribution(workshop.state, actor, { ...proposal, ...input }, 'c99999999', NOW)
		expect(result.ok ? 'accepted' : result.error.code).toBe(code)
	})

	it('K2 the input schema strips control characters and refuses unknown fields and empty text', () => {
		expect(v.parse(createContributionSchema, { ...proposal, text: ' a\u0000b\u0007\nc ' }).text).toBe('ab\nc')
		expect(v.safeParse(createContributionSchema, { ...proposal, author: 'x' }).success).toBe(false)
		expect(v.safeParse(createContributionSchema, { ...proposal, text: ' \u0001 ' }).success).toBe(false)
		expect(v.safeParse(createContributionSchema, { ...proposal, text: 'x'.repeat(2001) }).success).toBe(false)
		expect(v.safeParse(editContributionSchema, {}).success).toBe(false)
	})
})

describe('K4–K6 editing, moving, deleting', () => {
	it('[K4] the author edits its own, the facilitator any, nobody else', () => {
		const workshop = new Workshop()
		const mine = workshop.create(alice)
		expect(editContribution(workshop.state, alice, mine.id, { text: 'Mieux', level: 'regional' }, LATER)).toMatchObject(
			{
				ok: true,
				value: { put: [{ text: 'Mieux', level: 'regional', updatedAt: LATER, createdAt: NOW }] },
			},
		)
		expect(editContribution(workshop.state, facilitator, mine.id, { caution: 'Si budget' }, LATER).ok).toBe(true)
		const refused = editContribution(workshop.state, bob, mine.id, { text: 'Pirate' }, LATER)
		expect(refused.ok ? null : refused.error).toMatchObject({ status: 403, code: 'not_your_contribution' })
		const absent = editContribution(workshop.state, alice, 'c77777777', { text: 'x' }, LATER)
		expect(absent.ok ? null : absent.error.status).toBe(404)
	})

	it('K5 a move checks the type against the new zone and follows the grid row for the theme', () => {
		const workshop = new Workshop()
		const finding = workshop.create(alice, need)
		const moved = moveContribution(
			workshop.state,
			alice,
			finding.id,
			{ zone: 'grille-besoins', row: 'r5', column: 'c1' },
			LATER,
		)
		expect(moved.ok && moved.value.put[0]).toMatchObject({ row: 'r5', column: 'c1', theme: 'r5' })
		const refused = moveContribution(workshop.state, alice, finding.id, { zone: 'parking' }, LATER)
		expect(refused.ok ? null : refused.error.code).toBe('type_not_allowed_here')
		const notMine = moveContribution(
			workshop.state,
			bob,
			finding.id,
			{ zone: 'grille-besoins', row: 'r2', column: 'c1' },
			LATER,
		)
		expect(notMine.ok ? null : notMine.error.code).toBe('not_your_contribution')
	})

	it('K6 deleting removes the contribution and its author link, unless a trail depends on it', () => {
		const workshop = new Workshop()
		const one = workshop.create(alice)
		const two = workshop.create(bob)
		workshop.apply(expectOk(mergeContributions(workshop.state, facilitator, one.id, [two.id], LATER)))
		expect(codeOf(deleteContribution(workshop.state, alice, one.id))).toBe('has_duplicates')
		expect(codeOf(deleteContribution(workshop.state, bob, two.id))).toBe('merged')
		const three = workshop.create(bob)
		const recommendation = workshop.create(facilitator, {
			type: 'recommandation',
			zone: 'recommandations',
			column: null,
			sources: [three.id],
		})
		expect(codeOf(deleteContribution(workshop.state, bob, three.id))).toBe('grouped')
		workshop.apply(expectOk(deleteContribution(workshop.state, facilitator, recommendation.id)))
		workshop.apply(expectOk(deleteContribution(workshop.state, bob, three.id)))
		expect(workshop.contributions.has(three.id)).toBe(false)
		expect(workshop.authors.has(three.id)).toBe(false)
	})
})

describe('M5 writing for a participant on paper', () => {
	const edwige = { participantId: 'edwige', college: 'etat', name: 'Edwige' }

	it('[M5] the contribution is the paper participant’s: their college, their author link, a participant’s role', () => {
		const workshop = new Workshop()
		const id = 'c00000042'
		const change = expectOk(createContribution(workshop.state, facilitator, proposal, id, NOW, edwige))
		expect(change.put[0]).toMatchObject({ college: 'etat', authorRole: 'participant', authorName: null })
		expect(change.authors.set).toEqual([[id, 'edwige']])
	})

	it.each<[string, Actor, Partial<CreateContributionInput>, string]>([
		['a participant', alice, {}, 'facilitator_only'],
		['an observer', observer, {}, 'observer_read_only'],
		// A recommendation grouping proposals, or a commitment's link, stays the facilitator's act.
		[
			'a grouping',
			facilitator,
			{ type: 'recommandation', zone: 'recommandations', sources: ['c00000001'] },
			'field_not_allowed',
		],
		[
			'a link',
			facilitator,
			{ type: 'engagement', zone: 'recommandations', sources: ['c00000001'] },
			'field_not_allowed',
		],
	])('[M5] %s cannot be written for someone on paper', (_what, actor, input, code) => {
		const workshop = new Workshop()
		workshop.create(alice)
		const { column: _column, ...rest } = proposal
		const body = input.sources ? { ...rest, ...input } : { ...proposal, ...input }
		expect(codeOf(createContribution(workshop.state, actor, body, 'c00000042', NOW, edwige))).toBe(code)
	})
})

describe('K7–K8, K10 merging, grouping and the trail', () => {
	it('[K7][K10] merges keep every source in the trail, however deep, and can be undone', () => {
		const workshop = new Workshop()
		const [a, b, c] = [workshop.create(alice), workshop.create(bob), workshop.create(alice)]
		workshop.apply(expectOk(mergeContributions(workshop.state, facilitator, b.id, [a.id], LATER)))
		workshop.apply(expectOk(mergeContributions(workshop.state, facilitator, c.id, [b.id], LATER)))
		const trail = trailOf(workshop.contributions, c.id)
		expect(trail?.merged.map((step) => step.contribution.id)).toEqual([b.id])
		expect(trail?.merged[0]?.merged.map((step) => step.contribution.id)).toEqual([a.id])

		workshop.apply(expectOk(unmergeContribution(workshop.state, facilitator, b.id, LATER)))
		expect(workshop.contributions.get(b.id)?.mergedInto).toBeNull()
		// b keeps its own duplicate.
		expect(trailOf(workshop.contributions, b.id)?.merged.map((step) => step.contribution.id)).toEqual([a.id])
		expect(codeOf(unmergeContribution(workshop.state, facilitator, c.id, LATER))).toBe('not_merged')
	})

	it.each<[string, (w: Workshop, ids: string[]) => unknown, string]>([
		[
			'participant',
			(w, [a, b]) => mergeContributions(w.state, alice, a as string, [b as string], LATER),
			'facilitator_only',
		],
		[
			'self',
			(w, [a]) => mergeContributions(w.state, facilitator, a as string, [a as string], LATER),
			'invalid_sources',
		],
		[
			'type mismatch',
			(w, [a, , n]) => mergeContributions(w.state, facilitator, a as string, [n as string], LATER),
			'type_mismatch',
		],
		[
			'unknown',
			(w, [a]) => mergeContributions(w.state, facilitator, a as string, ['c55555555'], LATER),
			'contribution_not_found',
		],
	])('K7 a merge by or of the wrong kind is refused: %s', (_name, attempt, code) => {
		const workshop = new Workshop()
		const ids = [workshop.create(alice).id, workshop.create(bob).id, workshop.create(alice, need).id]
		expect(codeOf(attempt(workshop, ids) as ReturnType<typeof unmergeContribution>)).toBe(code)
	})

	it('K7 a merged contribution can be merged no further and moves with its target', () => {
		const workshop = new Workshop()
		const [a, b, c] = [workshop.create(alice), workshop.create(bob), workshop.create(alice)]
		workshop.apply(expectOk(mergeContributions(workshop.state, facilitator, b.id, [a.id], LATER)))
		expect(codeOf(mergeContributions(workshop.state, facilitator, c.id, [a.id], LATER))).toBe('already_merged')
		expect(codeOf(mergeContributions(workshop.state, facilitator, a.id, [c.id], LATER))).toBe('merged')
		expect(
			codeOf(moveContribution(workshop.state, alice, a.id, { zone: 'propositions', column: 'associations' }, LATER)),
		).toBe('merged')
	})

	it('K8 a recommendation groups proposals, each in one recommendation, and the trail reaches their duplicates', () => {
		const workshop = new Workshop()
		const [a, b, c] = [workshop.create(alice), workshop.create(bob), workshop.create(bob)]
		workshop.apply(expectOk(mergeContributions(workshop.state, facilitator, b.id, [a.id], LATER)))
		const recommendation = workshop.create(facilitator, {
			type: 'recommandation',
			zone: 'recommandations',
			column: null,
			title: 'Sécuriser les financements',
			sources: [b.id],
		})
		expect(codeOf(editContribution(workshop.state, facilitator, recommendation.id, { sources: [a.id] }, LATER))).toBe(
			'merged',
		)
		const second = createContribution(
			workshop.state,
			facilitator,
			{ type: 'recommandation', zone: 'recommandations', text: 'Autre', sources: [b.id] },
			'c88888888',
			NOW,
		)
		expect(codeOf(second)).toBe('grouped')
		const notProposal = workshop.create(alice, need)
		expect(
			codeOf(editContribution(workshop.state, facilitator, recommendation.id, { sources: [notProposal.id] }, LATER)),
		).toBe('not_a_proposal')
		workshop.apply(
			expectOk(editContribution(workshop.state, facilitator, recommendation.id, { sources: [b.id, c.id] }, LATER)),
		)

		const trail = trailOf(workshop.contributions, recommendation.id)
		expect(trail?.sources.map((step) => step.contribution.id)).toEqual([b.id, c.id])
		expect(trail?.sources[0]?.merged.map((step) => step.contribution.id)).toEqual([a.id])
	})
})

describe('K9 author mode', () => {
	it('named → pseudonymous hides every name; back to named only while there is nothing to reveal', () => {
		const workshop = new Workshop()
		expect(expectOk(setAuthorMode(workshop.state, facilitator, 'named', NOW)).put).toEqual([])
		workshop.authorMode = 'named'
		workshop.create(alice)
		const hidden = expectOk(setAuthorMode(workshop.state, facilitator, 'pseudonymous', LATER))
		expect(hidden.put.map((contribution) => contribution.authorName)).toEqual([null])
		workshop.apply(hidden)
		workshop.authorMode = 'pseudonymous'
		expect(codeOf(setAuthorMode(workshop.state, facilitator, 'named', LATER))).toBe('authors_hidden')
		expect(codeOf(setAuthorMode(workshop.state, alice, 'named', LATER))).toBe('facilitator_only')
	})
})

function expectOk(result: ReturnType<typeof unmergeContribution>): ContributionChange {
	if (!result.ok) throw new Error(`refused: ${result.error.code}`)
	return result.value
}

function codeOf(result: ReturnType<typeof unmergeContribution>): string {
	return result.ok ? 'accepted' : result.error.code
}

describe('F2–F3 phase limits on contributions', () => {
	it('F2 a locked zone takes nothing from participants; the facilitator may still tidy it', () => {
		const workshop = new Workshop()
		const made = workshop.create(alice)
		const locked = { ...workshop.state, lockedZones: ['propositions'] }
		expect(codeOf(createContribution(locked, bob, proposal, 'c44444444', NOW))).toBe('zone_locked')
		expect(codeOf(editContribution(locked, alice, made.id, { text: 'x' }, LATER))).toBe('zone_locked')
		expect(codeOf(deleteContribution(locked, alice, made.id))).toBe('zone_locked')
		expect(codeOf(editContribution(locked, facilitator, made.id, { text: 'x' }, LATER))).toBe('accepted')
		const finding = workshop.create(alice, need)
		const gridLocked = { ...workshop.state, lockedZones: ['propositions', 'grille-besoins'] }
		expect(
			codeOf(
				moveContribution(gridLocked, alice, finding.id, { zone: 'grille-besoins', row: 'r2', column: 'c1' }, LATER),
			),
		).toBe('zone_locked')
	})

	it('F3 during a vote proposals are frozen for everyone; other contributions are not', () => {
		const workshop = new Workshop()
		const [a, b] = [workshop.create(alice), workshop.create(bob)]
		const finding = workshop.create(alice, need)
		const voting = { ...workshop.state, phase: { privateWriting: false, proposalsFrozen: true } }
		expect(codeOf(editContribution(voting, alice, a.id, { text: 'x' }, LATER))).toBe('proposals_frozen')
		expect(codeOf(editContribution(voting, facilitator, a.id, { text: 'x' }, LATER))).toBe('proposals_frozen')
		expect(codeOf(deleteContribution(voting, alice, a.id))).toBe('proposals_frozen')
		expect(codeOf(mergeContributions(voting, facilitator, a.id, [b.id], LATER))).toBe('proposals_frozen')
		expect(codeOf(editContribution(voting, alice, finding.id, { text: 'x' }, LATER))).toBe('accepted')
	})
})
