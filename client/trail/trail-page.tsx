import { createSignal, For, onCleanup, Show } from 'solid-js'
import type {
	ContributionFate,
	NationalFate,
	RecommendationFate,
} from '../../shared/consolidation/contribution-trail.ts'
import type { Support } from '../../shared/consolidation/model.ts'
import { ApiFailure, type WorkshopView } from '../api.ts'
import { CopyField } from '../components/copy-field.tsx'
import { LanguageSwitch } from '../components/language-switch.tsx'
import { QrCode } from '../components/qr-code.tsx'
import { SiteFooter } from '../components/site-footer.tsx'
import { explainFailure } from '../explain-failure.ts'
import { formatDate, label, language, t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'
import { navigate } from '../router.ts'
import type { WorkshopSession } from '../session/sessions.ts'
import { type PaperTrailView, type TrailView, trailApi } from './trail-api.ts'
import { type TrailMessageKey, tt } from './trail-messages.ts'
import { st, type SynthesisMessageKey } from '../i18n/synthesis-messages.ts'

/**
 * How often the page asks again while it is shown (M6): every 4 s, then less often while nothing
 * changes (×1.5 each time, at most every 15 s) — a workshop that ended is not reloaded from storage
 * every few seconds for a page left open — and at once when the page is shown again.
 */
const REFRESH_MS = 4000
const REFRESH_MAX_MS = 15_000

type Shown = { kind: 'own' | 'paper'; view: TrailView } | { kind: 'table'; view: PaperTrailView }

/**
 * `/suivi/<id>`: what became of one's contributions (SPEC M1–M6) — each with its fate, the
 * recommendation it fed with that recommendation's support and consensus, and the national
 * recommendation a synthesis of this server made of it. Built by the server for its owner alone;
 * asked again every few seconds while shown (a merge, a grouping, a reveal, a synthesis). The
 * facilitator opens it with `?papier=<participant id>` (or `?papier=table`) to print the sheet of
 * people taking part on paper. Solid only, lighter than the light view: no Yjs, no canvas code.
 * The app's shell opens the personal session (`SessionGate`) before this chunk loads.
 */
export function TrailPage(props: { session: WorkshopSession; workshop: WorkshopView }) {
	const { session, workshop } = props
	const paper = new URLSearchParams(location.search).get('papier')
	const load = async (): Promise<Shown> => {
		if (paper === 'table') return { kind: 'table', view: await trailApi.paperTrail(workshop.id, session.token) }
		if (paper) return { kind: 'paper', view: await trailApi.trail(workshop.id, session.token, paper) }
		return { kind: 'own', view: await trailApi.trail(workshop.id, session.token, session.participantId) }
	}
	const [shown, setShown] = createSignal<Shown | null>(null)
	const [failure, setFailure] = createSignal<unknown>(null)
	const [announce, setAnnounce] = createSignal('')

	// M6: asked again while the page is shown (an unchanged answer is a 304 from the browser's
	// cache), so a merge, a grouping, a reveal or a national synthesis shows without a reload and
	// without loading Yjs on the phone. A changed fate is announced.
	let timer: ReturnType<typeof setTimeout> | undefined
	let interval = REFRESH_MS
	let stopped = false
	let asking = false
	const refresh = async () => {
		clearTimeout(timer)
		if (asking) return
		asking = true
		try {
			const next = await load()
			const before = shown()
			const changed = before !== null && JSON.stringify(before.view) !== JSON.stringify(next.view)
			interval = changed ? REFRESH_MS : Math.min(REFRESH_MAX_MS, interval * 1.5)
			if (changed && JSON.stringify(before.view.contributions) !== JSON.stringify(next.view.contributions))
				setAnnounce(tt('updated'))
			// Drawn again only when it changed: nothing moves under a reader's eyes every few seconds.
			if (before === null || changed) setShown(next)
			setFailure(null)
		} catch (error) {
			// Refused for good (not theirs, unknown workshop): said once, not asked again.
			setFailure(error)
			if (error instanceof ApiFailure && error.status >= 400 && error.status < 500) return
		} finally {
			asking = false
		}
		if (!stopped && document.visibilityState === 'visible') timer = setTimeout(refresh, interval)
	}
	void refresh()
	const onVisible = () => {
		if (document.visibilityState !== 'visible') return
		interval = REFRESH_MS
		void refresh()
	}
	document.addEventListener('visibilitychange', onVisible)
	onCleanup(() => {
		stopped = true
		clearTimeout(timer)
		document.removeEventListener('visibilitychange', onVisible)
	})

	const personalLink = () => `${location.origin}/suivi/${workshop.id}#token=${session.token}`
	const back = session.role === 'facilitator' ? `/w/${workshop.id}` : `/p/${workshop.id}`

	return (
		<div class="trail-page">
			<header class="board-bar">
				<p class="board-title">{workshop.title}</p>
				<nav class="board-actions" aria-label={tt('navigation')}>
					<a
						href={back}
						onClick={(event) => {
							event.preventDefault()
							navigate(back)
						}}
					>
						{session.role === 'facilitator' ? tt('backConsole') : tt('backWorkshop')}
					</a>
					<LanguageSwitch />
				</nav>
			</header>
			<main class="trail-main">
				<p class="visually-hidden" role="status" aria-live="polite">
					{announce()}
				</p>
				<Show when={failure()}>
					{(error) => (
						<p class={shown() ? 'help' : 'error'} role={shown() ? undefined : 'alert'}>
							{error() instanceof ApiFailure && (error() as ApiFailure).code === 'not_your_trail'
								? tt('notYours')
								: explainFailure(error())}
						</p>
					)}
				</Show>
				<Show when={shown()} keyed fallback={<Show when={!failure()}>{<p>{t('common.loading')}</p>}</Show>}>
					{(current) => <TrailSheet shown={current} />}
				</Show>
				<Show when={shown()?.kind === 'own'}>
					<p class="help trail-private">
						{session.role === 'facilitator' ? tt('privateNoteFacilitator') : tt('privateNote')}
					</p>
				</Show>
				{/* Not for the facilitator: their token opens the console, and this page may be on the projector. */}
				<Show when={shown()?.kind === 'own' && session.role !== 'facilitator'}>
					<details class="trail-link">
						<summary>{tt('otherDevice')}</summary>
						<p class="help">{tt('otherDeviceHelp')}</p>
						<QrCode value={personalLink()} label={tt('otherDevice')} size={160} />
						<CopyField label={tt('personalLink')} value={personalLink()} />
					</details>
				</Show>
				<Show when={shown() && shown()?.kind !== 'own'}>
					<p class="trail-print-actions">
						<button type="button" class="primary" onClick={() => window.print()}>
							{tt('print')}
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
		if (shown.kind === 'own') return tt('title')
		if (shown.kind === 'paper') return tt('paperTitle', { name: shown.view.person.name })
		return tt('tableTitle')
	}
	const place = () =>
		[view().workshop.territory, formatDate(view().workshop.date)].filter((part): part is string => Boolean(part))
	const counts = () => {
		const by = (kinds: ContributionFate['fate'][]) =>
			view().contributions.filter((fate) => kinds.includes(fate.fate)).length
		return [
			{ count: by(['kept']), key: 'count.kept' as const },
			{ count: by(['merged']), key: 'count.merged' as const },
			{
				count: view().contributions.filter((fate) => fate.recommendation !== null).length,
				key: 'count.grouped' as const,
			},
			{ count: by(['draft']), key: 'count.draft' as const },
		].filter((item) => item.count > 0)
	}
	return (
		<article class="trail-sheet" aria-labelledby="trail-title">
			<h1 id="trail-title">{heading()}</h1>
			<p class="trail-workshop">{[view().workshop.title, ...place()].join(' · ')}</p>
			<p class="trail-intro">{props.shown.kind === 'own' ? tt('intro') : tt('introPaper')}</p>
			<Show when={props.shown.kind === 'table' && (props.shown.view as PaperTrailView)}>
				{(table) => (
					<p class="help">
						{tt('tablePeople', {
							names: table()
								.people.map((person) => person.name)
								.join(', '),
						})}
					</p>
				)}
			</Show>
			<Show
				when={view().contributions.length > 0}
				fallback={<p class="trail-empty">{props.shown.kind === 'own' ? tt('empty') : tt('emptyPaper')}</p>}
			>
				<p class="trail-summary">
					{tt('summary', { count: view().contributions.length })}{' '}
					{counts()
						.map((item) => tt(item.key, { count: item.count }))
						.join(' · ')}
				</p>
				<ol class="trail-list" classList={{ 'trail-list--many': view().contributions.length > 4 }}>
					<For each={view().contributions}>{(fate) => <FateItem fate={fate} />}</For>
				</ol>
			</Show>
			<p class="trail-printed">
				{tt('printed', {
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

const fateKeys: Record<ContributionFate['fate'], TrailMessageKey> = {
	draft: 'fate.draft',
	kept: 'fate.kept',
	merged: 'fate.merged',
	grouped: 'fate.grouped',
	recommendation: 'fate.recommendation',
	linked: 'fate.linked',
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
					{tt(
						props.fate.fate === 'merged' && props.fate.recommendation
							? 'fate.mergedGrouped'
							: fateKeys[props.fate.fate],
					)}
				</strong>
			</p>
			<Show when={props.fate.mergedInto.length > 0}>
				<ul class="trail-merges">
					<For each={props.fate.mergedInto}>
						{(note) => (
							<li>
								{tt('mergedInto', { note: quote(note.title ?? note.text) })}
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
						{tt('proposalRank', { rank: proposal().rank, of: proposal().of })}{' '}
						<Show when={proposal().support}>{(support) => <span>{supportText(support())}</span>}</Show>
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
	return (
		<section class="trail-recommendation" aria-label={tt('recommendation')}>
			<Show when={!props.own}>
				<h3>{tt('groupedInto', { title: quote(r().title ?? r().text) })}</h3>
			</Show>
			<p>{tt('recommendationRank', { rank: r().rank, of: r().of })}</p>
			<Show when={r().support} fallback={<p class="help">{tt('notPublished')}</p>}>
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
	const measuredFlags = () =>
		(['consensuel', 'partage', 'clivant', 'insuffisant'] as const)
			.filter((flag) => n().consensus[flag] > 0)
			.map((flag) => st('consensusIn', { flag: st(`flag.${flag}` as SynthesisMessageKey), count: n().consensus[flag] }))
	return (
		<div class="trail-national">
			<h3>{tt('national', { synthesis: quote(n().synthesis) })}</h3>
			<p>
				<strong>{quote(n().label)}</strong>
			</p>
			<Show when={n().text}>
				<p class="trail-detail">{n().text}</p>
			</Show>
			<p>
				{tt('retainedIn', { count: n().supportedIn, of: n().territories })}
				<Show when={n().share !== null}> · {tt('meanShare', { share: percent(n().share ?? 0) })}</Show>
			</p>
			<Show when={measuredFlags().length > 0}>
				<p>{capitalised(measuredFlags().join(', '))}</p>
			</Show>
		</div>
	)
}

/** A text quoted the way the language quotes: « … » in French, “…” in English. */
const quote = (text: string) => (language() === 'fr' ? `« ${text} »` : `“${text}”`)

const capitalised = (text: string) => text.charAt(0).toLocaleUpperCase(language()) + text.slice(1)

const percent = (share: number) =>
	new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(
		share,
	)

function supportText(support: Support): string {
	return tt('support', { supporters: support.supporters, voters: support.voters, dots: support.dots })
}

/** Per side only where the documents show it (V8: a side of fewer than 3 people is not shown alone). */
function sidesText(support: Support): string | null {
	const parts = (['associations', 'funders'] as const).flatMap((side) => {
		const shown = support.bySide[side]
		return shown ? [tt(`side.${side}`, { supporters: shown.supporters, voters: shown.voters })] : []
	})
	return parts.length > 0 ? parts.join(' · ') : null
}

function consensusText(support: Support): string {
	const { consensus } = support
	const flag = t(`results.flag.${consensus.flag}` as MessageKey)
	if (consensus.flag === 'non-mesure') return flag
	const { agree, unsure, disagree } = consensus.answers
	return `${flag} — ${tt('answers', { agree, unsure, disagree })}`
}
