/** @jsxImportSource react */
import '@tldraw/tldraw/tldraw.css'
import './zones-layer.css'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite.js'
import {
	AssetRecordType,
	atom,
	createTLCurrentUser,
	createTLStore,
	DefaultStylePanel,
	defaultBindingUtils,
	defaultShapeUtils,
	type Editor,
	getHashForString,
	NoteShapeUtil,
	type TLAsset,
	Tldraw,
	type TLUiStylePanelProps,
	type TLUserPreferences,
	useTranslation,
} from '@tldraw/tldraw'
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import type { Template } from '../../shared/template/template-schema.ts'
import type { PlacedZone } from '../../shared/template/zone-layout.ts'
import { bindPresence, bindStore, type PresenceIdentity } from './board-binding.ts'
import {
	bindCards,
	CARD_TYPE,
	type CardCallbacks,
	type CardsState,
	cardShapeId,
	composeOverrides,
	createCardShapeUtil,
	createComposeTool,
} from './contribution-cards.tsx'
import { loadFontsWhenUsed } from './fonts-when-used.ts'
import { LazyShapeWrapper } from './lazy-shape-wrapper.tsx'
import { LazyLabelNoteShapeUtil } from './note-shape.ts'
import { type ClosingCode, createZonesLayer, type ZonesState } from './zones-layer.tsx'

/**
 * The only React code of the app: tldraw mounted as an island inside the Solid page.
 * Everything it needs comes in as plain values and callbacks; it reports back through them.
 */
export interface CanvasOptions {
	doc: Y.Doc
	awareness: Awareness
	me: PresenceIdentity
	readonly: boolean
	locale: 'fr' | 'en'
	online: boolean
	licenseKey: string | null
	uploadAsset: (file: File) => Promise<string>
	zones: PlacedZone[]
	themes: Template['themes']
	onInvalidRecord: (id: string) => void
	/** Contribution cards: what they show, and what the person does with them. */
	cards: Omit<CardsState, 'zones' | 'themes' | 'locale'>
	cardCallbacks: CardCallbacks
}

export interface CanvasHandle {
	setLocale(locale: 'fr' | 'en'): void
	/** The code people scan at the end (SPEC M1), drawn in the closing zone; null: none. */
	setClosingCode(code: ClosingCode | null): void
	setOnline(online: boolean): void
	setIdentity(me: PresenceIdentity): void
	setCards(cards: Omit<CardsState, 'zones' | 'themes' | 'locale'>): void
	/** Shows a card (after a refused move, for instance). */
	focusCard(cid: string): void
	/** Brings the view to a zone ("suivez-moi", the current phase), where its cards are readable. */
	focusZone(zone: string, options?: { immediate?: boolean }): void
	editor(): Editor | null
	unmount(): void
}

// Fonts, icons and translations from our own server: the page requests no other host.
const assetUrls = getAssetUrlsByImport()
// Only the fonts the board draws with, when it draws with them (not tldraw's sixteen at mount).
loadFontsWhenUsed()

