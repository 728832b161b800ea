import type { TemplateZone } from './template-schema.ts'

/** Gap between two zones on the canvas, in canvas units. */
export const ZONE_GAP = 200

export interface PlacedZone extends TemplateZone {
	x: number
	y: number
}

/** Places a template's zones left to right, in order, top-aligned (DESIGN §3: "zones left to right"). */
export function layoutZones(zones: readonly TemplateZone[]): PlacedZone[] {
	let x = 0
	return zones.map((zone) => {
		const placed = { ...zone, x, y: 0 }
		x += zone.width + ZONE_GAP
		return placed
	})
}
