import { createResource, createSignal, For, Show } from 'solid-js'
import { ApiFailure } from '../api.ts'
import { language, t } from '../i18n/i18n.ts'
import { pt } from './privacy-messages.ts'
import { navigate } from '../router.ts'
import { forgetSession } from '../session/sessions.ts'
import { privacyApi, readableDate } from './privacy-api.ts'

type Download = (format: 'archive' | 'pdf' | 'docx') => Promise<void>

/**
 * The console's "Données personnelles" section (SPEC D1–D4): when the names will be removed and
 * "Anonymiser maintenant", removing one person's name on request (paper participants included),
 * and deleting the workshop after a confirmation that offers the archive and the documents first.
 */
export function WorkshopPrivacyPanel(props: { workshopId: string; token: string; onDownload: Download }) {
	const [status, { mutate, refetch }] = createResource(() => privacyApi.status(props.workshopId, props.token))
	const [message, setMessage] = createSignal<string | null>(null)
	const [busy, setBusy] = createSignal(false)
	// Read when the section opens (and after each removal), not live: no second sync of the workshop.
	const named = () => [...(status()?.named ?? [])].sort((a, b) => a.name.localeCompare(b.name))
	const [chosen, setChosen] = createSignal('')
	let dialog: HTMLDialogElement | undefined
	const [understood, setUnderstood] = createSignal(false)
	const [deleteError, setDeleteError] = createSignal<string | null>(null)

	const failed = (failure: unknown) =>
		setMessage(t('common.error', { message: failure instanceof ApiFailure ? failure.message : String(failure) }))

	const anonymise = async () => {
		if (!window.confirm(pt('anonymiseConfirm'))) return
		setBusy(true)
		try {
			const { anonymisedAt } = await privacyApi.anonymise(props.workshopId, props.token)
			const current = status()
			if (current) mutate({ ...current, anonymisedAt })
			setMessage(pt('anonymisedAt', { date: readableDate(anonymisedAt, language()) }))
		} catch (failure) {
			failed(failure)
		} finally {
			setBusy(false)
		}
	}

	const eraseChosen = async () => {
		const id = chosen()
		const entry = named().find((person) => person.id === id)
		if (!entry || !window.confirm(pt('eraseForConfirm', { name: entry.name }))) return
		try {
			await privacyApi.eraseName(props.workshopId, props.token, id)
			setChosen('')
			setMessage(pt('erasedFor'))
			void refetch()
		} catch (failure) {
			failed(failure)
		}
	}

	const remove = async () => {
		setBusy(true)
		try {
			await privacyApi.deleteWorkshop(props.workshopId, props.token)
			dialog?.close()
			forgetSession(props.workshopId)
			navigate('/')
		} catch (failure) {
			setDeleteError(failure instanceof ApiFailure ? failure.message : String(failure))
		} finally {
			setBusy(false)
		}
	}

	return (
		<section class="privacy-panel" aria-labelledby="privacy-panel-title">
			<h2 id="privacy-panel-title">{t('privacy.link')}</h2>
			<Show when={status()}>
				{(current) => (
					<p data-anonymised={current().anonymisedAt ? 'yes' : 'no'}>
						{current().anonymisedAt
							? pt('anonymisedAt', { date: readableDate(current().anonymisedAt ?? '', language()) })
							: pt('anonymiseOn', {
									date: readableDate(current().anonymiseOn, language()),
									days: current().retentionDays,
								})}
					</p>
				)}
			</Show>
			<Show when={message()}>
				<p class="notice" role="status">
					{message()}
				</p>
			</Show>
			<div class="actions">
				<Show when={status() && !status()?.anonymisedAt}>
					<button type="button" disabled={busy()} onClick={anonymise}>
						{pt('anonymiseNow')}
					</button>
				</Show>
				<button
					type="button"
					class="danger"
					onClick={() => {
						setUnderstood(false)
						setDeleteError(null)
						dialog?.showModal()
					}}
				>
					{pt('delete')}
				</button>
			</div>
			<Show when={named().length > 0}>
				<div class="erase-for">
					<label>
						{pt('eraseFor')}
						<select value={chosen()} onChange={(event) => setChosen(event.currentTarget.value)}>
							<option value="">—</option>
							<For each={named()}>{(person) => <option value={person.id}>{person.name}</option>}</For>
						</select>
					</label>
					<button type="button" disabled={!chosen()} onClick={eraseChosen}>
						{pt('eraseForSubmit')}
					</button>
				</div>
				<p class="help">{pt('eraseForHelp')}</p>
			</Show>
			<dialog
				class="confirm-dialog"
				ref={(element) => (dialog = element)}
				aria-labelledby="delete-title"
				aria-describedby="delete-help"
			>
				<h2 id="delete-title">{pt('deleteTitle')}</h2>
				<p id="delete-help">{pt('deleteHelp')}</p>
				<div class="actions">
					<button type="button" onClick={() => props.onDownload('archive')}>
						{t('export.archive')}
					</button>
					<button type="button" onClick={() => props.onDownload('pdf')}>
						{t('export.pdf')}
					</button>
					<button type="button" onClick={() => props.onDownload('docx')}>
						{t('export.docx')}
					</button>
				</div>
				<label class="confirm-check">
					<input
						type="checkbox"
						checked={understood()}
						onChange={(event) => setUnderstood(event.currentTarget.checked)}
					/>
					{pt('deleteUnderstood')}
				</label>
				<Show when={deleteError()}>
					<p class="error" role="alert">
						{t('common.error', { message: deleteError() ?? '' })}
					</p>
				</Show>
				<div class="actions">
					<button type="button" class="danger" disabled={!understood() || busy()} onClick={remove}>
						{pt('deleteSubmit')}
					</button>
					<button type="button" onClick={() => dialog?.close()}>
						{pt('cancel')}
					</button>
				</div>
			</dialog>
		</section>
	)
}
