import { createRequire } from 'node:module'
import path from 'node:path'
import { AlignmentType, Footer, Paragraph, PageNumber, Table, TableCell, TableRow, TextRun, WidthType } from 'docx'
import PDFDocument from 'pdfkit'
import type { Label, Language } from '../../shared/concertation/labels.ts'
import type { ExportedContribution, Support } from '../../shared/consolidation/model.ts'
import { words } from '../../shared/consolidation/words.ts'

/** Parts shared by the Word and PDF documents (workshop consolidation and national synthesis). */

/** Removes control characters, which XML cannot hold and a PDF would print as boxes. */
// eslint-disable-next-line no-control-regex -- control characters are what is removed
export const clean = (text: string) => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')

/** The footer "title — page / pages" of a Word document. */
export function docxFooter(title: string): Footer {
	return new Footer({
		children: [
			new Paragraph({
				alignment: AlignmentType.CENTER,
				children: [
					new TextRun({ children: [`${clean(title)} — `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES] }),
				],
			}),
		],
	})
}

/** A full-width Word table; the first row is the header; `numeric` columns are right-aligned. */
export function docxTable(header: string[], rows: (string | number)[][], numeric: number[] = []): Table {
	return new Table({
		width: { size: 100, type: WidthType.PERCENTAGE },
		rows: [header, ...rows].map(
			(row, rowIndex) =>
				new TableRow({
					tableHeader: rowIndex === 0,
					cantSplit: true,
					children: row.map(
						(cell, column) =>
							new TableCell({
								children: [
									new Paragraph({
										alignment: numeric.includes(column) ? AlignmentType.RIGHT : AlignmentType.LEFT,
										children: [new TextRun({ text: clean(String(cell)), bold: rowIndex === 0 })],
									}),
								],
							}),
					),
				}),
		),
	})
}

const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf')

/**
 * An A4 PDF with the DejaVu fonts registered (`body`, `bold`, `italic`: any script prints as
 * typed), and `finish(title)`, which numbers every page and resolves with the file's bytes.
 */
export function pdfDocument(title: string) {
	const doc = new PDFDocument({
		size: 'A4',
		margins: { top: 56, bottom: 64, left: 56, right: 56 },
		bufferPages: true,
		info: { Title: clean(title), Creator: 'Tablée' },
	})
	doc.registerFont('body', path.join(fonts, 'DejaVuSans.ttf'))
	doc.registerFont('bold', path.join(fonts, 'DejaVuSans-Bold.ttf'))
	doc.registerFont('italic', path.join(fonts, 'DejaVuSans-Oblique.ttf'))
	const chunks: Buffer[] = []
	doc.on('data', (chunk: Buffer) => chunks.push(chunk))
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)))
		doc.on('error', reject)
	})
	const width = doc.page.width - doc.page.margins.left - doc.page.margins.right
	const finish = (): Promise<Buffer> => {
		const pages = doc.bufferedPageRange()
		for (let index = 0; index < pages.count; index++) {
			doc.switchToPage(pages.start + index)
			const bottom = doc.page.margins.bottom
			doc.page.margins.bottom = 0
			doc
				.font('body')
				.fontSize(8)
				.text(`${clean(title)} — ${index + 1} / ${pages.count}`, doc.page.margins.left, doc.page.height - 40, {
					width,
					align: 'center',
				})
			doc.page.margins.bottom = bottom
		}
		doc.end()
		return done
	}
	return { doc, width, finish }
}

/** "Name, college" in named workshops, the college alone otherwise (E3), as plain text. */
export function authorText(item: ExportedContribution, language: Language): string {
	const college = item.college ? clean(item.college.label[language]) : words[language].facilitator
	return item.author ? `${clean(item.author)}, ${college}` : college
}

/** "13 points (96 % à poids égal par collège) — Clivant", as plain text. */
export function supportText(support: Support | null, language: Language): string {
	const w = words[language]
	if (!support) return w.notVoted
	const flag = support.consensus ? ` — ${w.flags[support.consensus.flag]}` : ''
	return `${support.dots} ${w.dots.toLowerCase()} (${Math.round(support.weightedShare * 100)} % ${w.weightedShort})${flag}`
}

/** One step of a trail: type, title, author and place (zone › row › column), as plain text. */
export function trailText(item: ExportedContribution, language: Language): string {
	const place = [item.zone.label, item.row?.label, item.column?.label]
		.filter((part): part is Label => Boolean(part))
		.map((label) => clean(label[language]))
		.join(' › ')
	return `${words[language].types[item.type]} « ${clean(item.title ?? item.text)} » — ${authorText(item, language)} — ${place}`
}
