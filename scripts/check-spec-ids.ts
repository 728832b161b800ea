/**
 * `npm run lint` runs this: every rule id of docs/SPEC.md (`- **V3** …`) is defined once and
 * cited as `[V3]` by at least one test, and every id a test cites exists. A rule nobody tests is
 * a promise nobody checks; an id cited but not defined points a reader nowhere.
 *
 * Usage: node scripts/check-spec-ids.ts [root]   (exit code 1 and a list of problems on failure)
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'))
const ignored = new Set(['node_modules', 'dist', 'data', 'test-artifacts', '.git'])

/** Test files: `*.test.ts` anywhere in the code folders. */
async function testFiles(dir: string): Promise<string[]> {
	const found: string[] = []
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		if (ignored.has(entry.name)) continue
		const full = path.join(dir, entry.name)
		if (entry.isDirectory()) found.push(...(await testFiles(full)))
		else if (/\.test\.tsx?$/.test(entry.name)) found.push(full)
	}
	return found
}

const spec = await readFile(path.join(root, 'docs', 'SPEC.md'), 'utf8')
const defined = new Map<string, number[]>()
spec.split('\n').forEach((line, index) => {
	const match = /^- \*\*([A-Z]\d+)\*\*/.exec(line)
	if (match?.[1]) defined.set(match[1], [...(defined.get(match[1]) ?? []), index + 1])
})

const cited = new Map<string, string[]>()
for (const folder of ['tests', 'server', 'shared', 'client']) {
	for (const file of await testFiles(path.join(root, folder)).catch(() => [])) {
		const text = await readFile(file, 'utf8')
		for (const match of text.matchAll(/\[([A-Z]\d+)\]/g)) {
			const id = match[1] as string
			cited.set(id, [...(cited.get(id) ?? []), path.relative(root, file)])
		}
	}
}

const problems: string[] = []
for (const [id, lines] of defined) {
	if (lines.length > 1)
		problems.push(`${id} is defined ${lines.length} times in docs/SPEC.md (lines ${lines.join(', ')})`)
	if (!cited.has(id)) problems.push(`${id} is cited by no test (tag one as '[${id}] …')`)
}
for (const [id, files] of cited) {
	if (!defined.has(id))
		problems.push(`${id} is cited by ${[...new Set(files)].join(', ')} but not defined in docs/SPEC.md`)
}

if (problems.length > 0) {
	process.stderr.write(`SPEC rule ids:\n  ${problems.join('\n  ')}\n`)
	process.exit(1)
}
process.stdout.write(`SPEC rule ids: ${defined.size} defined, each cited by a test\n`)
