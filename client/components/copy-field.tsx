import { createSignal, createUniqueId } from 'solid-js'
import { t } from '../i18n/i18n.ts'

/** A read-only field with a copy button: links to share, labelled for screen readers. */
export function CopyField(props: { label: string; value: string; help?: string }) {
	const id = createUniqueId()
	const [copied, setCopied] = createSignal(false)
	const copy = async () => {
		try {
			await navigator.clipboard.writeText(props.value)
		} catch {
			const input = document.getElementById(id) as HTMLInputElement | null
			input?.select()
			document.execCommand?.('copy')
		}
		setCopied(true)
		setTimeout(() => setCopied(false), 2000)
	}
	return (
		<div class="copy-field">
			<label for={id}>{props.label}</label>
			{props.help && <p class="help">{props.help}</p>}
			<div class="copy-row">
				<input id={id} type="text" readOnly value={props.value} onFocus={(event) => event.currentTarget.select()} />
				<button type="button" onClick={copy} aria-live="polite">
					{copied() ? t('common.copied') : t('common.copy')}
				</button>
			</div>
		</div>
	)
}
