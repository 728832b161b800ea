import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { currentPhase } from '../../../shared/concertation/session.ts'
import { label, t } from '../../i18n/i18n.ts'
import type { ControlSync } from '../../sync/control-sync.ts'
import type { FacilitatorApi } from './facilitator-api.ts'

/** The agenda: go to any phase, previous/next, the reveal of private writing (F1), who is done (F5). */
export function AgendaSection(props: { api: FacilitatorApi; control: ControlSync }) {
	const agenda = () => props.control.meta()?.agenda ?? []
	const session = () => props.control.session()
	const phase = () => currentPhase(agenda(), session())
	const participants = () =>
		[...props.control.participants().entries()].filter(([, entry]) => entry.role === 'participant')
	const busy = props.api.busy

	// Private writing: how many each college wrote, polled while the phase lasts (F1).
	const [privateCount, setPrivateCount] = createSignal(0)
	const [privateByCollege, setPrivateByCollege] = createSignal<Record<string, number>>({})
	const pollPrivate = async () => {
		const counts = await props.api.get<{ total: number; byCollege: Record<string, number> }>('/private-counts')
		if (counts) {
			setPrivateCount(counts.total)
			setPrivateByCollege(counts.byCollege)
		}
	}
	const poller = setInterval(() => {
		if (phase()?.kind === 'private-writing') void pollPrivate()
	}, 3000)
	onCleanup(() => clearInterval(poller))
	createEffect(
		on(
			() => session().phaseIndex,
			() => void pollPrivate(),
		),
	)
	const collegeName = (id: string) => {
		const college = props.control.meta()?.colleges.find((candidate) => candidate.id === id)
		return college ? label(college.label) : t('contribution.facilitator')
	}

	return (
		<section aria-labelledby="facilitate-phases">
			<h3 id="facilitate-phases">{t('facilitate.phases')}</h3>
			<ol class="live-agenda">
				<For each={agenda()}>
					{(item, index) => (
						<li data-current={index() === session().phaseIndex ? 'yes' : 'no'}>
							<span>{label(item.label)}</span>
							<button
								type="button"
								disabled={busy()}
								aria-current={index() === session().phaseIndex ? 'step' : undefined}
								aria-label={`${t('facilitate.go')} : ${label(item.label)}`}
								onClick={() => props.api.send('/phase', { index: index() })}
							>
								{index() === session().phaseIndex ? '●' : t('facilitate.go')}
							</button>
						</li>
					)}
				</For>
			</ol>
			<div class="actions">
				<button
					type="button"
					disabled={busy() || session().phaseIndex < 0}
					onClick={() => props.api.send('/phase', { index: session().phaseIndex - 1 })}
				>
					{t('facilitate.previous')}
				</button>
				<button
					type="button"
					class="primary"
					disabled={busy() || session().phaseIndex >= agenda().length - 1}
					onClick={() => props.api.send('/phase', { index: session().phaseIndex + 1 })}
				>
					{session().phaseIndex < 0 ? t('facilitate.start') : t('facilitate.next')}
				</button>
			</div>
			<Show when={privateCount() > 0 || phase()?.kind === 'private-writing'}>
				<p>
					{t('facilitate.privateCount', { count: privateCount() })}
					{Object.keys(privateByCollege()).length > 0
						? ` (${Object.entries(privateByCollege())
								.map(([college, count]) => `${collegeName(college)} : ${count}`)
								.join(', ')})`
						: ''}{' '}
					<button
						type="button"
						disabled={busy() || privateCount() === 0}
						onClick={() => props.api.send('/reveal').then(pollPrivate)}
					>
						{t('facilitate.reveal')}
					</button>
				</p>
			</Show>
			<p class="help">
				{(() => {
					const current = phase()
					const done = participants().filter(([id]) => current && session().done[id] === current.id)
					return done.length === 0
						? t('facilitate.nobodyDone')
						: `${t('phase.doneCount', { count: done.length, total: participants().length })} — ${t('facilitate.done', {
								names: done.map(([, entry]) => entry.name).join(', '),
							})}`
				})()}
			</p>
		</section>
	)
}
