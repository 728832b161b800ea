/**
 * Where the server's CPU goes: runs the 200-reader, 20-writer fan-out (bench/scenarios.ts) against
 * Tablée and the reference relay, each started with `node --cpu-prof`, keeps the samples of the
 * measured window only (V8 stamps them with the system's monotonic clock, as the bench does), and
 * prints the self time by function and by file or package. `node bench/profile.ts [runs]`;
 * PROFILE_PEERS (default tablee,reference), PROFILE_READERS / PROFILE_WRITERS / PROFILE_RATE (changes per
 * second per writer, default 2), BENCH_WINDOW_S.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

interface ProfileNode {
	id: number
	callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
	nodes: ProfileNode[]
	startTime: number
	samples: number[]
	timeDeltas: number[]
}

process.setMaxListeners(0)
const runs = Number(process.argv[2] ?? 1)
const peers = (process.env.PROFILE_PEERS ?? 'tablee,reference').split(',') as Array<'tablee' | 'reference'>
const readers = Number(process.env.PROFILE_READERS ?? 200)
const writers = Number(process.env.PROFILE_WRITERS ?? 20)
const rate = Number(process.env.PROFILE_RATE ?? 2)
const windowS = Number(process.env.BENCH_WINDOW_S ?? 6)
const root = path.resolve(import.meta.dirname, '..')
const dir = await mkdtemp(path.join(tmpdir(), 'tablee-profile-'))
process.env.BENCH_CPU_PROF = dir
// Imported after BENCH_CPU_PROF is set: bench/peers.ts reads it once.
const { fanout } = await import('./scenarios.ts')

for (const peer of peers) {
	const byFunction = new Map<string, number>()
	const byFile = new Map<string, number>()
	let total = 0
	for (let run = 0; run < runs; run++) {
		const figures = await fanout(peer, { rooms: 1, readers, writers, rate, warmupS: 1.5, windowS, processes: 4 })
		const [file] = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'))
		if (!file) throw new Error(`${peer}: no profile written in ${dir}`)
		const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Profile
		await rm(path.join(dir, file))
		const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
		let at = profile.startTime
		profile.samples.forEach((id, i) => {
			const delta = profile.timeDeltas[i] ?? 0
			at += delta
			if (at < (figures.windowStartUs ?? 0) || at > (figures.windowEndUs ?? 0)) return
			const frame = nodes.get(id)?.callFrame
			if (!frame || frame.functionName === '(idle)') return
			total += delta
			const where = frame.url ? place(frame.url) : `(${frame.functionName.replace(/[()]/g, '') || 'native'})`
			const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`
			byFunction.set(name, (byFunction.get(name) ?? 0) + delta)
			byFile.set(where, (byFile.get(where) ?? 0) + delta)
		})
		process.stdout.write(`${peer} run ${run + 1}: server CPU ${figures.cpuS?.toFixed(2)} s in the window\n`)
	}
	const top = (map: Map<string, number>, count: number) =>
		[...map.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(
				([name, us]) =>
					`  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
			)
			.join('\n')
	process.stdout.write(
		`\n${peer}: ${(total / 1000).toFixed(0)} ms of samples (idle excluded) in ${runs} window(s) of ${windowS} s\nby file or package:\n${top(byFile, 20)}\nby function (self time):\n${top(byFunction, 30)}\n\n`,
	)
}

await rm(dir, { recursive: true, force: true })

/** A file of ours (relative path), a package (its name), Node's internals, or V8's own entries. */
function place(url: string): string {
	if (url.startsWith('node:')) return url
	const file = url.replace(/^file:\/\//, '')
	const modules = file.lastIndexOf('node_modules/')
	if (modules >= 0) {
		const parts = file.slice(modules + 'node_modules/'.length).split('/')
		return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? file)
	}
	return path.relative(root, file)
}
