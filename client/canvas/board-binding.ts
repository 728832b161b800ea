import {
	computed,
	createPresenceStateDerivation,
	createUserId,
	DocumentRecordType,
	type IndexKey,
	PageRecordType,
	react,
	type Signal,
	type TLDocument,
	type TLInstancePresence,
	type TLPageId,
	type TLRecord,
	type TLStore,
	type TLUser,
} from '@tldraw/tldraw'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { boardStructures } from '../../shared/workshop/board-document.ts'

/** Transaction origin of changes this binding writes into the Y.Doc. */
const LOCAL = Symbol('tldraw-local')

const DOCUMENT_ID = 'document:document' as TLDocument['id']
const PAGE_ID = 'page:page' as TLPageId

/** A rectangle in page coordinates (the part of the board on screen). */
export interface ViewBox {
	x: number
	y: number
	w: number
	h: number
}

export interface StoreBinding {
	/**
	 * Starts handing the board's shapes to tldraw, read from `view` each time: until it is called
	 * (tldraw has not mounted yet, the camera is unknown) only the records that are not shapes
	 * are in the store.
	 */
	showShapes(view: () => ViewBox): void
	dispose(): void
}

/**
 * Two-way binding between the tldraw store and the board document's `records` map: user
 * changes to document records go into the Y.Map; remote changes are merged into the store.
 * The tldraw schema the records were written with is kept beside them (`tldraw.schema`), so
 * records from an older tldraw are migrated when loaded rather than rejected.
 *
 * Shapes new to the store (a board being loaded, or synced for the first time, or a remote
 * participant's new note) are handed to tldraw in slices, one per frame: the ones on screen
 * first. tldraw measures, lays out and renders every shape it is given in one
 * go; a 2 000-note board given at once kept the page busy for 5–10 s (docs/performance.md), while
 * a slice keeps each frame's work to a few tens of milliseconds, so the page responds while the
 * rest of the board arrives.
 *
 * A record that fails tldraw's validation (a modified client can write anything into the
 * board) is skipped and reported, never allowed to break the canvas for everyone.
 */
export function bindStore(store: TLStore, doc: Y.Doc, options: BindOptions): StoreBinding {
	const { records, tldraw: meta } = boardStructures(doc)
	const loader = new ShapeLoader(store, records, options)

	loadInitial(store, records, meta, options, loader)

	const stopListening = store.listen(
		({ changes }) => {
			if (!options.canWrite) return
			const shared = (record: TLRecord) => !options.localOnly(record)
			doc.transact(() => {
				for (const record of Object.values(changes.added)) if (shared(record)) records.set(record.id, record)
				for (const [, record] of Object.values(changes.updated)) if (shared(record)) records.set(record.id, record)
				for (const record of Object.values(changes.removed)) if (shared(record)) records.delete(record.id)
			}, LOCAL)
		},
		{ source: 'user', scope: 'document' },
	)

	// Remote changes are merged into the store once per frame, not once per update: with fifty
	// people moving notes, a couple of hundred updates arrive every second, and merging each on its
	// own re-ran tldraw's reactions for every one of them (frames of ~117 ms instead of 17 ms in
	// bench/browser-bench.ts). The latest value of a record wins, as it would one by one. The same
	// frame hands tldraw the next slice of shapes still to load.
	const pending = new Map<TLRecord['id'], 'put' | 'delete'>()
	let scheduled: { frame: number; timer: ReturnType<typeof setTimeout> } | null = null
	const schedule = () => {
		// The next frame; a hidden tab gets no frames, so a timer takes over there.
		scheduled ??= { frame: requestAnimationFrame(flush), timer: setTimeout(flush, 100) }
	}
	const flush = () => {
		if (scheduled) {
			cancelAnimationFrame(scheduled.frame)
			clearTimeout(scheduled.timer)
			scheduled = null
		}
		const toPut: TLRecord[] = []
		const toRemove: TLRecord['id'][] = []
		for (const [id, action] of pending) {
			const record = records.get(id) as TLRecord | undefined
			// Read at flush time: a record put then deleted (or the reverse) ends as the map has it.
			if (action === 'delete' || record === undefined) {
				loader.forget(id)
				toRemove.push(id)
			} else if (!store.has(id) && loader.defers(record)) loader.add(id)
			else toPut.push(record)
		}
		pending.clear()
		// A modified client could write a local-only record (a card) into the board: ignore it.
		const remote = (record: TLRecord) => !options.localOnly(record)
		if (toPut.length > 0 || toRemove.length > 0) {
			store.mergeRemoteChanges(() => {
				const removable = toRemove.filter((id) => store.has(id) && remote(store.get(id) as TLRecord))
				if (removable.length > 0) store.remove(removable)
				putEach(
					store,
					toPut.filter(remote).map((record) => keepUnchangedContent(store, record)),
					options.onInvalid,
				)
			})
		}
		if (loader.loadSlice(globalThis.document?.visibilityState !== 'hidden')) schedule()
	}
	const onRemote = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
		if (transaction.origin === LOCAL) return
		event.changes.keys.forEach((change, id) => {
			pending.set(id as TLRecord['id'], change.action === 'delete' ? 'delete' : 'put')
		})
		schedule()
	}
	records.observe(onRemote)

	return {
		showShapes: (view) => {
			loader.view = view
			// The shapes on screen in this task (the one that mounted tldraw), the rest frame by frame.
			flush()
		},
		dispose: () => {
			stopListening()
			records.unobserve(onRemote)
			if (scheduled) {
				cancelAnimationFrame(scheduled.frame)
				clearTimeout(scheduled.timer)
			}
			pending.clear()
			loader.clear()
		},
	}
}

