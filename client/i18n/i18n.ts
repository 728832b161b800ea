import { createSignal } from 'solid-js'
import type { Language } from '../../shared/concertation/labels.ts'
import { fr, type MessageKey } from './messages-fr.ts'

/**
 * Every visible string comes from one catalogue per language. French is the default and is
 * bundled; other catalogues load when chosen (a phone on venue Wi-Fi downloads one language).
 * The choice is kept on the device. tldraw's locale follows {@link language}.
 */
const [catalogues, setCatalogues] = createSignal<Partial<Record<Language, Record<MessageKey, string>>>>({ fr })
const loaders: Record<Exclude<Language, 'fr'>, () => Promise<Record<MessageKey, string>>> = {
	en: () => import('./messages-en.ts').then((module) => module.en),
}
const STORAGE_KEY = 'tablee:language'

function initialLanguage(): Language {
	const stored = safeStorage()?.getItem(STORAGE_KEY)
	return stored === 'en' || stored === 'fr' ? stored : 'fr'
}

const [language, setLanguageSignal] = createSignal<Language>('fr')
export { language }

/** Switches the interface language, once its catalogue is loaded. */
export async function setLanguage(next: Language): Promise<void> {
	if (next !== 'fr' && !catalogues()[next]) {
		const loaded = await loaders[next]()
		setCatalogues({ ...catalogues(), [next]: loaded })
	}
	setLanguageSignal(next)
	safeStorage()?.setItem(STORAGE_KEY, next)
	document.documentElement.lang = next
}

// The language chosen on an earlier visit (French shows until its catalogue has loaded).
const chosen = initialLanguage()
if (chosen !== 'fr') void setLanguage(chosen)

/**
 * The message for `key` in the current language, with `{name}` placeholders filled and
 * `{name|singular|plural}` chosen by the number `name` (French takes the singular for 0 and 1).
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
	return fill((catalogues()[language()] ?? fr)[key], params)
}

/**
 * `template` with `{name}` placeholders filled and `{name|singular|plural}` chosen by the number
 * `name` (French takes the singular for 0 and 1), in the current language.
 */
export function fill(template: string, params: Record<string, string | number> = {}): string {
	const lang = language()
	return template
		.replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (_whole, name: string, one: string, other: string) => {
			const count = Math.abs(Number(params[name]))
			return (lang === 'fr' ? count < 2 : count === 1) ? one : other
		})
		.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** A calendar date (`2026-12-03`) as people write it: "3 décembre 2026", "3 December 2026". */
export function formatDate(iso: string | null): string | null {
	if (!iso) return null
	const date = new Date(`${iso.slice(0, 10)}T12:00:00`)
	if (Number.isNaN(date.getTime())) return iso
	return date.toLocaleDateString(language() === 'fr' ? 'fr-FR' : 'en-GB', {
		day: 'numeric',
		month: 'long',
		year: 'numeric',
	})
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
