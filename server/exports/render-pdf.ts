import { createRequire } from 'node:module'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import type { Language } from '../../shared/concertation/labels.ts'
import type { DocumentOptions } from '../../shared/consolidation/document.ts'
import { buildDocument } from '../../shared/consolidation/document.ts'
import type { Block, DocumentLayout, Run } from '../../shared/consolidation/layout.ts'
import { clean, fitColumns, plain } from '../../shared/consolidation/layout.ts'
import type { ConsolidationModel } from '../../shared/consolidation/model.ts'

/**
 * E13: a document layout as a tagged PDF (pdfkit 0.20, DejaVu fonts embedded so any script prints
 * as typed). Tagged: language, title shown in the viewer, a structure tree of headings (H1–H4),
 * paragraphs, lists and tables with header cells. Tables are laid out here on top of pdfkit's
 * table: columns sized to their content, rules, rows never split (a row that does not fit starts
 * the next page), the header row repeated on every page a table continues on. Headings stay with
 * what follows; a recommendation's title stays with its figures. Every page ends with
 * "title — n / N". docs/export-format.md says why pdfkit rather than pdfmake.
 */

const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf')
/**
 * Fonts are registered under their file path: pdfkit's table puts the current font back after
 * each cell by its source, and a source that is not a registered name is parsed again from the
 * file every time (seconds for a long annex).
 */
const FONT = {
	body: path.join(fonts, 'DejaVuSans.ttf'),
	bold: path.join(fonts, 'DejaVuSans-Bold.ttf'),
	italic: path.join(fonts, 'DejaVuSans-Oblique.ttf'),
	'bold-italic': path.join(fonts, 'DejaVuSans-BoldOblique.ttf'),
}

const MARGIN = { top: 56, bottom: 64, left: 56, right: 56 }
const BODY = 10
const CELL = 8.5
const PADDING = 3
const RULE_COLOR = '#8a96a3'
const headingSizes = { 0: 20, 1: 15, 2: 12.5, 3: 10.5 } as const

type PdfDoc = InstanceType<typeof PDFDocument>
type Struct = ReturnType<PdfDoc['struct']>

