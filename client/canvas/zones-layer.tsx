/** @jsxImportSource react */
import { type Atom, useValue } from '@tldraw/tldraw'
import { encode } from 'uqr'
import type { Label } from '../../shared/concertation/labels.ts'
import type { Template } from '../../shared/template/template-schema.ts'
import { CELL_GAP, COLUMN_HEAD, type PlacedZone, ROW_HEAD, zoneRegions } from '../../shared/template/zone-layout.ts'

export interface ZonesState {
	zones: PlacedZone[]
	themes: Template['themes']
	locale: 'fr' | 'en'
	closing?: ClosingCode | null
}

/** The code of the closing zone (SPEC M1): a link to one's own contributions, with its words. */
export interface ClosingCode {
	zone: string
	url: string
	title: string
	help: string
}

/** A QR code as one SVG path (the same drawing as the Solid component's, in React). */
function ClosingQr(props: { code: ClosingCode }) {
	const qr = encode(props.code.url, { ecc: 'M', border: 2 })
	let d = ''
	qr.data.forEach((row, y) =>
		row.forEach((dark, x) => {
			if (dark) d += `M${x} ${y}h1v1h-1z`
		}),
	)
	return (
		<div className="tablee-zone__closing" data-trail-qr={props.code.url}>
			<svg viewBox={`0 0 ${qr.size} ${qr.size}`} width={240} height={240} shapeRendering="crispEdges">
				<rect width="100%" height="100%" fill="#fff" />
				<path d={d} fill="#000" />
			</svg>
			<div>
				<h3>{props.code.title}</h3>
				<p>{props.code.help}</p>
			</div>
		</div>
	)
}

/**
 * The template's zones, drawn on the canvas behind the shapes (tldraw's `OnTheCanvas` layer, in
 * page coordinates). They come from the control document, not from board records: nobody can
 * move or delete them, and the server never writes tldraw records.
 */
export function createZonesLayer(state: Atom<ZonesState>) {
	return function ZonesLayer() {
		const { zones, themes, locale, closing } = useValue('tablee zones', () => state.get(), [])
		const text = (label: Label) => label[locale]
		return (
			<div className="tablee-zones" aria-hidden="true">
				{zones.map((zone) => (
					<section
						key={zone.id}
						className="tablee-zone"
						data-zone={zone.id}
						style={{ left: zone.x, top: zone.y, width: zone.width, height: zone.height }}
					>
						<header className="tablee-zone__head">
							<h2>{text(zone.label)}</h2>
							<p>{text(zone.instructions)}</p>
						</header>
						{closing?.zone === zone.id && <ClosingQr code={closing} />}
						{zoneRegions(zone).map((region) => {
							const box = {
								left: region.x - zone.x,
								top: region.y - zone.y,
								width: region.w,
								height: region.h,
							}
							if (zone.kind === 'area') return null
							const column = zone.columns?.find((candidate) => candidate.id === region.column)
							const firstRow = region.row === (zone.rows?.[0] ?? null)
							const firstColumn = region.column === zone.columns?.[0]?.id
							return (
								<div key={`${region.row}:${region.column}`}>
									{firstRow && column && (
										<div
											className="tablee-zone__colhead"
											style={{
												...box,
												top: box.top - COLUMN_HEAD - (zone.kind === 'grid' ? CELL_GAP : 0),
												height: COLUMN_HEAD,
											}}
										>
											{text(column.label)}
										</div>
									)}
									{zone.kind === 'grid' && firstColumn && region.row && (
										<div
											className="tablee-zone__rowhead"
											style={{ ...box, left: box.left - ROW_HEAD - CELL_GAP, width: ROW_HEAD }}
										>
											{text(
												themes.find((theme) => theme.id === region.row)?.label ?? { fr: region.row, en: region.row },
											)}
										</div>
									)}
									<div
										className={zone.kind === 'grid' ? 'tablee-zone__cell' : 'tablee-zone__column'}
										{...(zone.kind === 'grid'
											? { 'data-cell': `${region.row}:${region.column}` }
											: { 'data-column': region.column ?? '' })}
										style={box}
									/>
								</div>
							)
						})}
					</section>
				))}
			</div>
		)
	}
}
