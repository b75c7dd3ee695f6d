// Readies a city on a fresh Zhengtong server, through the API only (as tests/integration/city.cpp
// does): the three administrators change their one-time passwords and enrol TOTP. On a seeded demo
// city the demo accounts are added as they are (they sign in with their demo passwords); otherwise
// the system admin creates three departments and their staff, the security admin gives them
// roles, and each staff member changes the initial password. Returns every account's username,
// password and TOTP secret.
import { freshTotp } from './totp.mjs'

export class Api {
  constructor(base) {
    this.base = base
  }
  async call(method, path, token, body) {
    const headers = { Accept: 'application/json' }
    if (token) headers.Authorization = `Bearer ${token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    const json = text ? JSON.parse(text) : null
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`)
    return json
  }
}

/** Parses the first-start console lines "   sysadmin    sys_admin    <password>". */
export function initialPasswords(stderr) {
  const out = {}
  for (const line of stderr.split('\n')) {
    const m = line.match(/^\s+(sysadmin|secadmin|auditadmin)\s+(sys_admin|sec_admin|audit_admin)\s+(\S+)\s*$/)
    if (m) out[m[1]] = m[3]
  }
  return out
}

/**
 * `leaveForUi` names administrators left as the first start made them (one-time password, no
 * TOTP), for a test to take through their first sign-in in the browser.
 */
export async function readyCity(base, firstStartStderr, { leaveForUi = [], demoAccounts = null } = {}) {
  const api = new Api(base)
  const initial = initialPasswords(firstStartStderr)
  if (Object.keys(initial).length !== 3) throw new Error(`no administrator passwords in: ${firstStartStderr}`)
  const accounts = {}

  async function readyAdmin(username) {
    const password = `Zt-Adm1n-${username.length}-2026!Wz`
    let { token } = await api.call('POST', '/api/v1/auth/login', null, { username, password: initial[username] })
    await api.call('POST', '/api/v1/auth/password', token, { current_password: initial[username], new_password: password })
    ;({ token } = await api.call('POST', '/api/v1/auth/login', null, { username, password }))
    const { secret } = await api.call('POST', '/api/v1/auth/totp/setup', token)
    await api.call('POST', '/api/v1/auth/totp/confirm', token, { code: await freshTotp(secret) })
    accounts[username] = { username, password, totp: secret, token }
    return token
  }
  const sys = await readyAdmin('sysadmin')
  const sec = await readyAdmin('secadmin')
  for (const username of ['auditadmin']) {
    if (leaveForUi.includes(username)) accounts[username] = { username, initial: initial[username] }
    else await readyAdmin(username)
  }

  if (demoAccounts) {
    for (const a of demoAccounts) accounts[a.username] = { ...a }
    const citizens = demoAccounts.filter((a) => a.kind === 'citizen')
    return { accounts, citizens, departments: {} }
  }

  const departments = {}
  for (const [code, name] of [['330300-GA', '温州市公安局'], ['330300-MZ', '温州市民政局'], ['330300-DSJ', '温州市大数据发展管理局']]) {
    departments[code] = (await api.call('POST', '/api/v1/departments', sys, { code, name, division_code: '330300' })).id
  }

  async function staff(username, display_name, dept, roles) {
    const created = await api.call('POST', '/api/v1/users', sys, { kind: 'staff', username, display_name, department_id: departments[dept] })
    await api.call('PUT', `/api/v1/users/${created.user.id}/roles`, sec, { roles })
    const password = `Wz-2026-Ou${username.length}!qmT`
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username, password: created.initial_password })
    await api.call('POST', '/api/v1/auth/password', token, { current_password: created.initial_password, new_password: password })
    accounts[username] = { username, password, display_name, department: dept, roles, initial: created.initial_password }
  }
  await staff('ga_admin', '公安局管理员', '330300-GA', ['dept_admin'])
  await staff('ga_officer', '公安局经办人', '330300-GA', ['dept_officer'])
  await staff('mz_admin', '民政局管理员', '330300-MZ', ['dept_admin'])
  await staff('mz_officer', '民政局经办人', '330300-MZ', ['dept_officer'])
  await staff('dsj_admin', '大数据局管理员', '330300-DSJ', ['data_admin'])
  return { accounts, departments }
}
