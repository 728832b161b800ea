import { createResource, For, Show } from 'solid-js'
import { language, t } from '../i18n/i18n.ts'
import { loadSession } from '../session/sessions.ts'
import { EraseName } from './erase-name.tsx'
import { noticeText } from './notice-text.ts'
import { privacyApi } from './privacy-api.ts'

/**
 * `/confidentialite` (and `/privacy`): the privacy notice people can read before joining (SPEC
 * D6). The controller, its contact and the retention period come from the server's configuration.
 */
export function PrivacyPage() {
	const [config] = createResource(() => privacyApi.config())
	// Opened from a workshop (`?atelier=<id>`): the person this device joined as may remove their name.
	const workshopId = new URLSearchParams(location.search).get('atelier')
	const session = workshopId ? loadSession(workshopId) : null
	const notice = () => {
		const facts = config()
		return facts
			? noticeText(language(), {
					organisation: facts.organisationName,
					contact: facts.contact,
					retentionDays: facts.retentionDays,
				})
			: null
	}
	return (
		<main class="page narrow privacy-notice">
			<Show when={config.error}>
				<p class="error" role="alert">
					{t('common.error', { message: (config.error as Error).message })}
				</p>
			</Show>
			<Show when={notice()}>
				{(text) => (
					<>
						<h1>{text().title}</h1>
						<Show when={session}>{(current) => <EraseName session={current()} anonymous={false} onNotice />}</Show>
						<For each={text().sections}>
							{(section) => (
								<section aria-labelledby={`privacy-${section.id}`}>
									<h2 id={`privacy-${section.id}`}>{section.heading}</h2>
									<For each={section.paragraphs}>{(paragraph) => <p>{paragraph}</p>}</For>
									<Show when={section.list}>
										{(items) => (
											<ul>
												<For each={items()}>{(item) => <li>{item}</li>}</For>
											</ul>
										)}
									</Show>
								</section>
							)}
						</For>
					</>
				)}
			</Show>
			<Show when={config.loading}>
				<p>{t('common.loading')}</p>
			</Show>
		</main>
	)
}