interface BindOptions {
	canWrite: boolean
	onInvalid: (id: string) => void
	/** Records that live only in the local store (contribution cards): never written, never read. */
	localOnly: (record: TLRecord) => boolean
}

function loadInitial(
	store: TLStore,
	records: Y.Map<unknown>,
	meta: Y.Map<unknown>,
	options: BindOptions,
	loader: ShapeLoader,
) {
	const current = store.schema.serialize()
	if (records.size === 0) {
		const initial = [
			DocumentRecordType.create({ id: DOCUMENT_ID }),
			PageRecordType.create({ id: PAGE_ID, name: 'Page 1', index: 'a1' as IndexKey }),
		]
		store.mergeRemoteChanges(() => store.put(initial))
		if (options.canWrite) {
			records.doc?.transact(() => {
				for (const record of initial) records.set(record.id, record)
				meta.set('schema', current)
			}, LOCAL)
		}
		return
	}
	const stored = Object.fromEntries(
		[...records.entries()].filter(([, record]) => !options.localOnly(record as TLRecord)),
	) as Record<string, TLRecord>
	const migrated = store.schema.migrateStoreSnapshot({
		store: stored,
		schema: (meta.get('schema') as typeof current | undefined) ?? current,
	})
	// Records that cannot be migrated are loaded as they are, and those tldraw rejects are skipped.
	const loaded = migrated.type === 'success' ? (migrated.value as Record<string, TLRecord>) : stored
	const now: TLRecord[] = []
	for (const [id, record] of Object.entries(loaded)) {
		if (loader.defers(record)) loader.add(id as TLRecord['id'], { stored: stored[id], migrated: record })
		else now.push(record)
	}
	try {
		store.mergeRemoteChanges(() => store.put(now))
	} catch {
		// One bad record fails the whole put: load record by record instead.
		store.mergeRemoteChanges(() => putEach(store, now, options.onInvalid))
	}
	if (options.canWrite && JSON.stringify(meta.get('schema')) !== JSON.stringify(current)) {
		records.doc?.transact(() => meta.set('schema', current), LOCAL)
	}
}

/**
 * The shapes (and bindings) in the board but not yet in tldraw's store, handed over a slice at a
 * time: those on screen at once, then the others in the board's order, as many per frame as keeps a
 * frame's work near `SLICE_TARGET_MS`. A shape is read from the map when its turn
 * comes (a remote change made meanwhile is not lost); a child waits for its parent, a binding
 * for both its shapes.
 */
class ShapeLoader {
	view: (() => ViewBox) | null = null
	private readonly waiting = new Map<TLRecord['id'], { stored: unknown; migrated: TLRecord } | null>()
	/** Shapes per slice besides those on screen; adjusted to the time the last slice took. */
	private budget = FIRST_BUDGET
	private lastSlice: { at: number; count: number; visible: boolean } | null = null

	private readonly store: TLStore
	private readonly records: Y.Map<unknown>
	private readonly options: BindOptions

	constructor(store: TLStore, records: Y.Map<unknown>, options: BindOptions) {
		this.store = store
		this.records = records
		this.options = options
	}

	/** Shapes and bindings new to the store wait for their slice; every other record goes in at once. */
	defers(record: TLRecord): boolean {
		return record.typeName === 'shape' || record.typeName === 'binding'
	}

	/** `initial`: the record as migrated on load, used while the map still holds `stored`. */
	add(id: TLRecord['id'], initial: { stored: unknown; migrated: TLRecord } | null = null) {
		if (!this.waiting.has(id) || initial) this.waiting.set(id, initial)
	}

