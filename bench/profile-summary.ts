/**
 * Sums a V8 CPU profile (`.cpuprofile`, from `node --cpu-prof` or Chromium's DevTools protocol) by
 * file and by function, self time, idle excluded: `node bench/profile-summary.ts <file> [top]`.
 * bench/browser-bench.ts writes the page's profile of a board load with BENCH_BROWSER_PROFILE.
 * Hashed bundle names are shortened to their chunk (`mount-canvas.js`).
 */
import { readFileSync } from 'node:fs'

interface Profile {
	nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>
	samples: number[]
	timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
if (!file) throw new Error('usage: node bench/profile-summary.ts <file.cpuprofile> [top]')
const count = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
const byFunction = new Map<string, number>()
const byFile = new Map<string, number>()
let busy = 0
let all = 0
profile.samples.forEach((id, i) => {
	const delta = profile.timeDeltas[i] ?? 0
	all += delta
	const frame = nodes.get(id)
	if (!frame || frame.functionName === '(idle)') return
	busy += delta
	const where = frame.url
		? frame.url.replace(/^.*\/(assets|node_modules)\//, '').replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js')
		: `(${frame.functionName.replace(/[()]/g, '') || 'native'})`
	const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
	byFunction.set(name, (byFunction.get(name) ?? 0) + delta)
	byFile.set(where, (byFile.get(where) ?? 0) + delta)
})
const top = (map: Map<string, number>) =>
	[...map.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(
			([name, us]) =>
				`  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
		)
		.join('\n')
process.stdout.write(
	`busy ${(busy / 1000).toFixed(0)} ms of ${(all / 1000).toFixed(0)} ms profiled\nby file:\n${top(byFile)}\nby function (self time):\n${top(byFunction)}\n`,
)
