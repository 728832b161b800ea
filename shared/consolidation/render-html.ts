import type { Language } from '../concertation/labels.ts'
import type { DocumentOptions } from './document.ts'
import { buildDocument } from './document.ts'
import type { Block, DocumentLayout, Run } from './layout.ts'
import { clean } from './layout.ts'
import type { ConsolidationModel } from './model.ts'

/** Print-ready page style: A4, readable on paper, tables that do not split rows, header repeated. */
const style = `
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f23; line-height: 1.45; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; hyphens: auto; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #0b6e4f; padding-bottom: 0.2rem; margin-top: 2rem; break-after: avoid; }
h3, h4 { font-size: 1.05rem; break-after: avoid; }
.subtitle { margin: 0; color: #444; }
.small { font-size: 0.85rem; color: #444; }
.keep { break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
thead { display: table-header-group; }
th, td { border: 1px solid #b8c2cc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f5; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
ul { padding-left: 1.3rem; }
@media print { body { margin: 0; max-width: none; } }
`

/** E6: text as HTML text: every character that could start markup is an entity. */
export function htmlText(value: unknown): string {
	return clean(String(value ?? ''))
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;')
}

const runs = (list: readonly Run[]) =>
	list
		.map((run) => {
			const text = htmlText(run.text).replace(/\r?\n/g, '<br>')
			return run.bold ? `<strong>${text}</strong>` : run.italic ? `<em>${text}</em>` : text
		})
		.join('')

function blockHtml(block: Block): string {
	switch (block.kind) {
		case 'heading':
			return `<h${block.level + 1}>${htmlText(block.text)}</h${block.level + 1}>`
		case 'paragraph':
			return `<p${block.small ? ' class="small"' : ''}>${runs(block.runs)}</p>`
		case 'list': {
			// Nested levels become lists inside the open item (a level is never skipped).
			let html = ''
			let depth = -1
			for (const item of block.items) {
				const level = Math.min(item.level, depth + 1)
				if (level > depth) {
					html += '<ul>'
					depth = level
				} else {
					for (; depth > level; depth--) html += '</li></ul>'
					html += '</li>'
				}
				html += `<li>${runs(item.runs)}`
			}
			for (; depth >= 0; depth--) html += '</li></ul>'
			return html
		}
		case 'table': {
			const numeric = block.columns.map((column) => (column.align === 'right' ? ' class="num"' : ''))
			const head = block.columns.map(
				(column, index) => `<th scope="col"${numeric[index]}>${htmlText(column.header)}</th>`,
			)
			const body = block.rows.map(
				(row) =>
					`<tr>${row.map((cell, index) => `<td${numeric[index] ?? ''}>${htmlText(cell).replace(/\r?\n/g, '<br>')}</td>`).join('')}</tr>`,
			)
			return `<table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`
		}
		case 'keep':
			return `<div class="keep">${block.blocks.map(blockHtml).join('\n')}</div>`
	}
}

/**
 * E5–E6: a document layout as a print-ready HTML page. Every text of the layout goes through
 * {@link htmlText}: the page holds no markup but ours, whatever participants typed.
 */
export function renderLayoutHtml(layout: DocumentLayout): string {
	const subtitle = layout.subtitle.map((line) => `<p class="subtitle">${htmlText(line)}</p>`).join('\n')
	return `<!doctype html>
<html lang="${layout.language === 'fr' ? 'fr-FR' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="${htmlText(layout.author)}">
<title>${htmlText(layout.title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${htmlText(layout.title)}</h1>
${subtitle}
${layout.blocks.map(blockHtml).join('\n')}
</body>
</html>
`
}

/** E5: the HTML rendering of a workshop's document. */
export function renderHtml(model: ConsolidationModel, language: Language, options?: DocumentOptions): string {
	return renderLayoutHtml(buildDocument(model, language, options))
}
