/**
 * When the oldest change not yet stored was made. A save stores a snapshot of everything up to
 * some change count; changes made while it is written are not in it. Marking the first change
 * after each snapshot is enough: a successful save of count N leaves as oldest unsaved change the
 * first one after N, which is marked (N is always a snapshot's count). Under a continuous stream
 * of edits this gives the true age, where "since the first change of a room never entirely
 * saved" grew without end.
 */
export class UnsavedChanges {
	private marks: { count: number; at: number }[] = []
	private markNext = true

	/** Change number `count` was just made. */
	changed(count: number, now = Date.now()): void {
		if (!this.markNext) return
		this.marks.push({ count, at: now })
		this.markNext = false
	}

	/** A save took its snapshot: the next change is the first one it does not cover. */
	snapshotTaken(): void {
		this.markNext = true
	}

	/** Everything up to change number `count` is stored. */
	savedUpTo(count: number): void {
		this.marks = this.marks.filter((mark) => mark.count > count)
	}

	/** Time (ms) of the oldest change not yet stored, or null when everything is stored. */
	oldest(): number | null {
		return this.marks[0]?.at ?? null
	}
}
