import { createResource, For, Show } from 'solid-js'
import { statements, lastCheck } from '../accessibility/statement.ts'
import { api } from '../api.ts'
import { language } from '../i18n/i18n.ts'

/** `/accessibilite`: the accessibility statement, with the contact the operator configured. */
export function AccessibilityPage() {
	const [config] = createResource(() => api.clientConfig().catch(() => null))
	const text = () => statements[language()]
	const date = () =>
		new Intl.DateTimeFormat(language(), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(lastCheck))
	const contact = () => config()?.accessibilityContact ?? null
	const href = (value: string) => (/^https?:\/\//.test(value) ? value : `mailto:${value}`)
	return (
		<main class="page narrow statement">
			<h1>{text().title}</h1>
			<p class="statement-status">
				<strong>{text().status}</strong>
			</p>
			<p>{text().intro}</p>
			<h2>{text().resultsTitle}</h2>
			<ul>
				<For each={text().results}>{(line) => <li>{line}</li>}</For>
			</ul>
			<h2>{text().notAccessibleTitle}</h2>
			<ul>
				<For each={text().notAccessible}>{(line) => <li>{line}</li>}</For>
			</ul>
			<h2>{text().alternativeTitle}</h2>
			<p>{text().alternative}</p>
			<p>{text().openLight}</p>
			<h2>{text().checkTitle}</h2>
			<p>{text().check(date())}</p>
			<p>{text().method}</p>
			<h2>{text().contactTitle}</h2>
			<Show when={!config.loading}>
				<Show when={contact()} fallback={<p>{text().contactMissing}</p>}>
					{(value) => (
						<p>
							{text().contact} <a href={href(value())}>{value()}</a>
						</p>
					)}
				</Show>
			</Show>
			<h2>{text().recourseTitle}</h2>
			<p>{text().recourse}</p>
		</main>
	)
}
