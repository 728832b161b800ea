import {
	AlignmentType,
	BorderStyle,
	Document,
	Footer,
	HeadingLevel,
	Packer,
	PageNumber,
	Paragraph,
	ShadingType,
	Table,
	TableCell,
	TableLayoutType,
	TableRow,
	TextRun,
	WidthType,
} from 'docx'
import type { Language } from '../../shared/concertation/labels.ts'
import type { DocumentOptions } from '../../shared/consolidation/document.ts'
import { buildDocument } from '../../shared/consolidation/document.ts'
import type { Block, DocumentLayout, Run } from '../../shared/consolidation/layout.ts'
import { clean, fitColumns } from '../../shared/consolidation/layout.ts'
import type { ConsolidationModel } from '../../shared/consolidation/model.ts'

/**
 * E9: a document layout as Word (.docx), built with the `docx` library (which escapes XML): the
 * document's language (fr-FR or en-GB) and font on every run, its title and author in the
 * metadata, headings Word lists in its navigation pane, tables with rules whose columns are
 * sized to their content and whose header row repeats on every page, rows never split, "title —
 * page / pages" in the footer. Control characters, which XML cannot hold, are removed.
 */

const FONT = 'Arial'
/** A4 width minus 2 cm margins, in twentieths of a point. */
const PAGE_WIDTH = 11906
const MARGIN = 1134
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
/** About how many characters of 9-point Arial fit on the text width. */
const CHARS_PER_LINE = 100
const RULE = { style: BorderStyle.SINGLE, size: 4, color: '8A96A3' }
const TABLE_TEXT = 'TableText'

const textRuns = (runs: readonly Run[], size?: number) =>
	runs.flatMap((run) =>
		clean(run.text)
			.split('\n')
			.map(
				(part, index) =>
					new TextRun({
						text: part,
						break: index > 0 ? 1 : undefined,
						bold: run.bold || undefined,
						italics: run.italic || undefined,
						size,
					}),
			),
	)

const longestWord = (text: string) => Math.max(1, ...text.split(/[\s/]+/).map((word) => word.length))
const longestLine = (text: string) => Math.max(1, ...text.split('\n').map((line) => line.length))

function table(block: Extract<Block, { kind: 'table' }>): Table {
	const all = [block.columns.map((column) => column.header), ...block.rows]
	const natural = block.columns.map((_, index) => Math.max(...all.map((row) => longestLine(row[index] ?? ''))) + 2)
	const minimum = block.columns.map((_, index) => Math.max(...all.map((row) => longestWord(row[index] ?? ''))) + 2)
	const chars = fitColumns(
		natural,
		minimum,
		CHARS_PER_LINE,
		block.columns.map((column) => column.grow ?? 1),
	)
	const columnWidths = chars.map((width) => Math.round((width / CHARS_PER_LINE) * TEXT_WIDTH))
	// Cells are many (a long annex has thousands): the table text style carries their size and
	// spacing, and only what differs from it is written on a cell.
	const cell = (text: string, index: number, header: boolean) =>
		new TableCell({
			width: { size: columnWidths[index] ?? 0, type: WidthType.DXA },
			shading: header ? { type: ShadingType.CLEAR, fill: 'EEF2F5', color: 'auto' } : undefined,
			children: [
				new Paragraph({
					style: TABLE_TEXT,
					alignment: block.columns[index]?.align === 'right' ? AlignmentType.RIGHT : undefined,
					children: textRuns([{ text, bold: header || undefined }]),
				}),
			],
		})
	return new Table({
		width: { size: TEXT_WIDTH, type: WidthType.DXA },
		columnWidths,
		layout: TableLayoutType.FIXED,
		// Cell margins once for the table, not on each of thousands of cells.
		margins: { top: 40, bottom: 40, left: 80, right: 80 },
		borders: {
			top: RULE,
			bottom: RULE,
			left: RULE,
			right: RULE,
			insideHorizontal: RULE,
			insideVertical: RULE,
		},
		rows: [
			new TableRow({
				tableHeader: true,
				cantSplit: true,
				children: block.columns.map((column, index) => cell(column.header, index, true)),
			}),
			...block.rows.map(
				(row) =>
					new TableRow({
						cantSplit: true,
						children: block.columns.map((_, index) => cell(row[index] ?? '', index, false)),
					}),
			),
		],
	})
}

const headingLevels = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const

function blocks(list: readonly Block[], keepNext = false): (Paragraph | Table)[] {
	return list.flatMap((block, index): (Paragraph | Table)[] => {
		const keep = keepNext && index < list.length - 1
		switch (block.kind) {
			case 'heading':
				return [
					new Paragraph({
						heading: headingLevels[block.level],
						keepNext: true,
						children: textRuns([{ text: block.text }]),
					}),
				]
			case 'paragraph':
				return [
					new Paragraph({
						keepNext: keep,
						spacing: { after: 120 },
						children: textRuns(block.runs, block.small ? 17 : undefined),
					}),
				]
			case 'list':
				return block.items.map(
					(item, position) =>
						new Paragraph({
							bullet: { level: Math.min(item.level, 8) },
							keepNext: keep || (keepNext && position < block.items.length - 1),
							children: textRuns(item.runs),
						}),
				)
			case 'table':
				return [table(block), new Paragraph({ spacing: { after: 60 }, children: [] })]
			case 'keep':
				return blocks(block.blocks, true)
		}
	})
}

/** E9: the Word package of a document layout (workshop or synthesis). */
export async function renderLayoutDocx(layout: DocumentLayout): Promise<Buffer> {
	const children = [
		new Paragraph({ heading: HeadingLevel.TITLE, children: textRuns([{ text: layout.title }]) }),
		...layout.subtitle.map((line) => new Paragraph({ children: textRuns([{ text: line }], 24) })),
		...blocks(layout.blocks),
	]
	const document = new Document({
		creator: clean(layout.author),
		lastModifiedBy: clean(layout.author),
		title: clean(layout.title),
		subject: clean(layout.subject),
		description: clean(layout.subject),
		styles: {
			default: {
				document: {
					run: { font: FONT, size: 20, language: { value: layout.language === 'fr' ? 'fr-FR' : 'en-GB' } },
				},
			},
			paragraphStyles: [
				{
					id: TABLE_TEXT,
					name: 'Table Text',
					basedOn: 'Normal',
					run: { size: 18 },
					paragraph: { spacing: { before: 0, after: 0 } },
				},
			],
		},
		sections: [
			{
				properties: {
					page: {
						size: { width: PAGE_WIDTH, height: 16838 },
						margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
					},
				},
				footers: {
					default: new Footer({
						children: [
							new Paragraph({
								alignment: AlignmentType.CENTER,
								children: [
									new TextRun({
										size: 16,
										children: [`${clean(layout.title)} — `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES],
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

/** E9: the workshop's document as Word. */
export function renderDocx(model: ConsolidationModel, language: Language, options?: DocumentOptions): Promise<Buffer> {
	return renderLayoutDocx(buildDocument(model, language, options))
}
