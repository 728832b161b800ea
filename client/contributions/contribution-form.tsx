import { createSignal, For, Show } from 'solid-js'
import type { DetailField } from '../../shared/concertation/contribution.ts'
import { actionLevels, contributionTargets } from '../../shared/concertation/contribution.ts'
import type { Template } from '../../shared/template/template-schema.ts'
import type { PlacedZone } from '../../shared/template/zone-layout.ts'
import { label, t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'
import { type ContributionDraft, detailsOf } from './contribution-intents.ts'

export interface ContributionFormProps {
	zones: readonly PlacedZone[]
	themes: Template['themes']
	initial: ContributionDraft
	/** Zones the contribution may go to (all writable zones for a new one). */
	allowPlaceChange: boolean
	submitLabel: string
	onSubmit: (draft: ContributionDraft) => void
	onCancel: () => void
	/** For the facilitator writing a new contribution: the people on paper it may be written for (M5). */
	paperPeople?: readonly { id: string; name: string }[]
}

const longFields: DetailField[] = ['effect', 'caution']

/**
 * The form of a contribution, new or edited: place (zone, cell or column), type among those the
 * zone takes, the text, and the details of that type. It only edits a draft; the caller queues the
 * intents.
 */
export function ContributionForm(props: ContributionFormProps) {
	const [draft, setDraft] = createSignal<ContributionDraft>(structuredClone(props.initial))
	const [error, setError] = createSignal<string | null>(null)
	const zone = () => props.zones.find((candidate) => candidate.id === draft().zone) ?? props.zones[0]
	const themeLabel = (id: string) => {
		const theme = props.themes.find((candidate) => candidate.id === id)
		return theme ? label(theme.label) : id
	}
	const update = (change: Partial<ContributionDraft>) => setDraft({ ...draft(), ...change })
	const setDetail = (field: DetailField, value: string) =>
		setDraft({ ...draft(), details: { ...draft().details, [field]: value } })

	const placeZone = (id: string) => {
		const next = props.zones.find((candidate) => candidate.id === id)
		if (!next) return
		const type = next.contributionTypes.includes(draft().type) ? draft().type : next.contributionTypes[0]
		update({
			zone: next.id,
			type: type ?? draft().type,
			row: next.kind === 'grid' ? (next.rows?.[0] ?? null) : null,
			column: next.kind === 'area' ? null : (next.columns?.[0]?.id ?? null),
		})
	}

	const textLabel = () =>
		t(
			draft().type === 'proposition'
				? 'contribution.field.textProposition'
				: draft().type === 'recommandation'
					? 'contribution.field.textRecommandation'
					: draft().type === 'engagement'
						? 'contribution.field.textEngagement'
						: 'contribution.field.text',
		)

	const submit = (event: SubmitEvent) => {
		event.preventDefault()
		if (draft().text.trim() === '') {
			setError(t('contribution.textRequired'))
			return
		}
		props.onSubmit(draft())
	}

	return (
		<form class="contribution-form stack" onSubmit={submit}>
			<Show when={props.allowPlaceChange}>
				<label>
					{t('contribution.field.zone')}
					<select value={draft().zone} onChange={(event) => placeZone(event.currentTarget.value)}>
						<For each={props.zones}>{(option) => <option value={option.id}>{label(option.label)}</option>}</For>
					</select>
				</label>
				<Show when={zone()?.kind === 'grid'}>
					<label>
						{t('contribution.field.row')}
						<select value={draft().row ?? ''} onChange={(event) => update({ row: event.currentTarget.value })}>
							<For each={zone()?.rows ?? []}>{(row) => <option value={row}>{themeLabel(row)}</option>}</For>
						</select>
					</label>
				</Show>
				<Show when={zone()?.kind !== 'area'}>
					<label>
						{t('contribution.field.column')}
						<select value={draft().column ?? ''} onChange={(event) => update({ column: event.currentTarget.value })}>
							<For each={zone()?.columns ?? []}>
								{(column) => <option value={column.id}>{label(column.label)}</option>}
							</For>
						</select>
					</label>
				</Show>
			</Show>
			<Show when={(zone()?.contributionTypes.length ?? 0) > 1 && props.allowPlaceChange}>
				<label>
					{t('contribution.field.type')}
					<select
						value={draft().type}
						onChange={(event) => update({ type: event.currentTarget.value as ContributionDraft['type'] })}
					>
						<For each={zone()?.contributionTypes ?? []}>
							{(type) => <option value={type}>{t(`contribution.type.${type}` as MessageKey)}</option>}
						</For>
					</select>
				</label>
			</Show>
			<Show when={detailsOf(draft().type).includes('title')}>
				<label>
					{t('contribution.field.title')}
					<input
						maxLength={200}
						value={draft().details.title ?? ''}
						onInput={(event) => setDetail('title', event.currentTarget.value)}
					/>
				</label>
			</Show>
			<label>
				{textLabel()}
				<textarea
					name="text"
					rows={4}
					maxLength={2000}
					required
					value={draft().text}
					onInput={(event) => {
						setError(null)
						update({ text: event.currentTarget.value })
					}}
				/>
			</label>
			<Show when={draft().type === 'engagement'}>
				<label>
					{t('contribution.field.who')}
					<input
						maxLength={200}
						value={draft().details.who ?? ''}
						onInput={(e) => setDetail('who', e.currentTarget.value)}
					/>
				</label>
				<label>
					{t('contribution.field.due')}
					<input
						maxLength={80}
						value={draft().details.due ?? ''}
						onInput={(e) => setDetail('due', e.currentTarget.value)}
					/>
				</label>
			</Show>
			<Show when={draft().type === 'proposition' || draft().type === 'recommandation'}>
				<details class="contribution-details">
					<summary>{t('contribution.details')}</summary>
					<label>
						{t('contribution.field.theme')}
						<select value={draft().details.theme ?? ''} onChange={(e) => setDetail('theme', e.currentTarget.value)}>
							<option value="">{t('contribution.none')}</option>
							<For each={props.themes}>{(theme) => <option value={theme.id}>{label(theme.label)}</option>}</For>
						</select>
					</label>
					<label>
						{t('contribution.field.target')}
						<select value={draft().details.target ?? ''} onChange={(e) => setDetail('target', e.currentTarget.value)}>
							<option value="">{t('contribution.none')}</option>
							<For each={contributionTargets}>
								{(target) => <option value={target}>{t(`contribution.target.${target}`)}</option>}
							</For>
						</select>
					</label>
					<label>
						{t('contribution.field.level')}
						<select value={draft().details.level ?? ''} onChange={(e) => setDetail('level', e.currentTarget.value)}>
							<option value="">{t('contribution.none')}</option>
							<For each={actionLevels}>
								{(level) => <option value={level}>{t(`contribution.level.${level}`)}</option>}
							</For>
						</select>
					</label>
					<For each={longFields}>
						{(field) => (
							<label>
								{t(`contribution.field.${field}` as MessageKey)}
								<textarea
									rows={2}
									maxLength={1000}
									value={draft().details[field] ?? ''}
									onInput={(event) => setDetail(field, event.currentTarget.value)}
								/>
							</label>
						)}
					</For>
				</details>
			</Show>
			<Show when={(props.paperPeople?.length ?? 0) > 0}>
				<label>
					{t('trail.writeFor')}
					<select
						value={draft().onBehalfOf ?? ''}
						onChange={(event) => update({ onBehalfOf: event.currentTarget.value || null })}
					>
						<option value="">{t('trail.writeForNobody')}</option>
						<For each={props.paperPeople}>
							{(person) => <option value={person.id}>{t('trail.writeForPaper', { name: person.name })}</option>}
						</For>
					</select>
				</label>
			</Show>
			<Show when={error()}>
				<p class="error" role="alert">
					{error()}
				</p>
			</Show>
			<div class="actions">
				<button type="submit" class="primary">
					{props.submitLabel}
				</button>
				<button type="button" onClick={() => props.onCancel()}>
					{t('contribution.cancel')}
				</button>
			</div>
		</form>
	)
}
