import { createMemo, Show } from 'solid-js'
import { currentPhase, phaseRules, timerRemaining } from '../../shared/concertation/session.ts'
import type { TemplatePhase } from '../../shared/template/template-schema.ts'
import { label, t } from '../i18n/i18n.ts'
import type { ControlSync } from '../sync/control-sync.ts'
import type { Outbox } from '../sync/outbox.ts'
import { formatCountdown, type ServerClock } from '../sync/server-clock.ts'

/**
 * The current phase, the shared countdown (server time) and, for participants, "j'ai fini". The
 * same bar heads the board and the light view.
 */
export function PhaseBar(props: {
	control: ControlSync
	clock: ServerClock
	agenda: readonly TemplatePhase[]
	role: 'facilitator' | 'participant' | 'observer'
	participantId: string
	outbox: Outbox
}) {
	const phase = () => currentPhase(props.control.meta()?.agenda ?? props.agenda, props.control.session())
	/**
	 * One countdown in view, with what it counts down to: an open poll's deadline first, else the
	 * phase's timer — unless that timer ran out before this phase began (it belongs to another).
	 */
	const countdown = (): { label: string; remaining: number; paused: boolean } | null => {
		const now = props.clock.now()
		const polls = [
			[props.control.vote(), t('timer.vote')],
			[props.control.consensus(), t('timer.consensus')],
		] as const
		for (const [poll, label] of polls) {
			if (poll.status === 'open' && poll.endsAt !== null) {
				return { label, remaining: Math.max(0, Date.parse(poll.endsAt) - now), paused: false }
			}
		}
		const session = props.control.session()
		const remaining = timerRemaining(session, now)
		if (remaining === null) return null
		const stale =
			session.timerPausedMs === null &&
			session.timerEndsAt !== null &&
			session.phaseStartedAt !== null &&
			session.phaseStartedAt >= session.timerEndsAt
		return stale ? null : { label: t('timer.phase'), remaining, paused: session.timerPausedMs !== null }
	}
	/**
	 * What a screen reader hears of the countdown: not every second (the visible timer is not a
	 * live region), only when it starts or is extended, at 5 and 1 minutes, and when time is up.
	 */
	const spoken = createMemo(() => {
		const current = countdown()
		if (!current) return ''
		if (current.remaining === 0) return t('timer.over')
		const minutes = Math.ceil(current.remaining / 60_000)
		const step = minutes <= 1 ? 1 : minutes <= 5 ? 5 : 10 * Math.ceil(minutes / 10)
		return `${current.label} ${t('timer.spoken', { count: step })}${current.paused ? ` (${t('timer.paused')})` : ''}`
	})
	const done = () => {
		const current = phase()
		return current !== null && props.control.session().done[props.participantId] === current.id
	}
	const rules = () => phaseRules(phase())
	return (
		<section class="phase-bar" aria-live="polite" data-phase={phase()?.id ?? 'none'}>
			<span class="phase-name">
				{phase() ? t('phase.current', { label: label(phase()?.label ?? { fr: '', en: '' }) }) : t('phase.notStarted')}
			</span>
			<Show when={countdown()}>
				{(current) => (
					<span
						class="phase-timer"
						role="timer"
						aria-live="off"
						aria-label={current().label}
						data-over={current().remaining === 0 ? 'yes' : 'no'}
					>
						{current().remaining === 0 ? t('timer.over') : `${current().label} ${formatCountdown(current().remaining)}`}
						{current().paused ? ` (${t('timer.paused')})` : ''}
					</span>
				)}
			</Show>
			<span class="visually-hidden" data-timer-spoken>
				{spoken()}
			</span>
			<Show when={props.role === 'participant' && phase()}>
				<button
					type="button"
					class={done() ? 'done-button is-done' : 'done-button'}
					aria-pressed={done()}
					onClick={() =>
						props.outbox.send({ method: 'POST', path: '/done', body: { done: !done() }, summary: t('phase.done') })
					}
				>
					{done() ? `✓ ${t('phase.done')}` : t('phase.done')}
				</button>
			</Show>
			<Show when={rules().privateWriting}>
				<p class="phase-note">{t('phase.private')}</p>
			</Show>
			<Show when={rules().proposalsFrozen}>
				<p class="phase-note">{t('phase.frozen')}</p>
			</Show>
		</section>
	)
}
