/**
 * The format-neutral document layout (SPEC E5): sections, paragraphs, lists and tables, built once
 * from a data model (a workshop's consolidation, a national synthesis) and rendered by thin
 * renderers per format (Markdown, HTML, Word, PDF). Text in a layout is plain text: every renderer
 * escapes it for its format, whatever it holds, so escaping is a property of the renderer.
 */

export interface Run {
	text: string
	bold?: boolean
	italic?: boolean
}

export interface ListItem {
	runs: Run[]
	/** Nesting level, 0 for the outermost. */
	level: number
}

export interface TableColumn {
	header: string
	align: 'left' | 'right'
	/** How far a column may grow past its longest word: 0 keeps it to its content (numbers). */
	grow?: number
}

export type Block =
	| { kind: 'heading'; level: 1 | 2 | 3; text: string }
	| { kind: 'paragraph'; runs: Run[]; small?: boolean }
	| { kind: 'list'; items: ListItem[] }
	| { kind: 'table'; columns: TableColumn[]; rows: string[][] }
	/** Blocks kept on one page when they fit (a recommendation's title with its figures). */
	| { kind: 'keep'; blocks: Block[] }

export interface DocumentLayout {
	language: 'fr' | 'en'
	/** The document's title (metadata, running footer, first heading). */
	title: string
	/** Lines under the title: territory, date, organisers. */
	subtitle: string[]
	/** The document's author for its metadata. */
	author: string
	/** Short description for the metadata. */
	subject: string
	blocks: Block[]
}

/** A paragraph of one run. */
export const para = (text: string, options: Omit<Run, 'text'> & { small?: boolean } = {}): Block => {
	const { small, ...run } = options
	return { kind: 'paragraph', runs: [{ text, ...run }], ...(small ? { small } : {}) }
}

/** "Label : value" as runs, the label in bold. */
export const labelled = (label: string, value: string, separator: string): Run[] => [
	{ text: `${label}${separator}`, bold: true },
	{ text: value },
]

/** Removes control characters (tabs and line breaks are kept): no format can hold them. */
export const clean = (text: string) =>
	// eslint-disable-next-line no-control-regex -- control characters are what is removed
	(typeof text === 'string' ? text : String(text ?? '')).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')

/**
 * Column widths (in the unit of `total`) from the natural width of each column's content (its
 * longest cell) and its minimum (its longest word): every column gets its minimum, then the space
 * left goes to the columns whose content is wider, in proportion to what they lack. Shared by the
 * Word and PDF renderers so both size columns to their content.
 */
export function fitColumns(natural: number[], minimum: number[], total: number, grow: number[]): number[] {
	const floor = minimum.map((value, index) => Math.min(Math.max(value, 1), natural[index] ?? value))
	const sumFloor = floor.reduce((a, b) => a + b, 0)
	if (sumFloor >= total) return floor.map((value) => (value / sumFloor) * total)
	const lack = natural.map((value, index) => Math.max(0, value - (floor[index] ?? 0)))
	const sumLack = lack.reduce((a, b) => a + b, 0)
	const spare = total - sumFloor
	if (sumLack <= spare) {
		// Everything fits on one line: what is left goes to the columns allowed to grow.
		const widths = floor.map((value, index) => value + (lack[index] ?? 0))
		const rest = total - widths.reduce((a, b) => a + b, 0)
		const weights = grow.map((value) => Math.max(0, value))
		const sumWeights = weights.reduce((a, b) => a + b, 0)
		return widths.map((value, index) =>
			sumWeights === 0 ? value + rest / widths.length : value + (rest * (weights[index] ?? 0)) / sumWeights,
		)
	}
	// Not everything fits: the space left goes where text lacks room, weighted by how far each
	// column is meant to grow (the text of a contribution before its cell or author); a column
	// never gets more than its content needs, and what it cannot take goes to the others.
	const widths = [...floor]
	let left = spare
	for (let round = 0; round < 8 && left > 0.01; round++) {
		const wanted = widths.map(
			(value, index) => Math.max(0, (natural[index] ?? value) - value) * Math.max(0.05, grow[index] ?? 1),
		)
		const sumWanted = wanted.reduce((a, b) => a + b, 0)
		if (sumWanted === 0) break
		let used = 0
		widths.forEach((value, index) => {
			const add = Math.min((natural[index] ?? value) - value, (left * (wanted[index] ?? 0)) / sumWanted)
			widths[index] = value + add
			used += add
		})
		left -= used
	}
	return widths
}

/** Plain text of a list of runs. */
export const plain = (runs: readonly Run[]) => runs.map((run) => run.text).join('')
