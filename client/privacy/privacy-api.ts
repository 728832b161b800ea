import { call } from '../api.ts'

/** The personal data calls of docs/api.md §Personal data. Errors carry the server's code. */
const send = <T>(path: string, token: string, method: string, body?: unknown): Promise<T> =>
	call<T>(path, { token, method, body })

export interface PrivacyStatus {
	retentionDays: number
	anonymiseOn: string
	anonymisedAt: string | null
	/** For the facilitator: the people whose name is still there. */
	named?: { id: string; name: string; role: string; college: string | null }[]
}

export interface PrivacyConfig {
	organisationName: string | null
	contact: string | null
	retentionDays: number
}

export const privacyApi = {
	status: (id: string, token: string) => send<PrivacyStatus>(`/api/workshops/${id}/privacy`, token, 'GET'),
	anonymise: (id: string, token: string) =>
		send<{ anonymisedAt: string }>(`/api/workshops/${id}/anonymise`, token, 'POST', {}),
	deleteWorkshop: (id: string, token: string) => send<{ deleted: string }>(`/api/workshops/${id}`, token, 'DELETE'),
	eraseName: (id: string, token: string, participantId: string) =>
		send<{ participantId: string; name: string }>(
			`/api/workshops/${id}/participants/${participantId}/name`,
			token,
			'DELETE',
		),
	async config(): Promise<PrivacyConfig> {
		const response = await fetch('/api/client-config')
		const json = (await response.json()) as { privacy?: PrivacyConfig }
		return json.privacy ?? { organisationName: null, contact: null, retentionDays: 365 }
	},
}

/** A date as people read it in `language`. */
export function readableDate(iso: string, language: string): string {
	const date = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)
	return date.toLocaleDateString(language === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long' })
}
