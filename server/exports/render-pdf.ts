import type { Label, Language } from '../../shared/concertation/labels.ts'
import type { ConsolidationModel, ExportedContribution, Support, TrailStep } from '../../shared/consolidation/model.ts'
import { words } from '../../shared/consolidation/words.ts'
import { authorText, clean, pdfDocument, supportText as supportOf, trailText } from './document-parts.ts'

/**
 * E13: the PDF document, built with pdfkit and the DejaVu fonts (shipped in an npm package, embedded
 * in the file), so any participant's text — accents, other scripts — prints as typed. Headings per
 * section, support per college as aligned rows, page numbers on every page.
 */
export function renderPdf(model: ConsolidationModel, language: Language): Promise<Buffer> {
	const w = words[language]
	const l = (label: Label) => clean(label[language])
	const { doc, width, finish } = pdfDocument(model.context.title)
	const text = (value: string, options: { font?: string; size?: number; indent?: number; gap?: number } = {}) => {
		doc
			.font(options.font ?? 'body')
			.fontSize(options.size ?? 10)
			.text(clean(value), doc.page.margins.left + (options.indent ?? 0), undefined, {
				width: width - (options.indent ?? 0),
			})
		if (options.gap) doc.moveDown(options.gap)
	}
	const heading = (value: string, size: number) => {
		if (doc.y > doc.page.height - doc.page.margins.bottom - 80) doc.addPage()
		doc.moveDown(0.6)
		text(value, { font: 'bold', size, gap: 0.3 })
	}
	const bullet = (value: string, level = 0) => text(`• ${value}`, { indent: 12 + level * 14 })
	const row = (cells: string[], widths: number[], bold = false) => {
		const y = doc.y
		let x = doc.page.margins.left
		let bottom = y
		cells.forEach((cell, index) => {
			const cellWidth = (widths[index] ?? 0.2) * width
			doc.font(bold ? 'bold' : 'body').fontSize(9)
			doc.text(clean(cell), x, y, { width: cellWidth - 6 })
			bottom = Math.max(bottom, doc.y)
			x += cellWidth
		})
		doc.x = doc.page.margins.left
		doc.y = bottom + 2
	}
	const who = (item: ExportedContribution) => authorText(item, language)
	const supportText = (support: Support | null) => supportOf(support, language)
	const trail = (step: TrailStep, level: number) => {
		bullet(trailText(step.contribution, language), level)
		for (const child of [...step.merged, ...step.sources]) trail(child, level + 1)
	}

	const { context } = model
	text(context.title, { font: 'bold', size: 20, gap: 0.2 })
	text([context.territory, context.date].filter(Boolean).join(' · '), { size: 11, gap: 0.5 })
	heading(w.context, 14)
	bullet(`${w.template} : ${context.template.id} (v${context.template.version})`)
	bullet(`${w.authorMode} : ${context.authorMode === 'named' ? w.named : w.pseudonymous}`)
	bullet(`${w.participants} : ${context.participants}`)
	bullet(`${w.contributions} : ${context.contributions}`)
	bullet(`${w.voters} : ${context.voters} (${w.onPaper} ${context.proxyVoters})`)
	doc.moveDown(0.4)
	row([w.college, w.side, w.participants], [0.6, 0.25, 0.15], true)
	for (const college of context.colleges) {
		row([l(college.label), w.sides[college.side], String(college.participants)], [0.6, 0.25, 0.15])
	}

	heading(w.findings, 14)
	for (const findings of model.findings) {
		text(l(findings.theme.label), { font: 'bold', size: 11 })
		if (findings.items.length === 0) text(w.none, { font: 'italic', size: 9 })
		for (const item of findings.items) {
			bullet(`${item.column ? `${l(item.column.label)} — ` : ''}${item.text} (${who(item)})`)
		}
		doc.moveDown(0.3)
	}

	heading(w.recommendations, 14)
	if (model.recommendations.length === 0) text(w.none, { font: 'italic' })
	for (const item of model.recommendations) {
		const recommendation = item.recommendation
		text(`${item.rank}. ${recommendation.title ?? recommendation.text}`, { font: 'bold', size: 12 })
		if (recommendation.title) text(recommendation.text)
		if (recommendation.target) bullet(`${w.target} : ${w.targets[recommendation.target]}`)
		if (recommendation.level) bullet(`${w.level} : ${w.levels[recommendation.level]}`)
		if (recommendation.effect) bullet(`${w.effect} : ${recommendation.effect}`)
		bullet(`${w.support} : ${supportText(item.support)}`)
		if (item.support) {
			doc.moveDown(0.2)
			row([w.college, w.dots], [0.8, 0.2], true)
			for (const group of item.support.byGroup)
				row([`${l(group.label)} (${group.voters})`, String(group.dots)], [0.8, 0.2])
		}
		if (item.cautions.length > 0) {
			text(w.cautions, { font: 'bold', size: 10 })
			for (const caution of item.cautions) bullet(caution)
		}
		text(w.trail, { font: 'bold', size: 10 })
		for (const step of [...item.trail.sources, ...item.trail.merged]) trail(step, 0)
		doc.moveDown(0.5)
	}

	heading(w.proposals, 14)
	row(['#', w.proposal, w.dots, w.weighted, w.consensus], [0.06, 0.5, 0.12, 0.14, 0.18], true)
	model.proposals.forEach((item, index) => {
		row(
			[
				String(index + 1),
				item.proposal.title ?? item.proposal.text,
				String(item.support?.dots ?? 0),
				`${Math.round((item.support?.weightedShare ?? 0) * 100)} %`,
				item.support?.consensus ? w.flags[item.support.consensus.flag] : '',
			],
			[0.06, 0.5, 0.12, 0.14, 0.18],
		)
	})

	heading(w.commitments, 14)
	if (model.commitments.length === 0) text(w.none, { font: 'italic' })
	for (const item of model.commitments) {
		bullet(`${w.who} : ${item.who ?? '—'} — ${w.what} : ${item.text} — ${w.due} : ${item.due ?? '—'}`)
	}
	heading(w.disagreements, 14)
	if (model.disagreements.length === 0) text(w.none, { font: 'italic' })
	for (const item of model.disagreements) {
		bullet(`${item.proposal.title ?? item.proposal.text} — ${supportText(item.support)}`)
		for (const reason of item.reasons) bullet(reason, 1)
	}
	heading(w.parking, 14)
	if (model.parking.length === 0) text(w.none, { font: 'italic' })
	for (const item of model.parking) bullet(`${item.text} (${who(item)})`)

	heading(w.annex, 14)
	const annexWidths = [0.14, 0.16, 0.42, 0.2, 0.08]
	row([w.type, w.zone, w.text, w.college, w.dots], annexWidths, true)
	for (const item of model.annex) {
		if (doc.y > doc.page.height - doc.page.margins.bottom - 40) doc.addPage()
		row(
			[
				`${w.types[item.type]}${item.mergedInto ? ` (${w.merged})` : ''}`,
				l(item.zone.label),
				[item.title, item.text].filter(Boolean).join(' — '),
				who(item),
				String(item.dots),
			],
			annexWidths,
		)
	}
	doc.moveDown(0.5)
	text(`${w.generated} ${model.generatedAt}`, { font: 'italic', size: 8 })

	return finish()
}
