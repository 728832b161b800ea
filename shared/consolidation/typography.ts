import type { Language } from '../concertation/labels.ts'

/**
 * Dates, numbers, plurals and spacing of the published documents, through `Intl` so that French
 * reads as French (decimal comma, "3 décembre 2026", no "(s)") and English as English. Pure.
 */

const locale = (language: Language) => (language === 'fr' ? 'fr-FR' : 'en-GB')

/** Intl objects are costly to build (a long annex formats thousands of dates): built once each. */
const cache = new Map<string, unknown>()
function once<T>(key: string, build: () => T): T {
	let found = cache.get(key) as T | undefined
	if (found === undefined) {
		found = build()
		cache.set(key, found)
	}
	return found
}

/**
 * Whether `zone` is an IANA time zone this runtime knows. The server checks every new workshop's
 * zone: ICU's list of zones is looked up first, since building a formatter reads ICU's locale and
 * calendar data into memory (about 9 MiB of resident memory against 1 MiB for the list), which only
 * the documents need. Zones outside the list (aliases such as `UTC` or `Asia/Kolkata`) fall back to
 * the formatter, which accepts every name ICU does.
 */
export function isTimeZone(zone: string): boolean {
	return once(`zone:${zone}`, () => {
		if (once('zones', () => new Set(Intl.supportedValuesOf('timeZone'))).has(zone)) return true
		try {
			new Intl.DateTimeFormat('en', { timeZone: zone })
			return true
		} catch {
			return false
		}
	})
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
/** A zone from data read back (an upload) may be anything: an unknown one reads as Paris. */
const zoneOr = (zone: unknown) => (typeof zone === 'string' && isTimeZone(zone) ? zone : 'Europe/Paris')

/**
 * "3 décembre 2026". A date without a time (the workshop's date) is a calendar day and is never
 * shifted; a moment is shown in the workshop's time zone.
 */
export function formatDate(value: string | null, language: Language, timeZone: string): string {
	if (!value) return ''
	if (typeof value !== 'string') return String(value)
	const date = DATE_ONLY.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value)
	if (Number.isNaN(date.getTime())) return value
	const zone = DATE_ONLY.test(value) ? 'UTC' : zoneOr(timeZone)
	return once(
		`date:${language}:${zone}`,
		() => new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeZone: zone }),
	).format(date)
}

/** "3 décembre 2026 à 10:05" — a moment in the workshop's time zone, for reading. */
export function formatMoment(value: string | null, language: Language, timeZone: string): string {
	if (!value) return ''
	const date = new Date(value)
	if (Number.isNaN(date.getTime())) return value
	const zone = zoneOr(timeZone)
	return once(
		`moment:${language}:${zone}`,
		() => new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeStyle: 'short', timeZone: zone }),
	).format(date)
}

/** "29/11/2026 21:24" — a moment for spreadsheets, in the workshop's time zone. */
export function formatSheetMoment(value: string | null, language: Language, timeZone: string): string {
	if (!value) return ''
	const date = new Date(value)
	if (Number.isNaN(date.getTime())) return value
	const zone = zoneOr(timeZone)
	return once(
		`sheet:${language}:${zone}`,
		() =>
			new Intl.DateTimeFormat(locale(language), {
				day: '2-digit',
				month: '2-digit',
				year: 'numeric',
				hour: '2-digit',
				minute: '2-digit',
				hourCycle: 'h23',
				timeZone: zone,
			}),
	).format(date)
}

/** A whole or decimal number in the language's way ("1 000", "0,5"). */
export function formatNumber(value: number, language: Language, digits = 2): string {
	return once(
		`number:${language}:${digits}`,
		() => new Intl.NumberFormat(locale(language), { maximumFractionDigits: digits }),
	).format(value)
}

/** "34 %" (with the narrow no-break space French wants), from a share 0–1. */
export function formatPercent(share: number, language: Language): string {
	return once(
		`percent:${language}`,
		() => new Intl.NumberFormat(locale(language), { style: 'percent', maximumFractionDigits: 0 }),
	).format(share)
}

/** `count` followed by the right form: plural("participant·e", …) without any "(s)". */
export function plural(count: number, language: Language, one: string, other: string): string {
	const rules = once(`plural:${language}`, () => new Intl.PluralRules(locale(language)))
	const form = rules.select(count) === 'one' ? one : other
	return `${formatNumber(count, language)}\u00a0${form}`
}

/**
 * French spacing: the space before `; ! ? %` becomes a narrow no-break space, before `: €` and
 * inside `« »` a no-break space, and digit groups ("300 000") are held together, so no line starts
 * with a lone punctuation mark or splits a number. Only existing spaces are changed: the text's
 * words stay the author's. English is left as it is.
 */
export function typeset(value: string, language: Language): string {
	// Data read back (an upload) may hold anything where a string is expected.
	const text = typeof value === 'string' ? value : String(value ?? '')
	if (language !== 'fr') return text
	return text
		.replace(/ +([;!?%])/g, '\u202f$1')
		.replace(/ +([:€»])/g, '\u00a0$1')
		.replace(/« +/g, '«\u00a0')
		.replace(/(\d) (?=\d{3}(?!\d))/g, '$1\u202f')
}

/** A file name from a title: accents transliterated ("Finistère" → "finistere"), no other signs. */
export function fileSlug(title: string, fallback: string): string {
	const slug = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/œ/gi, 'oe')
		.replace(/æ/gi, 'ae')
		.replace(/ß/g, 'ss')
		.replace(/[^a-zA-Z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.toLowerCase()
		.slice(0, 80)
		.replace(/-+$/g, '')
	return slug || fallback
}
