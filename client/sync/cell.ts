/**
 * A value that changes, as the sync code publishes it: read it with `get`, change it with `set`.
 * The sync code does not know the UI framework; the UI layer passes a {@link CellFactory} that
 * makes its own reactive values (Solid signals, client/reactive-cells.ts), so reading a cell in a
 * component re-renders it, while tests or other code can pass {@link plainCells}.
 */
export interface Cell<T> {
	readonly get: () => T
	readonly set: (value: T) => void
}

export type CellFactory = <T>(initial: T) => Cell<T>

/** Cells without reactivity: the current value only. */
export const plainCells: CellFactory = <T>(initial: T): Cell<T> => {
	let value = initial
	return {
		get: () => value,
		set: (next) => {
			value = next
		},
	}
}
