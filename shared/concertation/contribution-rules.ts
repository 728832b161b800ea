import type { Result } from '../result.ts'
import { err, ok } from '../result.ts'
import type { TemplateZone } from '../template/template-schema.ts'
import type { Role } from '../workshop/roles.ts'
import type { PhaseRules } from './session.ts'
import type { AuthorMode, Contribution, DetailField } from './contribution.ts'
import type { CreateContributionInput, EditContributionInput, MoveContributionInput } from './contribution-input.ts'
import { detailFields } from './contribution.ts'

/**
 * The contribution rules (SPEC K1–K10, with the phase limits F2–F3), as pure functions: each takes the workshop's state and
 * an intent, and returns the change to make or the reason for refusing. The server runs them on
 * every intent; the clients use the same functions to know what to offer.
 */

/** Who sends an intent: what the personal token says, and the name the participant joined with. */
export interface Actor {
	role: Role
	participantId: string
	college: string | null
	name: string
}

/** What the rules read. `authors` (contribution → participant) exists on the server only. */
export interface ContributionState {
	zones: readonly Pick<TemplateZone, 'id' | 'kind' | 'rows' | 'columns' | 'contributionTypes'>[]
	themes: readonly { id: string }[]
	authorMode: AuthorMode
	contributions: ReadonlyMap<string, Contribution>
	authors: ReadonlyMap<string, string>
	/** F1–F3: what the current phase allows (none of its limits when absent). */
	phase?: PhaseRules
	/** F2: zones that take no contribution from participants now. */
	lockedZones?: readonly string[]
}

/** What an accepted intent changes: contributions written or removed, author links set or dropped. */
export interface ContributionChange {
	put: Contribution[]
	remove: string[]
	authors: { set: [contribution: string, participant: string][]; remove: string[] }
}

export interface Refusal {
	status: 400 | 403 | 404 | 409
	code: string
	message: string
}

const refuse = (status: Refusal['status'], code: string, message: string) => err<Refusal>({ status, code, message })

const change = (put: Contribution[], more: Partial<ContributionChange> = {}): ContributionChange => ({
	put,
	remove: more.remove ?? [],
	authors: more.authors ?? { set: [], remove: [] },
})

/** K1: observers write nothing. */
function checkWriter(actor: Actor): Result<void, Refusal> {
	if (actor.role === 'observer') return refuse(403, 'observer_read_only', 'observers cannot contribute')
	return ok(undefined)
}

/** K1: a participant changes only its own contributions; the facilitator changes any. */
export function mayChange(state: Pick<ContributionState, 'authors'>, actor: Actor, id: string): boolean {
	return actor.role === 'facilitator' || (actor.role === 'participant' && state.authors.get(id) === actor.participantId)
}

function find(state: ContributionState, id: string): Result<Contribution, Refusal> {
	const found = state.contributions.get(id)
	return found ? ok(found) : refuse(404, 'contribution_not_found', 'no contribution with this id')
}

function findOwn(state: ContributionState, actor: Actor, id: string): Result<Contribution, Refusal> {
	const writer = checkWriter(actor)
	if (!writer.ok) return writer
	const found = find(state, id)
	if (!found.ok) return found
	if (!mayChange(state, actor, id)) {
		return refuse(403, 'not_your_contribution', 'only its author or the facilitator can change this contribution')
	}
	return found
}

/** K1 and F2–F3: a contribution the actor may change, in a zone and phase that allow it. */
function findChangeable(state: ContributionState, actor: Actor, id: string): Result<Contribution, Refusal> {
	const found = findOwn(state, actor, id)
	if (!found.ok) return found
	const changeable = checkChangeable(state, actor, found.value)
	return changeable.ok ? found : changeable
}

function facilitatorOnly(actor: Actor, what: string): Result<void, Refusal> {
	if (actor.role !== 'facilitator') return refuse(403, 'facilitator_only', `only the facilitator can ${what}`)
	return ok(undefined)
}

