import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { currentPhase, timerRemaining } from '../../shared/concertation/session.ts'
import type { Tally } from '../../shared/concertation/tally.ts'
import { isAccepting } from '../../shared/concertation/vote.ts'
import { label, t } from '../i18n/i18n.ts'
import { reactiveCells } from '../reactive-cells.ts'
import { ControlSync } from '../sync/control-sync.ts'
import { formatCountdown, ServerClock } from '../sync/server-clock.ts'
import { ResultsChart } from './results-chart.tsx'

/**
 * The facilitator's live controls, in the console: the agenda (phases), the shared timer, the
 * reveal of private writing, zone locks and "suivez-moi", who is done, the dot vote and the
 * consensus check with a private preview of the tally, and participants on paper. Each button is
 * an intent the server checks (docs/api.md §Facilitation, §Votes).
 */
export function FacilitatorPanel(props: { workshopId: string; token: string }) {
	const control = new ControlSync(props.workshopId, props.token, reactiveCells)
	const clock = new ServerClock(reactiveCells)
	onCleanup(() => {
		clock.destroy()
		control.destroy()
	})
	const [notice, setNotice] = createSignal<string | null>(null)
	const [busy, setBusy] = createSignal(false)

	const send = async (path: string, body: unknown = {}) => {
		setBusy(true)
		try {
			const response = await fetch(`/api/workshops/${props.workshopId}${path}`, {
				method: 'POST',
				headers: { authorization: `Bearer ${props.token}`, 'content-type': 'application/json' },
				body: JSON.stringify(body),
			})
			const json = (await response.json().catch(() => null)) as { error?: { message: string } } | null
			if (!response.ok) setNotice(t('common.error', { message: json?.error?.message ?? response.statusText }))
			else setNotice(null)
			return response.ok ? json : null
		} catch {
			setNotice(t('error.network'))
			return null
		} finally {
			setBusy(false)
		}
	}
	const get = async <T,>(path: string): Promise<T | null> => {
		const response = await fetch(`/api/workshops/${props.workshopId}${path}`, {
			headers: { authorization: `Bearer ${props.token}` },
		}).catch(() => null)
		return response?.ok ? ((await response.json()) as T) : null
	}

	const meta = () => control.meta()
	const agenda = () => meta()?.agenda ?? []
	const session = () => control.session()
	const phase = () => currentPhase(agenda(), session())
	const remaining = () => timerRemaining(session(), clock.now())
	const participants = () => [...control.participants().entries()].filter(([, entry]) => entry.role === 'participant')

	// Private writing: how many each college wrote, polled while the phase lasts (F1).
	const [privateCount, setPrivateCount] = createSignal(0)
	const [privateByCollege, setPrivateByCollege] = createSignal<Record<string, number>>({})
	const pollPrivate = async () => {
		const counts = await get<{ total: number; byCollege: Record<string, number> }>('/private-counts')
		if (counts) {
			setPrivateCount(counts.total)
			setPrivateByCollege(counts.byCollege)
		}
	}
	const collegeName = (id: string) => {
		const college = meta()?.colleges.find((candidate) => candidate.id === id)
		return college ? label(college.label) : t('contribution.facilitator')
	}
	// The tally before the reveal reaches the facilitator per request only (V4).
	const [preview, setPreview] = createSignal<Tally | null>(null)
	const pollTally = async () => setPreview(await get<Tally>('/vote/tally'))
	const poller = setInterval(() => {
		if (phase()?.kind === 'private-writing') void pollPrivate()
		if (control.vote().status !== 'idle' || control.consensus().status !== 'idle') void pollTally()
	}, 3000)
	onCleanup(() => clearInterval(poller))
	createEffect(
		on(
			() => session().phaseIndex,
			() => void pollPrivate(),
		),
	)

	const [minutes, setMinutes] = createSignal(10)
	createEffect(on(phase, (current) => current && setMinutes(current.minutes)))

	const form = (event: SubmitEvent) => new FormData(event.currentTarget as HTMLFormElement)
	const openVote = async (event: SubmitEvent) => {
		event.preventDefault()
		const data = form(event)
		const duration = String(data.get('minutes') ?? '').trim()
		await send('/vote/open', {
			budget: Number(data.get('budget')),
			maxPerProposal: Number(data.get('maxPerProposal')),
			banOwn: data.get('banOwn') === 'on',
			anonymous: data.get('anonymous') === 'on',
			equalWeight: data.get('equalWeight') === 'on',
			minutes: duration === '' ? null : Number(duration),
		})
		void pollTally()
	}
	const openConsensus = async (event: SubmitEvent) => {
		event.preventDefault()
		const data = form(event)
		const chosen = data.getAll('proposal').map(String)
		await send('/consensus/open', chosen.length > 0 ? { proposals: chosen } : { top: Number(data.get('top')) })
	}
	/** Proposals the consensus check can cover, the top of the vote first (pre-selected). */
	const checkable = () => {
		const ranked = (preview()?.proposals ?? []).filter((proposal) => proposal.dots > 0).map((proposal) => proposal.id)
		const all = [...control.contributions().values()]
			.filter((contribution) => contribution.type === 'proposition' && contribution.mergedInto === null)
			.map((contribution) => contribution.id)
		return [...ranked.filter((id) => all.includes(id)), ...all.filter((id) => !ranked.includes(id))].map(
			(id, index) => ({
				id,
				top: index < 5 && ranked.includes(id),
			}),
		)
	}
	const addPaper = async (event: SubmitEvent) => {
		event.preventDefault()
		const data = form(event)
		const added = await send('/participants/paper', {
			name: String(data.get('name')),
			college: String(data.get('college')),
		})
		if (added) (event.currentTarget as HTMLFormElement).reset()
	}
	const paperBallot = async (event: SubmitEvent, participantId: string) => {
		event.preventDefault()
		const data = form(event)
		const allocation: Record<string, number> = {}
		for (const id of control.vote().proposals) {
			const dots = Number(data.get(id) ?? 0)
			if (dots > 0) allocation[id] = dots
		}
		if (await send('/vote/ballot', { allocation, onBehalfOf: participantId })) setNotice(t('facilitate.saved'))
	}
	const titleOf = (id: string) => {
		const contribution = control.contributions().get(id)
		return contribution ? (contribution.title ?? contribution.text) : id
	}

	return (
		<section class="facilitator-panel" aria-label={t('facilitate.title')}>
			<h2>{t('facilitate.title')}</h2>
			<Show when={notice()}>
				<p class="notice" role="status">
					{notice()}
				</p>
			</Show>

			<h3>{t('facilitate.phases')}</h3>
			<ol class="live-agenda">
				<For each={agenda()}>
					{(item, index) => (
						<li data-current={index() === session().phaseIndex ? 'yes' : 'no'}>
							<span>{label(item.label)}</span>
							<button type="button" disabled={busy()} onClick={() => send('/phase', { index: index() })}>
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
					onClick={() => send('/phase', { index: session().phaseIndex - 1 })}
				>
					{t('facilitate.previous')}
				</button>
				<button
					type="button"
					class="primary"
					disabled={busy() || session().phaseIndex >= agenda().length - 1}
					onClick={() => send('/phase', { index: session().phaseIndex + 1 })}
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
						onClick={() => send('/reveal').then(pollPrivate)}
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

			<h3>{t('facilitate.timer')}</h3>
			<p class="phase-timer" role="timer">
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
				<button type="button" disabled={busy()} onClick={() => send('/timer', { action: 'start', minutes: minutes() })}>
					{t('facilitate.timerStart')}
				</button>
				<Show
					when={session().timerPausedMs !== null}
					fallback={
						<button type="button" disabled={busy()} onClick={() => send('/timer', { action: 'pause' })}>
							{t('facilitate.timerPause')}
						</button>
					}
				>
					<button type="button" disabled={busy()} onClick={() => send('/timer', { action: 'resume' })}>
						{t('facilitate.timerResume')}
					</button>
				</Show>
				<button type="button" disabled={busy()} onClick={() => send('/timer', { action: 'extend', minutes: 5 })}>
					{t('facilitate.timerExtend')}
				</button>
				<button type="button" disabled={busy()} onClick={() => send('/timer', { action: 'stop' })}>
					{t('facilitate.timerStop')}
				</button>
			</div>

			<h3>{t('facilitate.zones')}</h3>
			<ul class="zone-controls">
				<For each={meta()?.zones ?? []}>
					{(zone) => (
						<li>
							<label class="inline">
								<input
									type="checkbox"
									checked={session().lockedZones.includes(zone.id)}
									onChange={(event) => send(`/zones/${zone.id}/lock`, { locked: event.currentTarget.checked })}
								/>
								{label(zone.label)} — {t('facilitate.lock')}
							</label>
							<button type="button" disabled={busy()} onClick={() => send('/follow', { zone: zone.id })}>
								{t('facilitate.follow')}
							</button>
						</li>
					)}
				</For>
			</ul>

			<h3>{t('facilitate.vote')}</h3>
			<Show when={phase()?.kind !== 'vote'}>
				<p class="help">{t('facilitate.votePhaseHint')}</p>
			</Show>
			<Show
				when={control.vote().status === 'open'}
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
					{control.vote().endsAt === null
						? ''
						: isAccepting(control.vote(), clock.now())
							? t('vote.endsIn', { time: formatCountdown(Date.parse(control.vote().endsAt ?? '') - clock.now()) })
							: t('vote.ended')}
				</p>
				<div class="actions">
					<button type="button" disabled={busy()} onClick={() => send('/vote/close')}>
						{t('facilitate.closeVote')}
					</button>
					<button type="button" disabled={busy()} onClick={() => send('/vote/extend', { minutes: 5 })}>
						{t('facilitate.extendVote')}
					</button>
				</div>
			</Show>
			<Show when={control.vote().status !== 'idle' && !control.vote().revealed}>
				<button type="button" class="primary" disabled={busy()} onClick={() => send('/vote/reveal')}>
					{t('facilitate.revealVote')}
				</button>
			</Show>

			<h3>{t('facilitate.consensus')}</h3>
			<Show
				when={control.consensus().status === 'open'}
				fallback={
					<form class="stack compact" onSubmit={openConsensus}>
						<fieldset class="grouping">
							<legend>{t('facilitate.consensusChoose')}</legend>
							<For each={checkable()}>
								{(candidate) => (
									<label>
										<input type="checkbox" name="proposal" value={candidate.id} checked={candidate.top} />
										{titleOf(candidate.id)}
									</label>
								)}
							</For>
						</fieldset>
						<label>
							{t('facilitate.top')}
							<input name="top" type="number" min="1" max="100" value="5" required />
						</label>
						<button type="submit" disabled={busy()}>
							{t('facilitate.openConsensus')}
						</button>
					</form>
				}
			>
				<button type="button" disabled={busy()} onClick={() => send('/consensus/close')}>
					{t('facilitate.closeConsensus')}
				</button>
			</Show>
			<Show when={control.consensus().status !== 'idle' && !control.consensus().revealed}>
				<button type="button" class="primary" disabled={busy()} onClick={() => send('/consensus/reveal')}>
					{t('facilitate.revealConsensus')}
				</button>
			</Show>
			<Show when={preview()}>
				{(tally) => (
					<ResultsChart
						tally={tally()}
						contributions={control.contributions()}
						colleges={meta()?.colleges ?? []}
						caption={t('results.preview')}
					/>
				)}
			</Show>

			<h3>{t('facilitate.paper')}</h3>
			<form class="actions" onSubmit={addPaper}>
				<label class="inline">
					{t('facilitate.paperName')}
					<input name="name" required maxLength={80} />
				</label>
				<select name="college" aria-label={t('join.college')}>
					<For each={meta()?.colleges ?? []}>
						{(college) => <option value={college.id}>{label(college.label)}</option>}
					</For>
				</select>
				<button type="submit" disabled={busy()}>
					{t('facilitate.paperAdd')}
				</button>
			</form>
			<Show when={control.vote().status === 'open'}>
				<For each={participants().filter(([, entry]) => entry.paper)}>
					{([id, entry]) => (
						<form class="paper-ballot stack compact" onSubmit={(event) => paperBallot(event, id)}>
							<h4>{t('facilitate.paperBallot', { name: entry.name })}</h4>
							<For each={control.vote().proposals}>
								{(proposal) => (
									<label class="inline">
										<input
											name={proposal}
											type="number"
											min="0"
											max={control.vote().settings?.maxPerProposal ?? 0}
											value="0"
										/>
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
