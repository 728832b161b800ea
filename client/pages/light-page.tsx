import { createEffect, createMemo, createSignal, For, lazy, onCleanup, Show } from 'solid-js'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { defaultPlace, mayAdd, offersFor, phaseZone, viewerOf } from '../../shared/concertation/offers.ts'
import { currentPhase } from '../../shared/concertation/session.ts'
import type { PlacedZone } from '../../shared/template/zone-layout.ts'
import { presenceColor } from '../../shared/workshop/presence.ts'
import type { WorkshopView } from '../api.ts'
import { ConnectionIndicator } from '../components/connection-indicator.tsx'
import { LanguageSwitch } from '../components/language-switch.tsx'
import { SiteFooter } from '../components/site-footer.tsx'
import { StatusAnnouncer } from '../components/status-announcer.tsx'
import { ContributionCard } from '../contributions/contribution-card.tsx'
import { ContributionForm } from '../contributions/contribution-form.tsx'
import {
	type ContributionDraft,
	draftOf,
	newDraft,
	queueChanges,
	queueCreate,
	queueDelete,
} from '../contributions/contribution-intents.ts'
import { MyContributions } from '../contributions/my-contributions.ts'
import { OutboxList } from '../contributions/outbox-list.tsx'
import { label, t } from '../i18n/i18n.ts'
import { reactiveCells } from '../reactive-cells.ts'
import { navigate } from '../router.ts'
import { SessionGate } from '../session/session-gate.tsx'
import type { WorkshopSession } from '../session/sessions.ts'
import { ControlSync } from '../sync/control-sync.ts'
import { Outbox } from '../sync/outbox.ts'
import { ServerClock } from '../sync/server-clock.ts'
import { PhaseBar } from '../facilitation/phase-bar.tsx'
import { PrivacyLink } from '../privacy/privacy-link.tsx'
import { pollsActive } from '../facilitation/polls-active.ts'
import { TrailLink } from '../trail/trail-link.tsx'

// The vote, the consensus check and the results chart load when a poll opens or results are
// published: most of a workshop is spent writing, and the phone should not wait for them.
const PollsPanel = lazy(() =>
	import('../facilitation/polls-panel.tsx').then((module) => ({ default: module.PollsPanel })),
)

/**
 * `/p/<id>`: the light participant view — Solid only, no canvas, no IndexedDB — for a phone on
 * venue Wi-Fi: the zones, everyone's contributions live, and one's own to add, edit and delete.
 * Contributions made here are the same contributions the board shows as cards.
 */
export function LightPage(props: { workshopId: string }) {
	return (
		<SessionGate workshopId={props.workshopId}>
			{(session, workshop) => <LightView session={session} workshop={workshop} />}
		</SessionGate>
	)
}

type Editing = { kind: 'new'; draft: ContributionDraft } | { kind: 'edit'; contribution: Contribution } | null