	forget(id: TLRecord['id']) {
		this.waiting.delete(id)
	}

	clear() {
		this.waiting.clear()
	}

	/**
	 * Hands tldraw the next slice; true while shapes are still waiting. In a hidden tab (no frames:
	 * the timer calls) nobody is waiting on the page, so the slice is the largest.
	 */
	loadSlice(visible: boolean): boolean {
		const view = this.view?.()
		// Before tldraw has mounted, nothing: showShapes starts the slices.
		if (!view || this.waiting.size === 0) return false
		const started = performance.now()
		if (!visible) this.budget = MAX_SLICE
		else if (this.lastSlice && !this.lastSlice.visible) this.budget = FIRST_BUDGET
		else if (this.lastSlice && this.lastSlice.count > 0) {
			// From the start of the last slice to this frame: what tldraw took to show it.
			const took = Math.max(1, started - this.lastSlice.at)
			this.budget = Math.round(Math.min(MAX_SLICE, Math.max(10, (this.budget * SLICE_TARGET_MS) / took)))
		}
		const shapes: Array<{ record: TLRecord; distance: number; depth: number; onScreen: boolean }> = []
		const bindings: TLRecord[] = []
		for (const id of [...this.waiting.keys()]) {
			const record = this.current(id)
			if (!record) {
				this.waiting.delete(id)
				continue
			}
			if (record.typeName === 'binding') {
				bindings.push(record)
				continue
			}
			const { box, depth } = this.place(record)
			shapes.push({ record, depth, ...placement(box, view) })
		}
		// On screen first (nearest first), then the rest in the board's order (z-order, parents before
		// children). tldraw numbers the shapes it renders in that order: a shape inserted before
		// others renumbers (re-renders) all of them, so slices put in any other order re-rendered
		// most of the board at every frame.
		shapes.sort((a, b) =>
			a.onScreen !== b.onScreen
				? a.onScreen
					? -1
					: 1
				: a.onScreen
					? a.distance - b.distance || a.depth - b.depth
					: a.depth - b.depth || compareIndex(a.record, b.record),
		)
		const toPut: TLRecord[] = []
		let others = 0
		for (const { record, onScreen } of shapes) {
			if (onScreen && toPut.length < MAX_SLICE) toPut.push(record)
			else if (others < this.budget) {
				others++
				toPut.push(record)
			}
		}
		// A shape goes in once its parent is there (or is not in the board at all), a binding once
		// both its shapes are.
		const putting = new Set<unknown>(toPut.map((record) => record.id))
		const ready = (id: unknown) =>
			putting.has(id) || this.store.has(id as TLRecord['id']) || !this.records.has(String(id))
		let slice = toPut.filter((record) => ready((record as { parentId?: unknown }).parentId))
		slice.push(
			...bindings.filter((binding) => {
				const { fromId, toId } = binding as unknown as { fromId: unknown; toId: unknown }
				return ready(fromId) && ready(toId)
			}),
		)
		// Nothing could go in (a loop of parents): the rest at once, as tldraw would have had it.
		if (slice.length === 0) slice = [...shapes.map(({ record }) => record), ...bindings]
		for (const record of slice) this.waiting.delete(record.id)
		const remote = slice.filter((record) => !this.options.localOnly(record))
		if (remote.length > 0) this.store.mergeRemoteChanges(() => putEach(this.store, remote, this.options.onInvalid))
		this.lastSlice = { at: started, count: slice.length, visible }
		return this.waiting.size > 0
	}

	/** The record to put: the migrated one while the map still holds what was loaded, else the map's. */
	private current(id: TLRecord['id']): TLRecord | undefined {
		const value = this.records.get(id) as TLRecord | undefined
		if (value === undefined || this.store.has(id)) return undefined
		const initial = this.waiting.get(id)
		return initial && initial.stored === value ? initial.migrated : value
	}

	/** A shape's box on the page, from its outermost ancestor in the board (rotation ignored). */
	private place(record: TLRecord): { box: ViewBox; depth: number } {
		type Placed = { x?: unknown; y?: unknown; parentId?: unknown; props?: Record<string, unknown> }
		let shape = record as unknown as Placed
		let depth = 0
		for (; depth < 100; depth++) {
			const parentId = String(shape.parentId ?? '')
			if (!parentId.startsWith('shape:')) break
			const parent = (
				this.store.has(parentId as TLRecord['id'])
					? this.store.get(parentId as TLRecord['id'])
					: this.records.get(parentId)
			) as Placed | undefined
			if (!parent) break
			shape = parent
		}
		const number = (value: unknown, otherwise: number) =>
			typeof value === 'number' && Number.isFinite(value) ? value : otherwise
		const scale = number(shape.props?.scale, 1)
		return {
			box: {
				x: number(shape.x, 0),
				y: number(shape.y, 0),
				w: number(shape.props?.w, 200) * scale,
				h: (number(shape.props?.h, 200) + number(shape.props?.growY, 0)) * scale,
			},
			depth,
		}
	}
}

