import type { Contribution, DetailField } from '../../shared/concertation/contribution.ts'
import { contributionTargets, detailFields } from '../../shared/concertation/contribution.ts'
import type { ContributionType } from '../../shared/template/template-schema.ts'
import type { PlacedZone } from '../../shared/template/zone-layout.ts'
import type { Outbox, QueuedIntent } from '../sync/outbox.ts'

/** What the contribution form edits: every field as the person typed it ('' = empty). */
export interface ContributionDraft {
	type: ContributionType
	zone: string
	row: string | null
	column: string | null
	text: string
	details: Partial<Record<DetailField, string>>
	/** The participant on paper the facilitator writes for (M5), if any. */
	onBehalfOf?: string | null
}

export type Place = Pick<ContributionDraft, 'zone' | 'row' | 'column'>

/** The details a type has, in the order the form shows them. */
export function detailsOf(type: ContributionType): DetailField[] {
	return (Object.keys(detailFields) as DetailField[]).filter((field) =>
		(detailFields[field] as readonly string[]).includes(type),
	)
}

const summaryOf = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text)

/** Queues the creation of a contribution (SPEC K3); `at` is where the board will put its card. */
export function queueCreate(outbox: Outbox, draft: ContributionDraft, at?: { x: number; y: number }): QueuedIntent {
	const body: Record<string, unknown> = { type: draft.type, zone: draft.zone, text: draft.text.trim() }
	if (draft.row !== null) body.row = draft.row
	if (draft.column !== null) body.column = draft.column
	if (draft.onBehalfOf) body.onBehalfOf = draft.onBehalfOf
	for (const field of detailsOf(draft.type)) {
		const value = draft.details[field]?.trim()
		if (value) body[field] = value
	}
	return outbox.send({ method: 'POST', path: '/contributions', body, summary: summaryOf(draft.text.trim()), place: at })
}

/** Queues what changed between `current` and `draft`: an edit (K4) and/or a move (K5). */
export function queueChanges(outbox: Outbox, current: Contribution, draft: ContributionDraft): void {
	const patch: Record<string, unknown> = {}
	if (draft.text.trim() !== current.text) patch.text = draft.text.trim()
	for (const field of detailsOf(current.type)) {
		const value = draft.details[field]?.trim() || null
		if (value !== current[field] && !(field === 'theme' && current.row !== null)) patch[field] = value
	}
	const summary = summaryOf(draft.text.trim() || current.text)
	if (Object.keys(patch).length > 0) {
		outbox.send({
			method: 'PATCH',
			path: `/contributions/${current.id}`,
			body: patch,
			summary,
			contribution: current.id,
		})
	}
	if (draft.zone !== current.zone || draft.row !== current.row || draft.column !== current.column) {
		queueMove(outbox, current, draft)
	}
}

/** `from`: where the card was on the board, to put it back if the move is refused. */
export function queueMove(
	outbox: Outbox,
	current: Contribution,
	place: Place,
	from?: { x: number; y: number },
): QueuedIntent {
	return outbox.send({
		method: 'POST',
		path: `/contributions/${current.id}/move`,
		body: { zone: place.zone, row: place.row, column: place.column },
		summary: summaryOf(current.title ?? current.text),
		contribution: current.id,
		place: from,
	})
}

export function queueDelete(outbox: Outbox, current: Contribution): QueuedIntent {
	return outbox.send({
		method: 'DELETE',
		path: `/contributions/${current.id}`,
		body: undefined,
		contribution: current.id,
		summary: summaryOf(current.title ?? current.text),
	})
}

/** A draft of an existing contribution, for the edit form. */
export function draftOf(contribution: Contribution): ContributionDraft {
	const details: ContributionDraft['details'] = {}
	for (const field of detailsOf(contribution.type)) details[field] = contribution[field] ?? ''
	return {
		type: contribution.type,
		zone: contribution.zone,
		row: contribution.row,
		column: contribution.column,
		text: contribution.text,
		details,
	}
}

/** A fresh draft in `place`: the zone's first type; a proposal in a funders'/associations' column is addressed to them. */
export function newDraft(zone: PlacedZone, place: Partial<Place> = {}): ContributionDraft {
	const type = zone.contributionTypes[0] ?? 'idee'
	const row = zone.kind === 'grid' ? (place.row ?? zone.rows?.[0] ?? null) : null
	const column = zone.kind === 'area' ? null : (place.column ?? zone.columns?.[0]?.id ?? null)
	const details: ContributionDraft['details'] = {}
	if (type === 'proposition' && column !== null && (contributionTargets as readonly string[]).includes(column)) {
		details.target = column
	}
	return { type, zone: zone.id, row, column, text: '', details }
}

/** Facilitator: merges `duplicate` into `target` (SPEC K7). */
export function queueMerge(outbox: Outbox, target: Contribution, duplicate: Contribution): QueuedIntent {
	return outbox.send({
		method: 'POST',
		path: `/contributions/${target.id}/merge`,
		body: { sources: [duplicate.id] },
		summary: summaryOf(duplicate.title ?? duplicate.text),
		contribution: duplicate.id,
	})
}

/** Facilitator: the duplicate stands on its own again (SPEC K7). */
export function queueUnmerge(outbox: Outbox, duplicate: Contribution): QueuedIntent {
	return outbox.send({
		method: 'POST',
		path: `/contributions/${duplicate.id}/unmerge`,
		body: undefined,
		summary: summaryOf(duplicate.title ?? duplicate.text),
		contribution: duplicate.id,
	})
}

/** Facilitator: the proposals a recommendation groups (SPEC K8). */
export function queueGrouping(outbox: Outbox, recommendation: Contribution, sources: string[]): QueuedIntent {
	return outbox.send({
		method: 'PATCH',
		path: `/contributions/${recommendation.id}`,
		body: { sources },
		summary: summaryOf(recommendation.title ?? recommendation.text),
		contribution: recommendation.id,
	})
}

/** A short line naming a contribution in lists and menus. */
export function shortLabel(contribution: Contribution): string {
	return summaryOf(contribution.title ?? contribution.text)
}
