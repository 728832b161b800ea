import { createMemo, createSignal, For, Show } from 'solid-js'
import { consensusDefault, votableProposals } from '../../../shared/concertation/offers.ts'
import type { Tally } from '../../../shared/concertation/tally.ts'
import { t } from '../../i18n/i18n.ts'
import type { ControlSync } from '../../sync/control-sync.ts'
import type { FacilitatorApi } from './facilitator-api.ts'

/**
 * The consensus check: which proposals it covers — by default the number asked for from the top
 * of the vote (the same default the server applies), changed by ticking — then close and reveal.
 */
export function ConsensusSection(props: { api: FacilitatorApi; control: ControlSync; preview: Tally | null }) {
	const consensus = () => props.control.consensus()
	const busy = props.api.busy
	const [top, setTop] = createSignal(5)
	/** Ticked by hand; null while the default (the top N) stands. */
	const [chosen, setChosen] = createSignal<ReadonlySet<string> | null>(null)
	const ranked = () =>
		(props.preview?.proposals ?? []).filter((proposal) => proposal.dots > 0).map((proposal) => proposal.id)
	const votable = createMemo(() => votableProposals(props.control.contributions()))
	const defaults = () => new Set(consensusDefault(ranked(), votable(), top()))
	const selected = () => chosen() ?? defaults()
	/** The top of the vote first, then the other proposals. */
	const candidates = () => [
		...ranked().filter((id) => votable().includes(id)),
		...votable().filter((id) => !ranked().includes(id)),
	]
	const titleOf = (id: string) => {
		const contribution = props.control.contributions().get(id)
		return contribution ? (contribution.title ?? contribution.text) : id
	}
	const toggle = (id: string, on: boolean) => {
		const next = new Set(selected())
		if (on) next.add(id)
		else next.delete(id)
		setChosen(next)
	}
	const open = async (event: SubmitEvent) => {
		event.preventDefault()
		const proposals = candidates().filter((id) => selected().has(id))
		const opened = await props.api.send('/consensus/open', chosen() ? { proposals } : { top: top() })
		if (opened) setChosen(null)
	}

	return (
		<section aria-labelledby="facilitate-consensus">
			<h3 id="facilitate-consensus">{t('facilitate.consensus')}</h3>
			<Show
				when={consensus().status === 'open'}
				fallback={
					<form class="stack compact" onSubmit={open}>
						<label>
							{t('facilitate.top')}
							<input
								name="top"
								type="number"
								min="1"
								max="100"
								value={top()}
								required
								onInput={(event) => {
									setTop(Math.max(1, Number(event.currentTarget.value) || 1))
									setChosen(null)
								}}
							/>
						</label>
						<fieldset class="grouping">
							<legend>{t('facilitate.consensusChoose')}</legend>
							<For each={candidates()}>
								{(id) => (
									<label>
										<input
											type="checkbox"
											name="proposal"
											value={id}
											checked={selected().has(id)}
											onChange={(event) => toggle(id, event.currentTarget.checked)}
										/>
										{titleOf(id)}
									</label>
								)}
							</For>
						</fieldset>
						<button type="submit" disabled={busy() || selected().size === 0}>
							{t('facilitate.openConsensus', { count: selected().size })}
						</button>
					</form>
				}
			>
				<button type="button" disabled={busy()} onClick={() => props.api.send('/consensus/close')}>
					{t('facilitate.closeConsensus')}
				</button>
			</Show>
			<Show when={consensus().status !== 'idle' && !consensus().revealed}>
				<button type="button" class="primary" disabled={busy()} onClick={() => props.api.send('/consensus/reveal')}>
					{t('facilitate.revealConsensus')}
				</button>
			</Show>
		</section>
	)
}
