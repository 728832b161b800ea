import { readConfig } from './config.ts'
import { startServer } from './server.ts'

/** `npm start`: configuration from the environment, stop signals save everything first. */
const config = readConfig(process.env)
if (!config.ok) {
	console.error(`Tablée: ${config.error}`)
	process.exit(2)
}

const server = await startServer(config.value).catch((error: Error) => {
	console.error(`Tablée could not start: ${error.message}`)
	process.exit(1)
})

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return
		stopping = true
		server.close().then(
			() => process.exit(0),
			(error: Error) => {
				server.logger.error('server.stop_failed', { error })
				process.exit(1)
			},
		)
	})
}
