import { createSignal, For, Show } from 'solid-js'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { groupedIn, mergedInto } from '../../shared/concertation/contribution-rules.ts'
import { t } from '../i18n/i18n.ts'
import type { Outbox } from '../sync/outbox.ts'
import { queueGrouping, queueMerge, queueUnmerge, shortLabel } from './contribution-intents.ts'

/**
 * What the facilitator can do with one contribution: merge it into a duplicate of the same type,
 * undo merges made into it, and — for a recommendation — choose the proposals it groups. The
 * server checks each intent (SPEC K7, K8); the trail stays in the control document.
 */
export function FacilitationTools(props: {
	contribution: Contribution
	contributions: ReadonlyMap<string, Contribution>
	outbox: Outbox
}) {
	const c = () => props.contribution
	const all = () => [...props.contributions.values()]
	const duplicates = () => mergedInto(props.contributions, c().id)
	const candidates = () =>
		all().filter(
			(other) =>
				other.id !== c().id &&
				other.type === c().type &&
				other.mergedInto === null &&
				other.sources.length === 0 &&
				c().sources.length === 0,
		)
	const proposals = () =>
		all().filter(
			(other) =>
				other.type === 'proposition' &&
				other.mergedInto === null &&
				(groupedIn(props.contributions, other.id) ?? c().id) === c().id,
		)
	const [target, setTarget] = createSignal('')

	return (
		<section class="facilitation-tools" aria-label={t('facilitation.title')}>
			<h3>{t('facilitation.title')}</h3>
			<Show when={duplicates().length > 0}>
				<h4>{t('facilitation.mergedHere')}</h4>
				<ul class="trail">
					<For each={duplicates()}>
						{(duplicate) => (
							<li>
								<q>{shortLabel(duplicate)}</q>
								<button type="button" onClick={() => queueUnmerge(props.outbox, duplicate)}>
									{t('facilitation.unmerge')}
								</button>
							</li>
						)}
					</For>
				</ul>
			</Show>
			<Show when={c().mergedInto === null && candidates().length > 0}>
				<label>
					{t('facilitation.mergeInto')}
					<select value={target()} onChange={(event) => setTarget(event.currentTarget.value)}>
						<option value="">{t('contribution.none')}</option>
						<For each={candidates()}>{(other) => <option value={other.id}>{shortLabel(other)}</option>}</For>
					</select>
				</label>
				<button
					type="button"
					disabled={target() === ''}
					onClick={() => {
						const into = props.contributions.get(target())
						if (into) queueMerge(props.outbox, into, c())
						setTarget('')
					}}
				>
					{t('facilitation.merge')}
				</button>
			</Show>
			<Show when={c().mergedInto !== null}>
				<p class="help">{t('facilitation.isMerged')}</p>
				<button type="button" onClick={() => queueUnmerge(props.outbox, c())}>
					{t('facilitation.unmerge')}
				</button>
			</Show>
			<Show when={c().type === 'recommandation'}>
				<fieldset class="grouping">
					<legend>{t('facilitation.groups')}</legend>
					<For each={proposals()} fallback={<p class="help">{t('facilitation.noProposals')}</p>}>
						{(proposal) => (
							<label>
								<input
									type="checkbox"
									checked={c().sources.includes(proposal.id)}
									onChange={(event) => {
										const next = event.currentTarget.checked
											? [...c().sources, proposal.id]
											: c().sources.filter((id) => id !== proposal.id)
										queueGrouping(props.outbox, c(), next)
									}}
								/>
								{shortLabel(proposal)}
							</label>
						)}
					</For>
				</fieldset>
			</Show>
		</section>
	)
}
