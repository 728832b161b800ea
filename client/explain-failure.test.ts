import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { ApiFailure } from './api.ts'
import { explainFailure, intentRefusalKey, intentRefusalText } from './explain-failure.ts'
import { consoleRefusalKey, consoleRefusals, explainConsoleFailure } from './facilitation/console/console-refusals.ts'
import { en } from './i18n/messages-en.ts'
import { fr } from './i18n/messages-fr.ts'

/**
 * K16: a refused intent stays listed with its reason in the person's language. The codes are read
 * from the modules every intent of the outbox and of the console goes through, so a new refusal
 * without a message fails here rather than showing the server's English to a French participant.
 * That the server does refuse a locked zone with `zone_locked` is tests/votes.test.ts' (F2).
 */
const root = path.resolve(import.meta.dirname, '..')
const intentModules = [
	'shared/concertation/contribution-rules.ts',
	'shared/concertation/vote.ts',
	'shared/concertation/poll-lifecycle.ts',
	'shared/concertation/session.ts',
	'server/http/contribution-routes.ts',
	'server/http/vote-routes.ts',
	'server/http/session-routes.ts',
	'server/http/intent-runner.ts',
	'server/http/intent-context.ts',
	'server/http/parse-body.ts',
	'server/http/with-room.ts',
	'server/http/workshop-claims.ts',
]
const refusals = intentModules.flatMap((file) =>
	[...readFileSync(path.join(root, file), 'utf8').matchAll(/(?:refuse|ApiError)\(\s*(\d{3}),\s*'([a-z_]+)'/g)].map(
		(match) => ({ status: Number(match[1]), code: match[2] as string }),
	),
)
const codes = [...new Set(refusals.map((refusal) => refusal.code))]

describe('refusals of intents in the interface language', () => {
	test('[K16] every refusal a contribution, ballot, answer or session intent can meet has a French and an English message', () => {
		// The server refuses with at least the contribution rules' and the ballot rules' codes.
		expect(codes).toEqual(expect.arrayContaining(['zone_locked', 'over_budget', 'wrong_phase', 'facilitator_only']))
		const missing = refusals.filter(({ code, status }) => {
			const key = intentRefusalKey(code, status)
			if (key !== null) return !fr[key] || !en[key]
			const consoleKey = consoleRefusalKey(code)
			return consoleKey === null || !consoleRefusals.fr[consoleKey] || !consoleRefusals.en[consoleKey]
		})
		expect(refusals.length).toBeGreaterThan(codes.length / 2)
		expect(missing).toEqual([])
	})

	test('[K16] the console explains its own refusals, and the shell’s, in French', () => {
		const voteOpen = explainConsoleFailure(new ApiFailure(409, 'vote_open', 'a vote is already open; close it first'))
		expect(voteOpen).toContain(consoleRefusals.fr.pollOpen)
		const locked = explainConsoleFailure(new ApiFailure(409, 'zone_locked', 'zone "x" is locked by the facilitator'))
		expect(locked).toContain(fr['intent.zone_locked'])
	})

	test('[K16] a contribution refused in a locked zone reads in French, not as the server said it', () => {
		const refusal = { status: 409, code: 'zone_locked', message: 'zone "propositions" is locked by the facilitator' }
		const text = intentRefusalText(refusal)
		expect(text).toBe(fr['intent.zone_locked'])
		expect(text).not.toContain(refusal.message)
		// The same refusal met by a page's call reads in French too, as what went wrong.
		expect(explainFailure(new ApiFailure(refusal.status, refusal.code, refusal.message))).toContain(
			fr['intent.zone_locked'],
		)
		// A code no page knows still says something: the server's own words.
		expect(intentRefusalText({ status: 409, code: 'brand_new', message: 'something new' })).toBe('something new')
	})
})
