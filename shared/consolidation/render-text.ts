import type { Label, Language } from '../concertation/labels.ts'
import type { ConsolidationModel, ExportedContribution, Support, TrailStep } from './model.ts'
import { words } from './words.ts'

/**
 * Markdown and CSV renderings of the consolidation model (SPEC E5–E7). Text typed by
 * participants is escaped for each format: it always reads as text, never as markup or formulas.
 */

/** Removes control characters (tabs and line breaks are kept). */
const clean = (text: string) => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '') // eslint-disable-line no-control-regex

/** E6: Markdown text: markup characters escaped, raw HTML neutralised, lines kept. */
export function markdownText(text: string): string {
	return clean(text)
		.replace(/\r\n?/g, '\n')
		.replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (char) => `\\${char}`)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.split('\n')
		.join('<br>')
}

export function renderMarkdown(model: ConsolidationModel, language: Language): string {
	const w = words[language]
	const l = (label: Label) => markdownText(label[language])
	const out: string[] = []
	const { context } = model
	out.push(`# ${markdownText(context.title)}`, '')
	const subtitle = [context.territory, context.date].filter((part): part is string => Boolean(part))
	if (subtitle.length > 0) out.push(markdownText(subtitle.join(' · ')), '')

	out.push(`## ${w.context}`, '')
	out.push(`- ${w.template} : ${markdownText(context.template.id)} (v${context.template.version})`)
	out.push(`- ${w.authorMode} : ${context.authorMode === 'named' ? w.named : w.pseudonymous}`)
	out.push(`- ${w.participants} : ${context.participants}`)
	out.push(
		`- ${w.contributions} : ${context.contributions} (${Object.entries(context.contributionsByType)
			.filter(([, count]) => count > 0)
			.map(([type, count]) => `${w.types[type as keyof typeof w.types]} ${count}`)
			.join(', ')})`,
	)
	out.push(`- ${w.voters} : ${context.voters} (${w.onPaper} ${context.proxyVoters})`, '')
	out.push(`| ${w.college} | ${w.side} | ${w.participants} |`, '| --- | --- | ---: |')
	for (const college of context.colleges) {
		out.push(`| ${l(college.label)} | ${w.sides[college.side]} | ${college.participants} |`)
	}
	out.push('')

	out.push(`## ${w.findings}`, '')
	for (const row of model.findings) {
		out.push(`### ${l(row.theme.label)}`, '')
		if (row.items.length === 0) out.push(`_${w.none}_`)
		for (const item of row.items)
			out.push(`- ${item.column ? `**${l(item.column.label)}** — ` : ''}${line(item, language)}`)
		out.push('')
	}

	out.push(`## ${w.recommendations}`, '')
	if (model.recommendations.length === 0) out.push(`_${w.none}_`, '')
	for (const item of model.recommendations) {
		const recommendation = item.recommendation
		out.push(`### ${item.rank}. ${markdownText(recommendation.title ?? recommendation.text)}`, '')
		if (recommendation.title) out.push(markdownText(recommendation.text), '')
		const details = [
			recommendation.target && `${w.target} : ${w.targets[recommendation.target]}`,
			recommendation.level && `${w.level} : ${w.levels[recommendation.level]}`,
			recommendation.effect && `${w.effect} : ${markdownText(recommendation.effect)}`,
		].filter(Boolean)
		for (const detail of details) out.push(`- ${detail}`)
		out.push(`- ${w.support} : ${supportLine(item.support, language)}`)
		if (item.support) {
			out.push('', `| ${w.college} | ${w.dots} |`, '| --- | ---: |')
			for (const group of item.support.byGroup) out.push(`| ${l(group.label)} (${group.voters}) | ${group.dots} |`)
			out.push('')
		}
		if (item.cautions.length > 0) {
			out.push(`- ${w.cautions} :`)
			for (const caution of item.cautions) out.push(`  - ${markdownText(caution)}`)
		}
		out.push(`- ${w.trail} :`)
		for (const step of [...item.trail.sources, ...item.trail.merged]) out.push(...trailLines(step, language, 1))
		out.push('')
	}

	out.push(`## ${w.proposals}`, '')
	out.push(
		`| # | ${w.proposal} | ${w.target} | ${w.dots} | ${w.weighted} | ${w.consensus} |`,
		'| ---: | --- | --- | ---: | ---: | --- |',
	)
	model.proposals.forEach((item, index) => {
		const p = item.proposal
		out.push(
			`| ${index + 1} | ${markdownText(p.title ?? p.text)} | ${p.target ? w.targets[p.target] : ''} | ${item.support?.dots ?? 0} | ${percent(item.support?.weightedShare ?? 0)} | ${item.support?.consensus ? w.flags[item.support.consensus.flag] : ''} |`,
		)
	})
	out.push('')

	out.push(`## ${w.commitments}`, '')
	if (model.commitments.length === 0) out.push(`_${w.none}_`)
	for (const item of model.commitments) {
		out.push(
			`- ${w.who} : ${markdownText(item.who ?? '—')} — ${w.what} : ${markdownText(item.text)} — ${w.due} : ${markdownText(item.due ?? '—')}`,
		)
	}
	out.push('')

	out.push(`## ${w.disagreements}`, '')
	if (model.disagreements.length === 0) out.push(`_${w.none}_`)
	for (const item of model.disagreements) {
		out.push(`- ${markdownText(item.proposal.title ?? item.proposal.text)} — ${supportLine(item.support, language)}`)
		for (const reason of item.reasons) out.push(`  - ${markdownText(reason)}`)
	}
	out.push('')

	out.push(`## ${w.parking}`, '')
	if (model.parking.length === 0) out.push(`_${w.none}_`)
	for (const item of model.parking) out.push(`- ${line(item, language)}`)
	out.push('')

	out.push(`## ${w.annex}`, '')
	out.push(
		`| ${w.type} | ${w.zone} | ${w.cell} | ${w.text} | ${w.college} | ${w.dots} |`,
		'| --- | --- | --- | --- | --- | ---: |',
	)
	for (const item of model.annex) {
		const cell = [item.row?.label, item.column?.label]
			.filter((part): part is Label => Boolean(part))
			.map(l)
			.join(' × ')
		out.push(
			`| ${w.types[item.type]}${item.mergedInto ? ` (${w.merged})` : ''} | ${l(item.zone.label)} | ${cell} | ${markdownText([item.title, item.text].filter(Boolean).join(' — '))} | ${author(item, language)} | ${item.dots} |`,
		)
	}
	out.push('', `_${w.generated} ${model.generatedAt}_`, '')
	return out.join('\n')
}

