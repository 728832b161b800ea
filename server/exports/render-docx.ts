import { Document, HeadingLevel, Packer, Paragraph, type Table, TextRun } from 'docx'
import type { Label, Language } from '../../shared/concertation/labels.ts'
import type { ConsolidationModel, ExportedContribution, Support, TrailStep } from '../../shared/consolidation/model.ts'
import { words } from '../../shared/consolidation/words.ts'
import { authorText, clean, docxFooter, docxTable, supportText as supportOf, trailText } from './document-parts.ts'

/**
 * E9: the Word document (.docx) French associations and public bodies edit, built with the `docx`
 * library (which escapes XML): headings per section, tables of support per college, page numbers.
 * Control characters, which XML cannot hold, are removed from participants' text.
 */
export async function renderDocx(model: ConsolidationModel, language: Language): Promise<Buffer> {
	const w = words[language]
	const l = (label: Label) => clean(label[language])
	const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
		new Paragraph({ text: clean(text), heading: level })
	const paragraph = (text: string, options: { italics?: boolean; bold?: boolean } = {}) =>
		new Paragraph({
			children: clean(text)
				.split('\n')
				.map((part, index) => new TextRun({ text: part, break: index > 0 ? 1 : 0, ...options })),
		})
	const bullet = (text: string, level = 0) => new Paragraph({ text: clean(text), bullet: { level } })
	const table = docxTable
	const who = (item: ExportedContribution) => authorText(item, language)
	const supportText = (support: Support | null) => supportOf(support, language)
	const trail = (step: TrailStep, level: number): Paragraph[] => [
		bullet(trailText(step.contribution, language), level),
		...step.merged.flatMap((child) => trail(child, level + 1)),
		...step.sources.flatMap((child) => trail(child, level + 1)),
	]

	const { context } = model
	const children: (Paragraph | Table)[] = [
		heading(context.title, HeadingLevel.TITLE),
		paragraph([context.territory, context.date].filter(Boolean).join(' · ')),
		heading(w.context, HeadingLevel.HEADING_1),
		bullet(`${w.template} : ${context.template.id} (v${context.template.version})`),
		bullet(`${w.authorMode} : ${context.authorMode === 'named' ? w.named : w.pseudonymous}`),
		bullet(`${w.participants} : ${context.participants}`),
		bullet(`${w.contributions} : ${context.contributions}`),
		bullet(`${w.voters} : ${context.voters} (${w.onPaper} ${context.proxyVoters})`),
		table(
			[w.college, w.side, w.participants],
			context.colleges.map((college) => [l(college.label), w.sides[college.side], college.participants]),
			[2],
		),
		heading(w.findings, HeadingLevel.HEADING_1),
	]
	for (const row of model.findings) {
		children.push(heading(l(row.theme.label), HeadingLevel.HEADING_2))
		if (row.items.length === 0) children.push(paragraph(w.none, { italics: true }))
		for (const item of row.items) {
			children.push(bullet(`${item.column ? `${l(item.column.label)} — ` : ''}${item.text} (${who(item)})`))
		}
	}
	children.push(heading(w.recommendations, HeadingLevel.HEADING_1))
	if (model.recommendations.length === 0) children.push(paragraph(w.none, { italics: true }))
	for (const item of model.recommendations) {
		const recommendation = item.recommendation
		children.push(heading(`${item.rank}. ${recommendation.title ?? recommendation.text}`, HeadingLevel.HEADING_2))
		if (recommendation.title) children.push(paragraph(recommendation.text))
		if (recommendation.target) children.push(bullet(`${w.target} : ${w.targets[recommendation.target]}`))
		if (recommendation.level) children.push(bullet(`${w.level} : ${w.levels[recommendation.level]}`))
		if (recommendation.effect) children.push(bullet(`${w.effect} : ${recommendation.effect}`))
		children.push(bullet(`${w.support} : ${supportText(item.support)}`))
		if (item.support) {
			children.push(
				table(
					[w.college, w.dots],
					item.support.byGroup.map((group) => [`${l(group.label)} (${group.voters})`, group.dots]),
					[1],
				),
			)
		}
		if (item.cautions.length > 0) {
			children.push(paragraph(w.cautions, { bold: true }))
			for (const caution of item.cautions) children.push(bullet(caution))
		}
		children.push(paragraph(w.trail, { bold: true }))
		for (const step of [...item.trail.sources, ...item.trail.merged]) children.push(...trail(step, 0))
	}
	children.push(
		heading(w.proposals, HeadingLevel.HEADING_1),
		table(
			['#', w.proposal, w.target, w.dots, w.weighted, w.consensus],
			model.proposals.map((item, index) => [
				index + 1,
				item.proposal.title ?? item.proposal.text,
				item.proposal.target ? w.targets[item.proposal.target] : '',
				item.support?.dots ?? 0,
				`${Math.round((item.support?.weightedShare ?? 0) * 100)} %`,
				item.support?.consensus ? w.flags[item.support.consensus.flag] : '',
			]),
			[0, 3, 4],
		),
		heading(w.commitments, HeadingLevel.HEADING_1),
	)
	if (model.commitments.length === 0) children.push(paragraph(w.none, { italics: true }))
	for (const item of model.commitments) {
		children.push(bullet(`${w.who} : ${item.who ?? '—'} — ${w.what} : ${item.text} — ${w.due} : ${item.due ?? '—'}`))
	}
	children.push(heading(w.disagreements, HeadingLevel.HEADING_1))
	if (model.disagreements.length === 0) children.push(paragraph(w.none, { italics: true }))
	for (const item of model.disagreements) {
		children.push(bullet(`${item.proposal.title ?? item.proposal.text} — ${supportText(item.support)}`))
		for (const reason of item.reasons) children.push(bullet(reason, 1))
	}
	children.push(heading(w.parking, HeadingLevel.HEADING_1))
	if (model.parking.length === 0) children.push(paragraph(w.none, { italics: true }))
	for (const item of model.parking) children.push(bullet(`${item.text} (${who(item)})`))
	children.push(
		heading(w.annex, HeadingLevel.HEADING_1),
		table(
			[w.type, w.zone, w.cell, w.text, w.college, w.dots],
			model.annex.map((item) => [
				`${w.types[item.type]}${item.mergedInto ? ` (${w.merged})` : ''}`,
				l(item.zone.label),
				[item.row?.label, item.column?.label]
					.filter((part): part is Label => Boolean(part))
					.map(l)
					.join(' × '),
				[item.title, item.text].filter(Boolean).join(' — '),
				who(item),
				item.dots,
			]),
			[5],
		),
		paragraph(`${w.generated} ${model.generatedAt}`, { italics: true }),
	)

	const document = new Document({
		creator: 'Tablée',
		title: clean(context.title),
		description: w.recommendations,
		sections: [
			{
				footers: { default: docxFooter(context.title) },
				children,
			},
		],
	})
	return Packer.toBuffer(document)
}
