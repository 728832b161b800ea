import { connect, createServer, type Socket } from 'node:net'

export interface TcpProxy {
	port: number
	/** Connections accepted so far, by the backend port they reached. */
	reached: Map<number, number>
	close(): Promise<void>
}

/**
 * A tiny load balancer for tests: each connection goes to the first backend of `backends()` that
 * accepts it (so, in order of preference) and is piped both ways; when a backend dies, its
 * connections end and the clients' reconnections land on the next one that answers.
 */
export async function tcpProxy(backends: () => number[]): Promise<TcpProxy> {
	const sockets = new Set<Socket>()
	const reached = new Map<number, number>()
	const server = createServer((client) => {
		sockets.add(client)
		client.on('close', () => sockets.delete(client))
		client.on('error', () => client.destroy())
		const tryNext = (ports: number[]) => {
			const [port, ...rest] = ports
			if (port === undefined) {
				client.destroy()
				return
			}
			const upstream = connect(port, '127.0.0.1')
			let connected = false
			upstream.once('connect', () => {
				connected = true
				reached.set(port, (reached.get(port) ?? 0) + 1)
				sockets.add(upstream)
				client.pipe(upstream)
				upstream.pipe(client)
			})
			upstream.on('error', () => {
				if (connected) client.destroy()
				else tryNext(rest)
			})
			upstream.on('close', () => {
				sockets.delete(upstream)
				if (connected) client.destroy()
			})
			client.on('close', () => upstream.destroy())
		}
		tryNext(backends())
	})
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const address = server.address()
	return {
		port: typeof address === 'object' && address ? address.port : 0,
		reached,
		close: async () => {
			for (const socket of sockets) socket.destroy()
			await new Promise<void>((resolve) => server.close(() => resolve()))
		},
	}
}
