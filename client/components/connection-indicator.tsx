import { createEffect, createSignal, Show } from 'solid-js'
import type { MessageKey } from '../i18n/messages-fr.ts'
import { t } from '../i18n/i18n.ts'
import type { RelayLink } from '../sync/relay-link.ts'
import { CloseCode } from '../../shared/protocol/close-codes.ts'
import { forgetWorkshopOnDevice } from '../privacy/forget-workshop.ts'

/** Delay before "not yet received" is shown: a change normally reaches the server far sooner. */
const UNSENT_GRACE_MS = 1500

/**
 * Connecté / reconnexion… / hors ligne, with a warning while local changes have not reached the
 * server (known from our ack message), and the reason of a final refusal.
 */
export function ConnectionIndicator(props: { link: RelayLink }) {
	const [lagging, setLagging] = createSignal(false)
	let timer: ReturnType<typeof setTimeout> | undefined
	createEffect(() => {
		const unsent = props.link.unsent()
		clearTimeout(timer)
		if (!unsent) setLagging(false)
		else timer = setTimeout(() => setLagging(true), UNSENT_GRACE_MS)
	})
	// A deleted workshop leaves nothing on this device either (SPEC D1).
	createEffect(() => {
		if (props.link.refusal()?.code === CloseCode.workshopDeleted) {
			forgetWorkshopOnDevice(props.link.provider.roomname.split('/')[0] ?? '')
		}
	})
	const state = () => props.link.state()
	const text = () => {
		const refusal = props.link.refusal()
		if (state() === 'refused' && refusal) return t('connection.refused', { reason: refusalText(refusal.code) })
		if (state() === 'connected') return t('connection.connected')
		if (state() === 'connecting') return t('connection.connecting')
		return t('connection.offline')
	}
	const deleted = () => state() === 'refused' && props.link.refusal()?.code === CloseCode.workshopDeleted
	return (
		<>
			<Show when={deleted()}>
				{/* SPEC D1: said over the whole page, not only in the status line — nothing here works any
				more. A modal dialog: the page underneath is inert, focus stays in it, Escape does not close it. */}
				<dialog
					class="workshop-deleted"
					role="alertdialog"
					aria-labelledby="workshop-deleted-title"
					aria-describedby="workshop-deleted-text"
					ref={(dialog) => queueMicrotask(() => dialog.isConnected && !dialog.open && dialog.showModal())}
					onCancel={(event) => event.preventDefault()}
				>
					<h2 id="workshop-deleted-title">{t('privacy.deletedTitle')}</h2>
					<p id="workshop-deleted-text">{t('privacy.deletedBody')}</p>
					<a href="/">{t('privacy.deletedHome')}</a>
				</dialog>
			</Show>
			<div
				class="connection"
				data-state={state()}
				data-unsent={lagging() ? 'yes' : 'no'}
				data-pending={props.link.unsent() ? 'yes' : 'no'}
				role="status"
				aria-live="polite"
			>
				<span class="dot" aria-hidden="true" />
				<span class="connection-text">{text()}</span>
				<Show when={props.link.refusal()?.code === CloseCode.clientOutdated}>
					<button type="button" onClick={() => location.reload()}>
						{t('common.reload')}
					</button>
				</Show>
				<Show when={lagging()}>
					<span class="connection-warning">
						{state() === 'connected' ? t('connection.pending') : t('connection.pendingOffline')}
					</span>
				</Show>
			</div>
		</>
	)
}

function refusalText(code: number): string {
	const key = `refusal.${code}` as MessageKey
	return [4400, 4401, 4403, 4404, 4410, 4413, 4426].includes(code) ? t(key) : t('refusal.other', { code })
}
