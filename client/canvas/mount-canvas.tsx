/** @jsxImportSource react */
import '@tldraw/tldraw/tldraw.css'
import './zones-layer.css'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite.js'
import {
	AssetRecordType,
	atom,
	createTLCurrentUser,
	createTLStore,
	defaultBindingUtils,
	defaultShapeUtils,
	type Editor,
	getHashForString,
	type TLAsset,
	Tldraw,
	type TLUserPreferences,
} from '@tldraw/tldraw'
import { StrictMode } from 'react'
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
import { createZonesLayer, type ZonesState } from './zones-layer.tsx'

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
	setOnline(online: boolean): void
	setIdentity(me: PresenceIdentity): void
	setCards(cards: Omit<CardsState, 'zones' | 'themes' | 'locale'>): void
	/** Shows a card (after a refused move, for instance). */
	focusCard(cid: string): void
	/** Brings the view to a zone ("suivez-moi"). */
	focusZone(zone: string): void
	editor(): Editor | null
	unmount(): void
}

// Fonts, icons and translations from our own server: the page requests no other host.
const assetUrls = getAssetUrlsByImport()

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
	const components = { OnTheCanvas: createZonesLayer(zonesState) }
	const cardsState = atom<CardsState>('cards', {
		...options.cards,
		zones: options.zones,
		themes: options.themes,
		locale: options.locale,
	})
	const shapeUtils = [...defaultShapeUtils, createCardShapeUtil(cardsState, options.cardCallbacks)]
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
	const unbindStore = bindStore(store, options.doc, {
		canWrite: !options.readonly,
		onInvalid: options.onInvalidRecord,
		localOnly: (record) => (record as { type?: unknown } | null)?.type === CARD_TYPE,
	})
	let unbindCards: (() => void) | null = null
	const unbindPresence = bindPresence(store, options.awareness, me)

	let editor: Editor | null = null
	const onMount = (mounted: Editor) => {
		editor = mounted
		unbindCards = bindCards(mounted, options.doc, cardsState, options.cardCallbacks)
		if (options.readonly) mounted.updateInstanceState({ isReadonly: true })
		// A new board opens on its first zone.
		const first = options.zones[0]
		if (first && mounted.getCurrentPageShapeIds().size === 0) {
			mounted.zoomToBounds({ x: first.x, y: first.y, w: first.width, h: first.height }, { inset: 32, immediate: true })
		}
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
		focusZone: (id) => {
			const zone = zonesState.get().zones.find((candidate) => candidate.id === id)
			if (!editor || !zone) return
			editor.zoomToBounds(
				{ x: zone.x, y: zone.y, w: zone.width, h: zone.height },
				{ inset: 32, animation: { duration: 400 } },
			)
		},
		editor: () => editor,
		unmount: () => {
			unbindCards?.()
			root.unmount()
			unbindPresence()
			unbindStore()
			store.dispose()
		},
	}
}
