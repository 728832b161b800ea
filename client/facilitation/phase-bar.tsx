import { Show } from 'solid-js'
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
	const remaining = () => timerRemaining(props.control.session(), props.clock.now())
	const paused = () => props.control.session().timerPausedMs !== null
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
			<Show when={remaining() !== null}>
				<span
					class="phase-timer"
					role="timer"
					aria-label={t('timer.label')}
					data-over={remaining() === 0 ? 'yes' : 'no'}
				>
					{remaining() === 0 ? t('timer.over') : formatCountdown(remaining() ?? 0)}
					{paused() ? ` (${t('timer.paused')})` : ''}
				</span>
			</Show>
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
