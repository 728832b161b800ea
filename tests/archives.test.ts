import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { Contribution } from '../shared/concertation/contribution.ts'
import { controlStructures, readContributions, readMeta } from '../shared/workshop/control-document.ts'
import type { CreatedWorkshop, TestServer } from './helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from './helpers/test-server.ts'

/** Workshop archives (SPEC E10–E12): a full workshop moves to another server and back. */
let source: TestServer
let target: TestServer
let workshop: CreatedWorkshop

beforeEach(async () => {
	;[source, target] = await Promise.all([startTestServer(), startTestServer()])
	workshop = await createWorkshop(source, { title: 'Concertation Creuse' })
})

afterEach(async () => {
	await Promise.all([source.dispose(), target.dispose()])
})

const post = (server: TestServer, pathname: string, token: string, body: unknown = {}) =>
	server.api(`/api/workshops/${workshop.id}${pathname}`, { token, body })

async function archiveOf(token = workshop.tokens.facilitator) {
	const response = await source.api(`/api/workshops/${workshop.id}/archive`, { token })
	return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const importArchive = (body: unknown) =>
	target.api('/api/workshops/import', { body: typeof body === 'string' ? body : JSON.stringify(body) })

describe('archives', () => {
	test('[E10] the archive brings the same workshop back under a new id, with new links; anonymous ballots travel only as the tally', async () => {
		const alice = await joinWorkshop(source, workshop, 'Alice', 'assos-benevoles')
		const bob = await joinWorkshop(source, workshop, 'Bob', 'etat')
		// A board edit, contributions, a vote.
		const board = connect(source.wsUrl, workshop.id, alice.token)
		await synced(board)
		board.doc.getMap('records').set('shape:annotation', { id: 'shape:annotation', text: 'flèche' })
		const made = (await (
			await post(source, '/contributions', alice.token, {
				type: 'proposition',
				zone: 'propositions',
				column: 'financeurs',
				text: 'Conventions de trois ans',
			})
		).json()) as { contribution: Contribution }
		await post(source, '/phase', workshop.tokens.facilitator, { index: 6 })
		await post(source, '/vote/open', workshop.tokens.facilitator, {
			budget: 3,
			maxPerProposal: 3,
			banOwn: true,
			anonymous: true,
			minutes: null,
		})
		expect((await post(source, '/vote/ballot', bob.token, { allocation: { [made.contribution.id]: 2 } })).status).toBe(
			200,
		)
		await waitFor(async () => {
			const archive = await archiveOf()
			return typeof archive.body.board === 'string' && Buffer.from(archive.body.board as string, 'base64').length > 50
		}, 'board edit saved')
		board.destroy()

		const archive = await archiveOf()
		expect(archive.status).toBe(200)
		expect(archive.body).toMatchObject({ format: 'tablee-archive', version: 1, ballots: {} })
		// Nothing that ties a participant to a contribution or a ballot.
		const text = JSON.stringify(archive.body)
		expect(text).not.toContain(`"${bob.participantId}":{"allocation"`)
		expect((archive.body.tally as { voters: number }).voters).toBe(1)
		expect((await archiveOf(alice.token)).status).toBe(403)

		const imported = await importArchive(archive.body)
		expect(imported.status).toBe(201)
		const created = (await imported.json()) as CreatedWorkshop
		expect(created.id).not.toBe(workshop.id)
		expect(created.links.participant).toContain(`/join/${created.id}#token=`)
		// The same workshop: settings, contributions, board.
		const control = connect(target.wsUrl, `${created.id}/control`, created.tokens.facilitator)
		const copy = connect(target.wsUrl, created.id, created.tokens.facilitator)
		await Promise.all([synced(control), synced(copy)])
		expect(readMeta(control.doc)?.title).toBe('Concertation Creuse')
		expect(readContributions(control.doc).get(made.contribution.id)?.text).toBe('Conventions de trois ans')
		expect(copy.doc.getMap('records').get('shape:annotation')).toMatchObject({ text: 'flèche' })
		// The old tokens do not open it; the new links work.
		const old = await target.api(`/api/workshops/${created.id}`, { token: workshop.tokens.facilitator })
		expect(old.status).toBe(401)
		const carol = await joinWorkshop(target, created, 'Carol', 'collectivites')
		expect(carol.token).toMatch(/^t1\./)
		// The facilitator sees the tally that travelled.
		const tally = (await (
			await target.api(`/api/workshops/${created.id}/vote/tally`, { token: created.tokens.facilitator })
		).json()) as { voters: number; proposals: { dots: number }[] }
		expect(tally.voters).toBe(1)
		expect(tally.proposals[0]?.dots).toBe(2)
		control.destroy()
		copy.destroy()
	})

	test('[E11] a damaged archive is refused with the reason and creates nothing', async () => {
		const archive = (await archiveOf()).body
		const resigned = (changed: Record<string, unknown>) => {
			const merged: Record<string, unknown> = { ...archive, ...changed }
			const { checksum: _checksum, ...rest } = merged
			return { ...rest, checksum: createHash('sha256').update(JSON.stringify(rest)).digest('hex') }
		}
		const cases: [string, unknown, RegExp][] = [
			['not JSON', '{"format": "tablee-archive", ', /not valid JSON/],
			['another file', { hello: 'world' }, /not a Tablée archive/],
			['a newer version', { ...archive, version: 99 }, /newer/],
			['edited without its checksum', { ...archive, title: 'Autre' }, /checksum/],
			[
				'garbage board',
				resigned({ board: Buffer.from([0xff, 0xff, 0xff, 0x01]).toString('base64') }),
				/board document/,
			],
			[
				'truncated control',
				resigned({
					control: Buffer.from(archive.control as string, 'base64')
						.subarray(0, Math.floor(Buffer.from(archive.control as string, 'base64').length / 2))
						.toString('base64'),
				}),
				/control document|settings/,
			],
			[
				'garbage control',
				resigned({ control: Buffer.from('not yjs at all').toString('base64') }),
				/control document|settings/,
			],
			['missing field', { ...archive, control: undefined }, /control/],
		]
		for (const [name, body, reason] of cases) {
			const response = await importArchive(body)
			const answer = (await response.json()) as { error?: { code: string; message: string } }
			expect({ name, status: response.status, code: answer.error?.code }).toEqual({
				name,
				status: 400,
				code: 'invalid_archive',
			})
			expect(answer.error?.message).toMatch(reason)
		}
		const { readdir } = await import('node:fs/promises')
		const path = await import('node:path')
		expect(await readdir(path.join(target.config.dataDir, 'workshops')).catch(() => [])).toEqual([])
	})

	test('[E12] an archive of an older document layout is migrated on import', async () => {
		const archive = (await archiveOf()).body
		const control = new Y.Doc()
		Y.applyUpdate(control, Buffer.from(archive.control as string, 'base64'))
		controlStructures(control).meta.set('controlLayout', 1)
		controlStructures(control).meta.delete('authorMode')
		const changed: Record<string, unknown> = {
			...archive,
			control: Buffer.from(Y.encodeStateAsUpdate(control)).toString('base64'),
		}
		const { checksum: _checksum, ...rest } = changed
		const older = { ...rest, checksum: createHash('sha256').update(JSON.stringify(rest)).digest('hex') }
		const created = (await (await importArchive(older)).json()) as CreatedWorkshop
		const view = connect(target.wsUrl, `${created.id}/control`, created.tokens.facilitator)
		await synced(view)
		await waitFor(() => readMeta(view.doc)?.controlLayout === 3, 'migrated')
		expect(readMeta(view.doc)?.authorMode).toBe('pseudonymous')
		view.destroy()
	})
})
