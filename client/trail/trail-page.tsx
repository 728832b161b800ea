import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js'
import type {
	ContributionFate,
	NationalFate,
	RecommendationFate,
} from '../../shared/consolidation/contribution-trail.ts'
import type { Support } from '../../shared/consolidation/model.ts'
import { ApiFailure, api, type PaperTrailView, type TrailView, type WorkshopView } from '../api.ts'
import { ConnectionIndicator } from '../components/connection-indicator.tsx'
import { CopyField } from '../components/copy-field.tsx'
import { LanguageSwitch } from '../components/language-switch.tsx'
import { QrCode } from '../components/qr-code.tsx'
import { SiteFooter } from '../components/site-footer.tsx'
import { explainFailure } from '../explain-failure.ts'
import { formatDate, label, language, t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'
import { reactiveCells } from '../reactive-cells.ts'
import { navigate } from '../router.ts'
import { SessionGate } from '../session/session-gate.tsx'
import type { WorkshopSession } from '../session/sessions.ts'
import { ControlSync } from '../sync/control-sync.ts'

/**
 * `/suivi/<id>`: what became of one's contributions (SPEC M1–M6) — each with its fate, the
 * recommendation it fed with that recommendation's support and consensus, and the national
 * recommendation a synthesis of this server made of it. Built by the server for its owner alone;
 * refreshed whenever the control document changes (a merge, a grouping, results revealed). The
 * facilitator opens it with `?papier=<participant id>` (or `?papier=table`) to print the sheet of
 * people taking part on paper. Solid and Yjs only, like the light view: no canvas code.
 */
export function TrailPage(props: { workshopId: string }) {
	return (
		<SessionGate workshopId={props.workshopId}>
			{(session, workshop) => <TrailView session={session} workshop={workshop} />}
		</SessionGate>
	)
}

type Shown = { kind: 'own' | 'paper'; view: TrailView } | { kind: 'table'; view: PaperTrailView }

function TrailView(props: { session: WorkshopSession; workshop: WorkshopView }) {
	const { session, workshop } = props
	const paper = new URLSearchParams(location.search).get('papier')
	const control = new ControlSync(workshop.id, session.token, reactiveCells)
	onCleanup(() => control.destroy())
	const load = async (): Promise<Shown> => {
		if (paper === 'table') return { kind: 'table', view: await api.paperTrail(workshop.id, session.token) }
		if (paper) return { kind: 'paper', view: await api.trail(workshop.id, session.token, paper) }
		return { kind: 'own', view: await api.trail(workshop.id, session.token, session.participantId) }
	}
	const [trail, { refetch }] = createResource(load)
	const [announce, setAnnounce] = createSignal('')

	// M6: a merge, a grouping or results revealed change the control document: ask again, once
	// the burst of changes is over, and say so to screen readers when something changed.
	let timer: ReturnType<typeof setTimeout> | undefined
	createEffect(
		on(
			() => [control.contributions(), control.results()],
			() => {
				clearTimeout(timer)
				timer = setTimeout(async () => {
					const before = JSON.stringify(trail.latest?.view.contributions ?? null)
					await refetch()
					if (JSON.stringify(trail.latest?.view.contributions ?? null) !== before) setAnnounce(t('trail.updated'))
				}, 400)
			},
			{ defer: true },
		),
	)
	const onVisible = () => document.visibilityState === 'visible' && refetch()
	document.addEventListener('visibilitychange', onVisible)
	onCleanup(() => {
		clearTimeout(timer)
		document.removeEventListener('visibilitychange', onVisible)
	})

	const personalLink = () => `${location.origin}/suivi/${workshop.id}#token=${session.token}`
	const back = session.role === 'facilitator' ? `/w/${workshop.id}` : `/p/${workshop.id}`

	return (
		<div class="trail-page">
			<header class="board-bar">
				<p class="board-title">{workshop.title}</p>
				<ConnectionIndicator link={control.link} />
				<nav class="board-actions" aria-label={t('trail.navigation')}>
					<a
						href={back}
						onClick={(event) => {
							event.preventDefault()
							navigate(back)
						}}
					>
						{session.role === 'facilitator' ? t('trail.backConsole') : t('trail.backWorkshop')}
					</a>
					<LanguageSwitch />
				</nav>
			</header>
			<main class="trail-main">
				<p class="visually-hidden" role="status" aria-live="polite">
					{announce()}
				</p>
				<Show when={trail.error}>
					<p class="error" role="alert">
						{trail.error instanceof ApiFailure && trail.error.code === 'not_your_trail'
							? t('trail.notYours')
							: explainFailure(trail.error)}
					</p>
				</Show>
				<Show when={trail.state === 'ready' || trail.state === 'refreshing' ? trail.latest : undefined} keyed>
					{(shown) => <TrailSheet shown={shown} />}
				</Show>
				<Show when={trail.loading && !trail.latest}>
					<p>{t('common.loading')}</p>
				</Show>
				<Show when={trail.latest?.kind === 'own'}>
					<p class="help trail-private">{t('trail.privateNote')}</p>
					<details class="trail-link">
						<summary>{t('trail.otherDevice')}</summary>
						<p class="help">{t('trail.otherDeviceHelp')}</p>
						<QrCode value={personalLink()} label={t('trail.otherDevice')} size={160} />
						<CopyField label={t('trail.personalLink')} value={personalLink()} />
					</details>
				</Show>
				<Show when={trail.latest && trail.latest.kind !== 'own'}>
					<p class="trail-print-actions">
						<button type="button" class="primary" onClick={() => window.print()}>
							{t('trail.print')}
						</button>
					</p>
				</Show>
			</main>
			<SiteFooter />
		</div>
	)
}

/** The sheet itself: what the screen shows and what the printer prints. */
function TrailSheet(props: { shown: Shown }) {
	const view = () => props.shown.view
	const heading = () => {
		const shown = props.shown
		if (shown.kind === 'own') return t('trail.title')
		if (shown.kind === 'paper') return t('trail.paperTitle', { name: shown.view.person.name })
		return t('trail.tableTitle')
	}
	const place = () =>
		[view().workshop.territory, formatDate(view().workshop.date)].filter((part): part is string => Boolean(part))
	const counts = () => {
		const by = (kinds: ContributionFate['fate'][]) =>
			view().contributions.filter((fate) => kinds.includes(fate.fate)).length
		return [
			{ count: by(['kept']), key: 'trail.count.kept' as const },
			{ count: by(['merged']), key: 'trail.count.merged' as const },
			{
				count: view().contributions.filter((fate) => fate.recommendation !== null).length,
				key: 'trail.count.grouped' as const,
			},
			{ count: by(['draft']), key: 'trail.count.draft' as const },
		].filter((item) => item.count > 0)
	}
	return (
		<article class="trail-sheet" aria-labelledby="trail-title">
			<h1 id="trail-title">{heading()}</h1>
			<p class="trail-workshop">{[view().workshop.title, ...place()].join(' · ')}</p>
			<p class="trail-intro">{props.shown.kind === 'own' ? t('trail.intro') : t('trail.introPaper')}</p>
			<Show when={props.shown.kind === 'table' && (props.shown.view as PaperTrailView)}>
				{(table) => (
					<p class="help">
						{t('trail.tablePeople', {
							names: table()
								.people.map((person) => person.name)
								.join(', '),
						})}
					</p>
				)}
			</Show>
			<Show
				when={view().contributions.length > 0}
				fallback={<p class="trail-empty">{props.shown.kind === 'own' ? t('trail.empty') : t('trail.emptyPaper')}</p>}
			>
				<p class="trail-summary">
					{t('trail.summary', { count: view().contributions.length })}{' '}
					{counts()
						.map((item) => t(item.key, { count: item.count }))
						.join(' · ')}
				</p>
				<ol class="trail-list">
					<For each={view().contributions}>{(fate) => <FateItem fate={fate} />}</For>
				</ol>
			</Show>
			<p class="trail-printed">
				{t('trail.printed', {
					date: new Date().toLocaleDateString(language() === 'fr' ? 'fr-FR' : 'en-GB', {
						day: 'numeric',
						month: 'long',
						year: 'numeric',
					}),
				})}
			</p>
		</article>
	)
}

const fateKeys: Record<ContributionFate['fate'], MessageKey> = {
	draft: 'trail.fate.draft',
	kept: 'trail.fate.kept',
	merged: 'trail.fate.merged',
	grouped: 'trail.fate.grouped',
	recommendation: 'trail.fate.recommendation',
	linked: 'trail.fate.linked',
}

function FateItem(props: { fate: ContributionFate }) {
	const contribution = () => props.fate.contribution
	const where = () =>
		[
			label(contribution().zone.label),
			contribution().column && label(contribution().column?.label ?? { fr: '', en: '' }),
		]
			.filter(Boolean)
			.join(', ')
	const quote = (text: string) => (language() === 'fr' ? `« ${text} »` : `“${text}”`)
	return (
		<li class="trail-item" data-fate={props.fate.fate}>
			<p class="trail-place">
				{t(`contribution.type.${contribution().type}` as MessageKey)} — {where()}
			</p>
			<h2 class="trail-text">{quote(contribution().title ?? contribution().text)}</h2>
			<Show when={contribution().title}>
				<p class="trail-detail">{contribution().text}</p>
			</Show>
			<p class={`fate fate-${props.fate.fate}`}>
				<strong>
					{t(
						props.fate.fate === 'merged' && props.fate.recommendation
							? 'trail.fate.mergedGrouped'
							: fateKeys[props.fate.fate],
					)}
				</strong>
			</p>
			<Show when={props.fate.mergedInto.length > 0}>
				<ul class="trail-merges">
					<For each={props.fate.mergedInto}>
						{(note) => (
							<li>
								{t('trail.mergedInto', { note: quote(note.title ?? note.text) })}
								<Show when={note.author ?? (note.college && label(note.college.label))}>
									{(who) => <span class="trail-who"> — {who()}</span>}
								</Show>
							</li>
						)}
					</For>
				</ul>
			</Show>
			<Show when={props.fate.proposal}>
				{(proposal) => (
					<p class="trail-support">
						{t('trail.proposalRank', { rank: proposal().rank, of: proposal().of })}{' '}
						<Show when={proposal().support}>{(support) => supportText(support())}</Show>
					</p>
				)}
			</Show>
			<Show when={props.fate.recommendation}>
				{(recommendation) => (
					<Recommendation recommendation={recommendation()} own={props.fate.fate === 'recommendation'} />
				)}
			</Show>
		</li>
	)
}

function Recommendation(props: { recommendation: RecommendationFate; own: boolean }) {
	const r = () => props.recommendation
	const quote = (text: string) => (language() === 'fr' ? `« ${text} »` : `“${text}”`)
	return (
		<section class="trail-recommendation" aria-label={t('trail.recommendation')}>
			<Show when={!props.own}>
				<h3>{t('trail.groupedInto', { title: quote(r().title ?? r().text) })}</h3>
			</Show>
			<p>{t('trail.recommendationRank', { rank: r().rank, of: r().of })}</p>
			<Show when={r().support} fallback={<p class="help">{t('trail.notPublished')}</p>}>
				{(support) => (
					<>
						<p class="trail-support">{supportText(support())}</p>
						<Show when={sidesText(support())}>{(sides) => <p class="trail-support">{sides()}</p>}</Show>
						<p class="trail-consensus">{consensusText(support())}</p>
					</>
				)}
			</Show>
			<For each={r().national}>{(national) => <National national={national} />}</For>
		</section>
	)
}

function National(props: { national: NationalFate }) {
	const n = () => props.national
	const quote = (text: string) => (language() === 'fr' ? `« ${text} »` : `“${text}”`)
	const measuredFlags = () =>
		(['consensuel', 'partage', 'clivant', 'insuffisant'] as const)
			.filter((flag) => n().consensus[flag] > 0)
			.map((flag) =>
				t('synthesis.consensusIn', { flag: t(`synthesis.flag.${flag}` as MessageKey), count: n().consensus[flag] }),
			)
	return (
		<div class="trail-national">
			<h3>{t('trail.national', { synthesis: quote(n().synthesis) })}</h3>
			<p>
				<strong>{quote(n().label)}</strong>
			</p>
			<Show when={n().text}>
				<p class="trail-detail">{n().text}</p>
			</Show>
			<p>
				{t('trail.retainedIn', { count: n().supportedIn, of: n().territories })}
				<Show when={n().share !== null}> · {t('trail.meanShare', { share: percent(n().share ?? 0) })}</Show>
			</p>
			<Show when={measuredFlags().length > 0}>
				<p>{measuredFlags().join(', ')}</p>
			</Show>
		</div>
	)
}

const percent = (share: number) =>
	new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(
		share,
	)

function supportText(support: Support): string {
	return t('trail.support', { supporters: support.supporters, voters: support.voters, dots: support.dots })
}

/** Per side only where the documents show it (V8: a side of fewer than 3 people is not shown alone). */
function sidesText(support: Support): string | null {
	const parts = (['associations', 'funders'] as const).flatMap((side) => {
		const shown = support.bySide[side]
		return shown ? [t(`trail.side.${side}` as MessageKey, { supporters: shown.supporters, voters: shown.voters })] : []
	})
	return parts.length > 0 ? parts.join(' · ') : null
}

function consensusText(support: Support): string {
	const { consensus } = support
	const flag = t(`results.flag.${consensus.flag}` as MessageKey)
	if (consensus.flag === 'non-mesure') return flag
	const { agree, unsure, disagree } = consensus.answers
	return `${flag} — ${t('trail.answers', { agree, unsure, disagree })}`
}
