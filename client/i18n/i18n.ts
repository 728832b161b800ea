import { createSignal } from 'solid-js'
import type { Language } from '../../shared/concertation/labels.ts'
import { en } from './messages-en.ts'
import { fr, type MessageKey } from './messages-fr.ts'

/**
 * Every visible string comes from one catalogue per language. French is the default; the
 * choice is kept on the device. tldraw's locale follows {@link language}.
 */
const catalogues: Record<Language, Record<MessageKey, string>> = { fr, en }
const STORAGE_KEY = 'tablee:language'

function initialLanguage(): Language {
	const stored = safeStorage()?.getItem(STORAGE_KEY)
	return stored === 'en' || stored === 'fr' ? stored : 'fr'
}

const [language, setLanguageSignal] = createSignal<Language>(initialLanguage())
export { language }

export function setLanguage(next: Language): void {
	setLanguageSignal(next)
	safeStorage()?.setItem(STORAGE_KEY, next)
	document.documentElement.lang = next
}

/** The message for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
	const template = catalogues[language()][key]
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** Picks the current language's text of a `{ fr, en }` label. */
export function label(text: Record<Language, string>): string {
	return text[language()]
}

function safeStorage(): Storage | null {
	try {
		return globalThis.localStorage ?? null
	} catch {
		return null
	}
}
