import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { emptyServerOnly } from '../store/workshop-store.ts'
import { Channel } from './channel.ts'
import { ControlCommits } from './control-commits.ts'

function commits(initial?: Uint8Array) {
	const draft = new Y.Doc()
	const published = new Y.Doc()
	if (initial) {
		Y.applyUpdate(draft, initial)
		Y.applyUpdate(published, initial)
	}
	return new ControlCommits(draft, new Channel('control', published, { presenceFlushMs: 0 }), emptyServerOnly())
}

describe('[P2] control commits', () => {
	test('a prepared change is nowhere until applied; then in the draft, the published copy and server-only state', () => {
		const control = commits()
		const prepared = control.prepare((doc, serverOnly) => {
			doc.getMap('meta').set('title', 'Atelier')
			serverOnly.authors.c1 = 'alice'
			return 'done'
		})
		expect(control.draft.getMap('meta').toJSON()).toEqual({})
		expect(control.published.doc.getMap('meta').toJSON()).toEqual({})
		expect(control.serverOnly.authors).toEqual({})
		// What the save writes already holds the change.
		const stored = new Y.Doc()
		Y.applyUpdate(stored, prepared.control)
		expect(stored.getMap('meta').toJSON()).toEqual({ title: 'Atelier' })

		expect(control.apply(prepared)).toBe('done')
		expect(control.draft.getMap('meta').toJSON()).toEqual({ title: 'Atelier' })
		expect(control.published.doc.getMap('meta').toJSON()).toEqual({ title: 'Atelier' })
		expect(control.serverOnly.authors).toEqual({ c1: 'alice' })
	})

	test('a change that throws changes nothing', () => {
		const control = commits()
		expect(() =>
			control.prepare((doc, serverOnly) => {
				doc.getMap('meta').set('title', 'half')
				serverOnly.authors.c1 = 'alice'
				throw new Error('refused')
			}),
		).toThrow('refused')
		expect(control.draft.getMap('meta').size).toBe(0)
		expect(control.serverOnly.authors).toEqual({})
	})

	test('every commit writes under one client id, kept across loads: the state vector does not grow', () => {
		const first = commits()
		for (let i = 0; i < 5; i++) first.apply(first.prepare((doc) => doc.getMap('meta').set('n', i)))
		const state = Y.encodeStateAsUpdate(first.draft)
		expect(Y.decodeStateVector(Y.encodeStateVector(first.draft)).size).toBe(1)
		// A later load of the same workshop reuses that writer.
		const reloaded = commits(state)
		expect(reloaded.writer).toBe(first.writer)
		reloaded.apply(reloaded.prepare((doc) => doc.getMap('meta').set('n', 99)))
		expect(Y.decodeStateVector(Y.encodeStateVector(reloaded.draft)).size).toBe(1)
		expect(reloaded.draft.clientID).not.toBe(reloaded.writer)
	})
})
