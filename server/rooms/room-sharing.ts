import type { Result } from '../../shared/result.ts'
import type { SaveConflict, ServerOnlyState } from '../store/workshop-store.ts'
import type { WorkshopRoom } from './room.ts'

/** Where a workshop's streams stood before it was loaded (opaque to the room). */
export type StreamPositions = Readonly<Record<string, string>>

/** A workshop's control state as stored, without its board. */
export interface StoredControl {
	revision: number
	linkGeneration: number
	/** The control document's stored state (snapshot and log merged). */
	control: Uint8Array
	serverOnly: ServerOnlyState
}

/**
 * How a room shares its workshop with the other processes of an installation (server/scale/,
 * docs/scale-out.md). Absent with one process: the room then behaves exactly as before. Present,
 * the room stores board edits in the log only (never a whole record from memory), hands what it
 * stored to the other processes, writes the control document under this process's own Yjs
 * client id, and catches up with the stored control state under the workshop lock before an
 * intent decides.
 */
export interface RoomSharing {
	/** The Yjs client id this process writes every control document under (claimed in the store). */
	readonly controlWriter: number
	/** Read before a workshop is loaded from the store: the room then reads the streams from there. */
	positions(workshop: string): Promise<StreamPositions>
	/** A room was loaded (from the store, after {@link positions}). */
	attach(room: WorkshopRoom, positions: StreamPositions): void
	/** The room is being dropped from memory. */
	detach(room: WorkshopRoom): void
	/** Board updates are durable in the log: share them (with the client ids they claimed). */
	boardStored(room: WorkshopRoom, updates: readonly Uint8Array[], claims: ReadonlyMap<number, string>): void
	/**
	 * Claims board client ids in the store and answers who owns each as stored (first claim
	 * wins): another process may have claimed one a few milliseconds earlier (SPEC X11).
	 */
	claim(workshop: string, claims: ReadonlyMap<number, string>): Promise<ReadonlyMap<number, string>>
	/**
	 * Applies to the room what the stored board holds beyond it (after an update was withdrawn,
	 * or when a client brings others' edits this process has not received): resolves true once
	 * done, false when the store could not be read.
	 */
	catchUp(room: WorkshopRoom): Promise<boolean>
	/** A control commit (or a link generation) is stored at `revision`: share it. */
	controlCommitted(room: WorkshopRoom, update: Uint8Array | null, revision: number): void
	/** The workshop was deleted through this process: the others close its room (SPEC X8). */
	workshopDeleted(workshop: string): void
	/** The workshop's stored revision, null when it is gone. */
	storedRevision(workshop: string): Promise<number | null>
	/** The workshop's stored control state, null when it is gone. */
	storedControl(workshop: string): Promise<StoredControl | null>
	/**
	 * Stores an intent's result — control document, server-only state, link generation — if the
	 * stored revision is still `expectedRevision`; the board's stored rows are left as they are
	 * (another process may have logged edits this one has not received yet).
	 */
	saveControl(
		workshop: string,
		parts: { control: Uint8Array; serverOnly: ServerOnlyState; linkGeneration: number },
		expectedRevision: number,
	): Promise<Result<{ revision: number }, SaveConflict>>
}
