// Fails the build when the first load (index.html and every script and stylesheet it loads
// before any route chunk) is 500 KB or more gzipped. Prints the figure.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const kLimit = 500 * 1024
const dist = new URL('../dist/', import.meta.url).pathname
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])
let total = gzipSync(html).length
for (const a of assets) total += gzipSync(readFileSync(join(dist, a))).length
const kb = (total / 1024).toFixed(1)
console.log(`first load: ${assets.length + 1} files, ${kb} KB gzipped (limit ${kLimit / 1024} KB)`)
if (total >= kLimit) {
  console.error('the first load is too large: split more by route')
  process.exit(1)
}
