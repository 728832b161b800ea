import { createSignal } from 'solid-js'
import type { Cell, CellFactory } from './sync/cell.ts'

/** The sync code's cells as Solid signals: what the UI layer hands to the sync classes. */
export const reactiveCells: CellFactory = <T>(initial: T): Cell<T> => {
	const [get, set] = createSignal<T>(initial)
	// A function passed to a Solid setter is taken as an updater: wrap the value.
	return { get, set: (value) => set(() => value) }
}
