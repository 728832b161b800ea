import { createSignal, Show } from 'solid-js'
import { ApiFailure } from '../api.ts'
import { t } from '../i18n/i18n.ts'
import { pt } from './privacy-messages.ts'
import { saveSession, type WorkshopSession } from '../session/sessions.ts'
import { PrivacyLink } from './privacy-link.tsx'
import { privacyApi } from './privacy-api.ts'

/**
 * "Retirer mon nom" (SPEC D4): a participant removes their own name from the workshop; their
 * contributions stay, attributed to their college only. The name kept on this device goes too.
 */
export function EraseName(props: { session: WorkshopSession; anonymous: boolean; onNotice?: boolean }) {
	const [state, setState] = createSignal<'idle' | 'busy' | 'done'>('idle')
	const [error, setError] = createSignal<string | null>(null)
	const erase = async () => {
		if (!window.confirm(pt('eraseNameConfirm'))) return
		setState('busy')
		setError(null)
		try {
			const answer = await privacyApi.eraseName(
				props.session.workshopId,
				props.session.token,
				props.session.participantId,
			)
			saveSession({ ...props.session, name: answer.name })
			setState('done')
		} catch (failure) {
			setState('idle')
			setError(failure instanceof ApiFailure && failure.status === 0 ? t('error.network') : (failure as Error).message)
		}
	}
	return (
		<section class="erase-name" aria-label={pt('eraseName')}>
			<Show when={!props.onNotice}>
				<h3>{t('privacy.link')}</h3>
			</Show>
			<Show
				when={!props.anonymous && state() !== 'done'}
				fallback={
					<p class="notice" role="status">
						{pt('nameErased')}
					</p>
				}
			>
				<p class="help">{pt('eraseNameHelp')}</p>
				<button type="button" disabled={state() === 'busy'} onClick={erase}>
					{pt('eraseName')}
				</button>
			</Show>
			<Show when={error()}>
				<p class="error" role="alert">
					{error()}
				</p>
			</Show>
			<Show when={!props.onNotice}>
				<p>
					<PrivacyLink />
				</p>
			</Show>
		</section>
	)
}