/** F2: participants add nothing to, and change nothing in, a locked zone. */
export function checkUnlocked(state: ContributionState, actor: Actor, zone: string): Result<void, Refusal> {
	if (actor.role !== 'facilitator' && (state.lockedZones ?? []).includes(zone)) {
		return refuse(409, 'zone_locked', `zone "${zone}" is locked by the facilitator`)
	}
	return ok(undefined)
}

/** F3: while a vote or a consensus check is on, proposals stay as they are (for everyone). */
function checkNotFrozen(state: ContributionState, contribution: Contribution): Result<void, Refusal> {
	if (state.phase?.proposalsFrozen && contribution.type === 'proposition') {
		return refuse(409, 'proposals_frozen', 'proposals cannot change while a vote or a consensus check is on')
	}
	return ok(undefined)
}

/** F2–F3 for changes to an existing contribution. */
export function checkChangeable(
	state: ContributionState,
	actor: Actor,
	contribution: Contribution,
): Result<void, Refusal> {
	const frozen = checkNotFrozen(state, contribution)
	if (!frozen.ok) return frozen
	return checkUnlocked(state, actor, contribution.zone)
}

/** K2: where a contribution may sit: a zone that accepts its type, in a cell or column of it. */
export function checkPlace(
	state: Pick<ContributionState, 'zones'>,
	type: Contribution['type'],
	place: MoveContributionInput,
): Result<{ zone: string; row: string | null; column: string | null }, Refusal> {
	const zone = state.zones.find((known) => known.id === place.zone)
	if (!zone) return refuse(400, 'unknown_zone', `no zone "${place.zone}" in this workshop`)
	if (!zone.contributionTypes.includes(type)) {
		return refuse(409, 'type_not_allowed_here', `zone "${zone.id}" does not take contributions of type "${type}"`)
	}
	const row = place.row ?? null
	const column = place.column ?? null
	if (zone.kind === 'grid') {
		if (row === null || column === null)
			return refuse(400, 'cell_required', `zone "${zone.id}" needs a row and a column`)
		if (!zone.rows?.includes(row) || !zone.columns?.some((known) => known.id === column)) {
			return refuse(400, 'unknown_cell', `no cell ${row} × ${column} in zone "${zone.id}"`)
		}
	} else if (zone.kind === 'columns') {
		if (row !== null) return refuse(400, 'no_rows_here', `zone "${zone.id}" has no rows`)
		if (column === null) return refuse(400, 'column_required', `zone "${zone.id}" needs a column`)
		if (!zone.columns?.some((known) => known.id === column)) {
			return refuse(400, 'unknown_column', `no column "${column}" in zone "${zone.id}"`)
		}
	} else if (row !== null || column !== null) {
		return refuse(400, 'no_cells_here', `zone "${zone.id}" has no rows or columns`)
	}
	return ok({ zone: zone.id, row, column })
}

/** K2: detail fields belong to some types only; themes must exist. */
function checkDetails(
	state: ContributionState,
	type: Contribution['type'],
	input: Partial<Record<DetailField, unknown>>,
): Result<void, Refusal> {
	for (const field of Object.keys(detailFields) as DetailField[]) {
		const value = input[field]
		if (value === undefined || value === null) continue
		if (!(detailFields[field] as readonly string[]).includes(type)) {
			return refuse(400, 'field_not_allowed', `a contribution of type "${type}" has no "${field}"`)
		}
	}
	const theme = input.theme
	if (typeof theme === 'string' && !state.themes.some((known) => known.id === theme)) {
		return refuse(400, 'unknown_theme', `no theme "${theme}" in this workshop`)
	}
	return ok(undefined)
}

