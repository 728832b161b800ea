import { For, Show } from 'solid-js'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import type { ProposalTally, Tally, TallyGroup } from '../../shared/concertation/tally.ts'
import type { College } from '../../shared/template/template-schema.ts'
import { label, t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'

const POOL_COLOR = '#868e96'

/**
 * The support of each proposal per college as stacked bars (widths from the dots, one colour per
 * college; pooled colleges in grey), with the equal-weight share and the cross-college consensus
 * flag. Every figure is also written out, so the chart reads without colour.
 */
export function ResultsChart(props: {
	tally: Tally
	contributions: ReadonlyMap<string, Contribution>
	colleges: readonly College[]
	caption: string
}) {
	const max = () => Math.max(1, ...props.tally.proposals.map((proposal) => proposal.dots))
	const groupName = (group: TallyGroup) => {
		if (group.kind === 'college') {
			const college = props.colleges.find((candidate) => candidate.id === group.college)
			return college ? label(college.label) : t('contribution.facilitator')
		}
		if (group.kind === 'side') return t(`results.side.${group.side ?? 'other'}` as MessageKey)
		return t('results.others')
	}
	const groupColor = (group: TallyGroup) =>
		group.kind === 'college'
			? (props.colleges.find((candidate) => candidate.id === group.college)?.color ?? POOL_COLOR)
			: POOL_COLOR
	const title = (id: string) => {
		const contribution = props.contributions.get(id)
		return contribution ? (contribution.title ?? contribution.text) : id
	}
	return (
		<figure class="results-chart">
			<figcaption>
				{props.caption} — {t('results.voters', { count: props.tally.voters, proxy: props.tally.proxyVoters })}
				{props.tally.equalWeight ? ` — ${t('results.rankedByWeight')}` : ''}
			</figcaption>
			{/* What "by side" measures, once for the chart (each proposal says on which basis). */}
			<For each={(['vote', 'consensus-check'] as const).filter((basis) => sideBasis(props.tally, basis))}>
				{(basis) => <p class="help">{t(basis === 'vote' ? 'results.basis.vote' : 'results.basis.check')}</p>}
			</For>
			<ul class="results-legend">
				<For each={props.tally.groups}>
					{(group) => (
						<li>
							<span class="swatch" aria-hidden="true" style={{ background: groupColor(group) }} />
							{groupName(group)} ({group.voters})
						</li>
					)}
				</For>
			</ul>
			<ol class="results-list">
				<For each={props.tally.proposals}>
					{(proposal) => (
						<li data-proposal={proposal.id}>
							<div class="results-head">
								<strong>{title(proposal.id)}</strong>
								<span class={`flag flag-${proposal.consensus.flag}`}>
									{t(`results.flag.${proposal.consensus.flag}` as MessageKey)}
								</span>
							</div>
							<div class="bar" role="img" aria-label={t('results.dots', { count: proposal.dots })}>
								<For each={props.tally.groups}>
									{(group) => (
										<span
											class="bar-part"
											title={`${groupName(group)} : ${proposal.byGroup[group.id] ?? 0}`}
											style={{
												width: `${((proposal.byGroup[group.id] ?? 0) / max()) * 100}%`,
												background: groupColor(group),
											}}
										/>
									)}
								</For>
							</div>
							<p class="results-figures">
								{t('results.dots', { count: proposal.dots })}
								{/* The equal-weight share only when the vote asked for it (V7). */}
								{props.tally.equalWeight
									? ` · ${t('results.weighted', { percent: Math.round(proposal.weightedShare * 100) })}`
									: ''}
								{/* No trailing separator when no group gave a dot. */}
								{props.tally.groups.some((group) => (proposal.byGroup[group.id] ?? 0) > 0) ? ' · ' : ''}
								<For each={props.tally.groups.filter((group) => (proposal.byGroup[group.id] ?? 0) > 0)}>
									{(group, index) => (
										<>
											{index() > 0 ? ', ' : ''}
											{groupName(group)} {proposal.byGroup[group.id]}
										</>
									)}
								</For>
							</p>
							{/* Each side's measure whenever both sides have enough people for one (V8–V9). */}
							<Show when={sideShares(proposal)}>
								{(shares) => (
									<p class="results-figures results-sides">
										{t('results.sides', {
											associations: percent(shares().associations),
											funders: percent(shares().funders),
										})}
									</p>
								)}
							</Show>
							<Show when={proposal.answers.agree + proposal.answers.disagree + proposal.answers.unsure > 0}>
								<p class="results-figures">{t('results.answers', proposal.answers)}</p>
							</Show>
							<Show when={proposal.reasons.length > 0}>
								<details class="trail">
									<summary>{t('results.reasons')}</summary>
									<ul>
										<For each={proposal.reasons}>{(reason) => <li>{reason}</li>}</For>
									</ul>
								</details>
							</Show>
						</li>
					)}
				</For>
			</ol>
		</figure>
	)
}

const percent = (share: number | null) => Math.round((share ?? 0) * 100)

/**
 * Each side's measure of a proposal, when both sides may be shown (V8): the share of "d'accord"
 * among the side's respondents once the proposal went through the consensus check (V10), else
 * the share of the side's voters who supported it.
 */
function sideShares(
	proposal: ProposalTally,
): { basis: 'vote' | 'consensus-check'; associations: number; funders: number } | null {
	if (proposal.consensus.flag !== 'non-mesure') {
		const { associations, funders } = proposal.sides
		return associations !== null && funders !== null ? { basis: 'consensus-check', associations, funders } : null
	}
	const { associations, funders } = proposal.support
	if (!associations || !funders || associations.voters === 0 || funders.voters === 0) return null
	return {
		basis: 'vote',
		associations: associations.supporters / associations.voters,
		funders: funders.supporters / funders.voters,
	}
}

const sideBasis = (tally: Tally, basis: 'vote' | 'consensus-check') =>
	tally.proposals.some((proposal) => sideShares(proposal)?.basis === basis)
