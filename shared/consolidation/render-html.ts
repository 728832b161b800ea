import { Marked } from 'marked'
import type { Language } from '../concertation/labels.ts'
import type { ConsolidationModel } from './model.ts'
import { renderMarkdown } from './render-text.ts'

/** Print-ready page style: A4, readable on paper, tables that do not split rows. */
const style = `
@page { size: A4; margin: 18mm 16mm; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f23; line-height: 1.45; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #0b6e4f; padding-bottom: 0.2rem; margin-top: 2rem; break-after: avoid; }
h3 { font-size: 1.05rem; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #d7dde3; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
tr { break-inside: avoid; }
td:last-child, th:last-child { text-align: right; }
ul { padding-left: 1.3rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
`

/**
 * E5: the HTML rendering, print-ready: the Markdown rendering (where participants' text is
 * already escaped, raw HTML included) turned into HTML by `marked`, in a page with print styles.
 */
export function renderHtml(model: ConsolidationModel, language: Language): string {
	return htmlPage(renderMarkdown(model, language), model.context.title, language)
}

/** A print-ready HTML page from Markdown whose user text is already escaped (E6). */
export function htmlPage(markdown: string, pageTitle: string, language: Language): string {
	const body = new Marked({ gfm: true, async: false }).parse(markdown) as string
	const title = pageTitle.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
	return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`
}
