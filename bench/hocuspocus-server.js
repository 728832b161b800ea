/**
 * Hocuspocus 4 (the most used Yjs server) for benchmarks: `@hocuspocus/server` with its default
 * settings, no extensions, on the port given as argument (0: any free port). Only the start-up
 * banner is silenced (`quiet`), which changes nothing once it runs. Prints "listening <port>".
 * Plain JavaScript, as Hocuspocus ships: see reference-relay.js.
 */
import { Server } from '@hocuspocus/server'

const server = new Server({ port: Number(process.argv[2] ?? 0), address: '127.0.0.1', quiet: true })
await server.listen()
process.stdout.write(`listening ${server.address.port}\n`)
