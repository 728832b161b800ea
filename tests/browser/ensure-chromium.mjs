// Pre-test step of `npm test`: browser tests need Debian's Chromium (never a browser download).
// Installs it with apt-get when missing and running as root; otherwise fails with a clear message.
// Browser tests never skip silently: without a browser, `npm test` fails.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean)
const found = () => candidates.find((path) => existsSync(path))

if (!found()) {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
	const hasApt = existsSync('/usr/bin/apt-get')
	if (isRoot && hasApt) {
		process.stdout.write('Chromium is missing: installing Debian’s chromium package (apt-get)…\n')
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env })
	}
}

const path = found()
if (!path) {
	process.stderr.write(
		[
			'The browser tests need Chromium and none was found.',
			'Install it, e.g. `sudo apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium binary,',
			'then run `npm test` again.',
			'',
		].join('\n'),
	)
	process.exit(1)
}
process.stdout.write(`Browser tests use ${path}\n`)
