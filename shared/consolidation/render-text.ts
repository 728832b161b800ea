import type { Language } from '../concertation/labels.ts'
import type { DocumentOptions } from './document.ts'
import { buildDocument } from './document.ts'
import { clean } from './layout.ts'
import type { ConsolidationModel } from './model.ts'
import { renderLayoutMarkdown } from './render-markdown.ts'
import { formatSheetMoment } from './typography.ts'
import { words } from './words.ts'

export { markdownText } from './render-markdown.ts'

/**
 * Markdown and CSV renderings of the consolidation model (SPEC E5–E7). Text typed by
 * participants is escaped for each format: it always reads as text, never as markup or formulas.
 */

/** E5: the workshop's document as Markdown, readable as a plain text file. */
export function renderMarkdown(model: ConsolidationModel, language: Language, options?: DocumentOptions): string {
	return renderLayoutMarkdown(buildDocument(model, language, options))
}

/** E7: a CSV cell — quoted, quotes doubled, formula starts neutralised for spreadsheets. */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '""'
	let text = clean(String(value)).replace(/\r\n?/g, '\n')
	if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
	return `"${text.replace(/"/g, '""')}"`
}

/** A decimal number as a French or English spreadsheet reads it ("0,42" / "0.42"). */
const decimal = (value: number, language: Language) =>
	language === 'fr'
		? String(Math.round(value * 1000) / 1000).replace('.', ',')
		: String(Math.round(value * 1000) / 1000)

const sheet = (rows: unknown[][]) => `\uFEFF${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`

/**
 * E7: one row per contribution, `;`-separated, UTF-8 with a BOM and CRLF line ends, so French
 * spreadsheet software opens it as is. Titles and labels, never internal ids; moments as
 * "29/11/2026 21:24" in the workshop's time zone.
 */
export function renderCsv(model: ConsolidationModel, language: Language): string {
	const w = words[language]
	const c = w.csv
	const titleOf = new Map(model.annex.map((item) => [item.id, item.title ?? item.text.split('\n')[0] ?? '']))
	const zone = model.context.timeZone
	const header = [
		c.type,
		c.zone,
		c.row,
		c.column,
		c.theme,
		c.title,
		c.text,
		w.target,
		w.level,
		w.effect,
		c.caution,
		w.who,
		w.due,
		c.college,
		c.side,
		c.author,
		c.dots,
		c.mergedInto,
		c.groupedIn,
		c.created,
		c.updated,
	]
	const rows = model.annex.map((item) => [
		w.types[item.type],
		item.zone.label[language],
		item.row?.label[language] ?? null,
		item.column?.label[language] ?? null,
		item.theme?.label[language] ?? null,
		item.title,
		item.text,
		item.target ? w.targets[item.target] : null,
		item.level ? w.levels[item.level] : null,
		item.effect,
		item.caution,
		item.who,
		item.due,
		item.college?.label[language] ?? w.facilitator,
		item.college ? w.sides[item.college.side] : null,
		item.author,
		item.dots,
		item.mergedInto ? (titleOf.get(item.mergedInto) ?? null) : null,
		item.groupedIn ? (titleOf.get(item.groupedIn) ?? null) : null,
		formatSheetMoment(item.createdAt, language, zone),
		formatSheetMoment(item.updatedAt, language, zone),
	])
	return sheet([header, ...rows])
}

/**
 * E7 (`table=support`): one row per proposal, ranked (V9): points, shares, supporters, per side
 * and per published column (V8), the consensus answers and flag (V10).
 */
export function renderSupportCsv(model: ConsolidationModel, language: Language): string {
	const w = words[language]
	const c = w.csv
	const columns = model.context.voteColumns
	const sides = ['associations', 'funders'] as const
	const header = [
		c.rank,
		w.proposal,
		c.title,
		c.dots,
		c.share,
		c.weighted,
		c.supporters,
		c.voters,
		...sides.flatMap((side) => [`${c.dots} — ${w.sides[side]}`, `${c.supporters} — ${w.sides[side]}`]),
		...columns.map((column) => `${c.dots} — ${column.label[language]} (${column.people})`),
		c.agree,
		c.unsure,
		c.disagree,
		...sides.flatMap((side) => [
			`${c.agree} — ${w.sides[side]}`,
			`${c.unsure} — ${w.sides[side]}`,
			`${c.disagree} — ${w.sides[side]}`,
		]),
		c.flag,
	]
	const rows = model.proposals.map((entry) => {
		const support = entry.support
		const consensus = support?.consensus
		const measured = consensus && consensus.flag !== 'non-mesure'
		return [
			entry.rank,
			entry.proposal.title ?? entry.proposal.text,
			entry.proposal.title ? entry.proposal.text : null,
			support?.dots ?? null,
			support ? decimal(support.share, language) : null,
			support ? decimal(support.weightedShare, language) : null,
			support?.supporters ?? null,
			support?.voters ?? null,
			...sides.flatMap((side) => [support?.bySide[side]?.dots ?? null, support?.bySide[side]?.supporters ?? null]),
			...columns.map((column) => support?.byGroup.find((group) => group.id === column.id)?.dots ?? null),
			measured ? consensus.answers.agree : null,
			measured ? consensus.answers.unsure : null,
			measured ? consensus.answers.disagree : null,
			...sides.flatMap((side) => {
				const answers = measured ? consensus.bySide[side] : null
				return [answers?.agree ?? null, answers?.unsure ?? null, answers?.disagree ?? null]
			}),
			w.flags[consensus?.flag ?? 'non-mesure'],
		]
	})
	return sheet([header, ...rows])
}
