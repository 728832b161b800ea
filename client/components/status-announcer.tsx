import { createSignal, onCleanup } from 'solid-js'
import { t } from '../i18n/i18n.ts'
import type { MessageKey } from '../i18n/messages-fr.ts'
import type { Outbox, QueuedIntent } from '../sync/outbox.ts'

/** What the server accepted, in words a screen reader can say ("vote enregistré"). */
function acceptedKey(intent: QueuedIntent): MessageKey | null {
	if (intent.path === '/vote/ballot') return 'announce.voteSaved'
	if (intent.path === '/consensus/answer') return 'announce.answerSaved'
	if (intent.path === '/contributions' && intent.method === 'POST') return 'announce.contributionSent'
	if (intent.path.endsWith('/move')) return 'announce.contributionMoved'
	if (intent.path.startsWith('/contributions/') && intent.method === 'PATCH') return 'announce.contributionSaved'
	if (intent.path.startsWith('/contributions/') && intent.method === 'DELETE') return 'announce.contributionDeleted'
	return null
}

/**
 * A polite live region present from the page's first paint (a region added with its text is
 * often not read), saying each accepted change. Refusals are said by the outbox list's alert.
 */
export function StatusAnnouncer(props: { outbox: Outbox }) {
	const [message, setMessage] = createSignal('')
	let count = 0
	onCleanup(
		props.outbox.onAccepted(({ intent }) => {
			const key = acceptedKey(intent)
			if (!key) return
			// The same words twice in a row must still be read: a counter of invisible characters
			// makes the text differ without changing what is said.
			count += 1
			setMessage(t(key) + '\u200b'.repeat(count % 2))
		}),
	)
	return (
		<p class="visually-hidden" role="status" data-announcer>
			{message()}
		</p>
	)
}
