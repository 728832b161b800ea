import * as Y from 'yjs'
import type { Result } from '../../shared/result.ts'
import { err, ok } from '../../shared/result.ts'
import type { Channel, HeldUpdate } from './channel.ts'

/** The replay log is folded into a new base only past this size (see rebase). */
const REBASE_MIN_LOG_BYTES = 4 * 1024 * 1024

/**
 * The server's replica of a board document, kept so that a damaged update leaves no trace
 * (SPEC R8) and a board cannot grow past its limit (R12).
 *
 * Damaged updates: Yjs can throw *after* integrating part of an update. So the replica keeps the
 * board as it was at the last save (`base`) plus every update applied since, as received (the
 * replay log); an update is broadcast only once it applied whole, and when one fails the board
 * is rebuilt by replaying base + log, which leaves it exactly as it was before the damaged
 * update.
 *
 * Incomplete updates: Yjs keeps the parts of an update whose dependencies it lacks ("pending")
 * and retries them with every later update, so one crafted update could make every later update
 * fail. The replica keeps no pending parts: what integrates stays, the rest is dropped, and the
 * connection asks its client for a full sync, which an honest client answers with everything,
 * dependencies included (a stored state's pending parts are dropped at load the same way). So
 * the board's encoded state is exactly its integrated content, and the state a save writes is
 * also the next base. The cost is memory: about twice the board's size plus the updates of one
 * save window.
 */
export class BoardReplica {
	readonly channel: Channel
	private base: Uint8Array
	private baseSeq = 0
	private seq = 0
	private log: { seq: number; update: Uint8Array }[] = []
	private logBytes = 0
	private readonly maxBytes: number
	private readonly onChange: () => void
	private readonly onRebuilt: () => void

	/**
	 * `channel` relays the board document, already holding `base`. `onChange` is called on every
	 * change of the document (the save scheduler's cue); `onRebuilt` after a rebuild (logged).
	 */
	constructor(
		channel: Channel,
		base: Uint8Array,
		options: { maxBytes: number; onChange: () => void; onRebuilt: () => void },
	) {
		this.channel = channel
		this.base = base
		this.maxBytes = options.maxBytes
		this.onChange = options.onChange
		this.onRebuilt = options.onRebuilt
		dropPending(channel.doc)
		channel.doc.on('update', this.onUpdate)
	}

	/** Estimated stored size of the board: its last saved state plus the updates since. */
	get bytes(): number {
		return this.base.length + this.logBytes
	}

	/** The position in the replay log of the last applied update (see {@link rebase}). */
	get position(): number {
		return this.seq
	}

	/** How many updates are kept for replay (for tests and gauges). */
	get logLength(): number {
		return this.log.length
	}

	/**
	 * Applies a client's update. It is broadcast only if it applied whole; a damaged one leaves
	 * the board as it was. An update that would take the board past its limit is refused untouched.
	 * `incomplete`: parts whose dependencies were missing were dropped (ask the client for a sync).
	 * `held`: what integrated, as Yjs emitted it, not yet broadcast: the caller stores it, then
	 * publishes it on the channel (stored before shared). `limited: false` skips the size limit:
	 * for an update another process already accepted and stored (refusing it here would only
	 * make this replica differ).
	 */
	apply(
		update: Uint8Array,
		origin: unknown,
		limited = true,
	): Result<{ incomplete: boolean; held: HeldUpdate[] }, 'damaged' | 'too-large'> {
		if (limited && this.bytes + update.length > this.maxBytes) return err('too-large')
		const logLength = this.log.length
		this.channel.holdUpdates()
		try {
			Y.applyUpdate(this.channel.doc, update, origin)
		} catch {
			this.channel.releaseUpdates()
			this.log.length = logLength
			this.logBytes = this.log.reduce((sum, entry) => sum + entry.update.length, 0)
			this.rebuild()
			return err('damaged')
		}
		const incomplete = dropPending(this.channel.doc)
		const held = this.channel.releaseUpdates()
		this.log.push({ seq: ++this.seq, update })
		this.logBytes += update.length
		return ok({ incomplete, held })
	}

	/**
	 * After a save that covered the board up to `position`, that state may become the new base.
	 * Only once the log has grown large: replaying updates exactly as received is the surest way
	 * back to the same document (a re-encoded state may integrate malformed-but-accepted structs
	 * in another order), so the log is kept as long as memory allows.
	 */
	rebase(position: number, state: Uint8Array): void {
		if (position < this.baseSeq) return
		if (this.logBytes < Math.max(REBASE_MIN_LOG_BYTES, 2 * this.base.length)) return
		this.base = state
		this.baseSeq = position
		this.log = this.log.filter((entry) => entry.seq > position)
		this.logBytes = this.log.reduce((sum, entry) => sum + entry.update.length, 0)
	}

	/**
	 * Takes an applied update back out (SPEC X11: refused after it applied, before it was stored
	 * or broadcast): the board is rebuilt from the base and the rest of the log, as after a damaged
	 * update. Updates applied since that depended on it lose those parts. False when it is no longer
	 * in the log (folded into the base).
	 */
	withdraw(update: Uint8Array): boolean {
		const index = this.log.findIndex((entry) => entry.update === update)
		if (index < 0) return false
		this.log.splice(index, 1)
		this.logBytes -= update.length
		this.rebuild()
		return true
	}

	destroy(): void {
		this.channel.doc.off('update', this.onUpdate)
	}

	private readonly onUpdate = () => {
		this.onChange()
	}

	private rebuild(): void {
		const rebuilt = new Y.Doc({ gc: true })
		Y.applyUpdate(rebuilt, this.base)
		dropPending(rebuilt)
		for (const { update } of this.log) {
			Y.applyUpdate(rebuilt, update)
			dropPending(rebuilt)
		}
		this.channel.doc.off('update', this.onUpdate)
		this.channel.replaceDoc(rebuilt)
		rebuilt.on('update', this.onUpdate)
		this.onRebuilt()
	}
}

/** Forgets the parts of the last update that could not integrate; true if there were any. */
function dropPending(doc: Y.Doc): boolean {
	const store = doc.store
	const had = store.pendingStructs !== null || store.pendingDs !== null
	store.pendingStructs = null
	store.pendingDs = null
	return had
}
