import { createEffect, createSignal, For, type JSX, lazy, onCleanup, onMount, Show } from 'solid-js'
import { api, type WorkshopView } from '../api.ts'
import type { CanvasHandle } from '../canvas/mount-canvas.tsx'
import { ConnectionIndicator } from '../components/connection-indicator.tsx'
import { CopyField } from '../components/copy-field.tsx'
import { LanguageSwitch } from '../components/language-switch.tsx'
import { ParticipantList } from '../components/participant-list.tsx'
import { QrCode } from '../components/qr-code.tsx'
import { label, language, t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'
import { TrailLink } from '../trail/trail-link.tsx'
import { SessionGate } from '../session/session-gate.tsx'
import { saveSession, type WorkshopSession } from '../session/sessions.ts'
import { type PresenceUser, presenceColor } from '../../shared/workshop/presence.ts'
import { reactiveCells } from '../reactive-cells.ts'
import { WorkshopSync } from '../sync/workshop-sync.ts'
import type { Contribution } from '../../shared/concertation/contribution.ts'
import { defaultPlace, offersFor, phaseZone, viewerOf } from '../../shared/concertation/offers.ts'
import { currentPhase, phaseRules } from '../../shared/concertation/session.ts'
import { controlStructures, readParticipants } from '../../shared/workshop/control-document.ts'
import { type ContributionType, contributionTypes } from '../../shared/template/template-schema.ts'
import type { PlacedZone } from '../../shared/template/zone-layout.ts'
import { boardStructures } from '../../shared/workshop/board-document.ts'
import type { CardCallbacks } from '../canvas/contribution-cards.tsx'
import { ContributionCard } from '../contributions/contribution-card.tsx'
import { ContributionForm } from '../contributions/contribution-form.tsx'
import {
	type ContributionDraft,
	draftOf,
	newDraft,
	queueChanges,
	queueCreate,
	queueDelete,
	queueMove,
} from '../contributions/contribution-intents.ts'
import { FacilitationTools } from '../contributions/facilitation-tools.tsx'
import { MyContributions } from '../contributions/my-contributions.ts'
import { OutboxList, refusalText } from '../contributions/outbox-list.tsx'
import type { MessageKey } from '../i18n/messages-fr.ts'
import { Outbox } from '../sync/outbox.ts'
import { ServerClock } from '../sync/server-clock.ts'
import { PhaseBar } from '../facilitation/phase-bar.tsx'
import { PollsPanel, pollsActive } from '../facilitation/polls-panel.tsx'
import { EraseName } from '../privacy/erase-name.tsx'
import { tt } from '../trail/trail-messages.ts'

/**
 * `/b/<id>`: the board. A personal link (`#token=…`, "continue on another device") is accepted
 * and kept; otherwise the token saved at join is used. The canvas bundle (tldraw + React) is
 * loaded only here, after the page itself is up.
 */
export function BoardPage(props: { workshopId: string }) {
	return (
		<SessionGate workshopId={props.workshopId}>
			{(session, workshop) => <Board session={session} workshop={workshop} />}
		</SessionGate>
	)
}

// The facilitator's live controls (phases, timer, reveal, vote, consensus) on the board too, loaded
// only when opened: the same panel as the console's.
const FacilitatorPanel = lazy(() =>
	import('../facilitation/facilitator-panel.tsx').then((module) => ({ default: module.FacilitatorPanel })),
)

/** How long a deletion can be taken back before it is sent. */
const UNDO_MS = 5000

type Composer =
	| { kind: 'new'; draft: ContributionDraft; at?: { x: number; y: number } }
	| { kind: 'edit'; contribution: Contribution }
	| null

function Board(props: { session: WorkshopSession; workshop: WorkshopView }) {
	const sync = new WorkshopSync(props.workshop.id, props.session.token, {
		cells: reactiveCells,
		writes: props.session.role !== 'observer',
	})
	const link = sync.boardLink
	const [panel, setPanel] = createSignal<'none' | 'people' | 'menu' | 'compose' | 'card' | 'polls' | 'facilitate'>(
		'none',
	)
	const clock = new ServerClock(reactiveCells)
	const outbox = new Outbox(props.workshop.id, props.session.participantId, props.session.token, reactiveCells)
	const mine = new MyContributions(
		props.workshop.id,
		props.session.participantId,
		props.session.token,
		outbox,
		reactiveCells,
	)
	const control = sync.controlSync
	const [composer, setComposer] = createSignal<Composer>(null)
	const [selected, setSelected] = createSignal<string | null>(null)
	const [picked, setPicked] = createSignal<string | null>(null)
	const [notice, setNotice] = createSignal<string | null>(null)
	const cards = boardStructures(sync.board).cards
	createEffect(() => control.link.state() === 'connected' && outbox.flush())
	const zones = (): PlacedZone[] => control.meta()?.zones ?? props.workshop.zones ?? []
	const themes = () => control.meta()?.themes ?? props.workshop.themes ?? []
	const agenda = () => control.meta()?.agenda ?? props.workshop.agenda ?? []
	const phase = () => currentPhase(agenda(), control.session())
	const rules = () => phaseRules(phase())
	// What the server would refuse is not offered (K1, F2–F3): asked of the shared rules.
	const viewer = () => viewerOf(props.session.role, mine.ids(), agenda(), control.session())
	const offers = (cid: string) => {
		const contribution = mine.withDrafts(control.contributions()).get(cid)
		return contribution ? offersFor(viewer(), contribution) : { change: false, facilitate: false }
	}
	const canChange = (cid: string) => offers(cid).change
	const say = (message: string) => {
		setNotice(message)
		setTimeout(() => setNotice((current) => (current === message ? null : current)), 6000)
	}
	/** "Ajouter une contribution": the form, on the current phase's zone and its first cell. */
	const startNew = () => {
		const place = defaultPlace(viewer(), zones(), phase())
		if (!place) return say(t('board.nowhere'))
		setComposer({ kind: 'new', draft: newDraft(place.zone, { row: place.row, column: place.column }) })
		setPanel('compose')
	}
	// Deleting waits a few seconds, with a way back, before the intent is queued.
	const [pendingDelete, setPendingDelete] = createSignal<{ contribution: Contribution; timer: number } | null>(null)
	const removeLater = (contribution: Contribution) => {
		const previous = pendingDelete()
		if (previous) {
			clearTimeout(previous.timer)
			queueDelete(outbox, previous.contribution)
		}
		const timer = window.setTimeout(() => {
			setPendingDelete(null)
			queueDelete(outbox, contribution)
		}, UNDO_MS)
		setPendingDelete({ contribution, timer })
	}
	const undoDelete = () => {
		const pending = pendingDelete()
		if (pending) clearTimeout(pending.timer)
		setPendingDelete(null)
	}
	// The shortcut works wherever the focus is, the canvas included (a modifier: RGAA 12.10).
	const onKey = (event: KeyboardEvent) => {
		if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== 'KeyN' || readonly) return
		event.preventDefault()
		event.stopPropagation()
		startNew()
	}
	window.addEventListener('keydown', onKey, { capture: true })
	onCleanup(() => window.removeEventListener('keydown', onKey, { capture: true }))
	// A created contribution's card goes where the note was put; a refused move goes back.
	const stopAccepted = outbox.onAccepted(({ intent, body }) => {
		const created = (body as { contribution?: { id?: string } } | null)?.contribution?.id
		if (intent.method === 'POST' && intent.path === '/contributions' && created && intent.place) {
			cards.set(created, intent.place)
		}
	})
	const stopRefused = outbox.onRefused((intent) => {
		if (intent.path.endsWith('/move') && intent.contribution && intent.place)
			cards.set(intent.contribution, intent.place)
		say(
			intent.path.endsWith('/move')
				? t('board.cardMoveRefused', { reason: refusalText(intent) })
				: t('board.refused', { summary: intent.summary, reason: refusalText(intent) }),
		)
	})
	const cardCallbacks: CardCallbacks = {
		onCompose: (point, place) => {
			if (readonly) return
			const zone = place && zones().find((candidate) => candidate.id === place.zone)
			if (!zone || !place) return say(t('board.outside'))
			setComposer({ kind: 'new', draft: newDraft(zone, place), at: point })
			setPanel('compose')
		},
		// A double-click shows the card in full, with what the person may do with it.
		onOpen: (cid) => {
			setSelected(cid)
			setPanel('card')
		},
		onDrop: (cid, place, from) => {
			const contribution = control.contributions().get(cid)
			if (!contribution) return true
			const same =
				place?.zone === contribution.zone && place.row === contribution.row && place.column === contribution.column
			if (same) return true
			if (!place || !canChange(cid)) {
				say(
					!place
						? t('board.outside')
						: rules().proposalsFrozen && contribution.type === 'proposition'
							? t('phase.frozen')
							: t('intent.not_your_contribution'),
				)
				return false
			}
			queueMove(outbox, contribution, place, from)
			return true
		},
		onDelete: (cid) => {
			const contribution = control.contributions().get(cid)
			if (!contribution) return
			if (!canChange(cid)) return say(t('intent.not_your_contribution'))
			removeLater(contribution)
		},
		// A click on a card shows what the person may do with it, in a bar over the canvas (the
		// canvas keeps its size under a drag); the card panel follows the selection when open.
		onSelect: (cid) => {
			setPicked(cid)
			if (cid) setSelected(cid)
			else if (panel() === 'card') setPanel('none')
		},
	}
	const cardsView = () => ({
		contributions: mine.withDrafts(control.contributions()),
		privateIds: new Set([...mine.drafts().keys()].filter((id) => !control.contributions().has(id))),
		colleges: control.meta()?.colleges ?? props.workshop.colleges,
		mine: mine.ids(),
		labels: {
			types: Object.fromEntries(
				contributionTypes.map((type) => [type, t(`contribution.type.${type}` as MessageKey)]),
			) as Record<ContributionType, string>,
			facilitator: t('contribution.facilitator'),
			mine: t('contribution.mine'),
			merged: (count: number) => t('contribution.merged', { count }),
			private: t('contribution.private'),
		},
	})
	const [canvasError, setCanvasError] = createSignal<string | null>(null)
	const [canvasReady, setCanvasReady] = createSignal(false)
	const [name, setName] = createSignal(props.session.name)
	const readonly = props.session.role === 'observer'

	// The name shown to others comes from the control document (the server's record of the join).
	const { participants } = controlStructures(sync.control)
	const refreshName = () => {
		const entry = readParticipants(sync.control).get(props.session.participantId)
		if (entry?.name && entry.name !== name()) {
			setName(entry.name)
			saveSession({ ...props.session, name: entry.name })
		}
	}
	participants.observe(refreshName)
	onCleanup(() => participants.unobserve(refreshName))

	const color = () => presenceColor(props.session.role, props.session.college, props.workshop.colleges)
	const presence = (): PresenceUser => ({
		participantId: props.session.participantId,
		name: name() || '…',
		role: props.session.role,
		college: props.session.college,
		color: color(),
	})
	createEffect(() => sync.setUser(presence()))

	let container: HTMLDivElement | undefined
	let canvas: CanvasHandle | null = null
	onMount(async () => {
		try {
			const [{ mountCanvas }, config] = await Promise.all([import('../canvas/mount-canvas.tsx'), api.clientConfig()])
			if (!container || !sync.board || !link) return
			const me = presence()
			canvas = mountCanvas(container, {
				doc: sync.board,
				awareness: link.provider.awareness,
				me: { participantId: me.participantId, name: me.name, color: me.color },
				readonly,
				locale: language(),
				online: link.state() === 'connected',
				licenseKey: config.tldrawLicenseKey,
				uploadAsset: (file) => api.uploadAsset(props.workshop.id, props.session.token, file),
				zones: zones(),
				themes: themes(),
				onInvalidRecord: (id) => console.warn(`Tablée: skipped an invalid board record (${id})`),
				cards: cardsView(),
				cardCallbacks,
			})
			setCanvasReady(true)
		} catch (failure) {
			setCanvasError((failure as Error).message)
		}
	})
	createEffect(() => canvasReady() && canvas?.setLocale(language()))
	// M1: the closing zone carries the code people scan at the end to see their own contributions
	// (the closing phase's last zone, else the board's last zone).
	createEffect(() => {
		if (!canvasReady()) return
		const closingPhase = (control.meta()?.agenda ?? props.workshop.agenda ?? []).find((p) => p.kind === 'closing')
		const zone = closingPhase?.zones?.at(-1) ?? zones().at(-1)?.id
		canvas?.setClosingCode(
			zone
				? {
						zone,
						url: `${location.origin}/suivi/${props.workshop.id}`,
						title: t('trail.closingTitle'),
						help: tt('closingHelp'),
					}
				: null,
		)
	})
	// The board opens where the group is — the facilitator's "suivez-moi", else the current phase's
	// zone — once the control document has arrived (a late joiner, a reload, an observer).
	let placed = false
	createEffect(() => {
		if (!canvasReady() || placed || control.meta() === null) return
		placed = true
		const follow = control.session().followMe?.zone
		const contributions = [...control.contributions().values()]
		const occupied = (zone: string) => contributions.some((contribution) => contribution.zone === zone)
		const target = follow ?? phaseZone(zones(), phase(), occupied)?.id ?? zones()[0]?.id
		if (target) requestAnimationFrame(() => canvas?.focusZone(target, { immediate: true }))
	})
	// "Suivez-moi": the facilitator brings everyone's view to a zone (asks made after this page opened).
	const openedAt = new Date().toISOString()
	createEffect(() => {
		const follow = control.session().followMe
		if (canvasReady() && follow && follow.at >= openedAt) canvas?.focusZone(follow.zone)
	})
	createEffect(() => {
		const view = cardsView()
		if (canvasReady()) canvas?.setCards(view)
	})
	createEffect(() => canvasReady() && canvas?.setOnline(link?.state() === 'connected'))
	createEffect(() => {
		const me = presence()
		if (canvasReady()) canvas?.setIdentity({ participantId: me.participantId, name: me.name, color: me.color })
	})
	onCleanup(() => {
		canvas?.unmount()
		stopAccepted()
		stopRefused()
		clock.destroy()
		mine.destroy()
		outbox.destroy()
		sync.destroy()
	})
	const submitComposer = (draft: ContributionDraft) => {
		const current = composer()
		if (current?.kind === 'new') queueCreate(outbox, draft, current.at)
		else if (current?.kind === 'edit') queueChanges(outbox, current.contribution, draft)
		setComposer(null)
		setPanel('none')
	}
	const selectedContribution = () => {
		const cid = selected()
		return cid ? (mine.withDrafts(control.contributions()).get(cid) ?? null) : null
	}

	// M5: the facilitator may write a new contribution for someone taking part on paper.
	const paperPeople = () =>
		[...control.participants().entries()]
			.filter(([, entry]) => entry.paper === true)
			.map(([id, entry]) => ({ id, name: entry.name }))
	const personalLink = () => `${location.origin}/b/${props.workshop.id}#token=${props.session.token}`
	const toggle = (which: 'people' | 'menu') => setPanel(panel() === which ? 'none' : which)

	return (
		<div class="board-page">
			{/* First in tab order: the same content as lists, the declared accessible alternative. */}
			<nav class="skip-links" aria-label={t('board.alternatives')}>
				<a
					href={`/p/${props.workshop.id}`}
					onClick={(event) => {
						event.preventDefault()
						navigate(`/p/${props.workshop.id}`)
					}}
				>
					{t('board.listAlternative')}
				</a>
				<a
					href="/accessibilite"
					onClick={(event) => {
						event.preventDefault()
						navigate('/accessibilite')
					}}
				>
					{t('footer.accessibility')}
				</a>
			</nav>
			<header class="board-bar">
				<h1 class="board-title">{props.workshop.title}</h1>
				<Show when={link}>{(current) => <ConnectionIndicator link={current()} />}</Show>
				<nav class="board-actions">
					<Show when={!readonly}>
						<button type="button" class="primary" aria-keyshortcuts="Alt+N" onClick={startNew}>
							{t('contribution.add')} <kbd>{t('board.addShortcut')}</kbd>
						</button>
					</Show>
					<Show when={props.session.role === 'facilitator'}>
						<button
							type="button"
							aria-expanded={panel() === 'facilitate'}
							aria-controls="panel-facilitate"
							onClick={() => setPanel(panel() === 'facilitate' ? 'none' : 'facilitate')}
						>
							{t('board.facilitate')}
						</button>
						<a class="button" href={`/w/${props.workshop.id}`} target={`tablee-console-${props.workshop.id}`}>
							{t('board.console')}
						</a>
					</Show>
					<Show when={pollsActive(control)}>
						<button
							type="button"
							class="attention"
							aria-expanded={panel() === 'polls'}
							aria-controls="panel-polls"
							onClick={() => setPanel(panel() === 'polls' ? 'none' : 'polls')}
						>
							{t('board.vote')}
						</button>
					</Show>
					<button
						type="button"
						aria-expanded={panel() === 'people'}
						aria-controls="panel-people"
						onClick={() => toggle('people')}
					>
						{t('board.participants')}
					</button>
					<button
						type="button"
						aria-expanded={panel() === 'menu'}
						aria-controls="panel-menu"
						onClick={() => toggle('menu')}
					>
						{t('board.menu')}
					</button>
				</nav>
			</header>
			<PhaseBar
				control={control}
				clock={clock}
				agenda={props.workshop.agenda ?? []}
				role={props.session.role}
				participantId={props.session.participantId}
				outbox={outbox}
			/>
			<Show when={readonly}>
				<p class="readonly-banner" role="note">
					{t('board.readonly')}
				</p>
			</Show>
			<div class="board-body">
				<div class="canvas" ref={(element) => (container = element)} data-ready={canvasReady() ? 'yes' : 'no'}>
					<Show when={!canvasReady() && !canvasError()}>
						<p class="canvas-loading">{t('board.loadingCanvas')}</p>
					</Show>
					<Show when={canvasError()}>
						<p class="error" role="alert">
							{t('board.canvasUnavailable', { message: canvasError() ?? '' })}
						</p>
					</Show>
				</div>
				<div class="board-overlay">
					<Show when={notice()}>
						<p class="notice board-notice" role="alert">
							{notice()}
						</p>
					</Show>
					<Show when={pendingDelete()}>
						<p class="notice board-notice" role="status">
							{t('board.deleted')}{' '}
							<button type="button" onClick={undoDelete}>
								{t('board.undo')}
							</button>
						</p>
					</Show>
					<Show when={picked() && panel() !== 'card' && panel() !== 'compose' ? picked() : null} keyed>
						{(cid) => (
							<Show when={mine.withDrafts(control.contributions()).get(cid)} keyed>
								{(contribution) => (
									<div class="card-bar" role="toolbar" aria-label={t('board.cardActions')}>
										<span class="card-bar__text">{contribution.title ?? contribution.text}</span>
										<button
											type="button"
											onClick={() => {
												setSelected(cid)
												setPanel('card')
											}}
										>
											{t('board.open')}
										</button>
										<Show when={offers(cid).change}>
											<button
												type="button"
												onClick={() => {
													setComposer({ kind: 'edit', contribution })
													setPanel('compose')
												}}
											>
												{t('board.editOrMove')}
											</button>
											<button type="button" class="danger" onClick={() => removeLater(contribution)}>
												{t('contribution.delete')}
											</button>
										</Show>
										<Show when={offers(cid).facilitate}>
											<button
												type="button"
												onClick={() => {
													setSelected(cid)
													setPanel('card')
												}}
											>
												{t('board.mergeOrGroup')}
											</button>
										</Show>
									</div>
								)}
							</Show>
						)}
					</Show>
					<OutboxList outbox={outbox} />
				</div>
				<Show when={panel() === 'compose' && composer()} keyed>
					{(current) => (
						<SidePanel
							id="panel-compose"
							title={current.kind === 'new' ? t('board.newContribution') : t('board.editContribution')}
							onClose={() => {
								setComposer(null)
								setPanel('none')
							}}
						>
							<ContributionForm
								zones={zones()}
								themes={themes()}
								initial={current.kind === 'new' ? current.draft : draftOf(current.contribution)}
								allowPlaceChange
								paperPeople={current.kind === 'new' && props.session.role === 'facilitator' ? paperPeople() : undefined}
								submitLabel={t('contribution.save')}
								onSubmit={submitComposer}
								onCancel={() => {
									setComposer(null)
									setPanel('none')
								}}
							/>
						</SidePanel>
					)}
				</Show>
				<Show when={panel() === 'card' && selectedContribution()} keyed>
					{(contribution) => (
						<SidePanel
							id="panel-card"
							title={t(`contribution.type.${contribution.type}` as MessageKey)}
							onClose={() => setPanel('none')}
						>
							<ContributionCard
								contribution={contribution}
								colleges={control.meta()?.colleges ?? props.workshop.colleges}
								themes={themes()}
								duplicates={[...control.contributions().values()].filter(
									(other) => other.mergedInto === contribution.id,
								)}
								mine={mine.has(contribution.id)}
								canChange={canChange(contribution.id)}
								onEdit={() => {
									setComposer({ kind: 'edit', contribution })
									setPanel('compose')
								}}
								onDelete={() => {
									removeLater(contribution)
									setPanel('none')
								}}
							/>
							<Show when={props.session.role === 'facilitator'}>
								<FacilitationTools
									contribution={contribution}
									contributions={control.contributions()}
									outbox={outbox}
								/>
							</Show>
						</SidePanel>
					)}
				</Show>
				<Show when={panel() === 'polls'}>
					<SidePanel id="panel-polls" title={t('board.vote')} onClose={() => setPanel('none')}>
						<PollsPanel
							workshopId={props.workshop.id}
							token={props.session.token}
							participantId={props.session.participantId}
							role={props.session.role}
							control={control}
							clock={clock}
							outbox={outbox}
							isMine={(id) => mine.has(id)}
							colleges={control.meta()?.colleges ?? props.workshop.colleges}
						/>
					</SidePanel>
				</Show>
				<Show when={panel() === 'facilitate'}>
					<SidePanel id="panel-facilitate" title={t('board.facilitate')} onClose={() => setPanel('none')}>
						<FacilitatorPanel workshopId={props.workshop.id} token={props.session.token} />
					</SidePanel>
				</Show>
				<Show when={panel() === 'people'}>
					<SidePanel id="panel-people" title={t('board.participants')} onClose={() => setPanel('none')}>
						<ParticipantList sync={sync} colleges={props.workshop.colleges} me={props.session.participantId} />
						<h3>{t('board.legend')}</h3>
						<ul class="legend">
							<For each={props.workshop.colleges}>
								{(college) => (
									<li>
										<span class="swatch" aria-hidden="true" style={{ background: college.color }} />
										{label(college.label)}
									</li>
								)}
							</For>
						</ul>
					</SidePanel>
				</Show>
				<Show when={panel() === 'menu'}>
					<SidePanel id="panel-menu" title={t('board.menu')} onClose={() => setPanel('none')}>
						<LanguageSwitch />
						<Show when={!readonly && !control.meta()?.anonymisedAt}>
							<p class="trail-menu">
								<TrailLink workshopId={props.workshop.id} class="button" />
							</p>
							<p class="help">{tt('linkHelp')}</p>
						</Show>
						<h3>{t('board.personalLink')}</h3>
						<p class="help">{t('board.personalLinkHelp')}</p>
						<QrCode value={personalLink()} label={t('board.personalLink')} size={180} />
						<CopyField label={t('board.personalLink')} value={personalLink()} />
						<EraseName
							session={props.session}
							anonymous={control.participants().get(props.session.participantId)?.anonymous === true}
						/>
					</SidePanel>
				</Show>
			</div>
		</div>
	)
}

/** A panel beside the canvas (full screen on a phone), with its title and a close button. */
function SidePanel(props: { id: string; title: string; onClose: () => void; children: JSX.Element }) {
	return (
		<aside id={props.id} class="side-panel" aria-label={props.title}>
			<div class="panel-head">
				<h2>{props.title}</h2>
				<button type="button" onClick={() => props.onClose()}>
					{t('common.close')}
				</button>
			</div>
			{props.children}
		</aside>
	)
}
