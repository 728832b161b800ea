import { Document, HeadingLevel, Packer, Paragraph, type Table, TextRun } from 'docx'
import type { Language } from '../../shared/concertation/labels.ts'
import type { SynthesisModel } from '../../shared/consolidation/synthesis.ts'
import { clean, docxFooter, docxTable, pdfDocument } from './document-parts.ts'

/**
 * N5: the national synthesis as a Word document and a PDF (same libraries and fonts as the
 * workshop exports, E9 and E13): one heading per group with "supported in N of M territories",
 * its members per territory, and a table of support per college.
 */

const words = {
	fr: {
		territories: 'Territoires',
		groups: 'Recommandations, de la plus partagée à la moins partagée',
		supported: (n: number, m: number) => `Soutenue dans ${n} territoire(s) sur ${m}`,
		college: 'Collège',
		dots: 'Points',
	},
	en: {
		territories: 'Territories',
		groups: 'Recommendations, most shared first',
		supported: (n: number, m: number) => `Supported in ${n} of ${m} territories`,
		college: 'College',
		dots: 'Dots',
	},
}

export async function renderSynthesisDocx(model: SynthesisModel, language: Language): Promise<Buffer> {
	const w = words[language]
	const children: (Paragraph | Table)[] = [
		new Paragraph({ text: clean(model.title), heading: HeadingLevel.TITLE }),
		new Paragraph({ text: w.territories, heading: HeadingLevel.HEADING_1 }),
		...model.territories.map(
			(territory) =>
				new Paragraph({ text: clean(`${territory.territory} — ${territory.title}`), bullet: { level: 0 } }),
		),
		new Paragraph({ text: w.groups, heading: HeadingLevel.HEADING_1 }),
	]
	model.groups.forEach((group, index) => {
		children.push(
			new Paragraph({ text: clean(`${index + 1}. ${group.label}`), heading: HeadingLevel.HEADING_2 }),
			new Paragraph({
				children: [new TextRun({ text: w.supported(group.supportedIn, group.territories), bold: true })],
			}),
			...group.members.map(
				(member) =>
					new Paragraph({
						text: clean(`${member.territory} — « ${member.title} » (${member.dots})`),
						bullet: { level: 0 },
					}),
			),
		)
		if (group.byCollege.length > 0) {
			children.push(
				docxTable(
					[w.college, w.dots],
					group.byCollege.map((college) => [college.label[language], college.dots]),
					[1],
				),
			)
		}
	})
	const document = new Document({
		creator: 'Tablée',
		title: clean(model.title),
		sections: [
			{
				footers: { default: docxFooter(model.title) },
				children,
			},
		],
	})
	return Packer.toBuffer(document)
}

export function renderSynthesisPdf(model: SynthesisModel, language: Language): Promise<Buffer> {
	const w = words[language]
	const { doc, width, finish } = pdfDocument(model.title)
	const line = (text: string, font = 'body', size = 10, indent = 0) =>
		doc
			.font(font)
			.fontSize(size)
			.text(clean(text), doc.page.margins.left + indent, undefined, { width: width - indent })
	line(model.title, 'bold', 20)
	doc.moveDown(0.5)
	line(w.territories, 'bold', 14)
	for (const territory of model.territories) line(`• ${territory.territory} — ${territory.title}`, 'body', 10, 12)
	doc.moveDown(0.5)
	line(w.groups, 'bold', 14)
	model.groups.forEach((group, index) => {
		doc.moveDown(0.4)
		line(`${index + 1}. ${group.label}`, 'bold', 12)
		line(w.supported(group.supportedIn, group.territories), 'bold', 10)
		for (const member of group.members)
			line(`• ${member.territory} — « ${member.title} » (${member.dots})`, 'body', 10, 12)
		for (const college of group.byCollege) line(`${college.label[language]} : ${college.dots}`, 'body', 9, 24)
	})
	return finish()
}
