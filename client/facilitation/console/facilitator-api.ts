import { createSignal } from 'solid-js'
import { api } from '../../api.ts'
import { explainConsoleFailure } from './console-refusals.ts'

/**
 * The console's one way to the server: facilitation and vote calls answered at once (not queued
 * like participants' intents), with a busy flag that disables the buttons meanwhile and the last
 * refusal explained in the person's language.
 */
export interface FacilitatorApi {
	/** POSTs an intent; resolves to the answer, or null when refused (the notice says why). */
	send<T = unknown>(path: string, body?: unknown): Promise<T | null>
	/** GETs what only the facilitator may see (private counts, the tally before the reveal). */
	get<T>(path: string): Promise<T | null>
	busy: () => boolean
	notice: () => string | null
	say(message: string | null): void
}

export function facilitatorApi(workshopId: string, token: string): FacilitatorApi {
	const [busy, setBusy] = createSignal(false)
	const [notice, setNotice] = createSignal<string | null>(null)
	return {
		async send<T>(path: string, body: unknown = {}) {
			setBusy(true)
			try {
				const answer = await api.workshopCall<T>(workshopId, token, path, body)
				setNotice(null)
				return answer ?? ({} as T)
			} catch (failure) {
				setNotice(explainConsoleFailure(failure))
				return null
			} finally {
				setBusy(false)
			}
		},
		get: <T>(path: string) => api.workshopCall<T>(workshopId, token, path).catch(() => null),
		busy,
		notice,
		say: setNotice,
	}
}
