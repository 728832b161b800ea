import { createResource, type JSX, Show } from 'solid-js'
import { takeTokenFromFragment, type WorkshopView } from '../api.ts'
import { Loading } from '../components/loading.tsx'
import { explainFailure } from '../explain-failure.ts'
import { t } from '../i18n/i18n.ts'
import { resolveSession } from './resolve-session.ts'
import type { WorkshopSession } from './sessions.ts'

/**
 * The personal session a workshop page needs (board, light view): from a personal link just
 * opened, else the token saved at join; an explanation when there is none on this device, and
 * the reason — in the person's language — when the server refuses or cannot be reached.
 */
export function SessionGate(props: {
	workshopId: string
	children: (session: WorkshopSession, workshop: WorkshopView) => JSX.Element
}) {
	const fromLink = takeTokenFromFragment()
	const [state, { refetch }] = createResource(async () => resolveSession(props.workshopId, fromLink))
	return (
		<>
			<Show when={state.error}>
				<main class="page narrow">
					<p class="error" role="alert">
						{explainFailure(state.error)}
					</p>
					<button type="button" onClick={() => refetch()}>
						{t('common.retry')}
					</button>
				</main>
			</Show>
			<Show when={state.loading}>
				<main class="page narrow">
					<Loading />
				</main>
			</Show>
			{/* A resource read in its error state throws: ask its state, never read it blind. */}
			<Show when={state.state === 'ready' && state()} keyed>
				{(resolved) =>
					resolved.kind === 'session' ? (
						props.children(resolved.session, resolved.workshop)
					) : (
						<main class="page narrow">
							<h1>{t('board.noSession')}</h1>
							<p>{t(resolved.reason)}</p>
						</main>
					)
				}
			</Show>
		</>
	)
}
