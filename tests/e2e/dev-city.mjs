// For development: starts zhengtong on a fresh database, readies the small city and prints the
// accounts; keeps serving until Ctrl-C.   node tests/e2e/dev-city.mjs BINARY [WEB_ROOT]
import { resolve } from 'node:path'
import { startServer } from './lib/server.mjs'
import { readyCity } from './lib/city.mjs'

const binary = process.argv[2] ?? 'build/release/zhengtong'
const webRoot = resolve(process.argv[3] ?? 'web/dist')
const server = await startServer({ binary, webRoot })
const city = await readyCity(server.base, server.stderr())
console.log(JSON.stringify({ base: server.base, dir: server.dir, ...city }, null, 1))
process.on('SIGINT', async () => { await server.stop(); process.exit(0) })
process.on('SIGTERM', async () => { await server.stop(); process.exit(0) })