export function mountCanvas(element: HTMLElement, options: CanvasOptions): CanvasHandle {
	const status = atom<'online' | 'offline'>('connection', options.online ? 'online' : 'offline')
	const mode = atom<'readonly' | 'readwrite'>('mode', options.readonly ? 'readonly' : 'readwrite')
	const me = atom<PresenceIdentity>('me', options.me)
	const preferences = atom<TLUserPreferences>('preferences', {
		id: options.me.participantId,
		name: options.me.name,
		color: options.me.color,
		locale: options.locale,
		colorScheme: 'light',
	})
	const zonesState = atom<ZonesState>('zones', { zones: options.zones, themes: options.themes, locale: options.locale })
	// One menu (the page's own); tldraw's style panel folded behind a button, so it does not
	// cover the right-hand zones until someone wants to style a drawing.
	// Shapes out of view are drawn when first seen (client/canvas/lazy-shape-wrapper.tsx).
	const components = {
		OnTheCanvas: createZonesLayer(zonesState),
		MainMenu: null,
		StylePanel: FoldedStylePanel,
		ShapeWrapper: LazyShapeWrapper,
	}
	const cardsState = atom<CardsState>('cards', {
		...options.cards,
		zones: options.zones,
		themes: options.themes,
		locale: options.locale,
	})
	// Notes measure their text when first needed (client/canvas/note-shape.ts).
	const shapeUtils = [
		...defaultShapeUtils.map((util) => (util === NoteShapeUtil ? LazyLabelNoteShapeUtil : util)),
		createCardShapeUtil(cardsState, options.cardCallbacks),
	]
	const tools = [createComposeTool(cardsState, options.cardCallbacks)]
	const user = createTLCurrentUser({
		userPreferences: preferences,
		setUserPreferences: (next) => preferences.set(next),
	})

	const store = createTLStore({
		shapeUtils,
		bindingUtils: defaultBindingUtils,
		collaboration: { status, mode },
		assets: {
			upload: async (_asset: TLAsset, file: File) => ({ src: await options.uploadAsset(file) }),
		},
	})
	const binding = bindStore(store, options.doc, {
		canWrite: !options.readonly,
		onInvalid: options.onInvalidRecord,
		localOnly: (record) => (record as { type?: unknown } | null)?.type === CARD_TYPE,
	})
	let unbindCards: (() => void) | null = null
	const unbindPresence = bindPresence(store, options.awareness, me)

	let editor: Editor | null = null
	/** A focus asked before tldraw mounted its editor: applied as soon as it has. */
	let pendingFocus: { zone: string } | null = null
	const showZoneById = (id: string, move: CameraMove) => {
		const zone = zonesState.get().zones.find((candidate) => candidate.id === id)
		if (editor && zone) showZone(editor, zone, move)
	}
	const onMount = (mounted: Editor) => {
		editor = mounted
		unbindCards = bindCards(mounted, options.doc, cardsState, options.cardCallbacks)
		if (options.readonly) mounted.updateInstanceState({ isReadonly: true })
		// The page brings the view to where the group is (focusZone); until it asks, the first zone.
		const first = options.zones[0]
		// The camera fits the view, so the view's size must be known before tldraw measures it.
		mounted.updateViewportScreenBounds(element)
		if (pendingFocus) showZoneById(pendingFocus.zone, { immediate: true })
		else if (first) showZone(mounted, first, { immediate: true })
		pendingFocus = null
		// The board's shapes, those in this view first (client/canvas/board-binding.ts).
		binding.showShapes(() => mounted.getViewportPageBounds())
		// Pasted links become plain bookmarks: no request to the linked site or to an unfurling service.
		mounted.registerExternalAssetHandler('url', async ({ url }) => ({
			id: AssetRecordType.createId(getHashForString(url)),
			typeName: 'asset',
			type: 'bookmark',
			props: { src: url, title: url, description: '', image: '', favicon: '' },
			meta: {},
		}))
	}

	const root = createRoot(element)
	root.render(
		<StrictMode>
			<Tldraw
				store={store}
				user={user}
				assetUrls={assetUrls}
				licenseKey={options.licenseKey ?? undefined}
				onMount={onMount}
				components={components}
				shapeUtils={shapeUtils}
				tools={tools}
				overrides={options.readonly ? undefined : composeOverrides}
			/>
		</StrictMode>,
	)

	return {
		setLocale: (locale) => {
			preferences.update((current) => ({ ...current, locale }))
			zonesState.update((current) => ({ ...current, locale }))
			cardsState.update((current) => ({ ...current, locale }))
		},
		setClosingCode: (closing) => zonesState.update((current) => ({ ...current, closing })),
		setOnline: (online) => status.set(online ? 'online' : 'offline'),
		setIdentity: (next) => {
			me.set(next)
			preferences.update((current) => ({ ...current, name: next.name, color: next.color }))
		},
		setCards: (cards) => cardsState.update((current) => ({ ...current, ...cards })),
		focusCard: (cid) => {
			const shape = editor?.getShape(cardShapeId(cid))
			if (editor && shape) {
				editor.select(shape.id)
				editor.zoomToSelection({ animation: { duration: 200 } })
			}
		},
		focusZone: (id, focus) => {
			if (!editor) pendingFocus = { zone: id }
			else showZoneById(id, focus?.immediate ? { immediate: true } : { animation: { duration: 400 } })
		},
		editor: () => editor,
		unmount: () => {
			unbindCards?.()
			root.unmount()
			unbindPresence()
			binding.dispose()
			store.dispose()
		},
	}
}

/**
 * Card text is 14 canvas px: below this zoom it would show under 12 px on screen. A zone too large
 * to read whole is shown by the part that has cards, or from its top-left corner, at this zoom;
 * people pan from there.
 */
export const READABLE_ZOOM = 0.9
const INSET = 32

type CameraMove = { immediate: true } | { animation: { duration: number } }

function showZone(editor: Editor, zone: PlacedZone, move: CameraMove): void {
	const screen = editor.getViewportScreenBounds()
	const fits = (box: { w: number; h: number }) =>
		Math.min((screen.width - INSET) / box.w, (screen.height - INSET) / box.h) >= READABLE_ZOOM
	const whole = { x: zone.x, y: zone.y, w: zone.width, h: zone.height }
	const inside = (box: { x: number; y: number; w: number; h: number }) =>
		box.x + box.w / 2 >= whole.x &&
		box.x + box.w / 2 <= whole.x + whole.w &&
		box.y + box.h / 2 >= whole.y &&
		box.y + box.h / 2 <= whole.y + whole.h
	const cards = editor
		.getCurrentPageShapes()
		.filter((shape) => shape.type === CARD_TYPE)
		.map((shape) => editor.getShapePageBounds(shape))
		.filter((box): box is NonNullable<typeof box> => box !== undefined && inside(box))
	const options = { inset: INSET, targetZoom: 1, ...move }
	if (fits(whole) || cards.length === 0) {
		editor.zoomToBounds(whole, options)
		return
	}
	const left = Math.min(...cards.map((box) => box.x))
	const top = Math.min(...cards.map((box) => box.y))
	const withCards = {
		x: left,
		y: top,
		w: Math.max(...cards.map((box) => box.x + box.w)) - left,
		h: Math.max(...cards.map((box) => box.y + box.h)) - top,
	}
	if (fits(withCards)) {
		editor.zoomToBounds(withCards, options)
		return
	}
	// Still too large: the first cards, readable, with the rest a pan away.
	const z = READABLE_ZOOM
	editor.setCamera({ x: -withCards.x + INSET / z, y: -withCards.y + INSET / z, z }, move)
}

/** tldraw's style panel behind a "Styles" button, closed at first. */
function FoldedStylePanel(props: TLUiStylePanelProps) {
	const [open, setOpen] = useState(false)
	const msg = useTranslation()
	return (
		<div className="tablee-styles">
			<button type="button" className="tablee-styles__toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
				{msg('style-panel.title')}
			</button>
			{open && <DefaultStylePanel {...props} />}
		</div>
	)
}
