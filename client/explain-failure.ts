import { ApiFailure } from './api.ts'
import { t } from './i18n/i18n.ts'
import type { MessageKey } from './i18n/messages-fr.ts'

/** Server error codes a page can meet before it shows anything, each with what to do. */
const explained: Record<string, MessageKey> = {
	link_expired: 'failure.link_expired',
	invalid_token: 'failure.invalid_token',
	missing_token: 'failure.missing_token',
	workshop_not_found: 'failure.workshop_not_found',
	not_found: 'failure.workshop_not_found',
	facilitator_only: 'failure.facilitator_only',
	names_removed: 'failure.names_removed',
	workshop_unavailable: 'failure.unavailable',
	storage_unavailable: 'failure.unavailable',
}

/**
 * K16: why an intent (a contribution, a ballot, an answer) was refused, as a clause that fits
 * "refusée par le serveur : …". Codes are grouped by what the person can do about them, so the
 * light view's catalogue stays small; the server's own codes are in shared/concertation/. Those
 * only the facilitator's console meets are explained there (console-refusals.ts).
 */
const intentGroups: [MessageKey, string[]][] = [
	['intent.linked', ['merged', 'already_merged', 'has_duplicates', 'grouped', 'has_sources']],
	['intent.cannotLink', ['type_mismatch', 'not_a_proposal', 'not_a_recommendation', 'not_merged']],
	['intent.wrong_phase', ['wrong_phase', 'no_phase']],
	['intent.closed', ['vote_closed', 'consensus_closed', 'vote_not_open', 'consensus_not_open']],
	['intent.ballot', ['over_budget', 'over_maximum', 'own_proposal', 'invalid_dots', 'unknown_proposal']],
	['intent.observer_read_only', ['observer_read_only', 'observer_cannot_vote', 'participants_only']],
	['failure.invalid_token', ['unknown_participant', 'personal_token_required']],
	['failure.names_removed', ['names_removed']],
	['intent.invalid', ['refused_by_storage']],
]
const intentKeys = new Map<string, MessageKey>(
	intentGroups.flatMap(([key, codes]) => codes.map((code): [string, MessageKey] => [code, key])),
)
for (const code of [
	'zone_locked',
	'proposals_frozen',
	'type_not_allowed_here',
	'not_your_contribution',
	'contribution_not_found',
	'facilitator_only',
] as const) {
	intentKeys.set(code, `intent.${code}`)
}

/**
 * The message key of an intent's refusal, or null for a code no intent is refused with. Any 400
 * (or 422) is a malformed request (a field missing or unknown, a bad id…), which only a stale page or a
 * bug sends: said as such rather than code by code.
 */
export function intentRefusalKey(code: string, status: number): MessageKey | null {
	return intentKeys.get(code) ?? explained[code] ?? (status === 400 || status === 422 ? 'intent.invalid' : null)
}

/** An intent's refusal in the interface language; the server's English only for an unknown code. */
export function intentRefusalText(refusal: { status: number; code: string; message: string } | undefined): string {
	const key = refusal ? intentRefusalKey(refusal.code, refusal.status) : null
	return key ? t(key) : (refusal?.message ?? '')
}

/**
 * A failure as the person reads it: in their language, saying what happened and what to do.
 * The server's English message is only a last resort, for codes no page expects.
 */
export function explainFailure(failure: unknown): string {
	if (!(failure instanceof ApiFailure)) return t('common.error', { message: (failure as Error)?.message ?? '' })
	if (failure.status === 0) return t('error.network')
	const key = explained[failure.code]
	if (key) return t(key)
	// An intent's refusal is a clause ("le scrutin est clos"): said as what went wrong.
	const intentKey = intentRefusalKey(failure.code, failure.status)
	return t('common.error', { message: intentKey ? t(intentKey) : failure.message })
}
