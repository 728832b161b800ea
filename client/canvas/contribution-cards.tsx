/** @jsxImportSource react */
import {
	type Atom,
	createShapeId,
	type Editor,
	HTMLContainer,
	react,
	Rectangle2d,
	ShapeUtil,
	StateNode,
	T,
	type TLShape,
	type TLShapeId,
	type TLShapePartial,
	type TLUiOverrides,
	unsafe__withoutCapture,
	useValue,
} from '@tldraw/tldraw'
import type * as Y from 'yjs'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { College, Template } from '../../shared/template/template-schema.ts'
import {
	CARD_HEIGHT,
	CARD_WIDTH,
	cardSlot,
	type PlacedZone,
	placeAt,
	snapIntoRegion,
	type ZoneRegion,
	zoneRegions,
} from '../../shared/template/zone-layout.ts'
import { boardStructures, type CardPlace } from '../../shared/workshop/board-document.ts'

/**
 * Contribution cards on the canvas (docs/architecture.md §Contributions: a sticky note is a contribution). A card is a
 * tldraw shape that lives only in the local store: its content comes from the control document,
 * its position from the board document's `cards` map (or a default slot in its zone), and it is
 * never written into the board's `records`. Dragging a card writes its position; dropping it in
 * another zone or cell asks the page for a move intent; deleting it asks for a delete intent.
 */
export const CARD_TYPE = 'tablee-card'

declare module '@tldraw/tlschema' {
	interface TLGlobalShapePropsMap {
		[CARD_TYPE]: { w: number; h: number; cid: string }
	}
}

type CardShape = TLShape<typeof CARD_TYPE>

export interface CardsState {
	contributions: ReadonlyMap<string, Contribution>
	colleges: readonly College[]
	themes: Template['themes']
	zones: readonly PlacedZone[]
	locale: 'fr' | 'en'
	mine: ReadonlySet<string>
	/** The person's private drafts (private writing): shown as theirs only. */
	privateIds: ReadonlySet<string>
	labels: CardLabels
}

/** Texts the cards show, in the page's language (the page owns the catalogues). */
export interface CardLabels {
	types: Record<Contribution['type'], string>
	facilitator: string
	mine: string
	merged: (count: number) => string
	private: string
}

type Place = Pick<ZoneRegion, 'zone' | 'row' | 'column'>

export interface CardCallbacks {
	/** The person opened a card (double-click, or Enter on a selected card). */
	onOpen(cid: string): void
	/**
	 * A card was dropped; `place` is null outside every zone; `from` is where it was. Returns
	 * false to put the card back at once (a move the person may not make).
	 */
	onDrop(cid: string, place: Place | null, from: CardPlace): boolean
	/** The person deleted a card. */
	onDelete(cid: string): void
	/** The note tool was used at `point` (in `place`, or outside every zone). */
	onCompose(point: CardPlace, place: Place | null): void
	/** The selection is now this one card, or not a single card. */
	onSelect(cid: string | null): void
}

export const cardShapeId = (cid: string) => createShapeId(`card-${cid}`)
const isCard = (shape: { type: string }): shape is CardShape => shape.type === CARD_TYPE

export function createCardShapeUtil(state: Atom<CardsState>, callbacks: CardCallbacks) {
	return class CardShapeUtil extends ShapeUtil<CardShape> {
		static override type = CARD_TYPE
		static override props = { w: T.number, h: T.number, cid: T.string }

		getDefaultProps(): CardShape['props'] {
			return { w: CARD_WIDTH, h: CARD_HEIGHT, cid: '' }
		}

		getGeometry(shape: CardShape) {
			return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
		}

		// "Editing" a card (double-click, or Enter on a selected card) opens it in the page's
		// panel: bindCards turns the editing state into onOpen. Observers may open it too.
		override canEdit() {
			return true
		}

		override canEditInReadonly() {
			return true
		}

		override canResize() {
			return false
		}

		override canBind() {
			return false
		}

		override hideRotateHandle() {
			return true
		}

		override hideResizeHandles() {
			return true
		}

		component(shape: CardShape) {
			return (
				<HTMLContainer>
					<CardView cid={shape.props.cid} state={state} />
				</HTMLContainer>
			)
		}

		getIndicatorPath(shape: CardShape) {
			const path = new Path2D()
			path.rect(0, 0, shape.props.w, shape.props.h)
			return path
		}

		override onTranslateEnd(initial: CardShape, current: CardShape): TLShapePartial<CardShape> | void {
			const centre = { x: current.x + current.props.w / 2, y: current.y + current.props.h / 2 }
			const from = { x: initial.x, y: initial.y }
			// Returned as part of the drag, so the put-back is the card's final position everywhere.
			const place = placeAt(state.get().zones, centre)
			if (!callbacks.onDrop(current.props.cid, place, from)) {
				return { id: current.id, type: CARD_TYPE, ...from }
			}
			// Accepted: the card rests inside its cell or column.
			const zone = place && state.get().zones.find((candidate) => candidate.id === place.zone)
			const region = zone
				? zoneRegions(zone).find((candidate) => candidate.row === place?.row && candidate.column === place?.column)
				: undefined
			if (region) {
				const snapped = snapIntoRegion(region, current)
				if (snapped.x !== current.x || snapped.y !== current.y) return { id: current.id, type: CARD_TYPE, ...snapped }
			}
		}
	}
}

