import { createResource, createSignal, For, Show } from 'solid-js'
import { ApiFailure, api, takeTokenFromFragment } from '../api.ts'
import { Loading } from '../components/loading.tsx'
import { explainFailure } from '../explain-failure.ts'
import { formatDate, label, t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'
import { loadSession, saveSession } from '../session/sessions.ts'
import { PrivacyLink } from '../privacy/privacy-link.tsx'

/**
 * `/join/<id>#token=…`: the shared link. A name and a college (no account) are exchanged for a
 * personal token kept on this device. The link token itself is kept for the tab only, so a
 * reload of this page still works.
 */
export function JoinPage(props: { workshopId: string }) {
	const storageKey = `tablee:link:${props.workshopId}`
	const fromFragment = takeTokenFromFragment()
	if (fromFragment) sessionStorage.setItem(storageKey, fromFragment)
	const linkToken = fromFragment ?? sessionStorage.getItem(storageKey)
	const existing = loadSession(props.workshopId)
	const [error, setError] = createSignal<string | null>(null)
	const [busy, setBusy] = createSignal(false)
	// The light view comes first on a narrow screen (a phone on venue Wi-Fi), the board elsewhere.
	const [view_, setView] = createSignal<'light' | 'board'>(matchMedia('(max-width: 700px)').matches ? 'light' : 'board')
	const destination = () => `/${view_() === 'light' ? 'p' : 'b'}/${props.workshopId}`

	const [view] = createResource(async () => {
		if (!linkToken) throw new ApiFailure(401, 'invalid_token', 'no link token')
		return api.workshop(props.workshopId, linkToken)
	})
	const role = () => {
		const you = view()?.you
		return you?.kind === 'link' ? you.role : 'participant'
	}

	const explain = (failure: unknown) =>
		failure instanceof ApiFailure && failure.code === 'missing_token'
			? t('failure.invalid_token')
			: explainFailure(failure)

	const submit = async (event: SubmitEvent) => {
		event.preventDefault()
		if (!linkToken) return
		const form = new FormData(event.currentTarget as HTMLFormElement)
		const name = String(form.get('name') ?? '').trim()
		const college = form.get('college')
		if (role() === 'participant' && typeof college !== 'string') {
			setError(t('join.chooseCollege'))
			return
		}
		setBusy(true)
		setError(null)
		try {
			const joined = await api.join(
				props.workshopId,
				linkToken,
				role() === 'participant' ? { name, college: String(college) } : { name },
			)
			saveSession({
				kind: 'personal',
				workshopId: props.workshopId,
				token: joined.token,
				participantId: joined.participantId,
				role: joined.role,
				college: joined.college,
				name,
			})
			navigate(destination())
		} catch (failure) {
			setError(explain(failure))
		} finally {
			setBusy(false)
		}
	}

	return (
		<main class="page narrow">
			<Show when={view.error}>
				<p class="error" role="alert">
					{explain(view.error)}
				</p>
			</Show>
			{/* A resource read in its error state throws: ask its state, never read it blind. */}
			<Show when={view.state === 'ready' && view()}>
				{(workshop) => (
					<>
						<p class="eyebrow">{role() === 'observer' ? t('join.observerTitle') : t('join.title')}</p>
						<h1>{workshop().title}</h1>
						<p class="meta">{[workshop().territory, formatDate(workshop().date)].filter(Boolean).join(' · ')}</p>
						<Show when={existing}>
							{(session) => (
								<p>
									<button type="button" class="primary" onClick={() => navigate(destination())}>
										{t('join.continueAs', { name: session().name })}
									</button>
									<span class="help"> {t('join.orNew')}</span>
								</p>
							)}
						</Show>
						<form class="stack" onSubmit={submit}>
							<label>
								{t('join.name')}
								<input name="name" required maxLength={80} autocomplete="name" />
								<span class="help">{t('join.nameHelp')}</span>
							</label>
							<Show when={role() === 'participant'}>
								<fieldset class="colleges">
									<legend>{t('join.college')}</legend>
									<p class="help">{t('join.collegeHelp')}</p>
									<For each={workshop().colleges}>
										{(college) => (
											<label class="college-option">
												<input type="radio" name="college" value={college.id} required />
												<span class="swatch" aria-hidden="true" style={{ background: college.color }} />
												<span>{label(college.label)}</span>
											</label>
										)}
									</For>
								</fieldset>
							</Show>
							<fieldset class="view-choice">
								<legend>{t('join.lightChoice')}</legend>
								<label>
									<input
										type="radio"
										name="view"
										value="light"
										checked={view_() === 'light'}
										onChange={() => setView('light')}
									/>
									{t('join.openLight')}
								</label>
								<label>
									<input
										type="radio"
										name="view"
										value="board"
										checked={view_() === 'board'}
										onChange={() => setView('board')}
									/>
									{t('join.openBoard')}
								</label>
							</fieldset>
							<Show when={error()}>
								<p class="error" role="alert">
									{error()}
								</p>
							</Show>
							<p class="help">
								{t('privacy.beforeJoining')} <PrivacyLink />
							</p>
							<button type="submit" class="primary" disabled={busy()}>
								{busy() ? t('join.joining') : t('join.submit')}
							</button>
						</form>
					</>
				)}
			</Show>
			<Show when={view.loading}>
				<Loading />
			</Show>
		</main>
	)
}