function compareIndex(a: TLRecord, b: TLRecord): number {
	const ia = String((a as { index?: unknown }).index ?? '')
	const ib = String((b as { index?: unknown }).index ?? '')
	return ia < ib ? -1 : ia > ib ? 1 : 0
}

/** Shapes off screen in the first slice, before the time a slice takes is known. */
const FIRST_BUDGET = 40

/** Shapes on screen go in at once up to this many; so many others at most per slice. */
const MAX_SLICE = 400

/** About 3 frames of work per slice: the page still answers a click or a pan within ~50 ms. */
const SLICE_TARGET_MS = 50

/** On screen (with a margin of a quarter screen around it) and the distance from the screen's middle. */
function placement(box: ViewBox, view: ViewBox): { distance: number; onScreen: boolean } {
	const mx = view.w / 4
	const my = view.h / 4
	const onScreen =
		box.x < view.x + view.w + mx &&
		box.x + box.w > view.x - mx &&
		box.y < view.y + view.h + my &&
		box.y + box.h > view.y - my
	const dx = box.x + box.w / 2 - (view.x + view.w / 2)
	const dy = box.y + box.h / 2 - (view.y + view.h / 2)
	return { distance: dx * dx + dy * dy, onScreen }
}

/**
 * A remote update keeps the store's own `props` and `meta` objects when they did not change (a
 * note moved by someone else): tldraw keys a shape's geometry and rendered content on those
 * objects, and a new object made it measure and render the note's text again on every move.
 */
function keepUnchangedContent(store: TLStore, record: TLRecord): TLRecord {
	if (record.typeName !== 'shape' || !store.has(record.id)) return record
	const before = store.get(record.id) as TLRecord & { props: unknown; meta: unknown }
	const next = record as TLRecord & { props: unknown; meta: unknown }
	const props = before.props !== next.props && sameJson(before.props, next.props) ? before.props : next.props
	const meta = before.meta !== next.meta && sameJson(before.meta, next.meta) ? before.meta : next.meta
	return props === next.props && meta === next.meta ? record : ({ ...next, props, meta } as TLRecord)
}

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b)
}

function putEach(store: TLStore, records: TLRecord[], onInvalid: (id: string) => void) {
	for (const record of records) {
		try {
			store.put([record])
		} catch {
			onInvalid(String((record as { id?: unknown })?.id ?? '?'))
		}
	}
}

export interface PresenceIdentity {
	participantId: string
	name: string
	color: string
}

/**
 * Live cursors: our tldraw presence goes into the awareness state (`presence`); others' come
 * back as instance_presence records, named and coloured from their `user` field.
 */
export function bindPresence(store: TLStore, awareness: Awareness, me: Signal<PresenceIdentity>) {
	const $user = computed<TLUser | null>('tablee user', () => {
		const identity = me.get()
		return {
			id: createUserId(identity.participantId),
			typeName: 'user',
			name: identity.name,
			color: identity.color,
			imageUrl: '',
			meta: {},
		}
	})
	const derivation = createPresenceStateDerivation($user)(store)
	const stopPublishing = react('publish presence', () => {
		awareness.setLocalStateField('presence', derivation.get())
	})

	const byClient = new Map<number, TLInstancePresence['id']>()
	const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
		const states = awareness.getStates()
		store.mergeRemoteChanges(() => {
			for (const client of [...added, ...updated]) {
				if (client === awareness.clientID) continue
				const state = states.get(client) as { presence?: TLInstancePresence; user?: { name?: string; color?: string } }
				if (!state?.presence) continue
				const record = {
					...state.presence,
					userName: state.user?.name ?? state.presence.userName,
					color: state.user?.color ?? state.presence.color,
				}
				try {
					store.put([record])
					byClient.set(client, record.id)
				} catch {
					// malformed presence from a modified client: ignore it
				}
			}
			for (const client of removed) {
				const id = byClient.get(client)
				byClient.delete(client)
				if (id && store.has(id)) store.remove([id])
			}
		})
	}
	awareness.on('change', onChange)
	return () => {
		stopPublishing()
		awareness.off('change', onChange)
		awareness.setLocalStateField('presence', null)
	}
}
