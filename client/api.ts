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

async function call<T>(
	path: string,
	init: { token?: string; body?: unknown; headers?: Record<string, string>; method?: string } = {},
) {
	let response: Response
	try {
		response = await fetch(path, {
			method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
			headers: {
				...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
				...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
				...init.headers,
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		})
	} catch {
		throw new ApiFailure(0, 'network', 'network error')
	}
	const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null
	if (!response.ok) {
		throw new ApiFailure(response.status, json?.error?.code ?? 'unknown', json?.error?.message ?? response.statusText)
	}
	return json as T
}

export const api = {
	templates: () =>
		call<{ templates: { id: string; title: Label; description: Label; colleges: College[] }[] }>('/api/templates'),
	clientConfig: () => call<{ tldrawLicenseKey: string | null; maxUploadBytes: number }>('/api/client-config'),
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
			headers: organizerKey ? { 'x-organizer-key': organizerKey } : {},
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
		const response = await fetch(`/api/workshops/${id}/assets`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': file.type || 'application/octet-stream' },
			body: file,
		})
		const json = (await response.json().catch(() => null)) as {
			src?: string
			error?: { code: string; message: string }
		}
		if (!response.ok || !json?.src) {
			throw new ApiFailure(response.status, json?.error?.code ?? 'unknown', json?.error?.message ?? 'upload failed')
		}
		return json.src
	},
}

/** Reads `#token=…` from the URL and removes it from the address bar (and so from history). */
export function takeTokenFromFragment(): string | null {
	const match = /(?:^#|&)token=([^&]+)/.exec(location.hash)
	if (!match?.[1]) return null
	history.replaceState(history.state, '', location.pathname + location.search)
	return decodeURIComponent(match[1])
}
