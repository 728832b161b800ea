import type { TemplatePhase } from '../template/template-schema.ts'
import type { PlacedZone } from '../template/zone-layout.ts'
import type { Role } from '../workshop/roles.ts'
import type { Contribution } from './contribution.ts'
import { checkChangeable, checkUnlocked } from './contribution-rules.ts'
import { currentPhase, type PhaseRules, phaseRules, type SessionState } from './session.ts'

/**
 * What the interface may offer a person (SPEC K1, F2, F3), asked of the same rules the server
 * runs on every intent, so a page never offers what the server would refuse — the server still
 * decides. The client knows its own contributions from the server (`own`), not the author links.
 */
export interface Viewer {
	role: Role
	/** The contributions the server told this person are theirs. */
	own: ReadonlySet<string>
	phase: PhaseRules
	lockedZones: readonly string[]
}

/** The viewer of a workshop page from the live session state. */
export function viewerOf(
	role: Role,
	own: ReadonlySet<string>,
	agenda: readonly TemplatePhase[],
	session: SessionState,
): Viewer {
	return { role, own, phase: phaseRules(currentPhase(agenda, session)), lockedZones: session.lockedZones }
}

/** What may be done with one contribution. */
export interface ContributionOffers {
	/** Edit its text, move it to another zone or cell, delete it (K1, F2, F3). */
	change: boolean
	/** Merge it into another, or group proposals into a recommendation (facilitator only, K7–K8). */
	facilitate: boolean
}

/** One exported check: what the interface offers for `contribution`. */
export function offersFor(viewer: Viewer, contribution: Contribution): ContributionOffers {
	const owner = viewer.role === 'facilitator' || (viewer.role === 'participant' && viewer.own.has(contribution.id))
	const allowed = owner && checkChangeable(rulesState(viewer), actorOf(viewer), contribution).ok
	return { change: allowed, facilitate: viewer.role === 'facilitator' }
}

/** K1, F2: may the viewer add a contribution in `zone` now? */
export function mayAdd(viewer: Viewer, zone: string): boolean {
	return viewer.role !== 'observer' && checkUnlocked(rulesState(viewer), actorOf(viewer), zone).ok
}

/**
 * Where a new contribution goes by default: the first zone the current phase works in that the
 * viewer may write to (its first cell or column), else the first such zone of the workshop.
 */
export function defaultPlace(
	viewer: Viewer,
	zones: readonly PlacedZone[],
	phase: TemplatePhase | null,
): { zone: PlacedZone; row?: string; column?: string } | null {
	const open = zones.filter((zone) => mayAdd(viewer, zone.id))
	const zone = (phase?.zones ?? []).map((id) => open.find((candidate) => candidate.id === id)).find(Boolean) ?? open[0]
	if (!zone) return null
	if (zone.kind === 'grid') return { zone, row: zone.rows?.[0], column: zone.columns?.[0]?.id }
	if (zone.kind === 'columns') return { zone, column: zone.columns?.[0]?.id }
	return { zone }
}

/**
 * The zone the group works in now: of the current phase's zones, the first that holds
 * contributions (a vote phase works on the proposals zone's cards), else its first one.
 */
export function phaseZone(
	zones: readonly PlacedZone[],
	phase: TemplatePhase | null,
	occupied: (zone: string) => boolean = () => false,
): PlacedZone | null {
	const ofPhase = (phase?.zones ?? [])
		.map((id) => zones.find((candidate) => candidate.id === id))
		.filter((zone): zone is PlacedZone => zone !== undefined)
	return ofPhase.find((zone) => occupied(zone.id)) ?? ofPhase[0] ?? null
}

/** V1: the proposals a vote or consensus check can cover: published, not merged into another. */
export function votableProposals(contributions: ReadonlyMap<string, Contribution>): string[] {
	return [...contributions.values()]
		.filter((contribution) => contribution.type === 'proposition' && contribution.mergedInto === null)
		.map((contribution) => contribution.id)
}

/**
 * The consensus check's default list: the `top` most supported proposals of the vote (`ranked`,
 * most dots first, those with none left out), or the first `top` proposals when there was no vote.
 */
export function consensusDefault(ranked: readonly string[], votable: readonly string[], top: number): string[] {
	const supported = ranked.filter((id) => votable.includes(id))
	return (supported.length > 0 ? supported : votable).slice(0, Math.max(0, top))
}

function rulesState(viewer: Viewer) {
	return {
		zones: [],
		themes: [],
		authorMode: 'pseudonymous' as const,
		contributions: new Map<string, Contribution>(),
		authors: new Map<string, string>(),
		phase: viewer.phase,
		lockedZones: viewer.lockedZones,
	}
}

function actorOf(viewer: Viewer) {
	return { role: viewer.role, participantId: '', college: null, name: '' }
}
