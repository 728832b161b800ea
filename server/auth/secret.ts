import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

const SECRET_FILE = 'secret.key'

/**
 * The signing secret: `TABLEE_SECRET` when set, otherwise the one kept in the data directory,
 * generated on first start. Losing it invalidates every link and personal token.
 */
export async function loadSecret(configured: string | null, dataDir: string): Promise<string> {
	if (configured) return configured
	const file = path.join(dataDir, SECRET_FILE)
	try {
		const existing = (await readFile(file, 'utf8')).trim()
		if (existing.length >= 32) return existing
		throw new Error(`${file} holds a secret shorter than 32 characters; fix or remove it`)
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
	}
	await mkdir(dataDir, { recursive: true })
	const secret = randomBytes(32).toString('base64url')
	// `wx` fails if another process created it meanwhile: then read theirs instead of forking keys.
	try {
		await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' })
		return secret
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
		return (await readFile(file, 'utf8')).trim()
	}
}
