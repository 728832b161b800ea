/**
 * `npm run bench`: benchmarks, each against a reference measured in the same run, reported as
 * ratios (these machines are noisy: absolute figures from another run mean little).
 * Results are printed and written to bench/results/<date>.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runStorm, startReference, startTablee } from './presence-storm.ts'

// Every y-websocket provider registers a process 'exit' handler: 200 of them are expected here.
process.setMaxListeners(0)

const clients = Number(process.env.BENCH_CLIENTS ?? 200)
const storms = Number(process.env.BENCH_STORMS ?? 3)

const dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-bench-'))
const reference = await startReference(clients)
const referenceResult = await runStorm(reference, clients, storms).finally(() => reference.stop())
const tablee = await startTablee(clients, dataDir)
const tableeResult = await runStorm(tablee, clients, storms).finally(() => tablee.stop())
await rm(dataDir, { recursive: true, force: true })

const ms = (value: number) => `${value.toFixed(1)} ms`
const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2)
const rows = [
	[
		'presence storm',
		'p50',
		ms(tableeResult.p50),
		ms(referenceResult.p50),
		ratio(tableeResult.p50, referenceResult.p50),
	],
	[
		'presence storm',
		'p95',
		ms(tableeResult.p95),
		ms(referenceResult.p95),
		ratio(tableeResult.p95, referenceResult.p95),
	],
	[
		'presence storm',
		'p99',
		ms(tableeResult.p99),
		ms(referenceResult.p99),
		ratio(tableeResult.p99, referenceResult.p99),
	],
	[
		'presence storm',
		'max',
		ms(tableeResult.max),
		ms(referenceResult.max),
		ratio(tableeResult.max, referenceResult.max),
	],
	[
		'relay memory (RSS)',
		'after storms',
		`${((tableeResult.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
		`${((referenceResult.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
		ratio(tableeResult.rssBytes ?? Number.NaN, referenceResult.rssBytes ?? Number.NaN),
	],
]
const header = ['benchmark', 'measure', 'Tablée', 'reference', 'ratio (Tablée / reference)']
process.stdout.write(
	`\nPresence storm: ${clients} clients, ${storms} storms, ${tableeResult.samples} / ${referenceResult.samples} deliveries measured\n`,
)
for (const row of [header, ...rows])
	process.stdout.write(`${row.map((cell, i) => cell.padEnd(i === 0 ? 20 : 14)).join(' ')}\n`)
process.stdout.write(`Target: Tablée p99 under 100 ms — ${tableeResult.p99 < 100 ? 'met' : 'NOT met'}\n`)

const resultsDir = path.join(import.meta.dirname, 'results')
await mkdir(resultsDir, { recursive: true })
const file = path.join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(
	file,
	`${JSON.stringify({ clients, storms, tablee: tableeResult, reference: referenceResult }, null, 2)}\n`,
)
process.stdout.write(`Written to ${path.relative(process.cwd(), file)}\n`)
