import {
	Geometry2d,
	type Geometry2dFilters,
	getDisplayValues,
	Group2d,
	type MatModel,
	NoteShapeUtil,
	Rectangle2d,
	type TLNoteShape,
	type VecLike,
} from '@tldraw/tldraw'

/**
 * tldraw's note, whose text is measured when something first needs the text's place, not when
 * the note's geometry is built.
 *
 * tldraw builds every shape's geometry to know which are in view; a note's geometry holds its
 * text's box, and measuring the text (laying it out in a hidden element) was 1–2 ms a note: 2–4 s
 * on a 2 000-note board before it could be used (docs/performance.md). The note's own box (the
 * square, grown to fit its text: `growY`, stored with the note) is all that placing and culling
 * read; the text's box is read when the pointer is over the note or its text is edited, and is
 * then measured as before.
 */
export class LazyLabelNoteShapeUtil extends NoteShapeUtil {
	override getGeometry(shape: TLNoteShape) {
		const dv = getDisplayValues(this, shape)
		const { scale } = shape.props
		return new Group2d({
			children: [
				new Rectangle2d({
					width: dv.noteWidth * scale,
					height: (dv.noteHeight + shape.props.growY) * scale,
					isFilled: true,
				}),
				new LazyGeometry(() => {
					const label = (super.getGeometry(shape) as Group2d).children.find((child) => child.isLabel)
					if (!label) throw new Error('tldraw note geometry without a label')
					return label
				}),
			],
		})
	}
}

/** A label's geometry built on first use (tldraw's own, from `build`); a label is never in a shape's bounds. */
class LazyGeometry extends Geometry2d {
	private built: Geometry2d | undefined
	private readonly build: () => Geometry2d

	constructor(build: () => Geometry2d) {
		super({ isFilled: true, isClosed: true, isLabel: true, excludeFromShapeBounds: true })
		this.build = build
	}

	private get real(): Geometry2d {
		this.built ??= this.build()
		return this.built
	}

	override getVertices(filters: Geometry2dFilters) {
		return this.real.getVertices(filters)
	}
	override nearestPoint(point: VecLike, filters?: Geometry2dFilters) {
		return this.real.nearestPoint(point, filters)
	}
	override hitTestPoint(point: VecLike, margin?: number, hitInside?: boolean, filters?: Geometry2dFilters) {
		return this.real.hitTestPoint(point, margin, hitInside, filters)
	}
	override distanceToPoint(point: VecLike, hitInside?: boolean, filters?: Geometry2dFilters) {
		return this.real.distanceToPoint(point, hitInside, filters)
	}
	override distanceToLineSegment(a: VecLike, b: VecLike, filters?: Geometry2dFilters) {
		return this.real.distanceToLineSegment(a, b, filters)
	}
	override hitTestLineSegment(a: VecLike, b: VecLike, distance?: number, filters?: Geometry2dFilters) {
		return this.real.hitTestLineSegment(a, b, distance, filters)
	}
	override intersectLineSegment(a: VecLike, b: VecLike, filters?: Geometry2dFilters) {
		return this.real.intersectLineSegment(a, b, filters)
	}
	override intersectCircle(center: VecLike, radius: number, filters?: Geometry2dFilters) {
		return this.real.intersectCircle(center, radius, filters)
	}
	override intersectPolygon(polygon: VecLike[], filters?: Geometry2dFilters) {
		return this.real.intersectPolygon(polygon, filters)
	}
	override intersectPolyline(polyline: VecLike[], filters?: Geometry2dFilters) {
		return this.real.intersectPolyline(polyline, filters)
	}
	override interpolateAlongEdge(t: number, filters?: Geometry2dFilters) {
		return this.real.interpolateAlongEdge(t, filters)
	}
	override uninterpolateAlongEdge(point: VecLike, filters?: Geometry2dFilters) {
		return this.real.uninterpolateAlongEdge(point, filters)
	}
	override isPointInBounds(point: VecLike, margin?: number) {
		return this.real.isPointInBounds(point, margin)
	}
	override overlapsPolygon(polygon: VecLike[]) {
		return this.real.overlapsPolygon(polygon)
	}
	override transform(transform: MatModel) {
		return this.real.transform(transform)
	}
	override getBounds() {
		return this.real.getBounds()
	}
	override getArea() {
		return this.real.getArea()
	}
	override getLength(filters?: Geometry2dFilters) {
		return this.real.getLength(filters)
	}
	override ignoreHit(point: VecLike) {
		return this.real.ignoreHit(point)
	}
	override getSvgPathData(first: boolean) {
		return this.real.getSvgPathData(first)
	}
}
