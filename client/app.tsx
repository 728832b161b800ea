import { createMemo, lazy, Match, Switch } from 'solid-js'
import { LanguageSwitch } from './components/language-switch.tsx'
import { SiteFooter } from './components/site-footer.tsx'
import { language, t } from './i18n/i18n.ts'
import { JoinPage } from './pages/join-page.tsx'
import { NotFoundPage } from './pages/not-found-page.tsx'
import { matchRoute, navigate, pathname } from './router.ts'
// The personal session of the participant's pages (board, light view, what became of my
// contributions) is opened in the shell: those pages share it without a chunk of its own.
import { SessionGate } from './session/session-gate.tsx'

// The facilitator's pages load when opened: a participant's phone never downloads them.
const LobbyPage = lazy(() => import('./pages/lobby-page.tsx').then((module) => ({ default: module.LobbyPage })))
const SynthesisPage = lazy(() =>
	import('./pages/synthesis-page.tsx').then((module) => ({ default: module.SynthesisPage })),
)
const ConsolePage = lazy(() => import('./pages/console-page.tsx').then((module) => ({ default: module.ConsolePage })))
const AccessibilityPage = lazy(() =>
	import('./pages/accessibility-page.tsx').then((module) => ({ default: module.AccessibilityPage })),
)
// The board (Yjs, sync, then the canvas) loads only when a board is opened.
const BoardPage = lazy(() => import('./pages/board-page.tsx').then((module) => ({ default: module.BoardPage })))
// The light view: Solid and Yjs only — no canvas, no IndexedDB (SPEC K13).
// The privacy notice (SPEC D6): its text loads with it, not with every page.
const PrivacyPage = lazy(() => import('./privacy/privacy-page.tsx').then((module) => ({ default: module.PrivacyPage })))
const LightPage = lazy(() => import('./pages/light-page.tsx').then((module) => ({ default: module.LightPage })))
// What became of one's contributions (SPEC M): as light as the light view, opened from a phone.
const TrailPage = lazy(() => import('./trail/trail-page.tsx').then((module) => ({ default: module.TrailPage })))

export function App() {
	const route = createMemo(() => matchRoute(pathname()))
	document.documentElement.lang = language()
	return (
		<Switch>
			<Match when={route().page === 'board' && route()} keyed>
				{(current) => current.page === 'board' && <BoardPage workshopId={current.workshopId} />}
			</Match>
			<Match when={route().page === 'light' && route()} keyed>
				{(current) => current.page === 'light' && <LightPage workshopId={current.workshopId} />}
			</Match>
			<Match when={route().page === 'trail' && route()} keyed>
				{(current) =>
					current.page === 'trail' && (
						<SessionGate workshopId={current.workshopId}>
							{(session, workshop) => <TrailPage session={session} workshop={workshop} />}
						</SessionGate>
					)
				}
			</Match>
			<Match when={route()} keyed>
				{(current) => (
					<div class="shell">
						<header class="app-bar">
							<a
								class="brand"
								href="/"
								onClick={(event) => {
									event.preventDefault()
									navigate('/')
								}}
							>
								{t('app.name')}
							</a>
							<span class="tagline">{t('app.tagline')}</span>
							<LanguageSwitch />
						</header>
						<Switch fallback={<NotFoundPage />}>
							<Match when={current.page === 'lobby'}>
								<LobbyPage />
							</Match>
							<Match when={current.page === 'console' && current}>
								{(page) => <ConsolePage workshopId={page().workshopId} />}
							</Match>
							<Match when={current.page === 'synthesis' && current}>
								{(page) => <SynthesisPage synthesisId={page().synthesisId} />}
							</Match>
							<Match when={current.page === 'privacy'}>
								<PrivacyPage />
							</Match>
							<Match when={current.page === 'join' && current}>
								{(page) => <JoinPage workshopId={page().workshopId} />}
							</Match>
							<Match when={current.page === 'accessibility'}>
								<AccessibilityPage />
							</Match>
						</Switch>
						<SiteFooter />
					</div>
				)}
			</Match>
		</Switch>
	)
}
