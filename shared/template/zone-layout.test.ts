import { expect, test } from 'vitest'
import type { TemplateZone } from './template-schema.ts'
import { layoutZones, ZONE_GAP } from './zone-layout.ts'

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
