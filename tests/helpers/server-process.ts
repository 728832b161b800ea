import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { withTimeout } from './test-server.ts'

const mainFile = path.resolve(import.meta.dirname, '../../server/main.ts')

/** A free TCP port on loopback (so a restarted server can take the same one). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer()
		probe.once('error', reject)
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address()
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
		})
	})
}

export interface ServerProcess {
	child: ChildProcess
	port: number
	output: () => string
	/** SIGKILL: no flush, no goodbye. */
	kill9(): Promise<void>
	stop(): Promise<void>
}

/**
 * Runs the server in a child process: from its sources (`node server/main.ts`), or `args` such as
 * `npm start`'s (the bundle, dist/server/main.js, and its Node flags).
 */
export async function spawnServer(env: Record<string, string>, args: string[] = [mainFile]): Promise<ServerProcess> {
	const child = spawn(process.execPath, args, {
		env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let output = ''
	child.stdout?.on('data', (chunk) => {
		output += chunk
	})
	child.stderr?.on('data', (chunk) => {
		output += chunk
	})
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
	await withTimeout(
		new Promise<void>((resolve, reject) => {
			const check = () => {
				if (output.includes('"server.started"')) resolve()
			}
			child.stdout?.on('data', check)
			child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
		}),
		15_000,
		'server process never started',
	)
	return {
		child,
		port: Number(env.PORT),
		output: () => output,
		kill9: async () => {
			child.kill('SIGKILL')
			await exited
		},
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
			await exited
		},
	}
}
