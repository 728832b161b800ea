import { describe, expect, it } from 'vitest'
import type { PlacedZone } from '../template/zone-layout.ts'
import type { Contribution } from './contribution.ts'
import {
	consensusDefault,
	defaultPlace,
	mayAdd,
	offersFor,
	phaseZone,
	type Viewer,
	votableProposals,
} from './offers.ts'

const open = { privateWriting: false, proposalsFrozen: false }
const frozen = { privateWriting: false, proposalsFrozen: true }
const viewer = (role: Viewer['role'], more: Partial<Viewer> = {}): Viewer => ({
	role,
	own: new Set(['mine']),
	phase: open,
	lockedZones: [],
	...more,
})
const card = (id: string, type: Contribution['type'] = 'besoin', zone = 'grille') =>
	({ id, type, zone, mergedInto: null }) as Contribution

describe('what the interface offers (same rules as the server)', () => {
	it.each([
		['[K1] a participant changes its own contribution', viewer('participant'), card('mine'), true],
		['[K1] a participant does not change another one', viewer('participant'), card('other'), false],
		['[K1] the facilitator changes any', viewer('facilitator'), card('other'), true],
		['[K1] an observer changes nothing, not even one listed as its own', viewer('observer'), card('mine'), false],
		[
			'[F2] nothing of a participant changes in a locked zone',
			viewer('participant', { lockedZones: ['grille'] }),
			card('mine'),
			false,
		],
		[
			'[F2] the facilitator still tidies a locked zone',
			viewer('facilitator', { lockedZones: ['grille'] }),
			card('x'),
			true,
		],
		[
			'[F3] proposals are frozen for everyone during a vote',
			viewer('facilitator', { phase: frozen }),
			card('x', 'proposition'),
			false,
		],
		['[F3] other kinds stay changeable during a vote', viewer('participant', { phase: frozen }), card('mine'), true],
	])('%s', (_name, who, contribution, expected) => {
		expect(offersFor(who, contribution).change).toBe(expected)
	})

	it('[U17] [K1] [F2] adding: observers never, participants not in a locked zone, the facilitator anywhere', () => {
		expect(mayAdd(viewer('observer'), 'grille')).toBe(false)
		expect(mayAdd(viewer('participant', { lockedZones: ['grille'] }), 'grille')).toBe(false)
		expect(mayAdd(viewer('facilitator', { lockedZones: ['grille'] }), 'grille')).toBe(true)
	})

	it('[U14] a new contribution defaults to the current phase’s zone and its first cell, skipping locked zones', () => {
		const zones = [
			{ id: 'accueil', kind: 'area' },
			{ id: 'grille', kind: 'grid', rows: ['r1', 'r2'], columns: [{ id: 'c1' }, { id: 'c2' }] },
			{ id: 'propositions', kind: 'columns', columns: [{ id: 'financeurs' }] },
		] as unknown as PlacedZone[]
		const phase = { id: 'p', kind: 'private-writing', zones: ['grille'] } as never
		expect(defaultPlace(viewer('participant'), zones, phase)).toMatchObject({
			zone: { id: 'grille' },
			row: 'r1',
			column: 'c1',
		})
		const locked = viewer('participant', { lockedZones: ['grille'] })
		expect(defaultPlace(locked, zones, phase)?.zone.id).toBe('accueil')
		expect(defaultPlace(viewer('participant'), zones, null)?.zone.id).toBe('accueil')
		expect(defaultPlace(viewer('observer'), zones, phase)).toBeNull()
	})

	it('[U16] the board opens on the phase’s first zone that holds contributions, else its first zone', () => {
		const zones = [{ id: 'vote' }, { id: 'propositions' }] as unknown as PlacedZone[]
		const phase = { id: 'p', kind: 'vote', zones: ['vote', 'propositions'] } as never
		expect(phaseZone(zones, phase)?.id).toBe('vote')
		expect(phaseZone(zones, phase, (zone) => zone === 'propositions')?.id).toBe('propositions')
		expect(phaseZone(zones, null)).toBeNull()
	})

	it('[U17] [V1] the consensus check defaults to the number of proposals asked for, most supported first', () => {
		const contributions = new Map([
			['a', card('a', 'proposition')],
			['b', card('b', 'proposition')],
			['c', card('c', 'proposition')],
			['d', { ...card('d', 'proposition'), mergedInto: 'a' }],
			['e', card('e', 'besoin')],
		])
		const votable = votableProposals(contributions)
		expect(votable).toEqual(['a', 'b', 'c'])
		expect(consensusDefault(['c', 'a', 'b'], votable, 2)).toEqual(['c', 'a'])
		expect(consensusDefault(['d', 'b'], votable, 3)).toEqual(['b'])
		expect(consensusDefault([], votable, 2)).toEqual(['a', 'b'])
	})
})
