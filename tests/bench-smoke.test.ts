import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'

/**
 * `npm run bench` in miniature (BENCH_SMOKE=1): every relay benchmark runs once, with tiny loads,
 * against all three servers, so the harness cannot rot between full runs. No figure is judged
 * here — timing thresholds belong to the bench itself.
 */
const root = path.join(import.meta.dirname, '..')
const dir = await mkdtemp(path.join(tmpdir(), 'tablee-bench-smoke-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

test('[W3] the bench runs every scenario against Tablée, the reference relay and Hocuspocus', async () => {
	const results = path.join(dir, 'RESULTS.md')
	const child = spawn(process.execPath, [path.join(root, 'bench/run.ts')], {
		cwd: root,
		env: { ...process.env, BENCH_SMOKE: '1', BENCH_RESULTS: results, BENCH_KINDS: 'fanout,storm,sync,memory,scale' },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let output = ''
	child.stdout.on('data', (chunk: Buffer) => (output += chunk))
	child.stderr.on('data', (chunk: Buffer) => (output += chunk))
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
	expect(code, output).toBe(0)

	const markdown = await readFile(results, 'utf8')
	for (const title of [
		'## Fan-out',
		'## Presence storm, light clients',
		'## First sync',
		'## Memory',
		'## Scale curve',
	]) {
		expect(markdown).toContain(title)
	}
	// Every scenario produced figures for the three servers (a dash marks a missing figure).
	const json = JSON.parse(await readFile(results.replace(/\.md$/, '.json'), 'utf8')) as {
		sections: Array<{ title: string; runs: Record<string, Array<Record<string, number>>> }>
		scale: Array<{ peer: string; figures: Record<string, number> }>
	}
	for (const section of json.sections) {
		for (const peer of ['tablee', 'reference', 'hocuspocus']) {
			expect(section.runs[peer], `${section.title}: ${peer}`).toHaveLength(1)
			const figures = section.runs[peer]?.[0] ?? {}
			expect(Object.values(figures).some(Number.isFinite), `${section.title}: ${peer}`).toBe(true)
		}
	}
	const delivered = json.sections.find((section) => section.title.startsWith('Fan-out'))?.runs
	for (const peer of ['tablee', 'reference', 'hocuspocus']) expect(delivered?.[peer]?.[0]?.samples).toBeGreaterThan(0)
	expect(new Set(json.scale.map((point) => point.peer))).toEqual(new Set(['tablee', 'reference', 'hocuspocus']))
}, 240_000)

test('[W4] the browser bench loads a board in Chromium, moves notes and records frame times', async () => {
	const results = path.join(dir, 'BROWSER.md')
	const child = spawn(process.execPath, [path.join(root, 'bench/run.ts')], {
		cwd: root,
		env: { ...process.env, BENCH_SMOKE: '1', BENCH_RESULTS: results, BENCH_KINDS: 'browser' },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let output = ''
	child.stdout.on('data', (chunk: Buffer) => (output += chunk))
	child.stderr.on('data', (chunk: Buffer) => (output += chunk))
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
	expect(code, output).toBe(0)
	expect(await readFile(results, 'utf8')).toContain('## Browser')
	const json = JSON.parse(await readFile(results.replace(/\.md$/, '.json'), 'utf8')) as {
		browser: Array<{
			interactiveMs: number
			completeMs: number
			bytesUntilInteractive: number
			movesPerSecond: number
			moving: { frames: number }
		}>
	}
	expect(json.browser, output).toHaveLength(1)
	const [run] = json.browser
	expect(run?.interactiveMs).toBeGreaterThan(0)
	expect(run?.completeMs).toBeGreaterThan(0)
	expect(run?.bytesUntilInteractive).toBeGreaterThan(0)
	expect(run?.movesPerSecond).toBeGreaterThan(0)
	expect(run?.moving.frames).toBeGreaterThan(0)
}, 120_000)

test('[W5] npm start, npm run serve and the Docker image start the server bundle with the same memory settings, and so does the bench', async () => {
	const { tableeLaunch } = await import('../bench/peers.ts')
	const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
	const dockerfile = await readFile(path.join(root, 'Dockerfile'), 'utf8')
	const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[]
	const flags = cmd.filter((word) => word.startsWith('-'))
	// The settings are the point: an image without them would pass the comparisons vacuously.
	expect(flags.some((flag) => flag.startsWith('--max-semi-space-size='))).toBe(true)
	expect(dockerfile).toMatch(/^\s*MALLOC_ARENA_MAX=2\b/m)
	// The server bundle `npm run build` makes (W7), not the TypeScript sources.
	expect(cmd).toEqual(['node', ...flags, 'dist/server/main.js'])
	expect(pkg.scripts.serve).toBe(`node ${flags.join(' ')} dist/server/main.js`)
	// npm start runs the command itself rather than `npm run serve`: one npm process less.
	expect(pkg.scripts.start).toBe(`npm run build && ${pkg.scripts.serve}`)
	expect(pkg.scripts.build).toMatch(/&& node scripts\/build-server\.ts$/)

	const saved = process.env.BENCH_TABLEE_SERVE
	delete process.env.BENCH_TABLEE_SERVE
	try {
		const main = path.join(root, 'server/main.ts')
		const bundle = path.join(root, 'dist/server/main.js')
		expect(tableeLaunch(main)).toEqual({ args: [...flags, bundle], env: { MALLOC_ARENA_MAX: '2' } })
	} finally {
		if (saved !== undefined) process.env.BENCH_TABLEE_SERVE = saved
	}
})
