import { expect, test } from 'vitest'
import type { TemplateZone } from './template-schema.ts'
import { CARD_HEIGHT, CARD_WIDTH, cardSlot, layoutZones, placeAt, ZONE_GAP, zoneRegions } from './zone-layout.ts'

const zone = (id: string, width: number): TemplateZone => ({
	id,
	label: { fr: id, en: id },
	instructions: { fr: id, en: id },
	kind: 'area',
	contributionTypes: ['idee'],
	width,
	height: 900,
})

test('[T3] zones are laid out left to right, in template order, without overlap', () => {
	const placed = layoutZones([zone('a', 900), zone('b', 3000), zone('c', 800)])
	expect(placed.map(({ id, x, y }) => ({ id, x, y }))).toEqual([
		{ id: 'a', x: 0, y: 0 },
		{ id: 'b', x: 900 + ZONE_GAP, y: 0 },
		{ id: 'c', x: 900 + ZONE_GAP + 3000 + ZONE_GAP, y: 0 },
	])
})

const grid: TemplateZone = {
	...zone('grille', 3000),
	kind: 'grid',
	height: 2100,
	rows: ['r1', 'r2', 'r3'],
	columns: [
		{ id: 'c1', label: { fr: 'c1', en: 'c1' } },
		{ id: 'c2', label: { fr: 'c2', en: 'c2' } },
	],
	contributionTypes: ['constat'],
}

test('[T3] a grid zone has one region per cell, inside the zone and without overlap', () => {
	const [placed] = layoutZones([grid])
	if (!placed) throw new Error('no zone')
	const regions = zoneRegions(placed)
	expect(regions.map((region) => `${region.row}:${region.column}`)).toEqual([
		'r1:c1',
		'r1:c2',
		'r2:c1',
		'r2:c2',
		'r3:c1',
		'r3:c2',
	])
	for (const region of regions) {
		expect(region.x).toBeGreaterThanOrEqual(placed.x)
		expect(region.x + region.w).toBeLessThanOrEqual(placed.x + placed.width)
		expect(region.y + region.h).toBeLessThanOrEqual(placed.y + placed.height)
		for (const other of regions) {
			if (other === region) continue
			const apart =
				region.x + region.w <= other.x ||
				other.x + other.w <= region.x ||
				region.y + region.h <= other.y ||
				other.y + other.h <= region.y
			expect(apart).toBe(true)
		}
	}
})

test('[K5] placeAt finds the cell under a card, the nearest one from a heading, and nothing outside zones', () => {
	const zones = layoutZones([zone('accueil', 900), grid])
	const cells = zoneRegions(zones[1] as (typeof zones)[number])
	const r2c2 = cells.find((region) => region.row === 'r2' && region.column === 'c2')
	if (!r2c2) throw new Error('no cell')
	expect(placeAt(zones, { x: r2c2.x + 10, y: r2c2.y + 10 })).toEqual({ zone: 'grille', row: 'r2', column: 'c2' })
	// On the row heading of r1: the nearest cell is r1 × c1.
	const r1c1 = cells[0] as (typeof cells)[number]
	expect(placeAt(zones, { x: r1c1.x - 100, y: r1c1.y + 20 })).toEqual({ zone: 'grille', row: 'r1', column: 'c1' })
	expect(placeAt(zones, { x: 450, y: 450 })).toEqual({ zone: 'accueil', row: null, column: null })
	expect(placeAt(zones, { x: 1000, y: 450 })).toBeNull() // the gap between zones
	expect(placeAt(zones, { x: 450, y: 5000 })).toBeNull()
})

test('[U16] cards laid out in a small cell stay inside it, however many there are', () => {
	const region = { zone: 'g', row: 'r1', column: 'c1', x: 100, y: 200, w: 529, h: 255 }
	const slots = Array.from({ length: 12 }, (_, index) => cardSlot(region, index))
	for (const slot of slots) {
		expect(slot.x).toBeGreaterThanOrEqual(region.x)
		expect(slot.y).toBeGreaterThanOrEqual(region.y)
		expect(slot.x + CARD_WIDTH).toBeLessThanOrEqual(region.x + region.w)
		expect(slot.y + CARD_HEIGHT).toBeLessThanOrEqual(region.y + region.h)
	}
	// Two cards side by side, then the next layer shifted over them.
	expect(slots[1]?.y).toBe(slots[0]?.y)
	expect(slots[2]?.x).toBeGreaterThan(slots[0]?.x ?? 0)
	expect(new Set(slots.slice(0, 6).map((slot) => `${slot.x},${slot.y}`)).size).toBe(6)
})

test('cards laid out in a region fill rows left to right, then go below', () => {
	const [placed] = layoutZones([zone('a', 900)])
	const [region] = zoneRegions(placed as NonNullable<typeof placed>)
	if (!region) throw new Error('no region')
	const slots = [0, 1, 2, 3].map((index) => cardSlot(region, index))
	expect(slots[1]?.y).toBe(slots[0]?.y)
	expect(slots[1]?.x).toBeGreaterThanOrEqual((slots[0]?.x ?? 0) + CARD_WIDTH)
	expect(slots[3]?.y).toBeGreaterThan(slots[0]?.y ?? 0)
	for (const slot of slots) expect(slot.x + CARD_WIDTH).toBeLessThanOrEqual(region.x + region.w)
})