function CardView(props: { cid: string; state: Atom<CardsState> }) {
	const view = useValue(
		'tablee card',
		() => {
			const { contributions, colleges, mine, privateIds, labels } = props.state.get()
			const contribution = contributions.get(props.cid)
			if (!contribution) return null
			const merged = [...contributions.values()].filter((other) => other.mergedInto === props.cid).length
			const college = colleges.find((candidate) => candidate.id === contribution.college)
			return {
				contribution,
				color: college?.color ?? '#495057',
				college: college ? college.label[props.state.get().locale] : labels.facilitator,
				type: labels.types[contribution.type],
				mine: mine.has(props.cid) ? labels.mine : null,
				merged: merged > 0 ? labels.merged(merged) : null,
				private: privateIds.has(props.cid) ? labels.private : null,
			}
		},
		[props.cid, props.state],
	)
	if (!view) return null
	const { contribution } = view
	return (
		<div
			className={view.private ? 'tablee-card tablee-card--private' : 'tablee-card'}
			data-contribution={contribution.id}
			data-type={contribution.type}
			style={{ borderLeftColor: view.color }}
		>
			<div className="tablee-card__type">{view.type}</div>
			{view.private && <div className="tablee-card__private">{view.private}</div>}
			{contribution.title && <div className="tablee-card__title">{contribution.title}</div>}
			{/* Whole lines only, ending in an ellipsis; the full text shows when the card is opened. */}
			<div
				className="tablee-card__text"
				title={contribution.text}
				style={{ WebkitLineClamp: Math.max(1, 4 - (contribution.title ? 2 : 0) - (view.private ? 1 : 0)) }}
			>
				{contribution.text}
			</div>
			<div className="tablee-card__foot">
				<span className="tablee-card__swatch" style={{ background: view.color }} />
				<span className="tablee-card__college">
					{view.college}
					{contribution.authorName ? ` · ${contribution.authorName}` : ''}
					{view.mine ? ` · ${view.mine}` : ''}
				</span>
				{view.merged && <span className="tablee-card__merged">{view.merged}</span>}
			</div>
		</div>
	)
}

/**
 * The note tool, made a contribution tool: a click asks the page for a contribution at that
 * point instead of drawing a free note.
 */
export function createComposeTool(state: Atom<CardsState>, callbacks: CardCallbacks) {
	return class ComposeTool extends StateNode {
		static override id = 'tablee-compose'

		override onPointerDown() {
			const point = this.editor.inputs.getCurrentPagePoint()
			this.editor.setCurrentTool('select')
			callbacks.onCompose({ x: point.x, y: point.y }, placeAt(state.get().zones, point))
		}

		override onCancel() {
			this.editor.setCurrentTool('select')
		}
	}
}

/** Points the toolbar's note tool (and its shortcut) at the compose tool; no drag-to-create. */
export const composeOverrides: TLUiOverrides = {
	tools(editor, tools) {
		const note = tools.note
		if (note) tools.note = { ...note, onSelect: () => editor.setCurrentTool('tablee-compose'), onDragStart: undefined }
		return tools
	},
}

/**
 * Keeps the card shapes in step with the contributions and the `cards` map, and turns what the
 * person does to a card into positions and callbacks. Returns the function that stops it.
 */
