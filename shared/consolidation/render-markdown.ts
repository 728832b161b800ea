import type { DocumentLayout, Run } from './layout.ts'
import { clean } from './layout.ts'

/**
 * E5–E6: a document layout as Markdown that reads as plain text. Only what would change the
 * rendering is escaped — emphasis and code marks, link brackets, raw HTML, entities, block starts
 * at the beginning of a line, pipes in tables — so "Loire-Atlantique." stays as typed.
 */
export function renderLayoutMarkdown(layout: DocumentLayout): string {
	const out: string[] = [`# ${markdownText(layout.title, 'inline')}`, '']
	for (const line of layout.subtitle) out.push(`${markdownText(line)}  `)
	if (layout.subtitle.length > 0) out.push('')
	const emit = (blocks: DocumentLayout['blocks']) => {
		for (const block of blocks) {
			switch (block.kind) {
				case 'heading':
					out.push(`${'#'.repeat(block.level + 1)} ${markdownText(block.text, 'inline')}`, '')
					break
				case 'paragraph':
					out.push(runs(block.runs, ''), '')
					break
				case 'list':
					for (const item of block.items) {
						const indent = '  '.repeat(item.level)
						out.push(`${indent}- ${runs(item.runs, `${indent}  `)}`)
					}
					out.push('')
					break
				case 'table': {
					const cell = (text: string) => markdownText(text, 'table') || ' '
					out.push(`| ${block.columns.map((column) => cell(column.header)).join(' | ')} |`)
					out.push(`| ${block.columns.map((column) => (column.align === 'right' ? '---:' : '---')).join(' | ')} |`)
					for (const row of block.rows) out.push(`| ${row.map(cell).join(' | ')} |`)
					out.push('')
					break
				}
				case 'keep':
					emit(block.blocks)
					break
			}
		}
	}
	emit(layout.blocks)
	return `${out
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trimEnd()}\n`
}

function runs(list: readonly Run[], continuation: string): string {
	return list
		.map((run, index) => {
			// Only the first run starts a line (unless an emphasis mark opens it); later ones follow text.
			const text = markdownText(run.text, index === 0 && !run.bold && !run.italic ? 'block' : 'inline')
			if (!text.trim()) return text
			// Emphasis marks hug the text: spaces stay outside them.
			const [, before = '', core = '', after = ''] = /^(\s*)(.*?)(\s*)$/s.exec(text) ?? []
			const mark = run.bold ? '**' : run.italic ? '_' : ''
			return `${before}${mark}${core}${mark}${after}`
		})
		.join('')
		.split('\n')
		.join(`\\\n${continuation}`)
}

/**
 * E6: text as Markdown that renders as the same text. `block`: the text starts a line, so what
 * would start a block there is escaped too (as on every line after a break); `inline`: it follows
 * other text on its line (a heading's words); `table`: a cell, line breaks become " / " and pipes
 * are escaped.
 */
export function markdownText(value: unknown, mode: 'block' | 'inline' | 'table' = 'block'): string {
	const text = clean(String(value ?? ''))
		.replace(/\r\n?/g, '\n')
		.replace(/[\\`*[\]~<]/g, (char) => `\\${char}`)
		// Underscores emphasise only at word edges; inside words (snake_case) they are text.
		.replace(/(^|[^\p{L}\p{N}])_|_(?=[^\p{L}\p{N}]|$)/gu, (match) => match.replace('_', '\\_'))
		.replace(/&(?=#?[a-zA-Z0-9]+;)/g, '\\&')
	if (mode === 'table') return text.split('\n').join(' / ').replace(/\|/g, '\\|')
	const lines = text.split('\n').map((line, index) =>
		mode === 'inline' && index === 0
			? line
			: line
					// What would start a block at the beginning of a line: heading, quote, list, rule, table.
					.replace(
						/^(\s*)(#{1,6}(?=\s|$)|>|[+-](?=\s|$)|=+\s*$|\|)/,
						(_match, space: string, mark: string) => `${space}\\${mark}`,
					)
					// An ordered list starts with "12." or "12)": the escape goes on the dot.
					.replace(/^(\s*)(\d+)([.)])(?=\s|$)/, '$1$2\\$3'),
	)
	return lines.join('\n')
}
