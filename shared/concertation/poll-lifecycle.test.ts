import { describe, expect, test } from 'vitest'
import {
	answerConsensus,
	checkPollPhase,
	closeConsensus,
	closeVote,
	defaultConsensusProposals,
	extendVote,
	openConsensus,
	openVote,
	revealConsensus,
	revealVote,
} from './poll-lifecycle.ts'
import { followZone, goToPhase, initialSession, lockZone, markDone, runTimer, type TimerAction } from './session.ts'
import { idleConsensus, idleVote } from './vote.ts'

const now = Date.parse('2026-11-20T10:00:00.000Z')
const settings = { budget: 5, maxPerProposal: 3, banOwn: true, anonymous: true }
const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? 'ok' : result.error?.code)

describe('[V1] vote lifecycle', () => {
	const open = (input: Partial<Parameters<typeof openVote>[1]> = {}, candidates = ['p1', 'p2']) =>
		openVote(idleVote(), { settings, minutes: 10, ...input }, candidates, now)

	test.each([
		['all votable proposals by default', {}, ['p1', 'p2'], 'ok'],
		['a proposal that cannot be voted on', { proposals: ['p3'] }, ['p1', 'p2'], 'unknown_proposal'],
		['no proposal at all', {}, [], 'no_proposals'],
	])('opening with %s', (_name, input, candidates, expected) => {
		expect(code(open(input, candidates))).toBe(expected)
	})

	test('an open vote ends after its minutes, is extended from its end, closed, then revealed', () => {
		const result = open()
		if (!result.ok) throw new Error(result.error.message)
		const opened = result.value
		expect(opened).toMatchObject({ status: 'open', proposals: ['p1', 'p2'], endsAt: '2026-11-20T10:10:00.000Z' })
		expect(code(openVote(opened, { settings, minutes: null }, ['p1'], now))).toBe('vote_open')
		const extended = extendVote(opened, 5, now)
		expect(extended.ok && extended.value.endsAt).toBe('2026-11-20T10:15:00.000Z')
		// Past its end, the extension counts from now.
		const late = extendVote(opened, 5, now + 20 * 60_000)
		expect(late.ok && late.value.endsAt).toBe('2026-11-20T10:25:00.000Z')
		const closed = closeVote(opened, now)
		expect(closed.ok && closed.value).toMatchObject({ status: 'closed', closedAt: '2026-11-20T10:00:00.000Z' })
		if (!closed.ok) return
		expect(code(closeVote(closed.value, now))).toBe('vote_not_open')
		expect(code(extendVote(closed.value, 5, now))).toBe('vote_not_open')
		expect(revealVote(closed.value)).toMatchObject({ ok: true, value: { revealed: true } })
		expect(code(revealVote(idleVote()))).toBe('vote_not_open')
	})
})

describe('[V1] consensus lifecycle', () => {
	test('the default list is the top of the vote, or every candidate without a vote', () => {
		expect(defaultConsensusProposals(['p3', 'p1'], ['p1', 'p2', 'p3'], 1)).toEqual(['p3'])
		expect(defaultConsensusProposals([], ['p1', 'p2', 'p3'])).toEqual(['p1', 'p2', 'p3'])
	})

	test('answers are merged over the previous ones while open, refused otherwise', () => {
		const opened = openConsensus(idleConsensus(), { proposals: ['p1', 'p2'], minutes: null }, ['p1', 'p2'], now)
		expect(opened.ok).toBe(true)
		if (!opened.ok) return
		expect(code(openConsensus(opened.value, { proposals: ['p1'], minutes: null }, ['p1'], now))).toBe('consensus_open')
		const first = answerConsensus(opened.value, {}, { p1: { answer: 'agree' } }, now)
		expect(first).toEqual({ ok: true, value: { p1: { answer: 'agree', why: null } } })
		const second = answerConsensus(
			opened.value,
			first.ok ? first.value : {},
			{ p2: { answer: 'unsure', why: 'x' } },
			now,
		)
		expect(second.ok && Object.keys(second.value)).toEqual(['p1', 'p2'])
		expect(code(answerConsensus(opened.value, {}, { p9: { answer: 'agree' } }, now))).toBe('unknown_proposal')
		const closed = closeConsensus(opened.value, now)
		expect(closed.ok).toBe(true)
		if (!closed.ok) return
		expect(code(answerConsensus(closed.value, {}, { p1: { answer: 'agree' } }, now))).toBe('consensus_closed')
		expect(code(closeConsensus(closed.value, now))).toBe('consensus_not_open')
		expect(revealConsensus(closed.value)).toMatchObject({ ok: true, value: { revealed: true } })
		expect(code(revealConsensus(idleConsensus()))).toBe('consensus_not_open')
	})
})

