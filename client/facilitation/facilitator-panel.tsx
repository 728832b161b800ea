import { createSignal, onCleanup, Show } from 'solid-js'
import type { Tally } from '../../shared/concertation/tally.ts'
import { t } from '../i18n/i18n.ts'
import { reactiveCells } from '../reactive-cells.ts'
import { ControlSync } from '../sync/control-sync.ts'
import { ServerClock } from '../sync/server-clock.ts'
import { AgendaSection } from './console/agenda-section.tsx'
import { ConsensusSection } from './console/consensus-section.tsx'
import { facilitatorApi } from './console/facilitator-api.ts'
import { PaperSection } from './console/paper-section.tsx'
import { TimerSection } from './console/timer-section.tsx'
import { VoteSection } from './console/vote-section.tsx'
import { ZonesSection } from './console/zones-section.tsx'
import { ResultsChart } from './results-chart.tsx'
import { TrailSection } from '../trail/trail-section.tsx'

/**
 * The facilitator's live controls, in the console: one section per concern (agenda, timer,
 * zones, vote, consensus check, paper participants) around one API helper, and the private
 * preview of the tally. Each button is an intent the server checks (docs/api.md §Facilitation,
 * §Votes).
 */
export function FacilitatorPanel(props: { workshopId: string; token: string }) {
	const control = new ControlSync(props.workshopId, props.token, reactiveCells)
	const clock = new ServerClock(reactiveCells)
	const api = facilitatorApi(props.workshopId, props.token)
	onCleanup(() => {
		clock.destroy()
		control.destroy()
	})

	// The tally before the reveal reaches the facilitator per request only (V4).
	const [preview, setPreview] = createSignal<Tally | null>(null)
	const pollTally = async () => setPreview(await api.get<Tally>('/vote/tally'))
	const poller = setInterval(() => {
		if (control.vote().status !== 'idle' || control.consensus().status !== 'idle') void pollTally()
	}, 3000)
	onCleanup(() => clearInterval(poller))
	void pollTally()

	return (
		<section class="facilitator-panel" aria-label={t('facilitate.title')}>
			<h2>{t('facilitate.title')}</h2>
			<Show when={api.notice()}>
				<p class="notice" role="status">
					{api.notice()}
				</p>
			</Show>
			<AgendaSection api={api} control={control} />
			<TimerSection api={api} control={control} clock={clock} />
			<ZonesSection api={api} control={control} />
			<VoteSection api={api} control={control} clock={clock} onChange={() => void pollTally()} />
			<ConsensusSection api={api} control={control} preview={preview()} />
			<Show when={preview()}>
				{(tally) => (
					<ResultsChart
						tally={tally()}
						contributions={control.contributions()}
						colleges={control.meta()?.colleges ?? []}
						caption={t('results.preview')}
					/>
				)}
			</Show>
			<PaperSection api={api} control={control} />
			<TrailSection workshopId={props.workshopId} control={control} />
		</section>
	)
}
