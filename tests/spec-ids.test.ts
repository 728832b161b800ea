import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, expect, test } from 'vitest'

/** scripts/check-spec-ids.ts, run as `npm run lint` runs it, on a small repository of its own. */
const script = path.resolve(import.meta.dirname, '../scripts/check-spec-ids.ts')
const dirs: string[] = []
/** Written this way so that this file's fixtures do not count as citations of the real SPEC. */
const tag = (id: string) => ['[', id, ']'].join('')
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function check(spec: string, tests: string): Promise<{ code: number; output: string }> {
	const root = await mkdtemp(path.join(tmpdir(), 'tablee-spec-'))
	dirs.push(root)
	await mkdir(path.join(root, 'docs'))
	await mkdir(path.join(root, 'tests'))
	await writeFile(path.join(root, 'docs', 'SPEC.md'), spec)
	await writeFile(path.join(root, 'tests', 'rules.test.ts'), tests)
	try {
		const { stdout } = await promisify(execFile)(process.execPath, [script, root])
		return { code: 0, output: stdout }
	} catch (error) {
		const failed = error as { code: number; stderr: string }
		return { code: failed.code, output: failed.stderr }
	}
}

test('the SPEC check passes when every rule is defined once and cited in brackets', async () => {
	const result = await check('- **A1** one\n- **A2** two\n', `test('${tag('A1')}${tag('A2')} both', () => {})\n`)
	expect(result).toEqual({ code: 0, output: 'SPEC rule ids: 2 defined, each cited by a test\n' })
})

test('the SPEC check fails on a duplicated, an uncited and an unknown id; a bare mention is no citation', async () => {
	const result = await check(
		'- **A1** one\n- **A1** again\n- **A2** two\n',
		`test('${tag('A1')} one', () => {})\ntest('A2 without brackets', () => {})\ntest('${tag('Z9')} nowhere', () => {})\n`,
	)
	expect(result.code).toBe(1)
	expect(result.output).toContain('A1 is defined 2 times')
	expect(result.output).toContain('A2 is cited by no test')
	expect(result.output).toContain('Z9 is cited by tests/rules.test.ts but not defined')
})
