import type { Result } from '../result.ts'
import { err, ok } from '../result.ts'
import type { TemplatePhase } from '../template/template-schema.ts'
import type { Role } from '../workshop/roles.ts'
import type { Refusal } from './contribution-rules.ts'

const refuse = (status: Refusal['status'], code: string, message: string) => err<Refusal>({ status, code, message })

/**
 * The live state of a workshop's facilitation (SPEC F): the current phase, the shared timer,
 * locked zones, "suivez-moi" and who said they are done. Written by the server into the control
 * document's `session` map; clients only ask (docs/api.md §Facilitation).
 */
export interface SessionState {
	/** Index in the agenda of the current phase, or -1 before the facilitator starts. */
	phaseIndex: number
	phaseStartedAt: string | null
	/** When the shared countdown ends (server time, ISO), or null when none runs. */
	timerEndsAt: string | null
	/** A paused countdown keeps its remaining time here. */
	timerPausedMs: number | null
	/** Zones that take no contribution now (besides the phase rules). */
	lockedZones: string[]
	/** The zone the facilitator asks everyone to look at, with when they asked (each ask counts). */
	followMe: { zone: string; at: string } | null
	/** Participants who said "j'ai fini", by participant id → phase id. */
	done: Record<string, string>
}

export const initialSession = (): SessionState => ({
	phaseIndex: -1,
	phaseStartedAt: null,
	timerEndsAt: null,
	timerPausedMs: null,
	lockedZones: [],
	followMe: null,
	done: {},
})

/** The current phase, or null before the start (or with an agenda that changed under it). */
export function currentPhase(agenda: readonly TemplatePhase[], session: SessionState): TemplatePhase | null {
	return agenda[session.phaseIndex] ?? null
}

/** F1: what the current phase means for contributions. */
export interface PhaseRules {
	/** New contributions are kept by the server, shown to their author only, until revealed. */
	privateWriting: boolean
	/** Proposals can no longer be edited, moved or deleted (a vote or a consensus check is on). */
	proposalsFrozen: boolean
}

export function phaseRules(phase: TemplatePhase | null): PhaseRules {
	const kind = phase?.kind
	return {
		privateWriting: kind === 'private-writing',
		proposalsFrozen: kind === 'vote' || kind === 'consensus-check',
	}
}

/** Milliseconds left on the shared countdown at server time `now` (0 once it ran out), or null. */
export function timerRemaining(session: SessionState, now: number): number | null {
	if (session.timerPausedMs !== null) return session.timerPausedMs
	if (session.timerEndsAt === null) return null
	return Math.max(0, Date.parse(session.timerEndsAt) - now)
}

/** What the facilitator does with the shared countdown (F4). */
export type TimerAction =
	| { action: 'start'; minutes: number }
	| { action: 'extend'; minutes: number }
	| { action: 'pause' }
	| { action: 'resume' }
	| { action: 'stop' }

/**
 * F4: the countdown after `action` at server time `now`. A running countdown is an end time; a
 * paused one keeps its remainder, so pausing and resuming lose nothing and clients never count.
 */
export function runTimer(session: SessionState, action: TimerAction, now: number): SessionState {
	const at = (ms: number) => new Date(now + ms).toISOString()
	const remaining = timerRemaining(session, now) ?? 0
	const next: Pick<SessionState, 'timerEndsAt' | 'timerPausedMs'> =
		action.action === 'start'
			? { timerEndsAt: at(action.minutes * 60_000), timerPausedMs: null }
			: action.action === 'extend'
				? session.timerPausedMs !== null
					? { timerEndsAt: null, timerPausedMs: remaining + action.minutes * 60_000 }
					: { timerEndsAt: at(remaining + action.minutes * 60_000), timerPausedMs: null }
				: action.action === 'pause'
					? { timerEndsAt: null, timerPausedMs: remaining }
					: action.action === 'resume'
						? { timerEndsAt: at(remaining), timerPausedMs: null }
						: { timerEndsAt: null, timerPausedMs: null }
	return { ...session, ...next }
}

/** F1: the session once the facilitator moves to the phase at `index` (-1: before the start). */
export function goToPhase(
	session: SessionState,
	agenda: readonly TemplatePhase[],
	index: number,
	now: number,
): Result<SessionState, Refusal> {
	if (index >= agenda.length) return refuse(400, 'unknown_phase', `the agenda has ${agenda.length} phases`)
	return ok({ ...session, phaseIndex: index, phaseStartedAt: new Date(now).toISOString() })
}

/** A zone of the workshop, or a refusal naming it. */
function knownZone(zones: readonly { id: string }[], zone: string): Result<string, Refusal> {
	if (!zones.some((known) => known.id === zone))
		return refuse(404, 'unknown_zone', `no zone "${zone}" in this workshop`)
	return ok(zone)
}

/** F2: the session with `zone` locked or unlocked. */
export function lockZone(
	session: SessionState,
	zones: readonly { id: string }[],
	zone: string,
	locked: boolean,
): Result<SessionState, Refusal> {
	const known = knownZone(zones, zone)
	if (!known.ok) return known
	return ok({
		...session,
		lockedZones: locked
			? [...new Set([...session.lockedZones, zone])]
			: session.lockedZones.filter((id) => id !== zone),
	})
}

/** F6: everyone is asked to look at `zone` (each ask counts, hence the time). */
export function followZone(
	session: SessionState,
	zones: readonly { id: string }[],
	zone: string,
	now: number,
): Result<SessionState, Refusal> {
	const known = knownZone(zones, zone)
	if (!known.ok) return known
	return ok({ ...session, followMe: { zone, at: new Date(now).toISOString() } })
}

/** F5: a participant says they are done with the current phase (or takes it back). */
export function markDone(
	session: SessionState,
	agenda: readonly TemplatePhase[],
	actor: { role: Role; participantId: string },
	done: boolean,
): Result<SessionState, Refusal> {
	if (actor.role !== 'participant') return refuse(403, 'participants_only', 'only participants say they are done')
	const phase = currentPhase(agenda, session)
	if (!phase) return refuse(409, 'no_phase', 'the workshop has not started')
	const next = { ...session.done }
	if (done) next[actor.participantId] = phase.id
	else delete next[actor.participantId]
	return ok({ ...session, done: next })
}
