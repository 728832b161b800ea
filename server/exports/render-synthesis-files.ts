import { createRequire } from 'node:module'
import path from 'node:path'
import {
	AlignmentType,
	Document,
	Footer,
	HeadingLevel,
	Packer,
	PageNumber,
	Paragraph,
	Table,
	TableCell,
	TableRow,
	TextRun,
	WidthType,
} from 'docx'
import PDFDocument from 'pdfkit'
import type { Language } from '../../shared/concertation/labels.ts'
import type { SynthesisModel } from '../../shared/consolidation/synthesis.ts'

/**
 * N5: the national synthesis as a Word document and a PDF (same libraries and fonts as the
 * workshop exports, E9 and E13): one heading per group with "supported in N of M territories",
 * its members per territory, and a table of support per college.
 */
// eslint-disable-next-line no-control-regex -- control characters are what is removed
const clean = (text: string) => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf')

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
				new Table({
					width: { size: 100, type: WidthType.PERCENTAGE },
					rows: [
						[w.college, w.dots],
						...group.byCollege.map((college) => [college.label[language], String(college.dots)]),
					].map(
						(row, rowIndex) =>
							new TableRow({
								tableHeader: rowIndex === 0,
								children: row.map(
									(cell, column) =>
										new TableCell({
											children: [
												new Paragraph({
													alignment: column === 1 ? AlignmentType.RIGHT : AlignmentType.LEFT,
													children: [new TextRun({ text: clean(cell), bold: rowIndex === 0 })],
												}),
											],
										}),
								),
							}),
					),
				}),
			)
		}
	})
	const document = new Document({
		creator: 'Tablée',
		title: clean(model.title),
		sections: [
			{
				footers: {
					default: new Footer({
						children: [
							new Paragraph({
								alignment: AlignmentType.CENTER,
								children: [
									new TextRun({
										children: [`${clean(model.title)} — `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES],
									}),
								],
							}),
						],
					}),
				},
				children,
			},
		],
	})
	return Packer.toBuffer(document)
}

export function renderSynthesisPdf(model: SynthesisModel, language: Language): Promise<Buffer> {
	const w = words[language]
	const doc = new PDFDocument({ size: 'A4', margins: { top: 56, bottom: 64, left: 56, right: 56 }, bufferPages: true })
	doc.registerFont('body', path.join(fonts, 'DejaVuSans.ttf'))
	doc.registerFont('bold', path.join(fonts, 'DejaVuSans-Bold.ttf'))
	const chunks: Buffer[] = []
	doc.on('data', (chunk: Buffer) => chunks.push(chunk))
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)))
		doc.on('error', reject)
	})
	const width = doc.page.width - doc.page.margins.left - doc.page.margins.right
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
	const pages = doc.bufferedPageRange()
	for (let index = 0; index < pages.count; index++) {
		doc.switchToPage(pages.start + index)
		const bottom = doc.page.margins.bottom
		doc.page.margins.bottom = 0
		doc
			.font('body')
			.fontSize(8)
			.text(`${clean(model.title)} — ${index + 1} / ${pages.count}`, doc.page.margins.left, doc.page.height - 40, {
				width,
				align: 'center',
			})
		doc.page.margins.bottom = bottom
	}
	doc.end()
	return done
}
