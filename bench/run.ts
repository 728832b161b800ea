/**
 * `npm run bench`: benchmarks, each against a reference measured in the same run, reported as
 * ratios (these machines are noisy: absolute figures from another run mean little).
 * Results are printed and written to bench/results/<date>.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type DurableAckResult, runDurableAckBench } from './durable-ack-bench.ts'
import { runExportBench } from './export-bench.ts'
import { runStorm, type StormResult, startReference, startTablee } from './presence-storm.ts'

// Every y-websocket provider registers a process 'exit' handler: 200 of them are expected here.
process.setMaxListeners(0)

/** The presence-storm target of issue #3, and the reference p99 measured when it was set. */
const TARGET_MS = 100
const REFERENCE_P99_WHEN_SET_MS = 460

const clients = Number(process.env.BENCH_CLIENTS ?? 200)
const storms = Number(process.env.BENCH_STORMS ?? 3)

async function storm(kind: 'stock' | 'light'): Promise<{ tablee: StormResult; reference: StormResult }> {
	const reference = await startReference(clients)
	const referenceResult = await runStorm(reference, clients, storms, kind).finally(() => reference.stop())
	const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-bench-'))
	const tablee = await startTablee(clients, dataDir)
	const tableeResult = await runStorm(tablee, clients, storms, kind).finally(() => tablee.stop())
	await rm(dataDir, { recursive: true, force: true })
	return { tablee: tableeResult, reference: referenceResult }
}

const selected = (process.env.BENCH_KINDS ?? 'light,stock,export,durable').split(',')
const kinds = selected.filter((kind): kind is 'light' | 'stock' => kind === 'light' || kind === 'stock')
const results: Partial<Record<'light' | 'stock', { tablee: StormResult; reference: StormResult }>> = {}
for (const kind of kinds) results[kind] = await storm(kind)

const exportRows = selected.includes('export') ? await runExportBench() : []
if (exportRows.length > 0) {
	process.stdout.write('\nExport of a 1 000-contribution workshop (mean of 5 runs, after a warm-up)\n')
	for (const row of exportRows) {
		process.stdout.write(`${row.step.padEnd(42)} ${row.ms.toFixed(1).padStart(8)} ms   ratio ${row.ratio.toFixed(1)}\n`)
	}
}

const ms = (value: number) => `${value.toFixed(1)} ms`
const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2)
const header = ['benchmark', 'measure', 'Tablée', 'reference', 'ratio (Tablée / reference)']
const rows: string[][] = []
for (const [kind, result] of Object.entries(results)) {
	if (!result) continue
	const { tablee, reference } = result
	const name = `storm, ${kind} clients`
	for (const measure of ['p50', 'p95', 'p99', 'max'] as const) {
		rows.push([name, measure, ms(tablee[measure]), ms(reference[measure]), ratio(tablee[measure], reference[measure])])
	}
	rows.push([
		name,
		'relay RSS',
		`${((tablee.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
		`${((reference.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
		ratio(tablee.rssBytes ?? Number.NaN, reference.rssBytes ?? Number.NaN),
	])
}
if (kinds.length > 0) {
	process.stdout.write(
		`\nPresence storm: ${clients} clients in 4 processes, ${storms} storms; "light" clients do not echo presence, "stock" ones are y-websocket's provider\n`,
	)
	for (const row of [header, ...rows])
		process.stdout.write(`${row.map((cell, i) => cell.padEnd(i === 0 ? 24 : 12)).join(' ')}\n`)
}
const light = results.light
if (light) {
	// The target (p99 under 100 ms) was set when the reference measured p99 ~460 ms on
	// these machines; their speed varies by 2x from one day to the next, so the target is also
	// judged scaled to the reference measured in this run (ratio 100 / 460).
	const p99 = light.tablee.p99
	const scaled = (light.reference.p99 * TARGET_MS) / REFERENCE_P99_WHEN_SET_MS
	process.stdout.write(
		`Target (relay, light clients): p99 under ${TARGET_MS} ms — ${p99 < TARGET_MS ? 'met' : 'not met'} (${ms(p99)}); ` +
			`scaled to this run's reference (ratio under ${(TARGET_MS / REFERENCE_P99_WHEN_SET_MS).toFixed(2)}, i.e. under ${ms(scaled)}) — ${p99 < scaled ? 'met' : 'NOT met'}\n`,
	)
}

/** Issue #14's target: an acknowledgement means durable, p99 under 250 ms with 20 writers. */
const ACK_TARGET_MS = 250
let durable: DurableAckResult | null = null
if (selected.includes('durable')) {
	durable = await runDurableAckBench()
	const { ack, delivery } = durable
	process.stdout.write(
		`\nStored before shared: ${durable.writers} writers, ${durable.edits} edits, a note every 200 ms each\n` +
			`time to durable acknowledgement  p50 ${ms(ack.p50)}  p99 ${ms(ack.p99)}  max ${ms(ack.max)}\n` +
			`delivery to another client (after the log append)  p50 ${ms(delivery.p50)}  p99 ${ms(delivery.p99)}  max ${ms(delivery.max)}\n` +
			`Target: p99 to durable acknowledgement under ${ACK_TARGET_MS} ms — ${ack.p99 < ACK_TARGET_MS ? 'met' : 'NOT met'}\n`,
	)
}

const resultsDir = path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
const file = path.join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(file, `${JSON.stringify({ clients, storms, results, exports: exportRows, durable }, null, 2)}\n`)
process.stdout.write(`Written to ${path.relative(process.cwd(), file)}\n`)