export function renderLayoutPdf(layout: DocumentLayout): Promise<Buffer> {
	const doc = new PDFDocument({
		size: 'A4',
		margins: MARGIN,
		bufferPages: true,
		tagged: true,
		lang: layout.language === 'fr' ? 'fr-FR' : 'en-GB',
		displayTitle: true,
		pdfVersion: '1.7',
		info: {
			Title: clean(layout.title),
			Author: clean(layout.author),
			Subject: clean(layout.subject),
			Creator: 'Tablée',
		},
	})
	for (const file of Object.values(FONT)) doc.registerFont(file, file)
	doc.font(FONT.body)
	const chunks: Buffer[] = []
	doc.on('data', (chunk: Buffer) => chunks.push(chunk))
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)))
		doc.on('error', reject)
	})
	const width = doc.page.width - MARGIN.left - MARGIN.right
	const bottom = () => doc.page.height - MARGIN.bottom
	const root = doc.struct('Document')
	doc.addStructure(root)
	const fontOf = (run: Run) =>
		FONT[run.bold && run.italic ? 'bold-italic' : run.bold ? 'bold' : run.italic ? 'italic' : 'body']

	/** Writes runs as one paragraph, at `indent`, tagged `tag` under `parent`. */
	const write = (
		runs: readonly Run[],
		options: { size: number; indent?: number; tag: string; parent: Struct; gap?: number },
	) => {
		const indent = options.indent ?? 0
		const parts = runs.filter((run) => run.text.length > 0)
		if (parts.length === 0) return
		options.parent.add(
			doc.struct(options.tag, {}, () => {
				parts.forEach((run, index) => {
					doc
						.font(fontOf(run))
						.fontSize(options.size)
						.text(clean(run.text), index === 0 ? MARGIN.left + indent : undefined, index === 0 ? doc.y : undefined, {
							width: width - indent,
							continued: index < parts.length - 1,
							lineGap: 1.5,
						})
				})
			}),
		)
		doc.y += options.gap ?? 3
	}
	/** The height `runs` would take (for keeping blocks together). */
	const heightOf = (runs: readonly Run[], size: number, indent = 0) => {
		doc.font(runs.some((run) => run.bold) ? FONT.bold : FONT.body).fontSize(size)
		return doc.heightOfString(clean(plain(runs)), { width: width - indent, lineGap: 1.5 }) + 3
	}

	// A table's layout is measured once (column widths, every row's height), then drawn.
	const layouts = new WeakMap<object, { widths: number[]; header: number; rows: number[] }>()
	// A cell on one line needs no wrapping to be measured (most cells of a long annex).
	const fitsOnALine = (text: string, columnWidth: number) =>
		!text.includes('\n') && doc.widthOfString(text) <= columnWidth - 2 * PADDING
	const cellHeight = (text: string, columnWidth: number) =>
		(fitsOnALine(clean(text), columnWidth)
			? doc.currentLineHeight(true)
			: doc.heightOfString(clean(text) || ' ', { width: columnWidth - 2 * PADDING })) +
		2 * PADDING
	const tableLayout = (block: Extract<Block, { kind: 'table' }>) => {
		const known = layouts.get(block)
		if (known) return known
		const measure = (text: string, bold: boolean) => {
			doc.font(bold ? FONT.bold : FONT.body).fontSize(CELL)
			const lines = clean(text).split('\n')
			const natural = Math.max(0, ...lines.map((line) => doc.widthOfString(line)))
			const longestWord = Math.max(
				0,
				...lines.flatMap((line) => line.split(/\s+/)).map((word) => doc.widthOfString(word)),
			)
			return { natural, longestWord }
		}
		const all = [
			block.columns.map((column) => measure(column.header, true)),
			...block.rows.map((row) => block.columns.map((_, index) => measure(row[index] ?? '', false))),
		]
		const pad = 2 * PADDING + 2
		const widths = fitColumns(
			block.columns.map((_, index) => Math.max(...all.map((row) => row[index]?.natural ?? 0)) + pad),
			block.columns.map((_, index) => Math.max(...all.map((row) => row[index]?.longestWord ?? 0)) + pad),
			width,
			block.columns.map((column) => column.grow ?? 1),
		)
		const rowHeight = (cells: string[], bold: boolean) => {
			doc.font(bold ? FONT.bold : FONT.body).fontSize(CELL)
			return Math.max(...cells.map((cell, index) => cellHeight(cell, widths[index] ?? 20)))
		}
		const sized = {
			widths,
			header: rowHeight(
				block.columns.map((column) => column.header),
				true,
			),
			rows: block.rows.map((row) => rowHeight(row, false)),
		}
		layouts.set(block, sized)
		return sized
	}

	/**
	 * Draws a table: rows whole (one that does not fit starts the next page, under the header row
	 * drawn again), rules and the header's shading as artifacts, every cell tagged TH or TD in a TR.
	 */
	const table = (block: Extract<Block, { kind: 'table' }>, parent: Struct) => {
		const sized = tableLayout(block)
		const tableStruct = doc.struct('Table')
		parent.add(tableStruct)
		const drawRow = (cells: string[], height: number, header: boolean) => {
			const top = doc.y
			let x = MARGIN.left
			doc.markContent('Artifact', { type: 'Layout' })
			if (header) doc.save().rect(x, top, width, height).fill('#eef2f5').restore()
			doc.save().lineWidth(0.5).strokeColor(RULE_COLOR)
			for (const columnWidth of sized.widths) {
				doc.rect(x, top, columnWidth, height).stroke()
				x += columnWidth
			}
			doc.restore()
			doc.endMarkedContent()
			const row = doc.struct('TR')
			tableStruct.add(row)
			x = MARGIN.left
			cells.forEach((cell, index) => {
				const columnWidth = sized.widths[index] ?? 20
				const left = x
				row.add(
					doc.struct(
						header ? 'TH' : 'TD',
						(header ? { scope: 'Column' } : {}) as Parameters<PdfDoc['struct']>[1],
						() => {
							doc
								.font(header ? FONT.bold : FONT.body)
								.fontSize(CELL)
								.fillColor('black')
							const text = clean(cell) || ' '
							doc.text(text, left + PADDING, top + PADDING, {
								width: columnWidth - 2 * PADDING,
								align: block.columns[index]?.align ?? 'left',
								lineBreak: !fitsOnALine(text, columnWidth),
							})
						},
					),
				)
				x += columnWidth
			})
			row.end()
			doc.x = MARGIN.left
			doc.y = top + height
		}
		const header = block.columns.map((column) => column.header)
		// The header with at least the first row, or a new page.
		if (doc.y + sized.header + (sized.rows[0] ?? 0) > bottom()) doc.addPage()
		drawRow(header, sized.header, true)
		block.rows.forEach((cells, index) => {
			const height = sized.rows[index] ?? 0
			if (doc.y + height > bottom() && height + sized.header <= bottom() - MARGIN.top) {
				doc.addPage()
				drawRow(header, sized.header, true)
			}
			drawRow(cells, height, false)
		})
		tableStruct.end()
		doc.y += 6
	}

	/** Height a block needs at least before a page break may come (a heading needs its next lines). */
	const heightOfBlock = (block: Block): number => {
		switch (block.kind) {
			case 'heading':
				return heightOf([{ text: block.text, bold: true }], headingSizes[block.level]) + 10
			case 'paragraph':
				return heightOf(block.runs, block.small ? 8.5 : BODY)
			case 'list':
				return block.items.reduce((sum, item) => sum + heightOf(item.runs, BODY, 14 + item.level * 14), 0)
			case 'table': {
				const sized = tableLayout(block)
				return sized.header + sized.rows.reduce((sum, row) => sum + row, 0) + 10
			}
			case 'keep':
				return block.blocks.reduce((sum, child) => sum + heightOfBlock(child), 0)
		}
	}
	/** What must fit with a heading: its next block, or the first lines of it. */
	const leadOf = (block: Block | undefined): number => {
		if (!block) return 0
		switch (block.kind) {
			case 'list':
				return block.items.slice(0, 3).reduce((sum, item) => sum + heightOf(item.runs, BODY, 14), 0)
			case 'table': {
				const sized = tableLayout({ ...block, rows: block.rows.slice(0, 2) })
				return sized.header + sized.rows.reduce((sum, row) => sum + row, 0)
			}
			case 'keep':
				return Math.min(heightOfBlock(block), bottom() - MARGIN.top)
			case 'heading':
				return heightOfBlock(block)
			case 'paragraph':
				return Math.min(heightOfBlock(block), 60)
		}
	}

	const render = (blocks: readonly Block[], parent: Struct) => {
		blocks.forEach((block, index) => {
			switch (block.kind) {
				case 'heading': {
					const need = heightOfBlock(block) + leadOf(blocks[index + 1])
					if (doc.y + need > bottom()) doc.addPage()
					doc.y += block.level === 1 ? 8 : 4
					write([{ text: block.text, bold: true }], {
						size: headingSizes[block.level],
						tag: `H${block.level + 1}`,
						parent,
						gap: 4,
					})
					break
				}
				case 'paragraph':
					if (doc.y + Math.min(heightOfBlock(block), 40) > bottom()) doc.addPage()
					write(block.runs, { size: block.small ? 8.5 : BODY, tag: 'P', parent })
					break
				case 'list': {
					const list = doc.struct('L')
					parent.add(list)
					for (const item of block.items) {
						const indent = 14 + item.level * 14
						if (doc.y + heightOf(item.runs, BODY, indent) > bottom()) doc.addPage()
						// A list item is tagged LI with its bullet as the label (Lbl) and its text as the body.
						const top = doc.y
						const listItem = doc.struct('LI')
						list.add(listItem)
						listItem.add(
							doc.struct('Lbl', {}, () => {
								doc
									.font(FONT.body)
									.fontSize(BODY)
									.text(item.level === 0 ? '•' : '–', MARGIN.left + indent - 10, top, { lineBreak: false })
							}),
						)
						doc.y = top
						write(item.runs, { size: BODY, indent, tag: 'LBody', parent: listItem, gap: 1.5 })
						listItem.end()
					}
					list.end()
					doc.y += 3
					break
				}
				case 'table':
					table(block, parent)
					break
				case 'keep': {
					const need = heightOfBlock(block)
					if (doc.y + need > bottom() && need <= bottom() - MARGIN.top) doc.addPage()
					render(block.blocks, parent)
					break
				}
			}
		})
	}

	// Title block.
	write([{ text: layout.title, bold: true }], { size: headingSizes[0], tag: 'H1', parent: root, gap: 6 })
	for (const line of layout.subtitle) write([{ text: line }], { size: 11, tag: 'P', parent: root, gap: 2 })
	doc.y += 10
	render(layout.blocks, root)
	root.end()

	// "title — n / N" on every page, marked as an artifact (not part of the text's structure).
	const pages = doc.bufferedPageRange()
	const footerTitle = clean(layout.title).length > 90 ? `${clean(layout.title).slice(0, 88)}…` : clean(layout.title)
	for (let index = 0; index < pages.count; index++) {
		doc.switchToPage(pages.start + index)
		doc.page.margins.bottom = 0
		doc.markContent('Artifact', { type: 'Pagination' })
		doc
			.font(FONT.body)
			.fontSize(8)
			.fillColor('#444444')
			.text(`${footerTitle} — ${index + 1} / ${pages.count}`, MARGIN.left, doc.page.height - 40, {
				width,
				align: 'center',
				lineBreak: false,
			})
		doc.endMarkedContent()
		doc.page.margins.bottom = MARGIN.bottom
	}
	doc.end()
	return done
}

/** E13: the workshop's document as a PDF. */
export function renderPdf(model: ConsolidationModel, language: Language, options?: DocumentOptions): Promise<Buffer> {
	return renderLayoutPdf(buildDocument(model, language, options))
}
