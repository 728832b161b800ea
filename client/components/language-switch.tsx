import { createUniqueId, For } from 'solid-js'
import { languages } from '../../shared/concertation/labels.ts'
import { language, setLanguage, t } from '../i18n/i18n.ts'

export function LanguageSwitch() {
	const id = createUniqueId()
	return (
		<div class="language-switch">
			<label for={id}>{t('language.label')}</label>
			<select
				id={id}
				value={language()}
				onChange={(event) => setLanguage(event.currentTarget.value === 'en' ? 'en' : 'fr')}
			>
				<For each={languages}>{(code) => <option value={code}>{t(`language.${code}`)}</option>}</For>
			</select>
		</div>
	)
}
