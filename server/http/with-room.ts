import type { WorkshopRoom } from '../rooms/room.ts'
import type { RoomRegistry } from '../rooms/room-registry.ts'
import { StorageRefusedError } from '../store/storage.ts'
import { ApiError } from './api-error.ts'

/** Runs `work` on the loaded workshop, keeping it loaded meanwhile; 404 / 503 when it cannot be. */
export async function withRoom<T>(
	registry: RoomRegistry,
	workshop: string,
	work: (room: WorkshopRoom) => Promise<T> | T,
): Promise<T> {
	const acquired = await registry.acquire(workshop)
	if (!acquired.ok) {
		throw new ApiError(503, 'workshop_unavailable', 'this workshop cannot be loaded right now; try again later')
	}
	if (!acquired.value) throw new ApiError(404, 'workshop_not_found', 'no workshop with this id')
	const room = acquired.value
	try {
		return await work(room)
	} finally {
		room.release()
	}
}

/** Awaits a write; a storage failure becomes 503 (the change was not made, the client may retry). */
export async function stored<T>(write: Promise<T>): Promise<T> {
	try {
		return await write
	} catch (error) {
		if (error instanceof ApiError) throw error
		if (error instanceof StorageRefusedError) {
			throw new ApiError(409, 'refused_by_storage', 'the storage refused this change as inconsistent; it was not made')
		}
		throw new ApiError(503, 'storage_unavailable', 'the change could not be stored; try again')
	}
}
