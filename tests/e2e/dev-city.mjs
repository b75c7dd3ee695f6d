// For development: starts zhengtong on a fresh database seeded with the small demo city (as the
// browser tests run it), readies the administrators and prints the accounts; keeps serving until
// Ctrl-C.   node tests/e2e/dev-city.mjs BINARY [WEB_ROOT]
import { resolve } from 'node:path'
import { startServer } from './lib/server.mjs'
import { readyCity } from './lib/city.mjs'

const binary = process.argv[2] ?? 'build/release/zhengtong'
const webRoot = resolve(process.argv[3] ?? 'web/dist')
const demo = { divisions: resolve(new URL('../data/divisions-330300', import.meta.url).pathname), people: 2000, seed: 1 }
const server = await startServer({ binary, webRoot, demo })
const city = await readyCity(server.base, server.stderr(), { demoAccounts: server.demoAccounts })
console.log(JSON.stringify({ base: server.base, dir: server.dir, ...city }, null, 1))
process.on('SIGINT', async () => { await server.stop(); process.exit(0) })
process.on('SIGTERM', async () => { await server.stop(); process.exit(0) })
