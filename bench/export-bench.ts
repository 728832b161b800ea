import type { Contribution } from '../shared/concertation/contribution.ts'
import { tally } from '../shared/concertation/tally.ts'
import { consolidate } from '../shared/consolidation/model.ts'
import { renderHtml } from '../shared/consolidation/render-html.ts'
import { renderCsv, renderMarkdown, renderSupportCsv } from '../shared/consolidation/render-text.ts'
import { renderDocx } from '../server/exports/render-docx.ts'
import { renderPdf } from '../server/exports/render-pdf.ts'
import { fixtureInput, fixtureMeta, fixtureParticipants } from '../tests/fixtures/workshop-fixture.ts'

/**
 * Export of a 1 000-contribution workshop to every format: all of them together, from the
 * workshop's state, must stay under 3 s (`EXPORT_BUDGET_MS`). The reference, measured in the same
 * run, is plain `JSON.stringify` of the raw contributions: the least any export must do.
 */
export interface ExportBenchRow {
	step: string
	ms: number
	ratio: number
}

const CONTRIBUTIONS = 1000
export const EXPORT_BUDGET_MS = 3000

export function workshopForBench() {
	const zones = fixtureMeta.zones
	const grid = zones.find((zone) => zone.kind === 'grid')
	const colleges = fixtureMeta.colleges.map((college) => college.id)
	const contributions = new Map<string, Contribution>()
	const at = (i: number) => new Date(Date.UTC(2026, 11, 3, 9, 0, i)).toISOString()
	for (let i = 0; i < CONTRIBUTIONS; i++) {
		const id = `c${String(i).padStart(8, '0')}`
		const kind = i % 10
		const base: Contribution = {
			id,
			type: 'constat',
			zone: grid?.id ?? 'grille-besoins',
			row: grid?.rows?.[i % 7] ?? null,
			column: grid?.columns?.[i % 5]?.id ?? null,
			title: null,
			text: `Contribution ${i} : les conventions annuelles fragilisent l’emploi <associatif> & "bénévole" ; =${i}`,
			theme: grid?.rows?.[i % 7] ?? null,
			target: null,
			level: null,
			effect: null,
			caution: null,
			who: null,
			due: null,
			college: colleges[i % colleges.length] ?? null,
			authorRole: 'participant',
			authorName: null,
			createdAt: at(i),
			updatedAt: at(i),
			mergedInto: null,
			sources: [],
		}
		if (kind >= 6) {
			contributions.set(id, {
				...base,
				type: 'proposition',
				zone: 'propositions',
				row: null,
				column: 'financeurs',
				title: `Proposition ${i}`,
				target: 'financeurs',
				level: 'departemental',
				caution: 'Selon le budget',
				mergedInto: kind === 9 ? `c${String(i - 1).padStart(8, '0')}` : null,
			})
		} else contributions.set(id, base)
	}
	const proposals = [...contributions.values()].filter((c) => c.type === 'proposition' && c.mergedInto === null)
	for (let r = 0; r < 20; r++) {
		const id = `r${String(r).padStart(8, '0')}`
		contributions.set(id, {
			...(contributions.get('c00000000') as Contribution),
			id,
			type: 'recommandation',
			zone: 'recommandations',
			row: null,
			column: null,
			title: `Recommandation ${r}`,
			college: null,
			authorRole: 'facilitator',
			sources: proposals.slice(r * 5, r * 5 + 5).map((p) => p.id),
		})
	}
	const voters = [...fixtureParticipants.entries()].filter(([, entry]) => entry.role === 'participant')
	const recommendations = [...contributions.values()].filter((c) => c.type === 'recommandation')
	const result = tally({
		proposals: proposals.map((p) => p.id),
		colleges: fixtureMeta.colleges,
		ballots: Array.from({ length: 60 }, (_, v) => ({
			voter: `v${v}`,
			college: voters[v % voters.length]?.[1].college ?? null,
			allocation: {
				[proposals[v % proposals.length]?.id ?? '']: 2,
				[proposals[(v * 7) % proposals.length]?.id ?? '']: 1,
			},
			proxy: false,
		})),
		answers: Array.from({ length: 60 }, (_, v) => ({
			respondent: `v${v}`,
			college: voters[v % voters.length]?.[1].college ?? null,
			answers: Object.fromEntries(
				proposals.slice(0, 5).map((p, i) => [
					p.id,
					{
						answer: (['agree', 'agree', 'unsure', 'disagree'] as const)[(v + i) % 4] ?? 'agree',
						why: v % 5 === 0 ? `Raison ${v}` : null,
					},
				]),
			),
		})),
		anonymous: true,
		bundles: Object.fromEntries(recommendations.map((r) => [r.id, r.sources])),
	})
	return {
		meta: fixtureMeta,
		participants: fixtureParticipants,
		contributions,
		tally: result,
		vote: fixtureInput.vote ?? null,
		consensus: fixtureInput.consensus ?? null,
		generatedAt: at(0),
	}
}

