import { expect, test } from 'vitest'
import { UnsavedChanges } from './unsaved-changes.ts'

test('[O1] the oldest unsaved change is the first one after the last stored snapshot', () => {
	const unsaved = new UnsavedChanges()
	expect(unsaved.oldest()).toBeNull()
	unsaved.changed(1, 1000)
	unsaved.changed(2, 1100)
	expect(unsaved.oldest()).toBe(1000)
	// A save takes its snapshot of changes 1–2; change 3 comes while it is written.
	unsaved.snapshotTaken()
	unsaved.changed(3, 1200)
	unsaved.changed(4, 1300)
	unsaved.savedUpTo(2)
	expect(unsaved.oldest()).toBe(1200)
	// A failed save of 1–4 stores nothing; the next one does.
	unsaved.snapshotTaken()
	unsaved.changed(5, 1400)
	expect(unsaved.oldest()).toBe(1200)
	unsaved.snapshotTaken()
	unsaved.savedUpTo(5)
	expect(unsaved.oldest()).toBeNull()
	unsaved.changed(6, 2000)
	expect(unsaved.oldest()).toBe(2000)
})
