/**
 * The send window (SEND_WINDOW_MS, server/relay/write-batcher.ts) and the cost of storing before
 * sharing, side by side: runs the fan-out against the reference relay and against Tablée started
 * with several settings — the durable log on (STORE=lowdb, as in production) at each window, and
 * without it (STORE=memory, nothing stored) at window 0 — alternated, the order rotated each
 * round, each run a process of its own, plus the first log setting twice (A/A, the noise
 * floor). Prints server CPU seconds and delay p50 / p99 (median
 * over the rounds) of each, and each one's ratio to the reference.
 *
 * `node bench/send-window.ts [rounds]`; SWEEP_WINDOWS (default 0,10,20,40), SWEEP_READERS /
 * SWEEP_WRITERS / SWEEP_RATE (default 200 / 20 / 2), BENCH_WINDOW_S. With `--run` it is one run's child.
 */
import { execFileSync } from 'node:child_process'

process.setMaxListeners(0)
const windowS = Number(process.env.BENCH_WINDOW_S ?? 6)
const readers = Number(process.env.SWEEP_READERS ?? 200)
const writers = Number(process.env.SWEEP_WRITERS ?? 20)
const rate = Number(process.env.SWEEP_RATE ?? 2)

interface RunFigures {
	cpuS: number
	p50Ms: number
	p99Ms: number
	delivered: number
}

if (process.argv[2] === '--run') {
	const { fanout } = await import('./scenarios.ts')
	const peer = process.argv[3] === 'reference' ? 'reference' : 'tablee'
	const figures = await fanout(peer, { rooms: 1, readers, writers, rate, warmupS: 1.5, windowS, processes: 4 })
	process.stdout.write(`RESULT ${JSON.stringify(figures)}\n`)
	process.exit(0)
}

const rounds = Number(process.argv[2] ?? 3)
const windows = (process.env.SWEEP_WINDOWS ?? '0,10,20,40').split(',').map(Number)
const variants: Array<{ name: string; peer: 'tablee' | 'reference'; env: Record<string, string> }> = [
	{ name: 'reference', peer: 'reference', env: {} },
	{ name: 'no log, window 0', peer: 'tablee', env: { STORE: 'memory', SEND_WINDOW_MS: '0' } },
	...windows.map((ms) => ({
		name: `log, window ${ms}`,
		peer: 'tablee' as const,
		env: { STORE: 'lowdb', SEND_WINDOW_MS: String(ms) },
	})),
	// The noise floor: the first log setting again, as a separate run.
	{ name: 'A/A', peer: 'tablee', env: { STORE: 'lowdb', SEND_WINDOW_MS: String(windows[0] ?? 0) } },
]

function run(peer: 'tablee' | 'reference', env: Record<string, string>): RunFigures {
	const output = execFileSync(process.execPath, [import.meta.filename, '--run', peer], {
		env: { ...process.env, ...env },
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 64 * 2 ** 20,
	})
	const line = output.split('\n').find((text) => text.startsWith('RESULT '))
	if (!line) throw new Error(`no result from ${peer}`)
	return JSON.parse(line.slice('RESULT '.length)) as RunFigures
}

const results = new Map(variants.map((variant) => [variant.name, [] as RunFigures[]]))
for (let round = 0; round < rounds; round++) {
	// Rotated each round so no setting always runs first or right after the same one.
	const order = variants.map((_, i) => variants[(i + round) % variants.length] ?? variants[0])
	for (const variant of order) {
		if (!variant) continue
		const figures = run(variant.peer, variant.env)
		results.get(variant.name)?.push(figures)
		process.stdout.write(
			`round ${round + 1} ${variant.name}: server CPU ${figures.cpuS.toFixed(2)} s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(0)} ms, delivered ${figures.delivered.toFixed(3)}\n`,
		)
	}
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b)
	const middle = Math.floor(sorted.length / 2)
	return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const reference = results.get('reference') ?? []
const refCpu = median(reference.map((figures) => figures.cpuS))
const refP50 = median(reference.map((figures) => figures.p50Ms))
process.stdout.write(
	`\n${readers} readers, ${writers} writers at ${rate} Hz, ${rounds} rounds, ${windowS} s windows (medians; min-max of CPU):\n`,
)
for (const [name, runs] of results) {
	const cpu = runs.map((figures) => figures.cpuS)
	const p50 = median(runs.map((figures) => figures.p50Ms))
	process.stdout.write(
		`  ${name.padEnd(18)} CPU ${median(cpu).toFixed(2)} s (${Math.min(...cpu).toFixed(2)}-${Math.max(...cpu).toFixed(2)}) = ${(median(cpu) / refCpu).toFixed(2)}x ref; p50 ${p50.toFixed(1)} ms = ${(p50 / refP50).toFixed(2)}x ref; p99 ${median(runs.map((figures) => figures.p99Ms)).toFixed(0)} ms\n`,
	)
}
