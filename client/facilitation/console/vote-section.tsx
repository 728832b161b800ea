import { Show } from 'solid-js'
import { currentPhase } from '../../../shared/concertation/session.ts'
import { isAccepting } from '../../../shared/concertation/vote.ts'
import { t } from '../../i18n/i18n.ts'
import type { ControlSync } from '../../sync/control-sync.ts'
import { formatCountdown, type ServerClock } from '../../sync/server-clock.ts'
import type { FacilitatorApi } from './facilitator-api.ts'

/** The dot vote (V1–V9): its settings, then close, extend and reveal. */
export function VoteSection(props: {
	api: FacilitatorApi
	control: ControlSync
	clock: ServerClock
	onChange: () => void
}) {
	const vote = () => props.control.vote()
	const phase = () => currentPhase(props.control.meta()?.agenda ?? [], props.control.session())
	const busy = props.api.busy
	const openVote = async (event: SubmitEvent) => {
		event.preventDefault()
		const data = new FormData(event.currentTarget as HTMLFormElement)
		const duration = String(data.get('minutes') ?? '').trim()
		await props.api.send('/vote/open', {
			budget: Number(data.get('budget')),
			maxPerProposal: Number(data.get('maxPerProposal')),
			banOwn: data.get('banOwn') === 'on',
			anonymous: data.get('anonymous') === 'on',
			equalWeight: data.get('equalWeight') === 'on',
			minutes: duration === '' ? null : Number(duration),
		})
		props.onChange()
	}

	return (
		<section aria-labelledby="facilitate-vote">
			<h3 id="facilitate-vote">{t('facilitate.vote')}</h3>
			<Show when={phase()?.kind !== 'vote'}>
				<p class="help">{t('facilitate.votePhaseHint')}</p>
			</Show>
			<Show
				when={vote().status === 'open'}
				fallback={
					<form class="stack compact" onSubmit={openVote}>
						<label>
							{t('facilitate.budget')}
							<input name="budget" type="number" min="1" max="50" value="5" required />
						</label>
						<label>
							{t('facilitate.maxPer')}
							<input name="maxPerProposal" type="number" min="1" max="50" value="3" required />
						</label>
						<label class="inline">
							<input name="banOwn" type="checkbox" checked />
							{t('facilitate.banOwn')}
						</label>
						<label class="inline">
							<input name="anonymous" type="checkbox" checked />
							{t('facilitate.anonymous')}
						</label>
						<label class="inline">
							<input name="equalWeight" type="checkbox" />
							{t('facilitate.equalWeight')}
						</label>
						<label>
							{t('facilitate.voteMinutes')}
							<input name="minutes" type="number" min="1" max="600" value="10" />
						</label>
						<button type="submit" class="primary" disabled={busy()}>
							{t('facilitate.openVote')}
						</button>
					</form>
				}
			>
				<p role="timer">
					{vote().endsAt === null
						? ''
						: isAccepting(vote(), props.clock.now())
							? t('vote.endsIn', { time: formatCountdown(Date.parse(vote().endsAt ?? '') - props.clock.now()) })
							: t('vote.ended')}
				</p>
				<div class="actions">
					<button type="button" disabled={busy()} onClick={() => props.api.send('/vote/close')}>
						{t('facilitate.closeVote')}
					</button>
					<button type="button" disabled={busy()} onClick={() => props.api.send('/vote/extend', { minutes: 5 })}>
						{t('facilitate.extendVote')}
					</button>
				</div>
			</Show>
			<Show when={vote().status !== 'idle' && !vote().revealed}>
				<button type="button" class="primary" disabled={busy()} onClick={() => props.api.send('/vote/reveal')}>
					{t('facilitate.revealVote')}
				</button>
			</Show>
		</section>
	)
}
