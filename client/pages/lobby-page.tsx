import { createResource, createSignal, For, Show } from 'solid-js'
import { ApiFailure, api } from '../api.ts'
import type { CreatedWorkshop } from '../api.ts'
import { explainFailure } from '../explain-failure.ts'
import { label, t } from '../i18n/i18n.ts'
import { navigate } from '../router.ts'
import { listSessions, saveSession } from '../session/sessions.ts'
import { st } from '../i18n/synthesis-messages.ts'

/** `/`: a facilitator creates a workshop and lands on its console. */
export function LobbyPage() {
	const [busy, setBusy] = createSignal(false)
	const [error, setError] = createSignal<string | null>(null)
	const [needsKey, setNeedsKey] = createSignal(false)
	const [templates] = createResource(() => api.templates().then((list) => list.templates))
	const [chosenId, setChosenId] = createSignal<string | null>(null)
	const chosen = () => templates()?.find((template) => template.id === (chosenId() ?? templates()?.[0]?.id))

	const submit = async (event: SubmitEvent) => {
		event.preventDefault()
		const form = new FormData(event.currentTarget as HTMLFormElement)
		const text = (name: string) => String(form.get(name) ?? '').trim()
		setBusy(true)
		setError(null)
		try {
			const facilitatorName = text('facilitatorName')
			const created = await api.createWorkshop(
				{
					title: text('title'),
					...(text('territory') ? { territory: text('territory') } : {}),
					...(text('date') ? { date: text('date') } : {}),
					...(facilitatorName ? { facilitatorName } : {}),
					...(text('templateId') ? { templateId: text('templateId') } : {}),
					authorMode: text('authorMode') === 'named' ? 'named' : 'pseudonymous',
				},
				text('organizerKey') || undefined,
			)
			const view = await api.workshop(created.id, created.tokens.facilitator)
			if (view.you.kind === 'personal') {
				saveSession({
					...view.you,
					workshopId: created.id,
					token: created.tokens.facilitator,
					name: facilitatorName || 'Animation',
				})
			}
			navigate(`/w/${created.id}`)
		} catch (failure) {
			if (failure instanceof ApiFailure && failure.code === 'organizer_key_required') setNeedsKey(true)
			setError(failure instanceof ApiFailure && failure.status === 0 ? t('error.network') : (failure as Error).message)
		} finally {
			setBusy(false)
		}
	}

	const importArchive = async (event: SubmitEvent) => {
		event.preventDefault()
		const form = event.currentTarget as HTMLFormElement
		const file = (form.elements.namedItem('archive') as HTMLInputElement).files?.[0]
		const key = String(new FormData(form).get('organizerKey') ?? '').trim()
		if (!file) return
		setBusy(true)
		setError(null)
		try {
			let answer: CreatedWorkshop
			try {
				answer = await api.importArchive(await file.text(), key || undefined)
			} catch (failure) {
				if (failure instanceof ApiFailure && failure.code === 'organizer_key_required') setNeedsKey(true)
				throw failure
			}
			const view = await api.workshop(answer.id, answer.tokens.facilitator)
			if (view.you.kind === 'personal') {
				saveSession({ ...view.you, workshopId: answer.id, token: answer.tokens.facilitator, name: 'Animation' })
			}
			navigate(`/w/${answer.id}`)
		} catch (failure) {
			setError(explainFailure(failure))
		} finally {
			setBusy(false)
		}
	}

	// The workshops this device facilitates can be included directly (their facilitator tokens are here).
	const [mine] = createResource(async () => {
		const facilitated = listSessions().filter((session) => session.role === 'facilitator')
		const found = await Promise.all(
			facilitated.map((session) =>
				api.workshop(session.workshopId, session.token).then(
					(view) => ({ id: session.workshopId, token: session.token, title: view.title, territory: view.territory }),
					() => null,
				),
			),
		)
		return found.filter((workshop): workshop is NonNullable<typeof workshop> => workshop !== null)
	})

	const createSynthesis = async (event: SubmitEvent) => {
		event.preventDefault()
		const form = event.currentTarget as HTMLFormElement
		const data = new FormData(form)
		const files = [...((form.elements.namedItem('exports') as HTMLInputElement).files ?? [])]
		setBusy(true)
		setError(null)
		try {
			const exports = await Promise.all(files.map(async (file) => JSON.parse(await file.text()) as unknown))
			const key = String(data.get('organizerKey') ?? '').trim()
			const answer = await api.createSynthesis(
				{
					title: String(data.get('title') ?? '').trim(),
					exports,
					workshops: [
						...(mine() ?? [])
							.filter((workshop) => data.getAll('workshop').includes(workshop.id))
							.map((workshop) => ({ id: workshop.id, token: workshop.token })),
						// With the organiser key, any workshop of this server by its id.
						...String(data.get('workshopIds') ?? '')
							.split(/[\s,]+/)
							.filter((id) => /^[a-z0-9]{8,40}$/.test(id))
							.map((id) => ({ id })),
					],
				},
				key || undefined,
			)
			// The creator lands on the edit link (N12); the page keeps the key on this device.
			navigate(`/s/${answer.id}#edit=${answer.editKey}`)
		} catch (failure) {
			setError(explainFailure(failure))
		} finally {
			setBusy(false)
		}
	}

	return (
		<main class="page narrow">
			<h1>{t('lobby.title')}</h1>
			<p class="intro">{t('lobby.intro')}</p>
			<form class="stack" onSubmit={submit}>
				<label>
					{t('lobby.field.title')}
					<input name="title" required maxLength={200} autocomplete="off" />
				</label>
				<label>
					{t('lobby.field.territory')}
					<input name="territory" maxLength={200} autocomplete="off" />
				</label>
				<label>
					{t('lobby.field.date')}
					<input name="date" type="date" />
				</label>
				<label>
					{t('lobby.field.facilitatorName')}
					<input name="facilitatorName" maxLength={80} autocomplete="name" />
				</label>
				<label>
					{t('lobby.field.template')}
					<select name="templateId" onChange={(event) => setChosenId(event.currentTarget.value)}>
						<For each={templates() ?? []} fallback={<option value="">{t('lobby.defaultTemplate')}</option>}>
							{(template) => <option value={template.id}>{label(template.title)}</option>}
						</For>
					</select>
					<Show when={chosen()}>{(template) => <span class="help">{label(template().description)}</span>}</Show>
				</label>
				<fieldset class="view-choice">
					<legend>{t('authorMode.label')}</legend>
					<label>
						<input type="radio" name="authorMode" value="pseudonymous" checked />
						{t('authorMode.pseudonymous')}
					</label>
					<label>
						<input type="radio" name="authorMode" value="named" />
						{t('authorMode.named')}
					</label>
					<span class="help">{t('authorMode.help')}</span>
				</fieldset>
				<Show when={needsKey()}>
					<label>
						{t('lobby.field.organizerKey')}
						<input name="organizerKey" type="password" autocomplete="off" required />
						<span class="help">{t('lobby.organizerKeyHelp')}</span>
					</label>
				</Show>
				<Show when={error()}>
					<p class="error" role="alert">
						{t('common.error', { message: error() ?? '' })}
					</p>
				</Show>
				<button type="submit" class="primary" disabled={busy()}>
					{busy() ? t('lobby.creating') : t('lobby.create')}
				</button>
			</form>
			<details class="import-archive">
				<summary>{st('create')}</summary>
				<form class="stack" onSubmit={createSynthesis}>
					<p class="help">{st('createHelp')}</p>
					<label>
						{st('title')}
						<input name="title" required maxLength={200} />
					</label>
					<Show when={(mine() ?? []).length > 0}>
						<fieldset class="grouping">
							<legend>{st('mine')}</legend>
							<For each={mine()}>
								{(workshop) => (
									<label>
										<input type="checkbox" name="workshop" value={workshop.id} />
										{workshop.title}
										{workshop.territory ? ` — ${workshop.territory}` : ''}
									</label>
								)}
							</For>
						</fieldset>
					</Show>
					<label>
						{st('files')}
						<input name="exports" type="file" accept="application/json,.json" multiple />
					</label>
					<details>
						<summary>{st('organizer')}</summary>
						<label>
							{t('lobby.field.organizerKey')}
							<input name="organizerKey" type="password" autocomplete="off" />
						</label>
						<label>
							{st('workshopIds')}
							<textarea name="workshopIds" rows={3} />
						</label>
					</details>
					<button type="submit" disabled={busy()}>
						{st('createSubmit')}
					</button>
				</form>
			</details>
			<details class="import-archive">
				<summary>{t('lobby.import')}</summary>
				<form class="stack" onSubmit={importArchive}>
					<p class="help">{t('lobby.importHelp')}</p>
					<label>
						{t('lobby.archiveFile')}
						<input name="archive" type="file" accept="application/json,.json" required />
					</label>
					<Show when={needsKey()}>
						<label>
							{t('lobby.field.organizerKey')}
							<input name="organizerKey" type="password" autocomplete="off" required />
						</label>
					</Show>
					<button type="submit" disabled={busy()}>
						{t('lobby.importSubmit')}
					</button>
				</form>
			</details>
		</main>
	)
}
