import { createResource, type JSX, Show } from 'solid-js'
import { takeTokenFromFragment, type WorkshopView } from '../api.ts'
import { t } from '../i18n/i18n.ts'
import { resolveSession } from './resolve-session.ts'
import type { WorkshopSession } from './sessions.ts'

/**
 * The personal session a workshop page needs (board, light view): from a personal link just
 * opened, else the token saved at join; an explanation when there is none on this device.
 */
export function SessionGate(props: {
	workshopId: string
	children: (session: WorkshopSession, workshop: WorkshopView) => JSX.Element
}) {
	const fromLink = takeTokenFromFragment()
	const [state] = createResource(async () => resolveSession(props.workshopId, fromLink))
	return (
		<>
			<Show when={state.error}>
				<main class="page narrow">
					<p class="error" role="alert">
						{(state.error as Error).message}
					</p>
				</main>
			</Show>
			<Show when={state()} keyed>
				{(resolved) =>
					resolved.kind === 'session' ? (
						props.children(resolved.session, resolved.workshop)
					) : (
						<main class="page narrow">
							<h1>{t('board.noSession')}</h1>
							<p>{t('board.joinFirst')}</p>
						</main>
					)
				}
			</Show>
		</>
	)
}
