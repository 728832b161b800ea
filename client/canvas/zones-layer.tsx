/** @jsxImportSource react */
import { type Atom, useValue } from '@tldraw/tldraw'
import type { Label } from '../../shared/concertation/labels.ts'
import type { Template } from '../../shared/template/template-schema.ts'
import type { PlacedZone } from '../../shared/template/zone-layout.ts'

export interface ZonesState {
	zones: PlacedZone[]
	themes: Template['themes']
	locale: 'fr' | 'en'
}

/**
 * The template's zones, drawn on the canvas behind the shapes (tldraw's `OnTheCanvas` layer, in
 * page coordinates). They come from the control document, not from board records: nobody can
 * move or delete them, and the server never writes tldraw records.
 */
export function createZonesLayer(state: Atom<ZonesState>) {
	return function ZonesLayer() {
		const { zones, themes, locale } = useValue('tablee zones', () => state.get(), [])
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
						{zone.kind === 'grid' && (
							<div
								className="tablee-zone__grid"
								style={{ gridTemplateColumns: `minmax(0, 1.2fr) repeat(${zone.columns?.length ?? 0}, minmax(0, 2fr))` }}
							>
								<div />
								{zone.columns?.map((column) => (
									<div key={column.id} className="tablee-zone__colhead">
										{text(column.label)}
									</div>
								))}
								{zone.rows?.map((row) => (
									<div key={row} className="tablee-zone__row" style={{ display: 'contents' }}>
										<div className="tablee-zone__rowhead">
											{text(themes.find((theme) => theme.id === row)?.label ?? { fr: row, en: row })}
										</div>
										{zone.columns?.map((column) => (
											<div key={column.id} className="tablee-zone__cell" data-cell={`${row}:${column.id}`} />
										))}
									</div>
								))}
							</div>
						)}
						{zone.kind === 'columns' && (
							<div
								className="tablee-zone__columns"
								style={{ gridTemplateColumns: `repeat(${zone.columns?.length ?? 1}, 1fr)` }}
							>
								{zone.columns?.map((column) => (
									<div key={column.id} className="tablee-zone__column" data-column={column.id}>
										<div className="tablee-zone__colhead">{text(column.label)}</div>
									</div>
								))}
							</div>
						)}
					</section>
				))}
			</div>
		)
	}
}