describe('[F4] the shared countdown', () => {
	const minute = 60_000
	test.each<[string, TimerAction[], { timerEndsAt: string | null; timerPausedMs: number | null }]>([
		['start', [{ action: 'start', minutes: 5 }], { timerEndsAt: '2026-11-20T10:05:00.000Z', timerPausedMs: null }],
		[
			'start, pause',
			[{ action: 'start', minutes: 5 }, { action: 'pause' }],
			{ timerEndsAt: null, timerPausedMs: 5 * minute },
		],
		[
			'start, pause, extend (stays paused)',
			[{ action: 'start', minutes: 5 }, { action: 'pause' }, { action: 'extend', minutes: 2 }],
			{ timerEndsAt: null, timerPausedMs: 7 * minute },
		],
		[
			'start, extend (runs on)',
			[
				{ action: 'start', minutes: 5 },
				{ action: 'extend', minutes: 2 },
			],
			{ timerEndsAt: '2026-11-20T10:07:00.000Z', timerPausedMs: null },
		],
		[
			'start, pause, resume',
			[{ action: 'start', minutes: 5 }, { action: 'pause' }, { action: 'resume' }],
			{ timerEndsAt: '2026-11-20T10:05:00.000Z', timerPausedMs: null },
		],
		['start, stop', [{ action: 'start', minutes: 5 }, { action: 'stop' }], { timerEndsAt: null, timerPausedMs: null }],
	])('%s', (_name, actions, expected) => {
		const session = actions.reduce((current, action) => runTimer(current, action, now), initialSession())
		expect(session).toMatchObject(expected)
	})
})

describe('[F1][F2][F5] session changes', () => {
	const agenda = [
		{ id: 'accueil', kind: 'plenary' },
		{ id: 'vote', kind: 'vote' },
	] as unknown as Parameters<typeof goToPhase>[1]
	const zones = [{ id: 'parking' }]

	test.each<[string, () => { ok: boolean; error?: { code: string } }, string]>([
		['a phase of the agenda', () => goToPhase(initialSession(), agenda, 1, now), 'ok'],
		['a phase past the agenda', () => goToPhase(initialSession(), agenda, 2, now), 'unknown_phase'],
		['locking a zone of the workshop', () => lockZone(initialSession(), zones, 'parking', true), 'ok'],
		['locking an unknown zone', () => lockZone(initialSession(), zones, 'nowhere', true), 'unknown_zone'],
		['following an unknown zone', () => followZone(initialSession(), zones, 'nowhere', now), 'unknown_zone'],
		['done before the start', () => markDone(initialSession(), agenda, participant, true), 'no_phase'],
		['done, said by the facilitator', () => markDone(started, agenda, facilitator, true), 'participants_only'],
		['done, said by a participant', () => markDone(started, agenda, participant, true), 'ok'],
		['the vote phase for a ballot', () => checkPollPhase(agenda[1] ?? null, 'vote'), 'ok'],
		['another phase for a ballot', () => checkPollPhase(agenda[0] ?? null, 'vote'), 'wrong_phase'],
	])('%s', (_name, run, expected) => {
		expect(code(run())).toBe(expected)
	})

	test('"j\'ai fini" is kept per phase and can be taken back', () => {
		const done = markDone(started, agenda, participant, true)
		expect(done.ok && done.value.done).toEqual({ p1: 'vote' })
		const undone = done.ok ? markDone(done.value, agenda, participant, false) : done
		expect(undone.ok && undone.value.done).toEqual({})
	})
})

const participant = { role: 'participant' as const, participantId: 'p1' }
const facilitator = { role: 'facilitator' as const, participantId: 'f1' }
const started = { ...initialSession(), phaseIndex: 1 }
