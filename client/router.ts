import { createSignal } from 'solid-js'

/**
 * A tiny router: the app has four pages, so a pathname signal and `navigate` suffice.
 * `/` lobby · `/w/<id>` facilitator console · `/join/<id>` join · `/b/<id>` board ·
 * `/p/<id>` light participant view · `/s/<id>` national synthesis ·
 * `/suivi/<id>` (or `/trail/<id>`) what became of one's contributions ·
 * `/accessibilite` (or `/accessibility`) the accessibility statement.
 */
const [pathname, setPathname] = createSignal(location.pathname)
window.addEventListener('popstate', () => setPathname(location.pathname))

export { pathname }

export function navigate(to: string): void {
	history.pushState(null, '', to)
	setPathname(location.pathname)
}

export type Route =
	| { page: 'lobby' }
	| { page: 'console'; workshopId: string }
	| { page: 'join'; workshopId: string }
	| { page: 'board'; workshopId: string }
	| { page: 'light'; workshopId: string }
	| { page: 'trail'; workshopId: string }
	| { page: 'synthesis'; synthesisId: string }
	| { page: 'accessibility' }
	| { page: 'not-found' }
	| { page: 'privacy' }

export function matchRoute(path: string): Route {
	if (path === '/' || path === '') return { page: 'lobby' }
	if (/^\/(confidentialite|privacy)\/?$/.test(path)) return { page: 'privacy' }
	if (/^\/(accessibilite|accessibility)\/?$/.test(path)) return { page: 'accessibility' }
	const match = /^\/(w|join|b|p|s|suivi|trail)\/([a-z0-9]{8,40})\/?$/.exec(path)
	if (!match?.[2]) return { page: 'not-found' }
	const workshopId = match[2]
	if (match[1] === 'w') return { page: 'console', workshopId }
	if (match[1] === 'join') return { page: 'join', workshopId }
	if (match[1] === 'p') return { page: 'light', workshopId }
	if (match[1] === 'suivi' || match[1] === 'trail') return { page: 'trail', workshopId }
	if (match[1] === 's') return { page: 'synthesis', synthesisId: workshopId }
	return { page: 'board', workshopId }
}