/** K8: a recommendation groups proposals, each in one recommendation at most. */
function checkSources(
	state: ContributionState,
	actor: Actor,
	recommendation: { id: string | null; type: Contribution['type'] },
	sources: string[],
): Result<void, Refusal> {
	const facilitator = facilitatorOnly(actor, 'group proposals into a recommendation')
	if (!facilitator.ok) return facilitator
	if (recommendation.type === 'engagement') return checkCommitmentLink(state, sources)
	if (recommendation.type !== 'recommandation') {
		return refuse(400, 'field_not_allowed', 'only a recommendation groups proposals')
	}
	if (new Set(sources).size !== sources.length) return refuse(400, 'duplicate_source', 'a proposal is listed twice')
	for (const id of sources) {
		const source = state.contributions.get(id)
		if (!source) return refuse(404, 'contribution_not_found', `no contribution with id "${id}"`)
		if (source.type !== 'proposition') {
			return refuse(409, 'not_a_proposal', `contribution "${id}" is not a proposal`)
		}
		if (source.mergedInto !== null) {
			return refuse(409, 'merged', `proposal "${id}" is merged into "${source.mergedInto}": group that one`)
		}
		const holder = groupedIn(state.contributions, id)
		if (holder !== null && holder !== recommendation.id) {
			return refuse(409, 'grouped', `proposal "${id}" is already grouped in recommendation "${holder}"`)
		}
	}
	return ok(undefined)
}

/** K17: a commitment is linked (by the facilitator) to the one recommendation it serves. */
function checkCommitmentLink(state: ContributionState, sources: string[]): Result<void, Refusal> {
	if (sources.length > 1) return refuse(400, 'invalid_sources', 'a commitment is linked to one recommendation')
	for (const id of sources) {
		const source = state.contributions.get(id)
		if (!source) return refuse(404, 'contribution_not_found', `no contribution with id "${id}"`)
		if (source.type !== 'recommandation') {
			return refuse(409, 'not_a_recommendation', `contribution "${id}" is not a recommendation`)
		}
	}
	return ok(undefined)
}

/** The recommendation that groups `id` (or a commitment linked to it), if any. */
export function groupedIn(contributions: ReadonlyMap<string, Contribution>, id: string): string | null {
	for (const candidate of contributions.values()) if (candidate.sources.includes(id)) return candidate.id
	return null
}

/** A person taking part on paper, for whom the facilitator writes (M5). */
export interface PaperAuthor {
	participantId: string
	college: string | null
	name: string
}

/**
 * K3: creating a contribution. `id` and `now` come from the server. With `behalf` (M5) the
 * facilitator writes a paper participant's contribution: it carries that person's college and
 * name and is theirs, as if they had written it themselves.
 */
export function createContribution(
	state: ContributionState,
	actor: Actor,
	input: Omit<CreateContributionInput, 'onBehalfOf'>,
	id: string,
	now: string,
	behalf: PaperAuthor | null = null,
): Result<ContributionChange, Refusal> {
	const writer = checkWriter(actor)
	if (!writer.ok) return writer
	if (behalf) {
		const facilitator = facilitatorOnly(actor, 'write for a participant on paper')
		if (!facilitator.ok) return facilitator
	}
	const place = checkPlace(state, input.type, input)
	if (!place.ok) return place
	const unlocked = checkUnlocked(state, actor, place.value.zone)
	if (!unlocked.ok) return unlocked
	const details = checkDetails(state, input.type, input)
	if (!details.ok) return details
	const sources = input.sources ?? []
	// Grouping proposals and linking a commitment are the facilitator's own acts (K8, K17): written
	// for someone on paper, they would put that person's college on a grouping and put it on their
	// page as a recommendation they wrote.
	if (behalf && sources.length > 0) {
		return refuse(400, 'field_not_allowed', 'only the facilitator groups or links')
	}
	if (sources.length > 0) {
		const grouped = checkSources(state, actor, { id: null, type: input.type }, sources)
		if (!grouped.ok) return grouped
	}
	const facilitator = actor.role === 'facilitator' && behalf === null
	const author = behalf ?? actor
	const contribution: Contribution = {
		id,
		type: input.type,
		...place.value,
		text: input.text,
		title: input.title ?? null,
		theme: themeOf(state, place.value, input.theme ?? null),
		target: input.target ?? null,
		level: input.level ?? null,
		effect: input.effect ?? null,
		caution: input.caution ?? null,
		who: input.who ?? null,
		due: input.due ?? null,
		college: facilitator ? null : author.college,
		authorRole: facilitator ? 'facilitator' : 'participant',
		authorName: state.authorMode === 'named' ? author.name : null,
		createdAt: now,
		updatedAt: now,
		mergedInto: null,
		sources,
	}
	return ok(change([contribution], { authors: { set: [[id, author.participantId]], remove: [] } }))
}

