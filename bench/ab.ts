/**
 * Tablée against Tablée: measures a change by alternating two checkouts (each a `git archive` of a
 * commit with a node_modules link, or this one) in the 200-reader, 20-writer fan-out, plus the
 * reference relay once per round as a yardstick. Each run is a process of its own (bench/peers.ts
 * reads BENCH_TABLEE_DIR when loaded). Prints min / median / max of server CPU seconds per side,
 * their ratio, and the A-against-A noise floor (the after side's odd runs against its even ones).
 *
 * `node bench/ab.ts <before dir> <after dir> [rounds]`; with `--run <peer>` it is one run's child.
 */
import { execFileSync } from 'node:child_process'

process.setMaxListeners(0)
const windowS = Number(process.env.BENCH_WINDOW_S ?? 6)

if (process.argv[2] === '--run') {
	const { fanout } = await import('./scenarios.ts')
	const peer = process.argv[3] === 'reference' ? 'reference' : 'tablee'
	const figures = await fanout(peer, {
		rooms: 1,
		readers: 200,
		writers: 20,
		rate: 2,
		warmupS: 1.5,
		windowS,
		processes: 4,
	})
	process.stdout.write(`RESULT ${JSON.stringify(figures)}\n`)
	process.exit(0)
}

const [before, after] = [process.argv[2], process.argv[3]]
if (!before || !after) throw new Error('usage: node bench/ab.ts <before dir> <after dir> [rounds]')
const rounds = Number(process.argv[4] ?? 4)

function run(peer: 'tablee' | 'reference', dir?: string): { cpuS: number; p50Ms: number; p99Ms: number } {
	const output = execFileSync(process.execPath, [import.meta.filename, '--run', peer], {
		env: { ...process.env, ...(dir ? { BENCH_TABLEE_DIR: dir } : {}) },
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 64 * 2 ** 20,
	})
	const line = output.split('\n').find((text) => text.startsWith('RESULT '))
	if (!line) throw new Error(`no result from ${peer} ${dir ?? ''}`)
	return JSON.parse(line.slice('RESULT '.length)) as { cpuS: number; p50Ms: number; p99Ms: number }
}

const results = { before: [] as number[], after: [] as number[], reference: [] as number[] }
for (let round = 0; round < rounds; round++) {
	// The order alternates each round so neither side always runs first.
	const order: Array<['before' | 'after', string]> =
		round % 2 === 0
			? [
					['before', before],
					['after', after],
				]
			: [
					['after', after],
					['before', before],
				]
	for (const [side, dir] of order) {
		const figures = run('tablee', dir)
		results[side].push(figures.cpuS)
		process.stdout.write(
			`round ${round + 1} ${side}: server CPU ${figures.cpuS.toFixed(2)} s, p50 ${figures.p50Ms.toFixed(1)} ms\n`,
		)
	}
	const reference = run('reference')
	results.reference.push(reference.cpuS)
	process.stdout.write(`round ${round + 1} reference: server CPU ${reference.cpuS.toFixed(2)} s\n`)
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b)
	const middle = Math.floor(sorted.length / 2)
	return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const spread = (values: number[]) =>
	`${Math.min(...values).toFixed(2)} / ${median(values).toFixed(2)} / ${Math.max(...values).toFixed(2)}`
const odd = results.after.filter((_, i) => i % 2 === 0)
const even = results.after.filter((_, i) => i % 2 === 1)
process.stdout.write(
	[
		'',
		`server CPU seconds over ${windowS} s, ${rounds} rounds (min / median / max):`,
		`  before    ${spread(results.before)}`,
		`  after     ${spread(results.after)}`,
		`  reference ${spread(results.reference)}`,
		`after / before ${(median(results.after) / median(results.before)).toFixed(3)}; A/A (after, odd runs / even runs) ${(median(odd) / median(even)).toFixed(3)}`,
		`before / reference ${(median(results.before) / median(results.reference)).toFixed(3)}; after / reference ${(median(results.after) / median(results.reference)).toFixed(3)}`,
		'',
	].join('\n'),
)
