import { getRandomValues } from 'node:crypto'
import * as Y from 'yjs'
import type { ServerOnlyState } from '../store/workshop-store.ts'
import type { Channel } from './channel.ts'

/** A change computed on copies, not yet applied anywhere: what a save must store first. */
export interface PreparedCommit<T> {
	value: T
	/** The change as a Yjs update of the control document. */
	update: Uint8Array
	/** The control document's whole state with the change (what the save writes). */
	control: Uint8Array
	serverOnly: ServerOnlyState
}

/**
 * The control document's commits (SPEC P2): a change is computed on a copy of the control
 * document and of the server-only state ({@link prepare}); the room stores it, and only once the
 * save succeeded is it applied ({@link apply}) to the room's control state (`draft`, what the
 * server reads) and to the *published* document clients sync against. A change whose save fails
 * is dropped whole: nothing of it is ever stored or shown. Commits must run one at a time (the
 * room runs them under the workshop's lock): two copies would otherwise write the same ids.
 */
export class ControlCommits {
	readonly draft: Y.Doc
	readonly published: Channel
	/** The Yjs client id under which the server writes the control document (see writerOf). */
	readonly writer: number
	private serverOnlyState: ServerOnlyState

	/**
	 * `writer`: the client id to write under, when several processes write the document (each
	 * under its own, claimed in the store); otherwise the highest id already there (see writerOf).
	 */
	constructor(draft: Y.Doc, published: Channel, serverOnly: ServerOnlyState, writer?: number) {
		this.draft = draft
		this.published = published
		this.serverOnlyState = serverOnly
		this.writer = writer ?? writerOf(draft)
		if (draft.clientID === this.writer) draft.clientID = this.writer === 1 ? 2 : this.writer - 1
	}

	/** Replaces the server-only state with the stored one (another process committed since). */
	adopt(serverOnly: ServerOnlyState): void {
		this.serverOnlyState = serverOnly
	}

	/** What the server keeps and publishes to nobody; replaced whole by each commit. */
	get serverOnly(): Readonly<ServerOnlyState> {
		return this.serverOnlyState
	}

	/** Computes `change` on copies; if it throws, nothing changes anywhere. */
	prepare<T>(change: (doc: Y.Doc, serverOnly: ServerOnlyState) => T): PreparedCommit<T> {
		const copy = new Y.Doc({ gc: true })
		const current = Y.encodeStateAsUpdate(this.draft)
		Y.applyUpdate(copy, current)
		// Set after loading: Yjs gives a document a new id when a received update already holds
		// structs of its own id, which would add one client to the state vector per intent.
		copy.clientID = this.writer
		const before = Y.encodeStateVector(this.draft)
		const serverOnly = structuredClone(this.serverOnlyState)
		try {
			const value = copy.transact(() => change(copy, serverOnly))
			const update = Y.encodeStateAsUpdate(copy, before)
			// The copy's own encoding, not `mergeUpdates([current, update])`: merging keeps the content
			// of what the change deleted (a removed name, a deleted contribution's text) in the stored
			// state, where the garbage-collected copy has none (SPEC D5).
			return { value, update, control: Y.encodeStateAsUpdate(copy), serverOnly }
		} finally {
			copy.destroy()
		}
	}

	/** Applies a prepared change once it is stored: to the draft, then to what clients see. */
	apply<T>(prepared: PreparedCommit<T>): T {
		Y.applyUpdate(this.draft, prepared.update)
		Y.applyUpdate(this.published.doc, prepared.update)
		this.serverOnlyState = prepared.serverOnly
		return prepared.value
	}
}

/**
 * The client id the server keeps writing the control document with. The server is its only
 * writer (one process per data directory, one room per workshop, commits one at a time), so it
 * reuses the highest id already there, and the document holds a handful of client ids instead of
 * one per room load. Two processes loading the same workshop would both pick this id, so with
 * several processes each writes under its own claimed id instead (docs/scale-out.md).
 */
function writerOf(control: Y.Doc): number {
	const ids = [...Y.decodeStateVector(Y.encodeStateVector(control)).keys()]
	const writer = ids.length > 0 ? Math.max(...ids) : (getRandomValues(new Uint32Array(1))[0] ?? 1)
	// The draft must never hold the writer id as its own (see prepare).
	if (control.clientID === writer) control.clientID = writer === 1 ? 2 : writer - 1
	return writer
}
