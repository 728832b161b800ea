import { For, Show } from 'solid-js'
import { t } from '../i18n/i18n.ts'
import { intentRefusalText } from '../explain-failure.ts'
import type { Outbox, QueuedIntent } from '../sync/outbox.ts'

/**
 * What the device still holds for its author: intents waiting for the network, and refused
 * ones with the server's reason until dismissed (nothing is dropped silently).
 */
export function OutboxList(props: { outbox: Outbox }) {
	const items = () => props.outbox.items()
	const kind = (item: QueuedIntent) =>
		item.method === 'DELETE' ? ` (${t('outbox.delete')})` : item.path.endsWith('/move') ? ` (${t('outbox.move')})` : ''
	return (
		<Show when={items().length > 0}>
			<section class="outbox" aria-live="polite">
				<h3>{items().some((item) => item.state === 'pending') ? t('outbox.title') : t('outbox.refusedTitle')}</h3>
				<ul>
					<For each={items()}>
						{(item) => (
							<li class={item.state} data-outbox-state={item.state}>
								<q>{item.summary}</q>
								{kind(item)}
								<Show
									when={item.state === 'refused'}
									fallback={<span class="outbox-state"> — {t('outbox.pending')}</span>}
								>
									<span class="outbox-state" role="alert">
										{' — '}
										{t('outbox.refused', { reason: refusalText(item) })}
									</span>
									<button type="button" onClick={() => props.outbox.dismiss(item.key)}>
										{t('outbox.dismiss')}
									</button>
								</Show>
							</li>
						)}
					</For>
				</ul>
			</section>
		</Show>
	)
}

/** The server's reason in the interface language where we know the code, else as the server said it. */
export function refusalText(item: QueuedIntent): string {
	return intentRefusalText(item.refusal) || (item.refusal?.code ?? '')
}