/** A grid contribution's theme is its row (the grid's rows are themes); elsewhere, the one given. */
function themeOf(state: ContributionState, place: { zone: string; row: string | null }, given: string | null) {
	const zone = state.zones.find((known) => known.id === place.zone)
	return zone?.kind === 'grid' && place.row !== null ? place.row : given
}

/** K4: editing a contribution's text and details. */
export function editContribution(
	state: ContributionState,
	actor: Actor,
	id: string,
	input: EditContributionInput,
	now: string,
): Result<ContributionChange, Refusal> {
	const found = findChangeable(state, actor, id)
	if (!found.ok) return found
	const current = found.value
	const details = checkDetails(state, current.type, input)
	if (!details.ok) return details
	if (input.sources !== undefined) {
		const grouped = checkSources(state, actor, current, input.sources)
		if (!grouped.ok) return grouped
	}
	const { sources, ...fields } = input
	const next: Contribution = { ...current, ...fields, updatedAt: now }
	if (sources !== undefined) next.sources = sources
	if (fields.theme !== undefined) next.theme = themeOf(state, next, fields.theme)
	return ok(change([next]))
}

/** K5: moving a contribution to another zone, cell or column. */
export function moveContribution(
	state: ContributionState,
	actor: Actor,
	id: string,
	input: MoveContributionInput,
	now: string,
): Result<ContributionChange, Refusal> {
	const found = findChangeable(state, actor, id)
	if (!found.ok) return found
	const current = found.value
	if (current.mergedInto !== null) {
		return refuse(409, 'merged', `this contribution is merged into "${current.mergedInto}": it moves with it`)
	}
	const place = checkPlace(state, current.type, input)
	if (!place.ok) return place
	const unlocked = checkUnlocked(state, actor, place.value.zone)
	if (!unlocked.ok) return unlocked
	const moved = { ...current, ...place.value, updatedAt: now }
	moved.theme = themeOf(state, moved, current.theme)
	return ok(change([moved]))
}

/** K6: deleting a contribution, unless the trail of another one depends on it. */
export function deleteContribution(
	state: ContributionState,
	actor: Actor,
	id: string,
): Result<ContributionChange, Refusal> {
	const found = findChangeable(state, actor, id)
	if (!found.ok) return found
	const current = found.value
	if (current.mergedInto !== null) {
		return refuse(409, 'merged', `this contribution is merged into "${current.mergedInto}"; unmerge it first`)
	}
	if (mergedInto(state.contributions, id).length > 0) {
		return refuse(409, 'has_duplicates', 'other contributions are merged into this one; unmerge them first')
	}
	const holder = groupedIn(state.contributions, id)
	if (holder !== null) {
		return refuse(409, 'grouped', `this proposal is grouped in recommendation "${holder}"; ungroup it first`)
	}
	return ok(change([], { remove: [id], authors: { set: [], remove: [id] } }))
}

/** The contributions merged directly into `id`. */
export function mergedInto(contributions: ReadonlyMap<string, Contribution>, id: string): Contribution[] {
	return [...contributions.values()].filter((candidate) => candidate.mergedInto === id)
}

