import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CloseCode } from '../../shared/protocol/close-codes.ts'
import { removeStores, storesUnderTest } from '../helpers/store-adapters.ts'
import type { CreatedWorkshop, TestServer } from '../helpers/test-server.ts'
import { connect, createWorkshop, joinWorkshop, startTestServer, synced, waitFor } from '../helpers/test-server.ts'

// Time budget of this file: 25 s (on files, then on PostgreSQL).

/**
 * Every role against every kind of call (SPEC A4, A5, A7 and the endpoint tables of docs/api.md):
 * the answer is the documented one, as status and error code. Roles are in this order.
 */
const roles = [
	'none',
	'forged',
	'participantLink',
	'observerLink',
	'otherWorkshop',
	'observer',
	'participant',
	'facilitator',
] as const
type Role = (typeof roles)[number]

/** The gate of a call that needs a personal token of this workshop, then the three roles' answers. */
const personal = (observer: string, participant: string, facilitator: string): string[] => [
	'401 missing_token',
	'401 invalid_token',
	'403 personal_token_required',
	'403 personal_token_required',
	'401 invalid_token',
	observer,
	participant,
	facilitator,
]
const facilitatorOnly = (answer: string) => personal('403 facilitator_only', '403 facilitator_only', answer)

const matrix: [string, string, unknown, string[]][] = [
	[
		'GET',
		'',
		undefined,
		['401 missing_token', '401 invalid_token', '200', '200', '401 invalid_token', '200', '200', '200'],
	],
	[
		'POST',
		'/join',
		{ name: 'X', college: 'etat' },
		[
			'401 missing_token',
			'401 invalid_token',
			'201',
			'400 college_not_allowed',
			'401 invalid_token',
			'403 link_token_required',
			'403 link_token_required',
			'403 link_token_required',
		],
	],
	[
		'POST',
		'/contributions',
		{ type: 'idee', zone: 'parking', text: 'x' },
		personal('403 observer_read_only', '201', '201'),
	],
	['POST', '/phase', { index: 0 }, facilitatorOnly('200')],
	['POST', '/reveal', {}, facilitatorOnly('200')],
	['GET', '/private-counts', undefined, facilitatorOnly('200')],
	[
		'POST',
		'/vote/open',
		{ budget: 3, maxPerProposal: 2, banOwn: false, anonymous: true },
		facilitatorOnly('409 no_proposals'),
	],
	['GET', '/vote/tally', undefined, facilitatorOnly('200')],
	['GET', '/vote/mine', undefined, personal('200', '200', '200')],
	['GET', '/export?format=json', undefined, facilitatorOnly('200')],
	['GET', '/archive', undefined, facilitatorOnly('200')],
	['POST', '/participants/paper', { name: 'Papier', college: 'etat' }, facilitatorOnly('200')],
	['GET', '/paper-trail', undefined, facilitatorOnly('200')],
	// Last: it makes the link tokens of this workshop stale.
	[
		'POST',
		'/links/regenerate',
		{},
		[
			'401 missing_token',
			'401 invalid_token',
			'403 facilitator_only',
			'403 facilitator_only',
			'401 invalid_token',
			'403 facilitator_only',
			'403 facilitator_only',
			'200',
		],
	],
]

afterAll(removeStores)

// The same answers whatever stores the workshops (SPEC S14).
describe.each(storesUnderTest)('[S14] on $name', (store) => {
	let server: TestServer
	let workshop: CreatedWorkshop
	let tokens: Record<Role, string | undefined>

	beforeAll(async () => {
		server = await startTestServer((await store.fresh()).config)
		workshop = await createWorkshop(server)
		const other = await createWorkshop(server)
		const participant = await joinWorkshop(server, workshop, 'Paula', 'etat')
		const observer = await joinWorkshop(server, workshop, 'Omar', null, 'observer')
		tokens = {
			none: undefined,
			forged: `${participant.token.slice(0, -4)}AAAA`,
			participantLink: workshop.tokens.participant,
			observerLink: workshop.tokens.observer,
			otherWorkshop: other.tokens.facilitator,
			observer: observer.token,
			participant: participant.token,
			facilitator: workshop.tokens.facilitator,
		}
	})
	afterAll(async () => server?.dispose())

	test(`[A4][A5][A7] ${matrix.length} calls × ${roles.length} roles answer as documented`, async () => {
		const mismatches: string[] = []
		for (const [method, suffix, body, expected] of matrix) {
			for (const [index, role] of roles.entries()) {
				const response = await server.api(`/api/workshops/${workshop.id}${suffix}`, {
					method,
					token: tokens[role],
					body,
				})
				const json = (await response.json().catch(() => ({}))) as { error?: { code: string } }
				const got = `${response.status}${json.error ? ` ${json.error.code}` : ''}`
				if (got !== expected[index])
					mismatches.push(`${method} ${suffix} as ${role}: ${got}, expected ${expected[index]}`)
			}
		}
		expect(mismatches).toEqual([])
	})

	test('[A4][A5][R3][R4] the WebSocket: who may open the board and the control channel, with which close code', async () => {
		const closes: Partial<Record<Role, number | 'open'>> = {}
		for (const role of roles) {
			const provider = connect(server.wsUrl, workshop.id, tokens[role] ?? null)
			let code: number | null = null
			provider.on('connection-close', (event: CloseEvent | null) => {
				code = event?.code ?? null
			})
			await waitFor(() => provider.synced || code !== null, `${role} synced or refused`)
			closes[role] = provider.synced ? 'open' : (code ?? 0)
			provider.destroy()
		}
		expect(closes).toEqual({
			none: CloseCode.unauthorized,
			forged: CloseCode.unauthorized,
			participantLink: CloseCode.forbidden,
			observerLink: CloseCode.forbidden,
			otherWorkshop: CloseCode.unauthorized,
			observer: 'open',
			participant: 'open',
			facilitator: 'open',
		})
		// Observers read the board but write nothing (R3): a later reader never sees their edit.
		const observer = connect(server.wsUrl, workshop.id, tokens.observer ?? null)
		await synced(observer)
		observer.doc.getMap('records').set('shape:observer', { text: 'interdit' })
		const participant = connect(server.wsUrl, workshop.id, tokens.participant ?? null)
		await synced(participant)
		participant.doc.getMap('records').set('shape:participant', { text: 'permis' })
		const reader = connect(server.wsUrl, workshop.id, tokens.facilitator ?? null)
		await waitFor(() => reader.doc.getMap('records').has('shape:participant'), 'the participant’s edit arrives')
		expect(reader.doc.getMap('records').has('shape:observer')).toBe(false)
		for (const provider of [observer, participant, reader]) provider.destroy()
	})
})
