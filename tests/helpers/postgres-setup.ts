import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'

/**
 * Vitest global setup: the PostgreSQL tests need a server. The one named by
 * TABLEE_TEST_DATABASE_URL (default: the development and CI machines' own, 127.0.0.1:5432, user
 * root) when it answers; otherwise a throwaway instance from Debian's `postgresql` package
 * (initdb and pg_ctl as an unprivileged user, in a temporary directory), installed with apt-get
 * when running as root. Without either, the run stops with what to install: these tests are never
 * skipped. Tests read the administration URL from TABLEE_TEST_PG_ADMIN_URL.
 */
const configured = process.env.TABLEE_TEST_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres'

async function answers(url: string): Promise<boolean> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
	try {
		await client.connect()
		await client.query('SELECT 1')
		return true
	} catch {
		return false
	} finally {
		await client.end().catch(() => undefined)
	}
}

function findBin(name: string): string | null {
	const dirs = [
		...(process.env.PATH ?? '').split(':'),
		...(existsSync('/usr/lib/postgresql')
			? readdirSync('/usr/lib/postgresql')
					.sort()
					.reverse()
					.map((version) => `/usr/lib/postgresql/${version}/bin`)
			: []),
	]
	for (const dir of dirs) if (dir && existsSync(path.join(dir, name))) return path.join(dir, name)
	return null
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer()
		server.once('error', reject)
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number }
			server.close(() => resolve(port))
		})
	})
}

export default async function setup(): Promise<(() => void) | undefined> {
	if (await answers(configured)) {
		process.env.TABLEE_TEST_PG_ADMIN_URL = configured
		return undefined
	}
	const isRoot = process.getuid?.() === 0
	if (!findBin('initdb') && isRoot && existsSync('/usr/bin/apt-get')) {
		process.stdout.write('PostgreSQL is not running and not installed: installing Debian’s postgresql package…\n')
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env })
	}
	const initdb = findBin('initdb')
	const pgCtl = findBin('pg_ctl')
	if (!initdb || !pgCtl) {
		throw new Error(
			`The PostgreSQL tests need a server: nothing answers at ${configured} and initdb/pg_ctl were not found. ` +
				'Install PostgreSQL (e.g. `sudo apt-get install postgresql`) or set TABLEE_TEST_DATABASE_URL, then run `npm test` again.',
		)
	}
	// initdb refuses to run as root: the instance belongs to an unprivileged user.
	const user = isRoot ? 'postgres' : null
	if (user && spawnSync('id', [user]).status !== 0) {
		execFileSync('useradd', ['--system', '--no-create-home', user], { stdio: 'inherit' })
	}
	const dir = mkdtempSync(path.join(tmpdir(), 'tablee-pg-'))
	chmodSync(dir, 0o777)
	const data = path.join(dir, 'data')
	const run = (command: string, args: string[]) =>
		user
			? execFileSync('runuser', ['-u', user, '--', command, ...args], { stdio: 'pipe' })
			: execFileSync(command, args, { stdio: 'pipe' })
	const port = await freePort()
	run(initdb, ['-D', data, '-A', 'trust', '-U', 'tablee', '--no-sync'])
	run(pgCtl, ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -h 127.0.0.1 -F`, 'start'])
	process.stdout.write(`PostgreSQL tests use a throwaway instance on port ${port}\n`)
	process.env.TABLEE_TEST_PG_ADMIN_URL = `postgresql://tablee@127.0.0.1:${port}/postgres`
	return () => {
		try {
			run(pgCtl, ['-D', data, '-m', 'immediate', 'stop'])
		} finally {
			rmSync(dir, { recursive: true, force: true })
		}
	}
}
