import { createEffect, createSignal, on, Show } from 'solid-js'
import { currentPhase, timerRemaining } from '../../../shared/concertation/session.ts'
import { t } from '../../i18n/i18n.ts'
import type { ControlSync } from '../../sync/control-sync.ts'
import { formatCountdown, type ServerClock } from '../../sync/server-clock.ts'
import type { FacilitatorApi } from './facilitator-api.ts'

/** The shared countdown (F4): start, pause, resume, extend, stop. */
export function TimerSection(props: { api: FacilitatorApi; control: ControlSync; clock: ServerClock }) {
	const session = () => props.control.session()
	const phase = () => currentPhase(props.control.meta()?.agenda ?? [], session())
	const remaining = () => timerRemaining(session(), props.clock.now())
	const [minutes, setMinutes] = createSignal(10)
	createEffect(on(phase, (current) => current && setMinutes(current.minutes)))
	const busy = props.api.busy
	const timer = (body: Record<string, unknown>) => props.api.send('/timer', body)

	return (
		<section aria-labelledby="facilitate-timer">
			<h3 id="facilitate-timer">{t('facilitate.timer')}</h3>
			<p class="phase-timer" role="timer" aria-label={t('facilitate.timer')}>
				{remaining() === null ? '—' : remaining() === 0 ? t('timer.over') : formatCountdown(remaining() ?? 0)}
				{session().timerPausedMs !== null ? ` (${t('timer.paused')})` : ''}
			</p>
			<div class="actions">
				<label class="inline">
					{t('facilitate.minutes')}
					<input
						type="number"
						min="1"
						max="600"
						value={minutes()}
						onInput={(event) => setMinutes(Number(event.currentTarget.value) || 1)}
					/>
				</label>
				<button type="button" disabled={busy()} onClick={() => timer({ action: 'start', minutes: minutes() })}>
					{t('facilitate.timerStart')}
				</button>
				<Show
					when={session().timerPausedMs !== null}
					fallback={
						<button type="button" disabled={busy()} onClick={() => timer({ action: 'pause' })}>
							{t('facilitate.timerPause')}
						</button>
					}
				>
					<button type="button" disabled={busy()} onClick={() => timer({ action: 'resume' })}>
						{t('facilitate.timerResume')}
					</button>
				</Show>
				<button type="button" disabled={busy()} onClick={() => timer({ action: 'extend', minutes: 5 })}>
					{t('facilitate.timerExtend')}
				</button>
				<button type="button" disabled={busy()} onClick={() => timer({ action: 'stop' })}>
					{t('facilitate.timerStop')}
				</button>
			</div>
		</section>
	)
}
