/**
 * The reference relay for benchmarks: @y/websocket-server 0.1.1 (y-websocket's own server),
 * unmodified, on the port given as argument. Prints "listening <port>" when ready.
 *
 * Plain JavaScript, as the reference ships (its own `y-websocket` command is a .js file): a .ts
 * wrapper would load Node's type stripper into the reference's process, about 15 MiB of resident
 * memory the relay itself does not use (docs/architecture.md §Memory).
 */
import http from 'node:http'
import { setupWSConnection } from '@y/websocket-server/utils'
import { WebSocketServer } from 'ws'

const port = Number(process.argv[2] ?? 0)
const server = http.createServer((_request, response) => {
	response.writeHead(200)
	response.end('reference relay')
})
const wss = new WebSocketServer({ server })
wss.on('connection', (socket, request) => setupWSConnection(socket, request))
server.listen(port, '127.0.0.1', () => {
	const address = server.address()
	process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`)
})
// A clean exit on SIGTERM, so a CPU profile asked for with --cpu-prof (bench/profile.ts) is written.
process.once('SIGTERM', () => process.exit(0))
