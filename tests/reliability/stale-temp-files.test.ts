import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { createLogger } from '../../server/logger.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

let server: TestServer | null = null
let dataDir = ''
afterEach(async () => {
	await server?.dispose()
	server = null
	await rm(dataDir, { recursive: true, force: true })
})

test('[P12] temp files a killed process left in the data directory are removed at the next start, and nothing else is', async () => {
	dataDir = await mkdtemp(path.join(tmpdir(), 'tablee-stale-'))
	const id = 'abcdefghijklmnopqrstuvwxyz'
	const leftovers = [
		`deletions/${id}.json.4242.1.tmp`,
		`workshops/${id}.json.4242.7.tmp`,
		`workshops/${id}.board.log.4242.tmp`,
		`syntheses/${id}.json.4242.3.tmp`,
		`assets/${id}/picture.png.tmp`,
	]
	const kept = [`assets/${id}/picture.png`, 'notes.tmp']
	for (const file of [...leftovers, ...kept]) {
		await mkdir(path.dirname(path.join(dataDir, file)), { recursive: true })
		await writeFile(path.join(dataDir, file), 'half written')
	}
	const lines: string[] = []
	server = await startTestServer({ dataDir }, { logger: createLogger('info', (line) => lines.push(line)) })
	for (const file of leftovers) expect(existsSync(path.join(dataDir, file)), file).toBe(false)
	for (const file of kept) expect(existsSync(path.join(dataDir, file)), file).toBe(true)
	expect(await readdir(path.join(dataDir, 'deletions'))).toEqual([])
	expect(lines.filter((line) => line.includes('"store.temp_files_removed"'))).toEqual([
		expect.stringContaining(`"files":${leftovers.length}`),
	])
})
