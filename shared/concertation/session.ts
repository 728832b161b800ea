import type { TemplatePhase } from '../template/template-schema.ts'

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