function line(item: ExportedContribution, language: Language): string {
	return `${markdownText([item.title, item.text].filter(Boolean).join(' — '))} _(${author(item, language)})_`
}

function author(item: ExportedContribution, language: Language): string {
	const college = item.college ? markdownText(item.college.label[language]) : words[language].facilitator
	return item.author ? `${markdownText(item.author)}, ${college}` : college
}

function percent(share: number): string {
	return `${Math.round(share * 100)} %`
}

function supportLine(support: Support | null, language: Language): string {
	const w = words[language]
	if (!support) return w.notVoted
	const flag = support.consensus ? ` — ${w.flags[support.consensus.flag]}` : ''
	const score =
		support.consensus?.score !== null && support.consensus?.score !== undefined
			? ` (${w.score} ${support.consensus.score.toFixed(2)})`
			: ''
	return `${support.dots} ${w.dots.toLowerCase()} (${percent(support.weightedShare)} ${w.weightedShort})${flag}${score}`
}

function trailLines(step: TrailStep, language: Language, depth: number): string[] {
	const w = words[language]
	const item = step.contribution
	const place = [item.zone.label[language], item.row?.label[language], item.column?.label[language]]
		.filter(Boolean)
		.map((part) => markdownText(part as string))
		.join(' › ')
	const own = `${'  '.repeat(depth)}- ${w.types[item.type]} « ${markdownText(item.title ?? item.text)} » — ${author(item, language)} — ${place}`
	return [
		own,
		...step.merged.flatMap((child) => trailLines(child, language, depth + 1)),
		...step.sources.flatMap((child) => trailLines(child, language, depth + 1)),
	]
}

/** E7: a CSV cell — quoted, quotes doubled, formula starts neutralised for spreadsheets. */
export function csvCell(value: string | number | null): string {
	if (value === null) return '""'
	let text = clean(String(value)).replace(/\r\n?/g, '\n')
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
	return `"${text.replace(/"/g, '""')}"`
}

/**
 * E7: one row per contribution, `;`-separated, UTF-8 with a BOM and CRLF line ends, so French
 * spreadsheet software opens it as is.
 */
export function renderCsv(model: ConsolidationModel, language: Language): string {
	const w = words[language]
	const header = [
		'id',
		w.type,
		w.zone,
		w.row,
		w.column,
		w.theme,
		w.title,
		w.text,
		w.target,
		w.level,
		w.effect,
		w.cautions,
		w.who,
		w.due,
		w.college,
		w.side,
		w.author,
		w.dots,
		w.mergedInto,
		w.groupedIn,
		w.created,
		w.updated,
	]
	const rows = model.annex.map((item) => [
		item.id,
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
		item.mergedInto,
		item.groupedIn,
		item.createdAt,
		item.updatedAt,
	])
	return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`
}