export function bindCards(editor: Editor, doc: Y.Doc, state: Atom<CardsState>, callbacks: CardCallbacks): () => void {
	const { cards } = boardStructures(doc)
	const origin = Symbol('tablee-cards')

	const reconcile = () => {
		const { contributions, zones } = state.get()
		const wanted = new Map<TLShapeId, { cid: string; x: number; y: number }>()
		const unplaced = new Map<string, Contribution[]>()
		for (const contribution of contributions.values()) {
			if (contribution.mergedInto !== null) continue
			const stored = cards.get(contribution.id)
			if (isPlace(stored)) {
				wanted.set(cardShapeId(contribution.id), { cid: contribution.id, ...stored })
				continue
			}
			const key = `${contribution.zone}|${contribution.row}|${contribution.column}`
			unplaced.set(key, [...(unplaced.get(key) ?? []), contribution])
		}
		// Cards without a stored position get the same default slot on every device.
		for (const group of unplaced.values()) {
			group.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
			group.forEach((contribution, index) => {
				const zone = zones.find((candidate) => candidate.id === contribution.zone)
				const region = zone
					? zoneRegions(zone).find((r) => r.row === contribution.row && r.column === contribution.column)
					: undefined
				const slot = region ? cardSlot(region, index) : { x: 0, y: -CARD_HEIGHT * 2 }
				wanted.set(cardShapeId(contribution.id), { cid: contribution.id, ...slot })
			})
		}
		// Cards under the person's pointer move with it; their stored position catches up.
		const dragged = new Set(editor.isIn('select.translating') ? editor.getSelectedShapeIds() : [])
		const existing = editor.getCurrentPageShapes().filter(isCard)
		const toRemove = existing.filter((shape) => !wanted.has(shape.id)).map((shape) => shape.id)
		const toCreate: TLShapePartial<CardShape>[] = []
		const toMove: TLShapePartial<CardShape>[] = []
		for (const [id, card] of wanted) {
			const shape = editor.getShape<CardShape>(id)
			if (!shape) {
				toCreate.push({ id, type: CARD_TYPE, x: card.x, y: card.y, props: { cid: card.cid } })
			} else if ((shape.x !== card.x || shape.y !== card.y) && !dragged.has(id)) {
				toMove.push({ id, type: CARD_TYPE, x: card.x, y: card.y })
			}
		}
		if (toRemove.length + toCreate.length + toMove.length === 0) return
		editor.store.mergeRemoteChanges(() => {
			editor.run(
				() => {
					if (toRemove.length > 0) editor.deleteShapes(toRemove)
					if (toCreate.length > 0) editor.createShapes(toCreate)
					if (toMove.length > 0) editor.updateShapes(toMove)
				},
				{ history: 'ignore', ignoreShapeLock: true },
			)
		})
	}

	// What the person does to cards (tldraw reports it as user changes of the store).
	const stopListening = editor.store.listen(
		({ changes }) => {
			const moved: [string, CardPlace][] = []
			for (const [, after] of Object.values(changes.updated)) {
				if (after.typeName === 'shape' && isCard(after)) moved.push([after.props.cid, { x: after.x, y: after.y }])
			}
			const deleted = Object.values(changes.removed).filter(
				(record): record is CardShape => record.typeName === 'shape' && isCard(record),
			)
			const pasted = Object.values(changes.added).filter(
				(record): record is CardShape =>
					record.typeName === 'shape' && isCard(record) && record.id !== cardShapeId(record.props.cid),
			)
			if (moved.length > 0) {
				doc.transact(() => {
					for (const [cid, place] of moved) cards.set(cid, place)
				}, origin)
			}
			for (const card of deleted) callbacks.onDelete(card.props.cid)
			// A copied card is not a new contribution: it goes away, and the real ones come back.
			if (pasted.length > 0 || deleted.length > 0) {
				queueMicrotask(() => {
					const copies = pasted.map((card) => card.id).filter((id) => editor.getShape(id))
					if (copies.length > 0) {
						editor.store.mergeRemoteChanges(() => editor.run(() => editor.deleteShapes(copies), { history: 'ignore' }))
					}
					reconcile()
				})
			}
		},
		{ source: 'user', scope: 'document' },
	)

	const onCards = (_event: Y.YMapEvent<CardPlace>, transaction: Y.Transaction) => {
		if (transaction.origin !== origin) reconcile()
	}
	cards.observe(onCards)
	// Only the cards' state is a dependency: reconcile reads shapes too, and re-running on every
	// shape change would snap a card back before the person's move reached the `cards` map.
	const stopReacting = react('tablee cards', () => {
		state.get()
		unsafe__withoutCapture(reconcile)
	})
	const stopEditing = react('tablee card opening', () => {
		const editing = editor.getEditingShape()
		if (!editing || !isCard(editing)) return
		unsafe__withoutCapture(() => {
			editor.setEditingShape(null)
			callbacks.onOpen(editing.props.cid)
		})
	})
	const stopSelection = react('tablee card selection', () => {
		const only = editor.getOnlySelectedShape()
		callbacks.onSelect(only && isCard(only) ? only.props.cid : null)
	})

	return () => {
		stopListening()
		stopReacting()
		stopSelection()
		stopEditing()
		cards.unobserve(onCards)
	}
}

function isPlace(value: unknown): value is CardPlace {
	return (
		typeof value === 'object' &&
		value !== null &&
		Number.isFinite((value as CardPlace).x) &&
		Number.isFinite((value as CardPlace).y)
	)
}
