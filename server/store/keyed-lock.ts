/**
 * One lock per key within this process: `run(key, work)` starts `work` once every earlier work
 * of that key has settled. The embedded adapters' per-workshop lock (one process per data
 * directory); a database adapter takes a lock in the database instead.
 */
export class KeyedLock {
	private readonly tails = new Map<string, Promise<unknown>>()

	run<T>(key: string, work: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(key) ?? Promise.resolve()
		const current = previous.then(work)
		const tail = current.catch(() => undefined)
		this.tails.set(key, tail)
		// Forget the key once nothing waits on it, so the map does not grow with every workshop.
		void tail.then(() => {
			if (this.tails.get(key) === tail) this.tails.delete(key)
		})
		return current
	}
}
