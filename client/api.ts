import type { Contribution } from '../shared/concertation/contribution.ts'
import type { Label } from '../shared/concertation/labels.ts'
import type { College, Template, TemplatePhase } from '../shared/template/template-schema.ts'
import type { PlacedZone } from '../shared/template/zone-layout.ts'

/** Typed calls to the server's HTTP API (docs/api.md). Errors carry the server's code. */
export class ApiFailure extends Error {
	readonly status: number
	readonly code: string
	constructor(status: number, code: string, message: string) {
		super(message)
		this.status = status
		this.code = code
	}
}

export interface WorkshopView {
	id: string
	title: string
	territory: string | null
	date: string | null
	templateId: string
	colleges: College[]
	themes?: Template['themes']
	zones?: PlacedZone[]
	agenda?: TemplatePhase[]
	authorMode?: 'pseudonymous' | 'named'
	you: { kind: 'link'; role: 'participant' | 'observer' } | PersonalIdentity
	participantCount?: number
	tokens?: { participant: string; observer: string }
	links?: { participant: string; observer: string }
}

export interface PersonalIdentity {
	kind: 'personal'
	role: 'facilitator' | 'participant' | 'observer'
	participantId: string
	college: string | null
}

export interface CreatedWorkshop {
	id: string
	tokens: { facilitator: string; participant: string; observer: string }
	links: { facilitator: string; participant: string; observer: string }
}

export interface CallInit {
	token?: string
	/** JSON-encoded, unless it is already a string (a file's text) or a Blob (an upload). */
	body?: unknown
	headers?: Record<string, string>
	method?: string
}

/** The one place that talks HTTP: a network failure is status 0, a refusal carries the server's code. */
async function request(path: string, init: CallInit = {}): Promise<Response> {
	const raw = typeof init.body === 'string' || init.body instanceof Blob
	let response: Response
	try {
		response = await fetch(path, {
			method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
			headers: {
				...(init.body === undefined || init.body instanceof Blob ? {} : { 'content-type': 'application/json' }),
				...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
				...init.headers,
			},
			body: init.body === undefined ? undefined : raw ? (init.body as string | Blob) : JSON.stringify(init.body),
		})
	} catch {
		throw new ApiFailure(0, 'network', 'network error')
	}
	if (!response.ok) {
		const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null
		throw new ApiFailure(response.status, json?.error?.code ?? 'unknown', json?.error?.message ?? response.statusText)
	}
	return response
}

/** A call answered with JSON; a refusal throws {@link ApiFailure}. Pages' own API modules use it too. */
export async function call<T>(path: string, init: CallInit = {}): Promise<T> {
	const response = await request(path, init)
	return (await response.json().catch(() => null)) as T
}

const workshopPath = (id: string, path: string) => `/api/workshops/${id}${path}`
const organizer = (key?: string): Record<string, string> => (key ? { 'x-organizer-key': key } : {})

export const api = {
	templates: () =>
		call<{ templates: { id: string; title: Label; description: Label; colleges: College[] }[] }>('/api/templates'),
	clientConfig: () =>
		call<{ tldrawLicenseKey: string | null; maxUploadBytes: number; accessibilityContact: string | null }>(
			'/api/client-config',
		),
	createWorkshop: (
		body: {
			title: string
			territory?: string
			date?: string
			facilitatorName?: string
			templateId?: string
			authorMode?: 'pseudonymous' | 'named'
		},
		organizerKey?: string,
	) =>
		call<CreatedWorkshop>('/api/workshops', {
			body,
			headers: organizer(organizerKey),
		}),
	workshop: (id: string, token: string) => call<WorkshopView>(`/api/workshops/${id}`, { token }),
	join: (id: string, linkToken: string, body: { name: string; college?: string }) =>
		call<{ participantId: string; token: string; role: PersonalIdentity['role']; college: string | null }>(
			`/api/workshops/${id}/join`,
			{ token: linkToken, body },
		),
	setAuthorMode: (id: string, token: string, authorMode: 'pseudonymous' | 'named') =>
		call<{ authorMode: 'pseudonymous' | 'named' }>(`/api/workshops/${id}/settings`, {
			token,
			body: { authorMode },
			method: 'PATCH',
		}),
	regenerateLinks: (id: string, token: string) =>
		call<{ tokens: { participant: string; observer: string }; links: { participant: string; observer: string } }>(
			`/api/workshops/${id}/links/regenerate`,
			{ token, body: {} },
		),
	async uploadAsset(id: string, token: string, file: Blob): Promise<string> {
		const answer = await call<{ src?: string } | null>(workshopPath(id, '/assets'), {
			token,
			body: file,
			headers: { 'content-type': file.type || 'application/octet-stream' },
		})
		if (!answer?.src) throw new ApiFailure(500, 'unknown', 'upload failed')
		return answer.src
	},
	/** The server's clock, for deadlines (`GET /api/time`). */
	time: () => call<{ now: number }>('/api/time'),
	/** The caller's own contributions and private drafts (K9, F1). */
	mine: (id: string, token: string) =>
		call<{ ids: string[]; drafts: Contribution[] }>(workshopPath(id, '/contributions/mine'), { token }),
	/** A queued intent (the outbox), sent with its idempotency key; resolves to the server's answer. */
	intent: (
		id: string,
		token: string,
		intent: { method: string; path: string; body: unknown; key: string },
	): Promise<unknown> =>
		call(workshopPath(id, intent.path), {
			token,
			method: intent.method,
			body: intent.body,
			headers: { 'idempotency-key': intent.key },
		}),
	/** A facilitation or vote call answered at once (not queued): `GET` without a body. */
	workshopCall: <T>(id: string, token: string, path: string, body?: unknown) =>
		call<T>(workshopPath(id, path), { token, body }),
	/** A file to download (exports, archive), with the name the server gave it. */
	async download(id: string, token: string, path: string): Promise<{ blob: Blob; name: string | null }> {
		const response = await request(workshopPath(id, path), { token })
		const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? null
		return { blob: await response.blob(), name }
	},
	importArchive: (archiveText: string, organizerKey?: string) =>
		call<CreatedWorkshop>('/api/workshops/import', { body: archiveText, headers: organizer(organizerKey) }),
	createSynthesis: (body: unknown, organizerKey?: string) =>
		call<{ id: string; editKey: string }>('/api/syntheses', { body, headers: organizer(organizerKey) }),
	/** A synthesis; with its edit key (N12) the view says it may be edited. */
	synthesis: <View>(id: string, editKey?: string) =>
		call<View>(`/api/syntheses/${id}`, { headers: editKey ? { 'x-synthesis-key': editKey } : {} }),
	/** Saves the groupings made on `revision`; 409 `stale_revision` when someone saved meanwhile (N13). */
	saveSynthesisGroups: <View>(id: string, editKey: string | undefined, groups: unknown, revision: number) =>
		call<View>(`/api/syntheses/${id}/groups`, {
			method: 'PUT',
			body: { groups, revision },
			headers: editKey ? { 'x-synthesis-key': editKey } : {},
		}),
	claimSynthesisEditKey: <View>(id: string) => call<View>(`/api/syntheses/${id}/edit-key`, { method: 'POST' }),
}

/** Reads `#token=…` from the URL and removes it from the address bar (and so from history). */
export function takeTokenFromFragment(): string | null {
	const match = /(?:^#|&)token=([^&]+)/.exec(location.hash)
	if (!match?.[1]) return null
	history.replaceState(history.state, '', location.pathname + location.search)
	return decodeURIComponent(match[1])
}
