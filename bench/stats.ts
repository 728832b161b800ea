/**
 * Runs of one scenario against every peer, alternated, and their summary. Each round runs
 * Tablée twice (`tablee` and `tablee-again`, never back to back): the ratio of those two medians
 * is the A-against-A noise floor — how far from 1.00 a ratio drifts when nothing differs.
 */
import type { PeerKind } from './peers.ts'

export type Figures = Record<string, number>
export type Slot = 'tablee' | 'reference' | 'tablee-again' | 'hocuspocus'
export const slots: Slot[] = ['tablee', 'reference', 'tablee-again', 'hocuspocus']

export function kindOf(slot: Slot): PeerKind {
	return slot === 'tablee-again' ? 'tablee' : slot
}

export interface Comparison {
	runs: Record<Slot, Figures[]>
}

/** `rounds` rounds; each runs every slot once, the order rotated from round to round. */
export async function alternate(
	rounds: number,
	run: (kind: PeerKind) => Promise<Figures>,
	withTwin = true,
): Promise<Comparison> {
	const runs: Record<Slot, Figures[]> = { tablee: [], reference: [], 'tablee-again': [], hocuspocus: [] }
	const order = withTwin ? slots : slots.filter((slot) => slot !== 'tablee-again')
	for (let round = 0; round < rounds; round++) {
		for (let i = 0; i < order.length; i++) {
			const slot = order[(i + round) % order.length] as Slot
			const started = performance.now()
			runs[slot].push(await run(kindOf(slot)))
			process.stdout.write(`  ${slot} ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
		}
	}
	return { runs }
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export interface Spread {
	min: number
	median: number
	max: number
}

export function spread(values: number[]): Spread {
	const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b)
	if (sorted.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN }
	const middle = sorted.length / 2
	const median =
		sorted.length % 2 === 1
			? (sorted[Math.floor(middle)] as number)
			: ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
	return { min: sorted[0] as number, median, max: sorted.at(-1) as number }
}

export interface FigureRow {
	figure: string
	unit: string
	spreads: Partial<Record<Slot, Spread>>
	/** Tablée / reference, Tablée / Hocuspocus, Tablée / Tablée again (medians). */
	vsReference: number
	vsHocuspocus: number
	noise: number
}

export function summarize(
	comparison: Comparison,
	figures: Array<[key: string, label: string, unit: string]>,
): FigureRow[] {
	return figures.map(([key, figure, unit]) => {
		const spreads: Partial<Record<Slot, Spread>> = {}
		for (const slot of slots) {
			const values = comparison.runs[slot].map((run) => run[key] ?? Number.NaN)
			if (values.length > 0) spreads[slot] = spread(values)
		}
		const median = (slot: Slot) => spreads[slot]?.median ?? Number.NaN
		return {
			figure,
			unit,
			spreads,
			vsReference: median('tablee') / median('reference'),
			vsHocuspocus: median('tablee') / median('hocuspocus'),
			noise: median('tablee') / median('tablee-again'),
		}
	})
}
