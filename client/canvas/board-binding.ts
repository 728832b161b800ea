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

/**
 * Two-way binding between the tldraw store and the board document's `records` map: user
 * changes to document records go into the Y.Map; remote changes are merged into the store.
 * The tldraw schema the records were written with is kept beside them (`tldraw.schema`), so
 * records from an older tldraw are migrated when loaded rather than rejected.
 *
 * A record that fails tldraw's validation (a modified client can write anything into the
 * board) is skipped and reported, never allowed to break the canvas for everyone.
 */
export function bindStore(store: TLStore, doc: Y.Doc, options: BindOptions) {
	const { records, tldraw: meta } = boardStructures(doc)

	loadInitial(store, records, meta, options)

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
	// bench/browser-bench.ts). The latest value of a record wins, as it would one by one.
	const pending = new Map<TLRecord['id'], 'put' | 'delete'>()
	let scheduled: { frame: number; timer: ReturnType<typeof setTimeout> } | null = null
	const flush = () => {
		if (scheduled) {
			cancelAnimationFrame(scheduled.frame)
			clearTimeout(scheduled.timer)
			scheduled = null
		}
		if (pending.size === 0) return
		const toPut: TLRecord[] = []
		const toRemove: TLRecord['id'][] = []
		for (const [id, action] of pending) {
			const record = records.get(id) as TLRecord | undefined
			// Read at flush time: a record put then deleted (or the reverse) ends as the map has it.
			if (action === 'delete' || record === undefined) toRemove.push(id)
			else toPut.push(record)
		}
		pending.clear()
		// A modified client could write a local-only record (a card) into the board: ignore it.
		const remote = (record: TLRecord) => !options.localOnly(record)
		store.mergeRemoteChanges(() => {
			const removable = toRemove.filter((id) => store.has(id) && remote(store.get(id) as TLRecord))
			if (removable.length > 0) store.remove(removable)
			putEach(store, toPut.filter(remote), options.onInvalid)
		})
	}
	const onRemote = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
		if (transaction.origin === LOCAL) return
		event.changes.keys.forEach((change, id) => {
			pending.set(id as TLRecord['id'], change.action === 'delete' ? 'delete' : 'put')
		})
		// The next frame; a hidden tab gets no frames, so a timer takes over there.
		scheduled ??= { frame: requestAnimationFrame(flush), timer: setTimeout(flush, 100) }
	}
	records.observe(onRemote)

	return () => {
		stopListening()
		records.unobserve(onRemote)
		if (scheduled) {
			cancelAnimationFrame(scheduled.frame)
			clearTimeout(scheduled.timer)
		}
		pending.clear()
	}
}

interface BindOptions {
	canWrite: boolean
	onInvalid: (id: string) => void
	/** Records that live only in the local store (contribution cards): never written, never read. */
	localOnly: (record: TLRecord) => boolean
}

function loadInitial(store: TLStore, records: Y.Map<unknown>, meta: Y.Map<unknown>, options: BindOptions) {
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
	const snapshot = {
		store: Object.fromEntries(
			[...records.entries()].filter(([, record]) => !options.localOnly(record as TLRecord)),
		) as Record<string, TLRecord>,
		schema: (meta.get('schema') as typeof current | undefined) ?? current,
	}
	try {
		store.mergeRemoteChanges(() => store.loadStoreSnapshot(snapshot))
	} catch {
		// One bad record fails the whole snapshot: load record by record instead.
		store.mergeRemoteChanges(() => putEach(store, Object.values(snapshot.store), options.onInvalid))
	}
	if (options.canWrite && JSON.stringify(meta.get('schema')) !== JSON.stringify(current)) {
		records.doc?.transact(() => meta.set('schema', current), LOCAL)
	}
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