function timed(run: () => unknown, repeat = 5): number {
	run() // warm up
	const start = performance.now()
	for (let i = 0; i < repeat; i++) run()
	return (performance.now() - start) / repeat
}

export async function runExportBench(): Promise<ExportBenchRow[]> {
	const input = workshopForBench()
	const reference = timed(() => JSON.stringify([...input.contributions.values()]))
	const model = consolidate(input)
	const steps: [string, () => unknown][] = [
		['consolidate', () => consolidate(input)],
		['json', () => JSON.stringify(model, null, 2)],
		['md', () => renderMarkdown(model, 'fr')],
		['html', () => renderHtml(model, 'fr')],
		['csv', () => renderCsv(model, 'fr')],
		['csv (support)', () => renderSupportCsv(model, 'fr')],
		[
			'all formats from the state',
			() => {
				const fresh = consolidate(input)
				JSON.stringify(fresh)
				renderMarkdown(fresh, 'fr')
				renderHtml(fresh, 'fr')
				renderCsv(fresh, 'fr')
				renderSupportCsv(fresh, 'fr')
			},
		],
	]
	const rows = [
		{ step: 'reference: JSON.stringify(contributions)', ms: reference, ratio: 1 },
		...steps.map(([step, run]) => {
			const ms = timed(run)
			return { step, ms, ratio: ms / reference }
		}),
	]
	await renderDocx(model, 'fr') // warm up
	const start = performance.now()
	for (let i = 0; i < 3; i++) await renderDocx(model, 'fr')
	const docx = (performance.now() - start) / 3
	rows.push({ step: 'docx', ms: docx, ratio: docx / reference })
	await renderPdf(model, 'fr') // warm up
	const pdfStart = performance.now()
	for (let i = 0; i < 3; i++) await renderPdf(model, 'fr')
	const pdf = (performance.now() - pdfStart) / 3
	rows.push({ step: 'pdf', ms: pdf, ratio: pdf / reference })
	// The figure that has a budget: every format, one after the other, from the workshop's state.
	// CPU time is reported beside the wall time: on a shared machine the wall time says as much
	// about the neighbours as about the export.
	const every = async () => {
		const fresh = consolidate(input)
		JSON.stringify(fresh, null, 2)
		renderMarkdown(fresh, 'fr')
		renderHtml(fresh, 'fr')
		renderCsv(fresh, 'fr')
		renderSupportCsv(fresh, 'fr')
		await renderDocx(fresh, 'fr')
		await renderPdf(fresh, 'fr')
	}
	let wall = Infinity
	let cpu = Infinity
	for (let i = 0; i < 3; i++) {
		const cpuStart = process.cpuUsage()
		const start = performance.now()
		await every()
		wall = Math.min(wall, performance.now() - start)
		const used = process.cpuUsage(cpuStart)
		cpu = Math.min(cpu, (used.user + used.system) / 1000)
	}
	rows.push({ step: `every format, wall (budget ${EXPORT_BUDGET_MS} ms)`, ms: wall, ratio: wall / reference })
	rows.push({ step: 'every format, CPU time', ms: cpu, ratio: cpu / reference })
	return rows
}
