import { type ChildProcess, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { waitFor } from '../helpers/test-server.ts'

const mainFile = path.resolve(import.meta.dirname, '../../server/main.ts')

export interface NamespacedServer {
	/** The `unshare` process (in our pid namespace). */
	child: ChildProcess
	/** The server's pid as seen from here; inside its namespace it is pid 1. */
	serverPid: number
	output: () => string
	exited: Promise<void>
	kill9(): Promise<void>
	stop(): Promise<void>
}

/**
 * Runs `node server/main.ts` as pid 1 of a new pid namespace (with its own /proc), as in a
 * container: `unshare --pid --fork --mount-proc` (needs root).
 */
export async function spawnAsPid1(env: Record<string, string>, startedWithin = 20_000): Promise<NamespacedServer> {
	const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, mainFile], {
		env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let output = ''
	child.stdout?.on('data', (chunk) => (output += chunk))
	child.stderr?.on('data', (chunk) => (output += chunk))
	let done = false
	const exited = new Promise<void>((resolve) =>
		child.once('exit', () => {
			done = true
			resolve()
		}),
	)
	await waitFor(() => done || output.includes('"server.started"'), 'namespaced server started', startedWithin)
	if (done) throw new Error(`server exited:\n${output}`)
	const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
	const serverPid = Number(children.trim().split(' ')[0])
	return {
		child,
		serverPid,
		output: () => output,
		exited,
		kill9: async () => {
			process.kill(serverPid, 'SIGKILL')
			await exited
		},
		stop: async () => {
			if (!done) process.kill(serverPid, 'SIGTERM')
			await exited
		},
	}
}
