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
 * A failure as the person reads it: in their language, saying what happened and what to do.
 * The server's English message is only a last resort, for codes no page expects.
 */
export function explainFailure(failure: unknown): string {
	if (!(failure instanceof ApiFailure)) return t('common.error', { message: (failure as Error)?.message ?? '' })
	if (failure.status === 0) return t('error.network')
	const key = explained[failure.code]
	return key ? t(key) : t('common.error', { message: failure.message })
}
