import { expect, test } from 'vitest'
import { createRequire } from 'node:module'
import { binaryFrame, frameHeader } from './write-batcher.ts'

/** ws's own framing, which its package exports but its types do not declare. */
const Sender = (createRequire(import.meta.url)('ws') as { Sender: { frame(data: Buffer, options: object): Buffer[] } })
	.Sender

test('[W6] a message is framed as ws frames it (unmasked, final, binary), for every length class', () => {
	for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
		const message = new Uint8Array(length).map((_, i) => i % 251)
		const expected = Buffer.concat(
			Sender.frame(Buffer.from(message), { fin: true, opcode: 2, mask: false, readOnly: true, rsv1: false }),
		)
		expect(binaryFrame(message).equals(expected)).toBe(true)
		expect(Buffer.concat([frameHeader(length), message]).equals(expected)).toBe(true)
	}
})
