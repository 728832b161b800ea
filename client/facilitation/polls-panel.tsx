import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { currentPhase } from '../../shared/concertation/session.ts'
import {
	type Allocation,
	ballotOrder,
	type ConsensusAnswer,
	consensusAnswers,
	isAccepting,
} from '../../shared/concertation/vote.ts'
import type { College } from '../../shared/template/template-schema.ts'
import { api } from '../api.ts'
import { label, t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'
import type { ControlSync } from '../sync/control-sync.ts'
import type { Outbox } from '../sync/outbox.ts'
import type { ServerClock } from '../sync/server-clock.ts'
import { ResultsChart } from './results-chart.tsx'

export interface PollsProps {
	workshopId: string
	token: string
	participantId: string
	role: 'facilitator' | 'participant' | 'observer'
	control: ControlSync
	clock: ServerClock
	outbox: Outbox
	/** Whether a proposal is this person's own (for the ban on voting for one's own). */
	isMine: (id: string) => boolean
	colleges: readonly College[]
}

/** Ballots wait this long after the last click, so a burst of clicks sends one allocation. */
const BALLOT_DEBOUNCE_MS = 400

/**
 * What a participant sees of the polls: the dot vote (proposals in an order of their own, V5),
 * the consensus check, and the results once revealed. Ballots and answers go through the outbox;
 * a ballot is the whole allocation, so the last one sent is what counts (V2).
 */
export function PollsPanel(props: PollsProps) {
	const vote = () => props.control.vote()
	const consensus = () => props.control.consensus()
	const phaseKind = () => currentPhase(props.control.meta()?.agenda ?? [], props.control.session())?.kind
	const contributions = () => props.control.contributions()
	const titleOf = (contribution: Contribution | undefined) =>
		contribution ? (contribution.title ?? contribution.text) : ''
	const collegeOf = (contribution: Contribution | undefined) => {
		const college = props.colleges.find((candidate) => candidate.id === contribution?.college)
		return college ? label(college.label) : t('contribution.facilitator')
	}

	// --- dot vote ---
	const [allocation, setAllocation] = createSignal<Allocation>({})
	const load = async (path: string) => {
		return api.workshopCall<Record<string, unknown>>(props.workshopId, props.token, path).catch(() => null)
	}
	createEffect(
		on(
			() => vote().openedAt,
			async () => {
				const mine = await load('/vote/mine')
				if (mine) setAllocation((mine.allocation as Allocation) ?? {})
			},
		),
	)
	let timer: ReturnType<typeof setTimeout> | undefined
	onCleanup(() => clearTimeout(timer))
	const budget = () => vote().settings?.budget ?? 0
	const spent = () => Object.values(allocation()).reduce((sum, dots) => sum + dots, 0)
	const canVote = () => props.role === 'participant' && phaseKind() === 'vote' && isAccepting(vote(), props.clock.now())
	const change = (id: string, delta: number) => {
		const current = allocation()[id] ?? 0
		const next = current + delta
		const max = vote().settings?.maxPerProposal ?? 0
		if (next < 0 || next > max || (delta > 0 && spent() >= budget())) return
		setAllocation({ ...allocation(), [id]: next })
		clearTimeout(timer)
		timer = setTimeout(() => {
			const body = { allocation: Object.fromEntries(Object.entries(allocation()).filter(([, dots]) => dots > 0)) }
			props.outbox.send({ method: 'POST', path: '/vote/ballot', body, summary: t('vote.title') })
		}, BALLOT_DEBOUNCE_MS)
	}
	const ordered = () => ballotOrder(vote().proposals, props.participantId)
	const left = () => (vote().endsAt === null ? null : Date.parse(vote().endsAt ?? '') - props.clock.now())

	// --- consensus check ---
	const [answers, setAnswers] = createSignal<Record<string, { answer: ConsensusAnswer; why: string | null }>>({})
	createEffect(
		on(
			() => consensus().openedAt,
			async () => {
				const mine = await load('/consensus/mine')
				if (mine) setAnswers((mine.answers as ReturnType<typeof answers>) ?? {})
			},
		),
	)
	const canAnswer = () =>
		props.role === 'participant' && phaseKind() === 'consensus-check' && isAccepting(consensus(), props.clock.now())
	const answer = (id: string, given: ConsensusAnswer, why: string | null) => {
		const next = { ...answers(), [id]: { answer: given, why } }
		setAnswers(next)
		props.outbox.send({
			method: 'POST',
			path: '/consensus/answer',
			body: { answers: { [id]: { answer: given, why } } },
			summary: t('consensus.title'),
		})
	}

	return (
		<div class="polls">
			<Show when={vote().status === 'open' && !vote().revealed}>
				<section class="poll" aria-label={t('vote.title')}>
					<h2>{t('vote.title')}</h2>
					<p class="help">
						{vote().settings?.anonymous ? t('vote.anonymous') : t('vote.named')}{' '}
						{t('vote.max', { count: vote().settings?.maxPerProposal ?? 0 })}
					</p>
					{/* The deadline itself is the phase bar's one countdown. */}
					<Show when={left() === 0}>
						<p class="poll-deadline">{t('vote.ended')}</p>
					</Show>
					<Show when={props.role === 'observer'}>
						<p class="help">{t('vote.observer')}</p>
					</Show>
					<Show when={props.role === 'participant' && phaseKind() !== 'vote'}>
						<p class="help">{t('vote.waitPhase')}</p>
					</Show>
					<Show when={props.role === 'participant'}>
						<p class="poll-budget" data-remaining={budget() - spent()}>
							{t('vote.remaining', { count: budget() - spent(), budget: budget() })}
						</p>
					</Show>
					<ol class="ballot">
						<For each={ordered()}>
							{(id) => {
								const contribution = () => contributions().get(id)
								const own = () => (vote().settings?.banOwn ?? false) && props.isMine(id)
								const dots = () => allocation()[id] ?? 0
								return (
									<li data-proposal={id}>
										<div class="ballot-text">
											<strong>{titleOf(contribution())}</strong>
											<span class="help">
												{collegeOf(contribution())}
												{own() ? ` · ${t('vote.own')}` : ''}
											</span>
										</div>
										<Show when={props.role === 'participant'}>
											<div class="ballot-dots">
												<button
													type="button"
													aria-label={t('vote.remove', { label: titleOf(contribution()) })}
													disabled={!canVote() || dots() === 0}
													onClick={() => change(id, -1)}
												>
													−
												</button>
												<span class="dots" aria-live="polite">
													{'●'.repeat(dots())}
													<span class="dots-count">{dots()}</span>
												</span>
												<button
													type="button"
													aria-label={t('vote.add', { label: titleOf(contribution()) })}
													disabled={
														!canVote() ||
														own() ||
														spent() >= budget() ||
														dots() >= (vote().settings?.maxPerProposal ?? 0)
													}
													onClick={() => change(id, 1)}
												>
													+
												</button>
											</div>
										</Show>
									</li>
								)
							}}
						</For>
					</ol>
				</section>
			</Show>
			<Show when={consensus().status === 'open' && !consensus().revealed}>
				<section class="poll" aria-label={t('consensus.title')}>
					<h2>{t('consensus.title')}</h2>
					<Show when={props.role === 'participant' && phaseKind() !== 'consensus-check'}>
						<p class="help">{t('consensus.notOpen')}</p>
					</Show>
					<ol class="ballot">
						<For each={consensus().proposals}>
							{(id) => {
								const contribution = () => contributions().get(id)
								const given = () => answers()[id]
								return (
									<li data-proposal={id}>
										<div class="ballot-text">
											<strong>{titleOf(contribution())}</strong>
										</div>
										<Show when={props.role === 'participant'}>
											<fieldset class="consensus-choice" disabled={!canAnswer()}>
												<legend class="visually-hidden">{titleOf(contribution())}</legend>
												<For each={consensusAnswers}>
													{(choice) => (
														<label>
															<input
																type="radio"
																name={`consensus-${id}`}
																checked={given()?.answer === choice}
																onChange={() => answer(id, choice, given()?.why ?? null)}
															/>
															{t(`consensus.${choice}` as MessageKey)}
														</label>
													)}
												</For>
												<input
													type="text"
													maxLength={200}
													placeholder={t('consensus.why')}
													aria-label={t('consensus.why')}
													value={given()?.why ?? ''}
													onChange={(event) => {
														const current = given()
														if (current) answer(id, current.answer, event.currentTarget.value.trim() || null)
													}}
												/>
											</fieldset>
										</Show>
									</li>
								)
							}}
						</For>
					</ol>
				</section>
			</Show>
			<Show when={props.control.results().tally}>
				{(tally) => (
					<section class="poll" aria-label={t('results.title')}>
						<h2>{t('results.title')}</h2>
						<ResultsChart
							tally={tally()}
							contributions={contributions()}
							colleges={props.colleges}
							caption={t('results.title')}
						/>
					</section>
				)}
			</Show>
		</div>
	)
}

export { pollsActive } from './polls-active.ts'