/** K7: merging duplicates into one contribution of the same type (facilitator). */
export function mergeContributions(
	state: ContributionState,
	actor: Actor,
	targetId: string,
	sourceIds: string[],
	now: string,
): Result<ContributionChange, Refusal> {
	const facilitator = facilitatorOnly(actor, 'merge contributions')
	if (!facilitator.ok) return facilitator
	const target = find(state, targetId)
	if (!target.ok) return target
	const frozen = checkNotFrozen(state, target.value)
	if (!frozen.ok) return frozen
	if (target.value.mergedInto !== null) {
		return refuse(409, 'merged', `the target is itself merged into "${target.value.mergedInto}"`)
	}
	if (new Set(sourceIds).size !== sourceIds.length || sourceIds.includes(targetId)) {
		return refuse(400, 'invalid_sources', 'list each duplicate once, without the target')
	}
	const merged: Contribution[] = []
	for (const sourceId of sourceIds) {
		const source = find(state, sourceId)
		if (!source.ok) return source
		if (source.value.type !== target.value.type) {
			return refuse(409, 'type_mismatch', `"${sourceId}" is a ${source.value.type}, the target a ${target.value.type}`)
		}
		if (source.value.mergedInto !== null) {
			return refuse(409, 'already_merged', `"${sourceId}" is already merged into "${source.value.mergedInto}"`)
		}
		if (source.value.sources.length > 0) {
			return refuse(409, 'has_sources', `"${sourceId}" groups proposals; a recommendation is not merged`)
		}
		if (groupedIn(state.contributions, sourceId) !== null) {
			return refuse(409, 'grouped', `"${sourceId}" is grouped in a recommendation; ungroup it first`)
		}
		merged.push({ ...source.value, mergedInto: targetId, updatedAt: now })
	}
	return ok(change([...merged, { ...target.value, updatedAt: now }]))
}

/** K7: undoing a merge: the duplicate stands on its own again, with its own duplicates. */
export function unmergeContribution(
	state: ContributionState,
	actor: Actor,
	id: string,
	now: string,
): Result<ContributionChange, Refusal> {
	const facilitator = facilitatorOnly(actor, 'undo a merge')
	if (!facilitator.ok) return facilitator
	const found = find(state, id)
	if (!found.ok) return found
	const target = found.value.mergedInto
	if (target === null) return refuse(409, 'not_merged', 'this contribution is not merged into another')
	const frozen = checkNotFrozen(state, found.value)
	if (!frozen.ok) return frozen
	const put: Contribution[] = [{ ...found.value, mergedInto: null, updatedAt: now }]
	const holder = state.contributions.get(target)
	if (holder) put.push({ ...holder, updatedAt: now })
	return ok(change(put))
}

/** K9: switching between named and pseudonymous contributions (facilitator). */
export function setAuthorMode(
	state: ContributionState,
	actor: Actor,
	mode: AuthorMode,
	now: string,
): Result<ContributionChange, Refusal> {
	const facilitator = facilitatorOnly(actor, 'change how authors are shown')
	if (!facilitator.ok) return facilitator
	if (mode === state.authorMode) return ok(change([]))
	if (mode === 'named' && state.contributions.size > 0) {
		return refuse(
			409,
			'authors_hidden',
			'contributions were written under pseudonymity: their authors cannot be shown afterwards',
		)
	}
	const put = [...state.contributions.values()]
		.filter((contribution) => contribution.authorName !== null)
		.map((contribution) => ({ ...contribution, authorName: null, updatedAt: now }))
	return ok(change(put))
}

/** One step of a trail: a contribution, what was merged into it and what it groups. */
export interface Trail {
	contribution: Contribution
	merged: Trail[]
	sources: Trail[]
}

/** K10: the whole trail under a contribution, however many merges deep. */
export function trailOf(contributions: ReadonlyMap<string, Contribution>, id: string): Trail | null {
	const seen = new Set<string>()
	const walk = (current: string): Trail | null => {
		const contribution = contributions.get(current)
		if (!contribution || seen.has(current)) return null
		seen.add(current)
		const children = (ids: string[]) => ids.map(walk).filter((trail): trail is Trail => trail !== null)
		return {
			contribution,
			merged: children(mergedInto(contributions, current).map((merged) => merged.id)),
			sources: children(contribution.sources),
		}
	}
	return walk(id)
}
