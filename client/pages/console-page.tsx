import { createResource, createSignal, For, lazy, Show } from 'solid-js'
import { ApiFailure, api, takeTokenFromFragment } from '../api.ts'
import { CopyField } from '../components/copy-field.tsx'
import { Loading } from '../components/loading.tsx'
import { QrCode } from '../components/qr-code.tsx'
import { explainConsoleFailure } from '../facilitation/console/console-refusals.ts'
import { formatDate, label, language, t } from '../i18n/i18n.ts'
import { loadSession, saveSession } from '../session/sessions.ts'

// Live controls sync the control document (Yjs): loaded with the console's first render, not the shell.
const WorkshopPrivacyPanel = lazy(() =>
	import('../privacy/workshop-privacy-panel.tsx').then((module) => ({ default: module.WorkshopPrivacyPanel })),
)
const FacilitatorPanel = lazy(() =>
	import('../facilitation/facilitator-panel.tsx').then((module) => ({ default: module.FacilitatorPanel })),
)

/** `/w/<id>`: the facilitator console — join links as QR codes, copy, regenerate, open the board. */
export function ConsolePage(props: { workshopId: string }) {
	const fromLink = takeTokenFromFragment()
	const [notice, setNotice] = createSignal<string | null>(null)
	const token = () => fromLink ?? loadSession(props.workshopId)?.token ?? null

	const [view, { mutate, refetch }] = createResource(async () => {
		const current = token()
		if (!current) throw new ApiFailure(401, 'missing_token', 'no facilitator token on this device')
		const workshop = await api.workshop(props.workshopId, current)
		if (workshop.you.kind !== 'personal' || workshop.you.role !== 'facilitator') {
			throw new ApiFailure(403, 'facilitator_only', 'this link is not a facilitator link')
		}
		if (fromLink) {
			saveSession({
				...workshop.you,
				workshopId: props.workshopId,
				token: fromLink,
				name: loadSession(props.workshopId)?.name ?? 'Animation',
			})
		}
		return workshop
	})

	const regenerate = async () => {
		const current = token()
		if (!current || !window.confirm(t('console.regenerateConfirm'))) return
		try {
			const fresh = await api.regenerateLinks(props.workshopId, current)
			const previous = view()
			if (previous) mutate({ ...previous, ...fresh })
			setNotice(t('console.regenerated'))
		} catch (failure) {
			setNotice(explainConsoleFailure(failure))
		}
	}

	const hideNames = async () => {
		const current = token()
		if (!current || !window.confirm(t('authorMode.switchConfirm'))) return
		try {
			const answer = await api.setAuthorMode(props.workshopId, current, 'pseudonymous')
			const previous = view()
			if (previous) mutate({ ...previous, authorMode: answer.authorMode })
		} catch (failure) {
			setNotice(explainConsoleFailure(failure))
		}
	}

	/** Downloads an export with the facilitator's token (a plain link could not carry it). */
	const download = async (format: 'json' | 'md' | 'html' | 'csv' | 'docx' | 'pdf' | 'archive') => {
		const current = token()
		if (!current) return
		const path = format === 'archive' ? 'archive' : `export?format=${format}&lang=${language()}`
		try {
			const file = await api.download(props.workshopId, current, `/${path}`)
			const name = file.name ?? `tablee.${format}`
			const url = URL.createObjectURL(file.blob)
			const link = document.createElement('a')
			link.href = url
			link.download = name
			link.click()
			setTimeout(() => URL.revokeObjectURL(url), 10_000)
		} catch (failure) {
			setNotice(explainConsoleFailure(failure))
		}
	}

	// The board's "Console" link comes back to this tab rather than opening another.
	window.name = `tablee-console-${props.workshopId}`

	const facilitatorLink = () => `${location.origin}/w/${props.workshopId}#token=${token() ?? ''}`

	return (
		<main class="page">
			<Show when={view.error}>
				<div class="error" role="alert">
					<p>{explainConsoleFailure(view.error)}</p>
					{/* Retrying helps only when the server could not answer, not when the link is wrong. */}
					<Show when={!(view.error instanceof ApiFailure) || view.error.status === 0 || view.error.status >= 500}>
						<button type="button" onClick={() => refetch()}>
							{t('common.retry')}
						</button>
					</Show>
				</div>
			</Show>
			{/* A resource read in its error state throws: ask its state, never read it blind. */}
			<Show when={view.state === 'ready' && view()}>
				{(workshop) => (
					<>
						<header class="page-header">
							<div>
								<p class="eyebrow">{t('console.title')}</p>
								<h1>{workshop().title}</h1>
								<p class="meta">
									{[workshop().territory, formatDate(workshop().date)].filter(Boolean).join(' · ')}
									{' · '}
									{t('console.participants', { count: workshop().participantCount ?? 0 })}
								</p>
							</div>
							{/* The board in its own tab, so the console stays open beside it. */}
							<a
								class="button primary"
								href={`/b/${props.workshopId}`}
								target={`tablee-board-${props.workshopId}`}
								rel="noopener"
							>
								{t('console.openBoard')}
							</a>
						</header>
						<h2>{t('console.links')}</h2>
						<Show when={notice()}>
							<p class="notice" role="status">
								{notice()}
							</p>
						</Show>
						<div class="link-cards">
							<Show when={workshop().links}>
								{(links) => (
									<>
										<LinkCard
											title={t('console.participantLink')}
											help={t('console.participantHelp')}
											link={links().participant}
										/>
										<LinkCard
											title={t('console.observerLink')}
											help={t('console.observerHelp')}
											link={links().observer}
										/>
									</>
								)}
							</Show>
						</div>
						<div class="actions">
							<button type="button" onClick={regenerate}>
								{t('console.regenerate')}
							</button>
						</div>
						<CopyField label={t('console.facilitatorLink')} value={facilitatorLink()} />
						<Show when={token()}>
							{(current) => <FacilitatorPanel workshopId={props.workshopId} token={current()} />}
						</Show>
						<h2>{t('export.title')}</h2>
						<p class="help">{t('export.help')}</p>
						<div class="actions export-actions">
							<button type="button" onClick={() => download('html')}>
								{t('export.html')}
							</button>
							<button type="button" onClick={() => download('pdf')}>
								{t('export.pdf')}
							</button>
							<button type="button" onClick={() => download('docx')}>
								{t('export.docx')}
							</button>
							<button type="button" onClick={() => download('md')}>
								{t('export.md')}
							</button>
							<button type="button" onClick={() => download('csv')}>
								{t('export.csv')}
							</button>
							<button type="button" onClick={() => download('json')}>
								{t('export.json')}
							</button>
						</div>
						<p class="help">{t('export.archiveHelp')}</p>
						<button type="button" onClick={() => download('archive')}>
							{t('export.archive')}
						</button>
						<h2>{t('authorMode.label')}</h2>
						<p data-author-mode={workshop().authorMode ?? 'pseudonymous'}>
							{t('authorMode.current', {
								mode:
									workshop().authorMode === 'named' ? t('authorMode.namedShort') : t('authorMode.pseudonymousShort'),
							})}
						</p>
						<Show when={workshop().authorMode === 'named'}>
							<button type="button" onClick={hideNames}>
								{t('authorMode.switchToPseudonymous')}
							</button>
						</Show>
						<p class="help">{t('authorMode.help')}</p>
						<Show when={token()}>
							{(current) => (
								<WorkshopPrivacyPanel workshopId={props.workshopId} token={current()} onDownload={download} />
							)}
						</Show>
						<Show when={(workshop().agenda ?? []).length > 0}>
							<h2>{t('console.agenda')}</h2>
							<ol class="agenda">
								<For each={workshop().agenda}>
									{(phase) => (
										<li>
											<span>{label(phase.label)}</span>
											<span class="help">{t('console.minutes', { minutes: phase.minutes })}</span>
										</li>
									)}
								</For>
							</ol>
							<p class="help">
								{t('console.agendaTotal', {
									minutes: (workshop().agenda ?? []).reduce((total, phase) => total + phase.minutes, 0),
								})}
							</p>
						</Show>
					</>
				)}
			</Show>
			<Show when={view.loading}>
				<Loading />
			</Show>
		</main>
	)
}

/** A shared join link as a QR code to scan and a field to copy. */
function LinkCard(props: { title: string; help: string; link: string }) {
	return (
		<section class="link-card" aria-label={props.title}>
			<QrCode value={props.link} label={t('console.qrFor', { label: props.title })} />
			<CopyField label={props.title} value={props.link} help={props.help} />
		</section>
	)
}