function LightView(props: { session: WorkshopSession; workshop: WorkshopView }) {
	const { session, workshop } = props
	const control = new ControlSync(workshop.id, session.token, reactiveCells)
	const outbox = new Outbox(workshop.id, session.participantId, session.token, reactiveCells)
	const mine = new MyContributions(workshop.id, session.participantId, session.token, outbox, reactiveCells)
	const clock = new ServerClock(reactiveCells)
	onCleanup(() => {
		clock.destroy()
		mine.destroy()
		outbox.destroy()
		control.destroy()
	})
	// "Suivez-moi": open the zone the facilitator points at (asks made after this page opened).
	const openedAt = new Date().toISOString()
	const [followed, setFollowed] = createSignal<string | null>(null)
	createEffect(() => {
		const follow = control.session().followMe
		if (!follow || follow.at < openedAt) return
		setFollowed(follow.zone)
		queueMicrotask(() =>
			document.querySelector(`.light-zone[data-zone="${follow.zone}"]`)?.scrollIntoView({ block: 'start' }),
		)
	})
	const writer = session.role !== 'observer'
	// M5: the facilitator may write a new contribution for someone taking part on paper.
	const paperPeople = () =>
		[...control.participants().entries()]
			.filter(([, entry]) => entry.paper === true)
			.map(([id, entry]) => ({ id, name: entry.name }))
	const [editing, setEditing] = createSignal<Editing>(null)

	// Presence on the control channel: this is how the others see that we are here.
	createEffect(() => {
		const entry = control.participants().get(session.participantId)
		control.link.provider.awareness.setLocalStateField('user', {
			participantId: session.participantId,
			name: entry?.name ?? session.name,
			role: session.role,
			college: session.college,
			color: presenceColor(session.role, session.college, workshop.colleges),
		})
	})
	// Back online: send what waited.
	createEffect(() => control.link.state() === 'connected' && outbox.flush())

	const meta = () => control.meta()
	// M1, M4: a page of one's contributions for whoever writes — until the names are removed (D3),
	// after which no page ties anyone to what they wrote: the link would lead to a refusal.
	const trailOffered = () => writer && !meta()?.anonymisedAt
	const zones = (): readonly PlacedZone[] => meta()?.zones ?? workshop.zones ?? []
	const writableZones = () => zones()
	const themes = () => meta()?.themes ?? workshop.themes ?? []
	const colleges = () => meta()?.colleges ?? workshop.colleges
	const all = createMemo(() => [...mine.withDrafts(control.contributions()).values()])
	const shown = createMemo(() =>
		all()
			.filter((contribution) => contribution.mergedInto === null)
			.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
	)
	const duplicatesOf = (id: string) => all().filter((contribution) => contribution.mergedInto === id)
	const agenda = () => meta()?.agenda ?? workshop.agenda ?? []
	const phase = () => currentPhase(agenda(), control.session())
	// What the server would refuse is not offered (K1, F2–F3): asked of the shared rules.
	const viewer = () => viewerOf(session.role, mine.ids(), agenda(), control.session())
	const locked = (zone: string) => !mayAdd(viewer(), zone)
	const canChange = (contribution: Contribution) => offersFor(viewer(), contribution).change

	// Keyboard users land in the form it opens, and back on "Ajouter" when it closes: the button
	// they pressed disappears with the form, and focus must not fall back to the page's top.
	const openForm = (next: Editing) => {
		setEditing(next)
		queueMicrotask(() => {
			const form = document.getElementById('light-form')
			form?.scrollIntoView({ block: 'start' })
			form?.querySelector<HTMLElement>('textarea, input:not([type="hidden"]), select')?.focus()
		})
	}
	const closeForm = () => {
		setEditing(null)
		queueMicrotask(() => document.querySelector<HTMLElement>('.add-contribution')?.focus())
	}
	const startNew = (zone: PlacedZone, row?: string | null, column?: string | null) =>
		openForm({ kind: 'new', draft: newDraft(zone, { row: row ?? undefined, column: column ?? undefined }) })
	const submit = (draft: ContributionDraft) => {
		const current = editing()
		if (current?.kind === 'new') queueCreate(outbox, draft)
		else if (current?.kind === 'edit') queueChanges(outbox, current.contribution, draft)
		closeForm()
	}
	const remove = (contribution: Contribution) => {
		if (confirm(t('contribution.deleteConfirm'))) queueDelete(outbox, contribution)
	}
	const card = (contribution: Contribution, place?: string) => (
		<li>
			<ContributionCard
				place={place}
				contribution={contribution}
				colleges={colleges()}
				themes={themes()}
				duplicates={duplicatesOf(contribution.id)}
				mine={mine.has(contribution.id)}
				private={mine.isDraft(contribution.id, control.contributions())}
				canChange={canChange(contribution)}
				onEdit={() => openForm({ kind: 'edit', contribution })}
				onDelete={() => remove(contribution)}
			/>
		</li>
	)

	return (
		<div class="light-page">
			<header class="board-bar">
				<h1 class="board-title">{meta()?.title ?? workshop.title}</h1>
				<ConnectionIndicator link={control.link} />
				<nav class="board-actions">
					<a
						href={`/b/${workshop.id}`}
						onClick={(event) => {
							event.preventDefault()
							navigate(`/b/${workshop.id}`)
						}}
					>
						{t('light.openBoard')}
					</a>
					<Show when={trailOffered()}>
						<TrailLink workshopId={workshop.id} />
					</Show>
					<LanguageSwitch />
				</nav>
			</header>
			<main class="light-main">
				<Show when={session.role === 'observer'}>
					<p class="readonly-banner" role="note">
						{t('board.readonly')}
					</p>
				</Show>
				<PhaseBar
					control={control}
					clock={clock}
					agenda={workshop.agenda ?? []}
					role={session.role}
					participantId={session.participantId}
					outbox={outbox}
				/>
				<Show when={phase()?.kind === 'closing' && trailOffered()}>
					<section class="trail-callout" aria-labelledby="trail-callout">
						<h2 id="trail-callout">{t('trail.closingTitle')}</h2>
						<TrailLink workshopId={workshop.id} class="button primary" />
					</section>
				</Show>
				<StatusAnnouncer outbox={outbox} />
				<OutboxList outbox={outbox} />
				<Show when={pollsActive(control)}>
					<PollsPanel
						workshopId={workshop.id}
						token={session.token}
						participantId={session.participantId}
						role={session.role}
						control={control}
						clock={clock}
						outbox={outbox}
						isMine={(id) => mine.has(id)}
						colleges={colleges()}
					/>
				</Show>
				<Show when={writer && !editing()}>
					<button
						type="button"
						class="primary add-contribution"
						onClick={() => {
							// On the zone (and first cell) the current phase works in.
							const place = defaultPlace(viewer(), zones(), phase())
							if (place) startNew(place.zone, place.row, place.column)
						}}
					>
						{t('contribution.add')}
					</button>
				</Show>
				<Show when={editing()} keyed>
					{(current) => (
						<section id="light-form" class="light-form" aria-label={t('board.newContribution')}>
							<h2>{current.kind === 'new' ? t('board.newContribution') : t('board.editContribution')}</h2>
							<ContributionForm
								zones={writableZones().filter((zone) =>
									current.kind === 'new' ? true : zone.contributionTypes.includes(current.contribution.type),
								)}
								themes={themes()}
								initial={current.kind === 'new' ? current.draft : draftOf(current.contribution)}
								allowPlaceChange
								paperPeople={current.kind === 'new' && session.role === 'facilitator' ? paperPeople() : undefined}
								submitLabel={t('contribution.save')}
								onSubmit={submit}
								onCancel={closeForm}
							/>
						</section>
					)}
				</Show>
				<For each={zones()}>
					{(zone) => {
						const inZone = () => shown().filter((contribution) => contribution.zone === zone.id)
						const groups = () =>
							zone.kind === 'grid'
								? (zone.rows ?? []).map((row) => ({
										id: row,
										row,
										column: null,
										title: label(themes().find((theme) => theme.id === row)?.label ?? { fr: row, en: row }),
										items: inZone().filter((contribution) => contribution.row === row),
									}))
								: zone.kind === 'columns'
									? (zone.columns ?? []).map((column) => ({
											id: column.id,
											row: null,
											column: column.id,
											title: label(column.label),
											items: inZone().filter((contribution) => contribution.column === column.id),
										}))
									: [{ id: zone.id, row: null, column: null, title: null, items: inZone() }]
						const columnLabel = (id: string | null) =>
							zone.kind === 'grid'
								? label(zone.columns?.find((column) => column.id === id)?.label ?? { fr: '', en: '' })
								: ''
						return (
							<section class="light-zone" data-zone={zone.id}>
								<details
									open={inZone().length > 0 || followed() === zone.id || phaseZone(zones(), phase())?.id === zone.id}
								>
									<summary>
										<h2>{label(zone.label)}</h2>
										<span class="count">{t('contribution.count', { count: inZone().length })}</span>
									</summary>
									<p class="help">{label(zone.instructions)}</p>
									<Show when={writer && !locked(zone.id)}>
										<button type="button" class="primary" onClick={() => startNew(zone)}>
											{t('contribution.add')}
										</button>
									</Show>
									<For each={groups()}>
										{(group) => (
											<div class="light-group">
												<Show when={group.title}>
													<h3>
														{group.title}
														<Show when={writer && !locked(zone.id)}>
															<button
																type="button"
																class="link-button"
																onClick={() => startNew(zone, group.row, group.column)}
															>
																{t('contribution.addHere')}
															</button>
														</Show>
													</h3>
												</Show>
												<Show
													when={group.items.length > 0}
													fallback={<p class="help empty">{t('contribution.empty')}</p>}
												>
													<ul class="contribution-list">
														<For each={group.items}>
															{(contribution) =>
																card(contribution, zone.kind === 'grid' ? columnLabel(contribution.column) : undefined)
															}
														</For>
													</ul>
												</Show>
											</div>
										)}
									</For>
								</details>
							</section>
						)
					}}
				</For>
				{/* Rights, and "Retirer mon nom" for this workshop, on the notice page (SPEC D4, D6). */}
				<p class="erase-name">
					<PrivacyLink workshopId={workshop.id} />
				</p>
			</main>
			<SiteFooter />
		</div>
	)
}
