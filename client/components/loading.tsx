import { createSignal, onCleanup } from 'solid-js'
import { t } from '../i18n/i18n.ts'

/** After this long, "Chargement…" alone would leave the person guessing. */
const SLOW_MS = 4000

/** "Chargement…", then — if the server keeps the page waiting — why, and that it still waits. */
export function Loading() {
	const [slow, setSlow] = createSignal(false)
	const timer = setTimeout(() => setSlow(true), SLOW_MS)
	onCleanup(() => clearTimeout(timer))
	return (
		<p class="loading" role="status">
			{slow() ? t('common.slow') : t('common.loading')}
		</p>
	)
}
