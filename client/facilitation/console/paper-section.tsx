import { For, Show } from 'solid-js'
import { label, t } from '../../i18n/i18n.ts'
import type { ControlSync } from '../../sync/control-sync.ts'
import type { FacilitatorApi } from './facilitator-api.ts'

/** Participants taking part on paper: added by the facilitator, who records their ballots (V1). */
export function PaperSection(props: { api: FacilitatorApi; control: ControlSync }) {
	const vote = () => props.control.vote()
	const busy = props.api.busy
	const paper = () => [...props.control.participants().entries()].filter(([, entry]) => entry.paper)
	const titleOf = (id: string) => {
		const contribution = props.control.contributions().get(id)
		return contribution ? (contribution.title ?? contribution.text) : id
	}
	const add = async (event: SubmitEvent) => {
		event.preventDefault()
		const form = event.currentTarget as HTMLFormElement
		const data = new FormData(form)
		const added = await props.api.send('/participants/paper', {
			name: String(data.get('name')),
			college: String(data.get('college')),
		})
		if (added) form.reset()
	}
	const ballot = async (event: SubmitEvent, participantId: string) => {
		event.preventDefault()
		const data = new FormData(event.currentTarget as HTMLFormElement)
		const allocation: Record<string, number> = {}
		for (const id of vote().proposals) {
			const dots = Number(data.get(id) ?? 0)
			if (dots > 0) allocation[id] = dots
		}
		if (await props.api.send('/vote/ballot', { allocation, onBehalfOf: participantId }))
			props.api.say(t('facilitate.saved'))
	}

	return (
		<section aria-labelledby="facilitate-paper">
			<h3 id="facilitate-paper">{t('facilitate.paper')}</h3>
			<form class="actions" onSubmit={add}>
				<label class="inline">
					{t('facilitate.paperName')}
					<input name="name" required maxLength={80} />
				</label>
				<select name="college" aria-label={t('join.college')}>
					<For each={props.control.meta()?.colleges ?? []}>
						{(college) => <option value={college.id}>{label(college.label)}</option>}
					</For>
				</select>
				<button type="submit" disabled={busy()}>
					{t('facilitate.paperAdd')}
				</button>
			</form>
			<Show when={vote().status === 'open'}>
				<For each={paper()}>
					{([id, entry]) => (
						<form class="paper-ballot stack compact" onSubmit={(event) => ballot(event, id)}>
							<h4>{t('facilitate.paperBallot', { name: entry.name })}</h4>
							<For each={vote().proposals}>
								{(proposal) => (
									<label class="inline">
										<input name={proposal} type="number" min="0" max={vote().settings?.maxPerProposal ?? 0} value="0" />
										{titleOf(proposal)}
									</label>
								)}
							</For>
							<button type="submit" disabled={busy()}>
								{t('facilitate.paperSave')}
							</button>
						</form>
					)}
				</For>
			</Show>
		</section>
	)
}
