// Starts a real `zhengtong serve` on a fresh SQLite database and a free port, serving web/dist;
// with `demo`, seeds a small demo city into that database first (seedDemo below).
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/**
 * Its database lives in `dir`, or in a new temporary folder that stop() removes. With `demo`
 * ({ divisions, city, people, seed }), the server's first start makes the administrators, then
 * `zhengtong registry import-divisions` and `zhengtong seed-demo` run on its database with its
 * config (as tests/integration/demo_test.cpp does); `demoAccounts` is then the accounts' list.
 */
export async function startServer({ binary, webRoot, dir, demo }) {
  const ownDir = !dir
  dir ??= mkdtempSync(join(tmpdir(), 'zt-e2e-'))
  const port = await freePort()
  const config = join(dir, 'zhengtong.toml')
  // The subscription test's webhook receiver address is on loopback, which the server refuses
  // unless its operator allows it.
  writeFileSync(config, `[server]\nlisten = "127.0.0.1:${port}"\nweb_root = "${webRoot}"\n` +
    '[exchange]\nwebhook_allowed_networks = ["127.0.0.0/8"]\n')
  // Run in `dir`, so that what the server keeps beside it (its data key under ./data) goes too.
  const env = { ...process.env, ZT_DATABASE_URL: `sqlite:${join(dir, 'zt.db')}`, ZT_LISTEN: `127.0.0.1:${port}`, ZT_LOG_LEVEL: 'warn' }
  const child = spawn(binary, ['--config', config, 'serve'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`zhengtong exited (${child.exitCode}): ${stderr}`)
    try {
      const r = await fetch(`${base}/readyz`)
      if (r.ok) break
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`zhengtong did not become ready: ${stderr}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  let demoAccounts = null
  if (demo) {
    const run = (args) =>
      new Promise((resolve, reject) =>
        execFile(binary, ['--config', config, ...args], { cwd: dir, env, maxBuffer: 1 << 24 }, (error, out, err) =>
          error ? reject(new Error(`zhengtong ${args.join(' ')}: ${error.message}\n${out}${err}`)) : resolve(out + err),
        ),
      )
    await run(['registry', 'import-divisions', '--from', demo.divisions])
    const accountsOut = join(dir, 'accounts.json')
    await run(['seed-demo', '--city', demo.city ?? '330300', '--people', String(demo.people ?? 2000), '--seed', String(demo.seed ?? 1), '--accounts-out', accountsOut])
    demoAccounts = JSON.parse(readFileSync(accountsOut, 'utf8'))
  }
  return {
    base,
    dir,
    demoAccounts,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise((resolve) => {
          child.on('exit', resolve)
          child.kill('SIGTERM')
        })
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true })
    },
  }
}
