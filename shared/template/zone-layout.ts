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

/**
 * Geometry inside a zone, in canvas units: one source for drawing the zones (client/canvas) and
 * for knowing where a card sits (placeAt) or where a new card goes (cardSlot).
 */
export const ZONE_PADDING = 32
/** Height of a zone's title and instructions. */
export const ZONE_HEAD = 150
/** Height of the column headings of grid and columns zones. */
export const COLUMN_HEAD = 56
/** Width of a grid's row headings (the themes). */
export const ROW_HEAD = 260
export const CELL_GAP = 6
export const CARD_WIDTH = 240
export const CARD_HEIGHT = 150
const CARD_GAP = 12

/** A place in a zone where contributions go: the whole area, one column, or one grid cell. */
export interface ZoneRegion {
	zone: string
	row: string | null
	column: string | null
	x: number
	y: number
	w: number
	h: number
}

export function zoneRegions(zone: PlacedZone): ZoneRegion[] {
	const x = zone.x + ZONE_PADDING
	const y = zone.y + ZONE_PADDING + ZONE_HEAD
	const w = zone.width - 2 * ZONE_PADDING
	const h = zone.height - 2 * ZONE_PADDING - ZONE_HEAD
	const columns = zone.columns ?? []
	if (zone.kind === 'area' || columns.length === 0) return [{ zone: zone.id, row: null, column: null, x, y, w, h }]
	if (zone.kind === 'columns') {
		const width = (w - (columns.length - 1) * CELL_GAP) / columns.length
		return columns.map((column, i) => ({
			zone: zone.id,
			row: null,
			column: column.id,
			x: x + i * (width + CELL_GAP),
			y: y + COLUMN_HEAD,
			w: width,
			h: h - COLUMN_HEAD,
		}))
	}
	const rows = zone.rows ?? []
	const width = (w - ROW_HEAD - columns.length * CELL_GAP) / columns.length
	const height = (h - COLUMN_HEAD - rows.length * CELL_GAP) / Math.max(rows.length, 1)
	return rows.flatMap((row, r) =>
		columns.map((column, c) => ({
			zone: zone.id,
			row,
			column: column.id,
			x: x + ROW_HEAD + CELL_GAP + c * (width + CELL_GAP),
			y: y + COLUMN_HEAD + CELL_GAP + r * (height + CELL_GAP),
			w: width,
			h: height,
		})),
	)
}

/**
 * The zone and place under a point (a card's centre), or null outside every zone. Inside a zone
 * but between its regions (headings, gaps), the nearest region counts.
 */
export function placeAt(
	zones: readonly PlacedZone[],
	point: { x: number; y: number },
): Pick<ZoneRegion, 'zone' | 'row' | 'column'> | null {
	const zone = zones.find(
		(candidate) =>
			point.x >= candidate.x &&
			point.x <= candidate.x + candidate.width &&
			point.y >= candidate.y &&
			point.y <= candidate.y + candidate.height,
	)
	if (!zone) return null
	let best: ZoneRegion | null = null
	let bestDistance = Number.POSITIVE_INFINITY
	for (const region of zoneRegions(zone)) {
		const dx = Math.max(region.x - point.x, 0, point.x - (region.x + region.w))
		const dy = Math.max(region.y - point.y, 0, point.y - (region.y + region.h))
		const distance = dx * dx + dy * dy
		if (distance < bestDistance) {
			best = region
			bestDistance = distance
		}
	}
	return best && { zone: best.zone, row: best.row, column: best.column }
}

/** How far each layer of cards is shifted once a region's rows are full. */
const CASCADE = 28

/**
 * The top-left corner of the `index`-th card laid out in a region: rows of cards left to right;
 * once the region's rows are full, further cards go on top, each layer shifted so the cards under
 * it still show their first line — never across the region's border into the next row or column.
 */
export function cardSlot(region: ZoneRegion, index: number): { x: number; y: number } {
	const perRow = Math.max(1, Math.floor((region.w - CARD_GAP) / (CARD_WIDTH + CARD_GAP)))
	const rows = Math.max(1, Math.floor((region.h - CARD_GAP) / (CARD_HEIGHT + CARD_GAP)))
	const slot = index % (perRow * rows)
	const layer = Math.floor(index / (perRow * rows))
	return snapIntoRegion(region, {
		x: region.x + CARD_GAP + (slot % perRow) * (CARD_WIDTH + CARD_GAP) + layer * CASCADE,
		y: region.y + CARD_GAP + Math.floor(slot / perRow) * (CARD_HEIGHT + CARD_GAP) + layer * CASCADE,
	})
}

/**
 * Where a card dropped at `at` (its top-left corner) rests: moved just enough to sit inside the
 * region (its top-left corner when the region is smaller than a card), so no card straddles a
 * row or column border.
 */
export function snapIntoRegion(region: ZoneRegion, at: { x: number; y: number }): { x: number; y: number } {
	const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(value, Math.max(low, high)))
	return {
		x: clamp(at.x, region.x, region.x + region.w - CARD_WIDTH),
		y: clamp(at.y, region.y, region.y + region.h - CARD_HEIGHT),
	}
}
