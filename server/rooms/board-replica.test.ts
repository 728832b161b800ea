import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { BoardReplica } from './board-replica.ts'
import { Channel } from './channel.ts'

/** A replica over a fresh board, with a peer that records what is broadcast. */
function replica(maxBytes = 1024 * 1024) {
	const doc = new Y.Doc()
	const channel = new Channel('board', doc, { presenceFlushMs: 0 })
	const sent: Uint8Array[] = []
	channel.peers.add({ send: (message: Uint8Array) => sent.push(message) } as never)
	let changes = 0
	let rebuilt = 0
	const board = new BoardReplica(channel, Y.encodeStateAsUpdate(doc), {
		maxBytes,
		onChange: () => changes++,
		onRebuilt: () => rebuilt++,
	})
	return { board, channel, sent, changes: () => changes, rebuilt: () => rebuilt }
}

/** An update from a client that sets `key` in the `records` map. */
function edit(key: string, value: string, from = new Y.Doc()): Uint8Array {
	const before = Y.encodeStateVector(from)
	from.getMap('records').set(key, value)
	return Y.encodeStateAsUpdate(from, before)
}

describe('[R8] the board replica', () => {
	test('a whole update is applied, broadcast, logged and counted as a change', () => {
		const { board, channel, sent, changes } = replica()
		const applied = board.apply(edit('a', 'one'), null)
		expect(applied).toMatchObject({ ok: true, value: { incomplete: false } })
		expect(channel.doc.getMap('records').toJSON()).toEqual({ a: 'one' })
		// Held until its caller has stored it (stored before shared), then published.
		expect(sent).toHaveLength(0)
		if (applied.ok) channel.publish(applied.value.held)
		expect(sent).toHaveLength(1)
		expect(changes()).toBe(1)
		expect(board.logLength).toBe(1)
	})

	test('a damaged update leaves the board as it was and is broadcast to nobody', () => {
		const { board, channel, sent, rebuilt } = replica()
		const first = board.apply(edit('a', 'one'), null)
		if (first.ok) channel.publish(first.value.held)
		// A frame that Yjs starts reading and then throws on: the board is rebuilt from its log.
		expect(board.apply(new Uint8Array([1, 5, 200, 200]), null)).toEqual({ ok: false, error: 'damaged' })
		expect(channel.doc.getMap('records').toJSON()).toEqual({ a: 'one' })
		expect(sent).toHaveLength(1)
		expect(rebuilt()).toBe(1)
		expect(board.logLength).toBe(1)
		// The board still takes honest updates.
		expect(board.apply(edit('c', 'three'), null).ok).toBe(true)
		expect(channel.doc.getMap('records').get('c')).toBe('three')
	})

	test('an update missing its dependencies keeps what integrates and says so', () => {
		const { board, channel } = replica()
		const client = new Y.Doc()
		edit('a', 'one', client)
		const second = edit('b', 'two', client) // depends on the first, which the server lacks
		expect(board.apply(second, null)).toMatchObject({ ok: true, value: { incomplete: true } })
		expect(channel.doc.getMap('records').toJSON()).toEqual({})
		expect(channel.doc.store.pendingStructs).toBeNull()
	})

	test('[R12] an update that would pass the size limit is refused untouched', () => {
		const { board, channel, sent } = replica(64)
		expect(board.apply(edit('a', 'x'.repeat(100)), null)).toEqual({ ok: false, error: 'too-large' })
		expect(channel.doc.getMap('records').size).toBe(0)
		expect(sent).toHaveLength(0)
	})

	test('the replay log is folded into a new base only once it is large', () => {
		const { board, channel } = replica()
		board.apply(edit('a', 'one'), null)
		board.rebase(board.position, Y.encodeStateAsUpdate(channel.doc))
		expect(board.logLength).toBe(1) // small: kept
		const big = replica(64 * 1024 * 1024)
		big.board.apply(edit('a', 'x'.repeat(5 * 1024 * 1024)), null)
		const position = big.board.position
		big.board.apply(edit('b', 'later'), null)
		big.board.rebase(position, Y.encodeStateAsUpdate(big.channel.doc))
		expect(big.board.logLength).toBe(1) // only the update after the saved position stays
	})
})
