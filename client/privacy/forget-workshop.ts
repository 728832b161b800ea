/**
 * Removes what this device keeps of a workshop that was deleted (SPEC D1): the personal token,
 * the outbox, the list of one's contributions, the join link. Every key of ours names its
 * workshop (`tablee:<what>:<workshop>[:<participant>]`). The board's offline copy is dropped by
 * the board's own sync (`WorkshopSync`): the light view has no IndexedDB code at all (K13).
 */
export function forgetWorkshopOnDevice(workshopId: string): void {
	for (const storage of [safe(() => localStorage), safe(() => sessionStorage)]) {
		if (!storage) continue
		const keys: string[] = []
		for (let index = 0; index < storage.length; index++) {
			const key = storage.key(index)
			if (key?.startsWith('tablee:') && key.split(':')[2] === workshopId) keys.push(key)
		}
		for (const key of keys) storage.removeItem(key)
	}
}

function safe<T>(get: () => T): T | null {
	try {
		return get() ?? null
	} catch {
		return null
	}
}
