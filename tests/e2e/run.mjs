// Browser tests of the web front end: playwright-core drives Debian's chromium against a real
// `zhengtong serve` on a fresh SQLite database seeded with a small demo city (温州, 2 000 people,
// seed 1: `registry import-divisions` and `seed-demo`, lib/server.mjs); the administrators are
// readied through the API (lib/city.mjs) and the demo accounts sign in as seed-demo made them.
//
//   tests/e2e/run.sh [BINARY]         (builds the web if needed, installs playwright-core, runs this)
//
//   ZT_BINARY        the zhengtong binary (default: build/release/zhengtong, else build/test/zhengtong)
//   ZT_WEB_ROOT      the built front end (default: web/dist)
//   CHROMIUM         the browser (default: /usr/bin/chromium)
//   ZT_E2E_SHOTS     where screenshots go (default: a new folder under the temp dir; printed)
//
// Every step fails on a console error or an uncaught page error, except the API errors a step
// provokes on purpose (a wrong password, the sign-in that asks for a TOTP code). Prints one line
// per step and a summary; exits 1 if any step failed. The steps named "on a phone" walk through
// the citizen's pages at 390×844 and check that none is wider than the screen (lib/phone.mjs).
// The steps named "services" walk through 一网通办: 民政's administrator publishes an item through
// the API (the demo city has none), a citizen applies on a phone with pre-filled values and uploads
// a real small PDF for the material the item asks for (a file of the wrong type refused with its
// reason), the window and 民政's officer handle the case on the desktop — the officer downloads the
// material and sends a result file with the decision, which the citizen then downloads in 我的办件 —
// a correction is answered and a case withdrawn, and the item gets a new version in 事项管理.
// Then a citizen corrects a pre-filled value before submitting; that case goes through a special
// procedure, recall, return, transfer to 公安 and delivery by courier; the item editor shows the
// API's problem at its field, creates and publishes an item; the power and responsibility lists
// show on a phone; the services pages are checked in English (no Chinese left but the data); the
// data administrator marks a day in 工作日历; and a citizen applies for the demo's bundle
// 新生儿出生一件事 on a phone, uploads each member's materials and sees its one progress.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { startServer } from './lib/server.mjs'
import { Api, readyCity } from './lib/city.mjs'
import { freshTotp } from './lib/totp.mjs'
import { assertFitsScreen, assertOneLine, assertValuesWhole, phoneContext } from './lib/phone.mjs'
import { tinyPdf, uploadAttachment } from './lib/pdf.mjs'

const root = resolve(new URL('../..', import.meta.url).pathname)
const binary = process.env.ZT_BINARY ? resolve(process.env.ZT_BINARY) : ['build/release/zhengtong', 'build/test/zhengtong'].map((p) => join(root, p)).find(existsSync)
const webRoot = resolve(process.env.ZT_WEB_ROOT ?? join(root, 'web/dist'))
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const shots = process.env.ZT_E2E_SHOTS ?? mkdtempSync(join(tmpdir(), 'zt-e2e-shots-'))
mkdirSync(shots, { recursive: true })
if (!binary || !existsSync(binary)) throw new Error('no zhengtong binary: build it or set ZT_BINARY')
if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`no built front end at ${webRoot}: run scripts/build_web.sh`)

const RES = '330300-GA-0101'
const divisions = join(root, 'tests/data/divisions-330300')
// A thousands separator may show between the digits of a figure.
const figure = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',?')
const results = []
let expected = [] // response URL fragments whose 4xx this step provokes on purpose
let previousExpected = [] // the previous step's
let problems = []
let failedResponses = [] // 4xx/5xx answers seen during the current step
const pages = []

const seedStarted = Date.now()
const server = await startServer({ binary, webRoot, demo: { divisions, city: '330300', people: 2000, seed: 1 } })
console.log(`server started, demo city seeded (${Date.now() - seedStarted} ms)`)
let browser
// Ctrl-C or a closed output pipe (`| head`) must not leave the server running.
async function abort() {
  await browser?.close().catch(() => {})
  await server.stop()
  process.exit(130)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, abort)
process.stdout.on('error', abort)
try {
  const city = await readyCity(server.base, server.stderr(), { leaveForUi: ['auditadmin'], demoAccounts: server.demoAccounts })
  const acct = city.accounts
  // The demo citizen whose data the steps read: 民政 through the new resource, 公安 in 基础库.
  const citizen = city.citizens[0]
  if (!citizen) throw new Error('seed-demo made no citizen account')
  const cid = citizen.username
  const cidMasked = `${cid.slice(0, 6)}********${cid.slice(14)}`
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] })

  // A desktop page (1400×900), or with `phone` a phone's (lib/phone.mjs: 390×844, touch).
  async function newPage({ phone = false } = {}) {
    const screen = phone ? phoneContext : { viewport: { width: 1400, height: 900 } }
    const context = await browser.newContext({ ...screen, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const page = await context.newPage()
    pages.push(page)
    page.on('response', (r) => {
      if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`)
    })
    page.on('console', (m) => {
      const text = m.text()
      // A label missing from a language shows its key; where vue-i18n warns about it, that fails too.
      if (m.type() === 'warning' && text.includes('[intlify]')) problems.push(`i18n: ${text}`)
      if (m.type() !== 'error') return
      // Chromium logs every 4xx as "Failed to load resource"; those a step provokes are expected.
      // Its URL is the console message's location; the message may arrive just after its step.
      const url = m.location()?.url ?? ''
      if (text.startsWith('Failed to load resource') && url && [...expected, ...previousExpected].some((e) => url.includes(e))) return
      problems.push(`console error: ${text} ${url} (failed answers: ${failedResponses.join(', ')})`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.setDefaultTimeout(15_000)
    return page
  }
  async function step(name, fn) {
    const started = Date.now()
    problems = []
    failedResponses = []
    let error = null
    try {
      await fn()
    } catch (e) {
      error = e
      // Say what the page showed, and keep a picture of every page.
      for (const [i, p] of pages.entries()) {
        const shown = await p.locator('[data-test=api-error]:visible, [data-test=login-error]:visible').allInnerTexts().catch(() => [])
        if (shown.length) error.message += `\nthe page showed: ${shown.join(' | ')}`
        await p.screenshot({ path: join(shots, `FAILED-${results.length + 1}-${i}.png`), fullPage: true }).catch(() => {})
      }
    }
    previousExpected = expected
    expected = []
    if (!error && problems.length) error = new Error(problems.join('\n'))
    results.push({ name, ok: !error, ms: Date.now() - started, error: error?.message?.split('\n').slice(0, 6).join('\n') })
    console.log(`${error ? 'FAIL' : 'ok  '} ${name} (${Date.now() - started} ms)${error ? '\n     ' + error.message.split('\n').slice(0, 6).join('\n     ') : ''}`)
  }
  const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
  async function signIn(page, who, totp) {
    await page.goto(`${server.base}/login`)
    await page.fill('[data-test=username]', who.username)
    await page.fill('[data-test=password]', who.password)
    await page.click('[data-test=sign-in]')
    if (totp) {
      await page.waitForSelector('[data-test=totp]')
      await page.fill('[data-test=totp]', await freshTotp(who.totp))
      await page.click('[data-test=sign-in]')
    }
    await page.waitForURL(/\/console/)
    await page.waitForSelector('[data-test=side-menu]')
  }
  const option = (page, text) => page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) }).first()
  const cellText = (page, table) => page.locator(`[data-test=${table}]`).innerText()
  // The <input> of an Element Plus control, whether its data-test sits on the input or around it.
  const inputOf = (scope, name) => scope.locator(`input[data-test=${name}], [data-test=${name}] input`).first()

  const ga = await newPage()
  const mz = await newPage()
  const audit = await newPage()

  await step('public portal shows the platform, the open resources and the API document link', async () => {
    await ga.goto(server.base + '/')
    await ga.waitForSelector('[data-test=openapi-link]')
    if ((await ga.getAttribute('[data-test=openapi-link]', 'href')) !== '/api/openapi.json') throw new Error('no link to /api/openapi.json')
    // Without sign-in: the open list answers (the demo city's resources are all 不予开放).
    await ga.waitForSelector('[data-test=portal-results]')
    if (await ga.locator('[data-test=api-error]').count()) throw new Error('the portal shows an error')
    await shot(ga, '01-portal')
  })

  await step('a wrong password shows the API\'s readable message', async () => {
    expected = ['/api/v1/auth/login']
    await ga.goto(`${server.base}/login`)
    await ga.fill('[data-test=username]', 'police_admin')
    await ga.fill('[data-test=password]', 'not-the-password')
    await ga.click('[data-test=sign-in]')
    const text = await ga.locator('[data-test=login-error]').innerText()
    if (!text.trim() || text.includes('{')) throw new Error(`login error shown as: ${text}`)
    await shot(ga, '02-login-error')
  })

  await step('repeated wrong passwords lock the account; the page says so', async () => {
    // hrss_officer takes no other part. The API answers a locked account as a wrong password
    // (no account enumeration): after the default 5 failures even the right one is refused.
    expected = ['/api/v1/auth/login']
    const who = acct.hrss_officer
    const attempt = async (password) => {
      await ga.fill('[data-test=username]', who.username)
      await ga.fill('[data-test=password]', password)
      const [answer] = await Promise.all([ga.waitForResponse((r) => r.url().includes('/api/v1/auth/login')), ga.click('[data-test=sign-in]')])
      return answer.status()
    }
    for (let i = 0; i < 5; i++) if ((await attempt(`wrong-${i}`)) !== 401) throw new Error('a wrong password was not refused')
    if ((await attempt(who.password)) !== 401) throw new Error('the locked account signed in')
    const text = await ga.locator('[data-test=login-error]').innerText()
    if (!text.includes('锁定')) throw new Error(`no lockout message: ${text}`)
    await shot(ga, '02b-login-lockout')
  })

  await step('sign in as a department admin; the menu follows the roles', async () => {
    await signIn(ga, acct.police_admin)
    const menu = await ga.locator('[data-test=side-menu]').innerText()
    for (const item of ['工作台', '资源目录', '数据归集', '共享申请']) if (!menu.includes(item)) throw new Error(`menu lacks ${item}: ${menu}`)
    if (menu.includes('安全审计') || menu.includes('系统管理')) throw new Error(`menu shows admin items to a dept_admin: ${menu}`)
    await ga.waitForSelector('[data-test=dashboard-cards]')
    await shot(ga, '03-dashboard')
  })

  await step('create a resource with fields and publish it', async () => {
    await ga.click('[data-test=side-menu] >> text=资源目录')
    await ga.click('[data-test=new-resource]')
    await ga.fill('[data-test=res-code]', RES)
    await ga.fill('[data-test=res-name]', '户籍人口基本信息（测试）')
    await ga.fill('[data-test=res-share-condition]', '用于政务服务办理')
    await ga.click('[data-test=res-open-type]')
    await option(ga, '有条件开放').click()
    await ga.fill('[data-test=res-open-condition]', '签署数据使用协议')
    const defs = [
      ['id_number', '公民身份号码', '身份证号', true, null],
      ['name', '姓名', null, false, '姓名（保留姓）'],
      ['phone', '联系电话', '手机号', false, null],
    ]
    for (let i = 0; i < defs.length; i++) {
      if (i > 0) await ga.click('[data-test=add-field]')
      const [name, label, type, key, mask] = defs[i]
      const row = ga.locator('[data-test=fields-editor] .el-table__body tr').nth(i)
      await ga.locator('[data-test=field-name]').nth(i).fill(name)
      await ga.locator('[data-test=field-label]').nth(i).fill(label)
      if (type) {
        await row.locator('.el-select').first().click()
        await option(ga, type).click()
      }
      if (key) await row.locator('.el-checkbox').nth(1).click()
      await row.locator('.el-checkbox').nth(3).click() // personal
      if (mask) {
        await row.locator('.el-select').nth(1).click()
        await option(ga, mask).click()
      }
    }
    await shot(ga, '04-resource-edit')
    await ga.click('[data-test=save-resource]')
    await ga.waitForSelector('[data-test=resource-title]')
    await ga.click('[data-test=publish]')
    await ga.click('.el-message-box .el-button--primary')
    await ga.locator('[data-test=resource-title]').filter({ hasText: '已发布' }).waitFor()
    await ga.click('text=信息项 (3)')
    await shot(ga, '05-resource-detail')
  })

  await step('the public portal lists the open resource without sign-in, with search', async () => {
    const anonymous = await newPage()
    await anonymous.goto(server.base + '/')
    await anonymous.fill('[data-test=portal-q]', '户籍人口基本')
    await anonymous.click('[data-test=portal-search]')
    const results = anonymous.locator('[data-test=portal-results]')
    await results.filter({ hasText: RES }).filter({ hasText: '有条件开放' }).waitFor()
    // Only its metadata and fields: the demo's closed 户籍人口信息 (GA-0001) is not listed.
    if ((await results.innerText()).includes('GA-0001 ')) throw new Error('a closed resource is listed')
    await results.locator('.el-table__expand-icon').first().click()
    await anonymous.locator(`[data-test=portal-fields-${RES}]`).filter({ hasText: '公民身份号码' }).filter({ hasText: '身份证号' }).waitFor()
    await anonymous.locator('text=签署数据使用协议').waitFor()
    await shot(anonymous, '05b-portal-open-resources')
    await anonymous.close()
  })

  await step('search the catalog by a Chinese keyword, with facets', async () => {
    await ga.goto(`${server.base}/console/catalog`)
    await ga.fill('[data-test=catalog-q]', '户籍')
    await ga.click('[data-test=catalog-search]')
    await ga.locator('[data-test=catalog-results]').filter({ hasText: RES }).waitFor()
    await ga.locator('[data-test=facets]').filter({ hasText: '有条件共享' }).waitFor()
    if (!ga.url().includes('q=')) throw new Error(`the search is not in the address: ${ga.url()}`)
    await shot(ga, '06-catalog-search')
  })

  await step('upload a CSV with one bad row and see the batch report', async () => {
    await ga.goto(`${server.base}/console/ingest?resource=${RES}`)
    // The first row is the demo citizen's: 民政's read of it shows under 我的数据被谁用了.
    const csv = `id_number,name,phone\n${cid},张三,13857712345\n330302198001010018,李四,13857700000\n330303198512310028,王芳,13957711111\n`
    await ga.setInputFiles('[data-test=ingest-file]', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await ga.click('[data-test=ingest-start]')
    await ga.waitForSelector('[data-test=batch-report]')
    const inserted = await ga.locator('[data-test=count-inserted] .n').innerText()
    const rejected = await ga.locator('[data-test=count-rejected] .n').innerText()
    if (inserted !== '2' || rejected !== '1') throw new Error(`inserted ${inserted}, rejected ${rejected}`)
    const reasons = await cellText(ga, 'rejections')
    if (!reasons.includes('invalid_id_number') || !reasons.includes('3')) throw new Error(`rejections: ${reasons}`)
    await ga.locator('[data-test=batch-history]').filter({ hasText: 'csv' }).waitFor()
    await shot(ga, '07-ingest-report')
  })

  await step('all or nothing: one bad row and nothing is written, with the report', async () => {
    expected = [`/api/v1/resources/${RES}/records`]
    const csv = 'id_number,name,phone\n330304199003150038,王五,13957700002\n330304199003150039,王五,13957700002\n'
    await ga.click('[data-test=mode-all]')
    await ga.setInputFiles('[data-test=ingest-file]', { name: 'people2.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await ga.click('[data-test=ingest-start]')
    await ga.locator('[data-test=api-error]').waitFor()
    await ga.locator('[data-test=batch-report]').filter({ hasText: '已拒绝' }).waitFor()
    const inserted = await ga.locator('[data-test=count-inserted] .n').innerText()
    if (inserted !== '0') throw new Error(`inserted ${inserted} in all-or-nothing mode`)
    await shot(ga, '07b-ingest-all-or-nothing')
  })

  await step('another department files a sharing request', async () => {
    await signIn(mz, acct.civil_officer)
    await mz.goto(`${server.base}/console/sharing?new=${RES}`)
    await mz.waitForSelector('[data-test=request-form] .el-checkbox')
    await mz.fill('[data-test=request-purpose]', '婚姻登记核验')
    await mz.fill('[data-test=request-legal-basis]', '《婚姻登记条例》第七条')
    await mz.click('[data-test=submit-request]')
    await mz.locator('[data-test=requests]').filter({ hasText: '婚姻登记核验' }).waitFor()
    await shot(mz, '08-sharing-request')
  })

  await step('the provider approves it, unmasking the phone', async () => {
    await ga.goto(`${server.base}/console/sharing?tab=inbox`)
    await ga.locator('[data-test=requests]').filter({ hasText: '婚姻登记核验' }).waitFor()
    await ga.click('[data-test=approve]')
    await ga.click('[data-test=unmask-phone]')
    await shot(ga, '09-sharing-approve')
    await ga.click('[data-test=confirm-approve]')
    await ga.locator('[data-test=requests]').filter({ hasText: '已批准' }).waitFor()
    await ga.click('.el-tabs__item:has-text("共享授权")')
    await ga.locator('[data-test=grants]').filter({ hasText: '生效中' }).waitFor()
    await shot(ga, '10-grants')
  })

  await step('the consumer queries the record and sees it masked', async () => {
    await mz.goto(`${server.base}/console/query?resource=${RES}`)
    await mz.fill('[data-test=query-purpose]', '婚姻登记核验')
    await mz.fill('[data-test=query-key]', cid)
    await mz.click('[data-test=query-run]')
    const text = await mz.locator('[data-test=query-result]').innerText()
    if (!text.includes(cidMasked) || !text.includes('张*') || !text.includes('13857712345')) throw new Error(`result: ${text}`)
    await shot(mz, '11-query-masked')
  })

  await step('the consumer reports the record as wrong; the provider answers (数据纠错)', async () => {
    await mz.click('[data-test=report-correction]')
    await mz.waitForURL(/\/console\/corrections/)
    await mz.fill('[data-test=correction-fields]', 'phone')
    await mz.fill('[data-test=correction-reason]', '联系电话与婚姻登记时留存的不一致')
    await shot(mz, '11d-correction-report')
    await mz.click('[data-test=correction-submit]')
    await mz.locator('[data-test=corrections]').filter({ hasText: cid }).filter({ hasText: '待处理' }).waitFor()
    await ga.goto(`${server.base}/console/corrections?box=inbox`)
    await ga.locator('[data-test=corrections]').filter({ hasText: '联系电话与婚姻登记时留存的不一致' }).waitFor()
    await ga.click('[data-test=answer-correction]')
    await ga.click('[data-test=outcome-answered]')
    await ga.fill('[data-test=correction-answer]', '经核实，该号码为本人最新登记的号码')
    await ga.click('[data-test=answer-submit]')
    await ga.locator('[data-test=corrections]').filter({ hasText: '已答复' }).waitFor()
    await ga.locator('[data-test=answer-submit]').waitFor({ state: 'hidden' })
    await shot(ga, '11e-correction-inbox')
    await mz.reload()
    await mz.locator('[data-test=corrections]').filter({ hasText: '经核实，该号码为本人最新登记的号码' }).waitFor()
  })

  await step('the consumer subscribes to the changes by webhook', async () => {
    await mz.goto(`${server.base}/console/subscriptions`)
    await mz.click('[data-test=new-subscription]')
    await mz.click('.el-dialog [data-test=resource-picker]')
    await option(mz, `户籍人口基本信息（测试）（${RES}）`).click()
    // Nothing listens there: deliveries fail and are listed with their error.
    await mz.fill('[data-test=subscription-url]', 'http://127.0.0.1:9/zhengtong-hook')
    await mz.click('[data-test=subscription-create]')
    const secret = await mz.locator('[data-test=subscription-secret]').innerText()
    if (secret.trim().length < 16) throw new Error(`secret: ${secret}`)
    await mz.locator('[data-test=subscriptions]').filter({ hasText: RES }).waitFor()
    await mz.click('[data-test=show-deliveries]')
    await mz.waitForSelector('[data-test=deliveries]')
    await shot(mz, '12-subscriptions')
  })

  await step('a police officer looks up the demo citizen in the population registry', async () => {
    // seed-demo granted 公安 a masked read of the golden 人口基础库 (DSJ-RK01).
    const page = await newPage()
    await signIn(page, acct.police_officer)
    await page.click('[data-test=side-menu] >> text=基础库')
    await page.fill('[data-test=registry-purpose]', '户籍核验')
    await page.fill('[data-test=registry-key]', cid)
    await page.click('[data-test=registry-lookup]')
    const record = page.locator('[data-test=golden-record]')
    // Each attribute with its source: 公安's 户籍人口信息.
    await record.filter({ hasText: 'GA-0001' }).filter({ hasText: citizen.display_name.slice(0, 1) }).waitFor()
    await shot(page, '11b-registry-person')
    // The figures count every golden record of the 2 000-person city.
    const api = new Api(server.base)
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: acct.police_officer.username, password: acct.police_officer.password })
    const { records } = await api.call('GET', '/api/v1/registry/figures/person', token)
    if (!(records > 1000)) throw new Error(`the person registry holds ${records} records`)
    await page.click('.el-tabs__item:has-text("统计")')
    await page.locator('.el-statistic').filter({ hasText: new RegExp(`记录数\\s*${figure(records)}\\b`) }).waitFor()
    await page.waitForTimeout(800)
    await shot(page, '11c-registry-figures')
  })

  await step('an API error is shown as its readable detail, not raw JSON', async () => {
    expected = ['/api/v1/catalog/resources/330300-XX-9999']
    await mz.goto(`${server.base}/console/catalog/330300-XX-9999`)
    const text = await mz.locator('[data-test=api-error]').innerText()
    if (!text.includes('No resource 330300-XX-9999') || text.includes('"code"')) throw new Error(`shown: ${text}`)
  })

  await step('switch to English, remembered after a reload', async () => {
    await mz.click('[data-test=lang-switch]')
    await mz.click('[data-test=lang-en-US]')
    await mz.locator('[data-test=side-menu]').filter({ hasText: 'Resource catalog' }).waitFor()
    await mz.reload()
    await mz.locator('[data-test=side-menu]').filter({ hasText: 'Sharing requests' }).waitFor()
    await mz.goto(`${server.base}/console/catalog`)
    await mz.locator('[data-test=catalog-results]').filter({ hasText: 'Conditional sharing' }).waitFor()
    await shot(mz, '12b-english-catalog')
  })

  await step('the audit admin\'s first sign-in: change the one-time password, enrol TOTP', async () => {
    const who = acct.auditadmin
    await audit.goto(`${server.base}/login`)
    await audit.fill('[data-test=username]', who.username)
    await audit.fill('[data-test=password]', who.initial)
    await audit.click('[data-test=sign-in]')
    await audit.waitForURL(/\/console\/account/)
    await audit.waitForSelector('[data-test=must-change]')
    who.password = 'Zt-Audit-2026!Kp9w'
    await audit.fill('[data-test=current-password]', who.initial)
    await audit.fill('[data-test=new-password]', who.password)
    await audit.fill('[data-test=repeat-password]', who.password)
    await audit.click('[data-test=change-password]')
    await audit.waitForSelector('[data-test=totp-must-enrol]')
    await audit.click('[data-test=totp-start]')
    await audit.waitForSelector('[data-test=totp-qr]')
    who.totp = (await audit.locator('[data-test=totp-secret]').innerText()).trim()
    await shot(audit, '13-totp-enrolment')
    await audit.fill('[data-test=totp-code]', await freshTotp(who.totp))
    await audit.click('[data-test=totp-confirm]')
    await audit.waitForURL((u) => u.pathname === '/console')
  })

  await step('the audit admin signs in with TOTP and sees the read in the audit log', async () => {
    expected = ['/api/v1/auth/login']
    await audit.click('[data-test=user-menu]')
    await audit.click('[data-test=sign-out]')
    await audit.waitForURL(/\/login/)
    await signIn(audit, acct.auditadmin, true)
    await audit.goto(`${server.base}/console/audit`)
    await audit.locator('[data-test=chain-state]').filter({ hasText: '哈希链完整' }).waitFor()
    await audit.fill('[data-test=audit-action]', 'exchange.record.read')
    await audit.keyboard.press('Enter')
    await audit.locator('[data-test=audit-records]').filter({ hasText: '婚姻登记核验' }).waitFor()
    const [download] = await Promise.all([audit.waitForEvent('download'), audit.click('[data-test=audit-export]')])
    const csv = await new Promise((resolve, reject) => download.createReadStream().then((s) => {
      let text = ''
      s.on('data', (d) => (text += d)).on('end', () => resolve(text)).on('error', reject)
    }, reject))
    if (!csv.includes('exchange.record.read')) throw new Error(`export: ${csv.slice(0, 200)}`)
    await shot(audit, '14-audit')
  })

  await step('the dashboard shows the figures and charts of the department', async () => {
    // The figures the page draws from, read through the API as the same user.
    const api = new Api(server.base)
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: acct.police_admin.username, password: acct.police_admin.password })
    const quality = await api.call('GET', '/api/v1/exchange/quality', token)
    const stats = await api.call('GET', '/api/v1/exchange/stats?days=30', token)
    const records = quality.departments.reduce((a, d) => a + d.records, 0)
    const grants = stats.resources.reduce((a, r) => a + r.grants_active, 0)
    const own = stats.resources.find((r) => r.resource === RES)
    if (records < 1000 || grants < 2) throw new Error(`records ${records}, grants ${grants}`)
    await ga.goto(`${server.base}/console`)
    const cards = ga.locator('[data-test=dashboard-cards]')
    await cards.filter({ hasText: new RegExp(`记录数\\s*${figure(records)}\\b`) }).waitFor()
    await cards.filter({ hasText: new RegExp(`生效授权\\s*${figure(grants)}\\b`) }).waitFor()
    if ((await ga.locator('canvas').count()) < 2) throw new Error('no charts')
    await ga.waitForTimeout(1200) // let the charts finish their animation for the screenshot
    await shot(ga, '15-dashboard-figures')
    await ga.goto(`${server.base}/console/catalog/${RES}`)
    await ga.click('.el-tabs__item:has-text("数据质量")')
    // The new resource: granted to 民政 only.
    await ga.locator('[data-test=resource-figures]').filter({ hasText: new RegExp(`生效授权\\s*${own?.grants_active ?? 1}\\b`) }).waitFor()
    await ga.waitForTimeout(800)
    await shot(ga, '15b-resource-quality')
  })

  const sys = await newPage()
  let oneTime = ''
  await step('the system admin creates a department and a staff user', async () => {
    expected = ['/api/v1/auth/login']
    await signIn(sys, acct.sysadmin, true)
    const menu = await sys.locator('[data-test=side-menu]').innerText()
    if (!menu.includes('系统管理') || menu.includes('安全审计')) throw new Error(`sys_admin menu: ${menu}`)
    await sys.goto(`${server.base}/console/admin/departments`)
    await sys.locator('[data-test=departments]').filter({ hasText: '温州市公安局' }).waitFor()
    await sys.click('[data-test=new-department]')
    await sys.fill('[data-test=dept-code]', '330302-MZ')
    await sys.fill('[data-test=dept-name]', '鹿城区民政局')
    await sys.fill('[data-test=dept-division]', '330302')
    await sys.click('[data-test=dept-save]')
    await sys.locator('[data-test=departments]').filter({ hasText: '鹿城区民政局' }).waitFor()
    await shot(sys, '16-departments')
    await sys.goto(`${server.base}/console/admin/users`)
    await sys.click('[data-test=new-user]')
    await sys.fill('[data-test=user-username]', 'wang_chuang')
    await sys.fill('[data-test=user-display-name]', '王闯')
    await sys.click('[data-test=user-department]')
    await option(sys, '鹿城区民政局').click()
    await sys.click('[data-test=user-create]')
    oneTime = (await sys.locator('[data-test=one-time]').innerText()).replace(/^wang_chuang:\s*/, '').trim()
    await sys.locator('[data-test=users]').filter({ hasText: '王闯' }).waitFor()
    await shot(sys, '17-users')
  })

  await step('a new user must change the initial password first', async () => {
    const user = await newPage()
    await user.goto(`${server.base}/login`)
    await user.fill('[data-test=username]', 'wang_chuang')
    await user.fill('[data-test=password]', oneTime)
    await user.click('[data-test=sign-in]')
    await user.waitForURL(/\/console\/account/)
    await user.waitForSelector('[data-test=must-change]')
    await shot(user, '18-must-change-password')
    // Other pages are closed until the password is changed.
    await user.goto(`${server.base}/console/catalog`)
    await user.waitForURL(/\/console\/account/)
    await user.fill('[data-test=current-password]', oneTime)
    await user.fill('[data-test=new-password]', 'Wz-2026-Xq7!pLm9')
    await user.fill('[data-test=repeat-password]', 'Wz-2026-Xq7!pLm9')
    await user.click('[data-test=change-password]')
    await user.waitForURL((u) => u.pathname === '/console')
  })

  await step('a session ended on the server returns to sign-in with a notice', async () => {
    expected = ['/api/v1/']
    await mz.goto(`${server.base}/console/catalog`)
    await mz.waitForSelector('[data-test=catalog-results]')
    // End the session behind the page's back (as the server's idle or absolute timeout would).
    await mz.evaluate(() => fetch('/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${sessionStorage.getItem('zt.token')}` } }))
    await mz.click('[data-test=catalog-search]')
    await mz.waitForURL(/\/login\?.*notice=expired/)
    await mz.waitForSelector('[data-test=login-notice]')
  })

  await step('the demo citizen sees their own record and both departments\' reads under 我的数据被谁用了', async () => {
    const page = await newPage()
    await page.goto(`${server.base}/login`)
    await page.fill('[data-test=username]', citizen.username)
    await page.fill('[data-test=password]', citizen.password)
    await page.click('[data-test=sign-in]')
    await page.waitForURL(/\/console\/my-data/)
    const menu = await page.locator('[data-test=side-menu]').innerText()
    if (menu.includes('资源目录') || menu.includes('工作台')) throw new Error(`a citizen's menu: ${menu}`)
    const reads = page.locator('[data-test=my-data-access]')
    await reads.filter({ hasText: '温州市民政局' }).filter({ hasText: '婚姻登记核验' }).waitFor()
    // The registry lookup is a read of the citizen's data too.
    await reads.filter({ hasText: '温州市公安局' }).filter({ hasText: '户籍核验' }).waitFor()
    // Their own record, unmasked, with its sources.
    const own = page.locator('[data-test=my-record]')
    await own.filter({ hasText: citizen.display_name }).filter({ hasText: 'GA-0001' }).waitFor()
    await shot(page, '18b-my-data-access')
  })

  // A citizen on a phone (浙里办, 粤省事): every page they reach fits a 390-pixel-wide screen.
  const phone = await newPage({ phone: true })
  // The console header's title (a class, not a data-test, so that the check runs on pages from
  // before the phone layout too).
  const headerTitle = '.el-header .title'
  // Checks a page of the walk-through: nothing wider than the screen, and in the console the
  // header's title on one line (it once broke one character per line beside the side bar).
  // Runs every check and reports all that fail, not just the first.
  async function allOf(...checks) {
    const failed = []
    for (const check of checks) await check().catch((e) => failed.push(e.message))
    if (failed.length) throw new Error(failed.join('\n'))
  }
  async function phonePage(where, ...more) {
    await phone.waitForLoadState('networkidle')
    const title = phone.url().includes('/console') ? [() => assertOneLine(phone, headerTitle, `${where}: the header title`)] : []
    await allOf(...title, () => assertFitsScreen(phone, where), ...more)
  }
  async function openDrawer() {
    await phone.click('[data-test=menu-toggle]')
    const menu = phone.locator('[data-test=menu-drawer] [data-test=side-menu]')
    await menu.waitFor()
    return menu
  }
  async function drawerTo(menu, item, url) {
    await menu.locator('.el-menu-item').filter({ hasText: item }).click()
    await phone.waitForURL(url)
    // The drawer closes on the way.
    await phone.locator('[data-test=menu-drawer]').waitFor({ state: 'hidden' })
  }

  await step('on a phone (390×844): the portal and the sign-in page fit the screen; open resources are cards with their fields', async () => {
    await phone.goto(server.base + '/')
    await phone.locator('[data-test=portal-results]').filter({ hasText: RES }).waitFor()
    await phonePage('the portal')
    const card = phone.locator('[data-test=portal-results] .rt-card').filter({ hasText: RES })
    await card.filter({ hasText: '有条件开放' }).waitFor()
    await card.locator('.rt-toggle').click()
    await phone.locator(`[data-test=portal-fields-${RES}] .rt-card`).filter({ hasText: '公民身份号码' }).filter({ hasText: '身份证号' }).waitFor()
    await phonePage('the portal, a resource\'s fields open')
    await shot(phone, '20-phone-portal')
    await phone.click('[data-test=portal-enter]')
    await phone.waitForURL(/\/login/)
    await phone.waitForSelector('[data-test=username]')
    await phonePage('the sign-in page')
    await shot(phone, '20b-phone-login')
  })

  await step('on a phone: a citizen signs in; the side bar is gone, the header is one line, 我的档案\'s values are whole', async () => {
    await phone.goto(`${server.base}/login`)
    await phone.fill('[data-test=username]', citizen.username)
    await phone.fill('[data-test=password]', citizen.password)
    await phone.click('[data-test=sign-in]')
    await phone.waitForURL(/\/console\/my-data/)
    await phone.locator('[data-test=my-record]').filter({ hasText: citizen.display_name }).waitFor()
    await phone.locator('[data-test=my-data-access]').filter({ hasText: '温州市民政局' }).filter({ hasText: '婚姻登记核验' }).waitFor()
    await phonePage(
      '我的数据被谁用了',
      async () => {
        const aside = (await phone.locator('.el-aside').count()) ? await phone.locator('.el-aside').boundingBox() : null
        if (aside) throw new Error(`the side bar shows on a phone, ${Math.round(aside.width)} px of the ${phoneContext.viewport.width}`)
      },
      () => assertValuesWhole(phone, '[data-test=my-record]', '我的档案'),
      () => assertValuesWhole(phone, '[data-test=my-data-access]', '查询记录'),
    )
    // The citizen's own identity number, in full, on one card.
    await phone.locator('[data-test=my-record] .rt-card').filter({ hasText: '公民身份号码' }).filter({ hasText: cid }).waitFor()
    await shot(phone, '21-phone-my-data')
  })

  await step('on a phone: the menu drawer takes the citizen to each of their pages', async () => {
    let menu = await openDrawer()
    const text = await menu.innerText()
    for (const item of ['我的数据被谁用了', '账号安全', '门户首页']) if (!text.includes(item)) throw new Error(`the drawer lacks ${item}: ${text}`)
    if (text.includes('工作台') || text.includes('资源目录')) throw new Error(`a citizen's drawer: ${text}`)
    await shot(phone, '22-phone-drawer')
    await drawerTo(menu, '账号安全', /\/console\/account/)
    await phone.waitForSelector('[data-test=account-details]')
    await phonePage('账号安全')
    await shot(phone, '22b-phone-account')
    menu = await openDrawer()
    await drawerTo(menu, '门户首页', (u) => u.pathname === '/')
    // Signed in, the portal's button leads to the citizen's own page.
    await phone.locator('[data-test=portal-enter]').filter({ hasText: '我的数据被谁用了' }).waitFor()
    await phonePage('the portal, signed in')
    await phone.click('[data-test=portal-enter]')
    await phone.waitForURL(/\/console\/my-data/)
    menu = await openDrawer()
    await drawerTo(menu, '账号安全', /\/console\/account/)
    menu = await openDrawer()
    await drawerTo(menu, '我的数据被谁用了', /\/console\/my-data/)
    await phone.locator('[data-test=my-record] .rt-card').first().waitFor()
    await phonePage('我的数据被谁用了, again')
  })

  await step('on a phone in English: the header stays on one line and no page is wider than the screen', async () => {
    await phone.goto(`${server.base}/console/my-data`)
    await phone.click('[data-test=lang-switch]')
    await phone.click('[data-test=lang-en-US]')
    await phone.locator('h2.page-title').filter({ hasText: 'Who used my data' }).waitFor()
    await phonePage(
      'Who used my data',
      () => assertValuesWhole(phone, '[data-test=my-record]', 'My record'),
      () => assertValuesWhole(phone, '[data-test=my-data-access]', 'Reads'),
    )
    await shot(phone, '23-phone-my-data-en')
    let menu = await openDrawer()
    await drawerTo(menu, 'Account security', /\/console\/account/)
    await phonePage('Account security')
    menu = await openDrawer()
    await drawerTo(menu, 'Portal', (u) => u.pathname === '/')
    await phone.locator('[data-test=portal-results] .rt-card').filter({ hasText: RES }).waitFor()
    await phonePage('the portal in English')
    await phone.click('[data-test=portal-enter]')
    await phone.waitForURL(/\/console\/my-data/)
    await openDrawer()
    await phone.click('[data-test=drawer-sign-out]')
    await phone.waitForURL(/\/login/)
    await phone.waitForSelector('[data-test=username]')
    await phonePage('the sign-in page in English')
  })

  await step('on a phone: a department admin\'s menu collapses into the drawer too', async () => {
    const staff = await newPage({ phone: true })
    await staff.goto(`${server.base}/login`)
    await staff.fill('[data-test=username]', acct.police_admin.username)
    await staff.fill('[data-test=password]', acct.police_admin.password)
    await staff.click('[data-test=sign-in]')
    await staff.waitForURL((u) => u.pathname === '/console')
    await staff.waitForSelector('[data-test=dashboard-cards]')
    await allOf(
      async () => {
        if (await staff.locator('.el-aside').count()) throw new Error('the side bar shows on a phone')
      },
      () => assertOneLine(staff, headerTitle, 'the console header'),
    )
    await staff.click('[data-test=menu-toggle]')
    const menu = staff.locator('[data-test=menu-drawer] [data-test=side-menu]')
    await menu.locator('.el-menu-item').filter({ hasText: '资源目录' }).click()
    await staff.waitForURL(/\/console\/catalog/)
    await staff.locator('[data-test=menu-drawer]').waitFor({ state: 'hidden' })
    await staff.locator('[data-test=catalog-results]').filter({ hasText: RES }).waitFor()
    await staff.waitForLoadState('networkidle')
    await assertOneLine(staff, headerTitle, 'the catalog header')
    await assertFitsScreen(staff, 'the catalog')
    await shot(staff, '24-phone-staff-catalog')
    await staff.close()
  })

  // 一网通办 (issue 17). The demo city has no published service item yet: 民政's administrator
  // defines and publishes one through the API (a real flow too), pre-filled from 人口基础库.
  const ITEM = 'E2E-MZ-DIBAO'
  const ITEM_NAME = '最低生活保障（浏览器测试）'
  let caseNumber = ''
  await step('services: a department admin defines and publishes a service item through the API', async () => {
    const api = new Api(server.base)
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: acct.civil_admin.username, password: acct.civil_admin.password })
    const me = await api.call('GET', '/api/v1/auth/me', token)
    const mz = me.department_id ?? me.user?.department_id
    if (!mz) throw new Error(`civil_admin has no department: ${JSON.stringify(me)}`)
    await api.call('POST', '/api/v1/services/items', token, {
      code: ITEM, name: ITEM_NAME, type: 'benefit', applicant: 'person', kind: 'promised', statutory_limit: 20, promised_limit: 10,
      purpose: '办理最低生活保障', legal_basis: '《社会救助暂行办法》第九条', fees: [], channels: ['online', 'window'], visits: 0,
      deliveries: ['window', 'courier'], life_events: ['困难救助'],
      form: [
        { name: 'name', label: '申请人姓名', type: 'string', required: true, prefill: { resource: 'DSJ-RK01', field: 'name' } },
        { name: 'address', label: '户籍地址', type: 'string', required: false, prefill: { resource: 'DSJ-RK01', field: 'household_address' } },
        { name: 'phone', label: '联系电话', type: 'phone', required: true },
        { name: 'household_size', label: '家庭人口', type: 'integer' },
      ],
      materials: [
        { name: '户口簿', required: true, source: 'registry', prefill: { resource: 'DSJ-RK01', field: 'household_address' } },
        { name: '收入证明', required: true, source: 'upload' },
      ],
      steps: [{ name: '审查', departments: [mz], share_percent: 100 }],
    })
    await api.call('POST', `/api/v1/services/items/${ITEM}/publish`, token)
  })

  // A new phone (its own context: Chinese, signed out).
  const cit = await newPage({ phone: true })
  async function fits(where, ...more) {
    await cit.waitForLoadState('networkidle')
    const title = new URL(cit.url()).pathname.startsWith('/console') ? [() => assertOneLine(cit, headerTitle, `${where}: the header title`)] : []
    await allOf(...title, () => assertFitsScreen(cit, where), ...more)
  }
  await step('services on a phone: a citizen finds an item in 办事大厅, reads its guide, applies with prefill (each value with its source), submits and sees it in 我的办件', async () => {
    await cit.goto(server.base + '/')
    await cit.click('[data-test=portal-hall]')
    await cit.waitForURL(/\/services/)
    await cit.fill('[data-test=hall-q]', '最低生活')
    await cit.click('[data-test=hall-search]')
    await cit.locator('[data-test=hall-results] .rt-card').filter({ hasText: ITEM_NAME }).filter({ hasText: '温州市民政局' }).waitFor()
    await fits('办事大厅')
    await shot(cit, '30-phone-hall')
    await cit.click(`[data-test=hall-item-${ITEM}]`)
    await cit.locator('[data-test=guide-title]').filter({ hasText: ITEM_NAME }).waitFor()
    await cit.locator('[data-test=guide-facts]').filter({ hasText: '10 个工作日' }).filter({ hasText: '社会救助暂行办法' }).waitFor()
    await cit.locator('[data-test=guide-materials] .rt-card').filter({ hasText: '户口簿' }).filter({ hasText: '免提交' }).waitFor()
    await fits('办事指南')
    await shot(cit, '31-phone-guide')
    await cit.click('[data-test=guide-apply]')
    await cit.waitForURL(/\/login/)
    await fits('the sign-in page before applying')
    await cit.fill('[data-test=username]', citizen.username)
    await cit.fill('[data-test=password]', citizen.password)
    await cit.click('[data-test=sign-in]')
    await cit.waitForURL(/\/console\/apply\//)
    await cit.waitForSelector('[data-test=apply-consent-card]')
    await fits('申办: 填写与授权')
    await shot(cit, '32-phone-apply-consent')
    await cit.fill('[data-test=form-phone]', '13857712345')
    await cit.fill('[data-test=form-household_size]', '3')
    await cit.click('[data-test=apply-start]')
    const prefilled = cit.locator('[data-test=apply-prefilled]')
    await prefilled.waitFor()
    // The name from 人口基础库, with its source department and read time; the typed phone as typed.
    await prefilled.locator('[data-test=value-name]').filter({ hasText: citizen.display_name }).filter({ hasText: /来自.+\d{4}-\d\d-\d\d \d\d:\d\d/ }).waitFor()
    await prefilled.locator('[data-test=value-phone]').filter({ hasText: '13857712345' }).waitFor()
    await cit.locator('[data-test=material-satisfied]').filter({ hasText: '已免提交' }).first().waitFor()
    caseNumber = ((await cit.locator('[data-test=apply-number]').innerText()).match(/\d{8}-\d+/) ?? [''])[0]
    if (!caseNumber) throw new Error('no case number on the pre-filled form')
    await fits('申办: 预填的申请表', () => assertValuesWhole(cit, '[data-test=apply-prefilled]', '预填的申请表'), () => assertValuesWhole(cit, '[data-test=apply-materials]', '申请材料'))
    await shot(cit, '33-phone-apply-prefilled')
    // Submitting before the upload: the page names the missing material.
    await cit.click('[data-test=apply-submit]')
    await cit.locator('[data-test=api-error]').filter({ hasText: '请先上传：收入证明' }).waitFor()
    // A file of the wrong type is refused with its reason, before anything is sent.
    const files = cit.locator('[data-test=apply-files]')
    const pick = async (file) => {
      const [chooser] = await Promise.all([cit.waitForEvent('filechooser'), files.locator('[data-test="upload-收入证明"]').click()])
      await chooser.setFiles(file)
    }
    await pick({ name: '收入证明.txt', mimeType: 'text/plain', buffer: Buffer.from('not a scan') })
    await files.locator('[data-test=upload-error]').filter({ hasText: '不是 PDF、JPEG、PNG 或 OFD 文件' }).waitFor()
    // A file named .pdf whose content is not one: the API's content check says so (415).
    expected.push('/attachments')
    await pick({ name: '伪装.pdf', mimeType: 'application/pdf', buffer: Buffer.from('GIF89a fake') })
    await files.locator('[data-test=upload-error]').filter({ hasText: 'not a PDF' }).waitFor()
    // The real small PDF: uploaded with progress, listed with its size.
    await pick({ name: '收入证明.pdf', mimeType: 'application/pdf', buffer: tinyPdf('income statement 2026') })
    await files.locator('[data-test^=file-]').filter({ hasText: '收入证明.pdf' }).filter({ hasText: /\d+(\.\d)? (B|KB)/ }).waitFor()
    await files.locator('[data-test="files-material-收入证明"]').filter({ hasText: '已上传' }).waitFor()
    await fits('申办: 上传材料', () => assertValuesWhole(cit, '[data-test=apply-files]', '上传材料'))
    await shot(cit, '33b-phone-apply-uploaded')
    await cit.click('[data-test=apply-submit]')
    await cit.waitForURL(new RegExp(`/console/cases/${caseNumber}`))
    await cit.locator('[data-test=case-progress]').filter({ hasText: '等待窗口受理' }).waitFor()
    // The case page lists the uploaded PDF, submitted with the case, and downloads it as sent.
    const listed = cit.locator('[data-test=case-files] [data-test^=file-]').filter({ hasText: '收入证明.pdf' }).filter({ hasText: '已提交' })
    await listed.waitFor()
    const [download] = await Promise.all([cit.waitForEvent('download'), listed.locator('[data-test^=download-]').click()])
    if (download.suggestedFilename() !== '收入证明.pdf') throw new Error(`downloaded as ${download.suggestedFilename()}`)
    const { readFile } = await import('node:fs/promises')
    const got = await readFile(await download.path())
    if (!got.equals(tinyPdf('income statement 2026'))) throw new Error(`the downloaded file differs: ${got.subarray(0, 40)}`)
    await fits('办件详情', () => assertValuesWhole(cit, '[data-test=case-form]', '申请信息'), () => assertValuesWhole(cit, '[data-test=case-files]', '材料与结果文件'))
    await shot(cit, '34-phone-case-submitted')
    await cit.click('[data-test=menu-toggle]')
    const menu = cit.locator('[data-test=menu-drawer] [data-test=side-menu]')
    await menu.locator('.el-menu-item').filter({ hasText: '我的办件' }).click()
    await cit.waitForURL(/\/console\/my-cases/)
    await cit.locator('[data-test=menu-drawer]').waitFor({ state: 'hidden' })
    await cit.locator('[data-test=my-cases] .rt-card').filter({ hasText: caseNumber }).filter({ hasText: '已提交，等待窗口受理' }).waitFor()
    await fits('我的办件', () => assertValuesWhole(cit, '[data-test=my-cases]', '我的办件'))
    await shot(cit, '35-phone-my-cases')
  })

  await step('services on a phone: the pre-fill read shows under 我的数据被谁用了 with its 办件编号', async () => {
    if (!caseNumber) throw new Error('no case from the step before')
    await cit.goto(`${server.base}/console/my-data`)
    await cit.locator('[data-test=my-data-access] .rt-card').filter({ hasText: caseNumber }).filter({ hasText: '办理最低生活保障' }).waitFor()
    await fits('我的数据被谁用了, after applying')
  })

  await step('services on the desktop: the window accepts the case in 待受理, 民政\'s officer claims and approves its step and decides, the case concludes, the citizen sees the result', async () => {
    if (!caseNumber) throw new Error('no case from the step before')
    const clerk = await newPage()
    await signIn(clerk, acct.window_clerk)
    await clerk.click('[data-test=side-menu] >> text=待受理')
    await clerk.waitForURL(/\/console\/services\/window/)
    await clerk.locator('[data-test=worklist-window]').filter({ hasText: caseNumber }).filter({ hasText: ITEM_NAME }).waitFor()
    await shot(clerk, '36-window-worklist')
    await clerk.click(`[data-test=case-link-${caseNumber}]`)
    await clerk.locator('[data-test=case-state]').filter({ hasText: '待受理' }).waitFor()
    await clerk.click('[data-test=act-accept]')
    await clerk.locator('[data-test=case-state]').filter({ hasText: '审查中' }).waitFor()
    // Accepted: the clock runs, with both deadlines and the working days left.
    await clerk.locator('[data-test=case-clock]').filter({ hasText: /剩余 \d+ 个工作日/ }).filter({ hasText: /\d{4}-\d\d-\d\d/ }).waitFor()
    await clerk.locator('[data-test=case-timeline]').filter({ hasText: '受理' }).filter({ hasText: '提交' }).waitFor()
    await shot(clerk, '37-case-accepted')
    await clerk.close()

    const officer = await newPage()
    await signIn(officer, acct.civil_officer)
    await officer.click('[data-test=side-menu] >> text=待办')
    await officer.locator('[data-test=worklist-department]').filter({ hasText: caseNumber }).filter({ hasText: /剩余 \d+ 个工作日/ }).waitFor()
    await shot(officer, '38-department-worklist')
    await officer.click(`[data-test=case-link-${caseNumber}]`)
    await officer.locator('[data-test=case-steps]').filter({ hasText: '待签收' }).waitFor()
    await officer.locator('[data-test^=claim-]').first().click()
    await officer.locator('[data-test=case-steps]').filter({ hasText: '办理中' }).waitFor()
    await officer.locator('[data-test^=approve-]').first().click()
    await officer.fill('[data-test=step-opinion]', '材料齐全，符合条件')
    await officer.click('[data-test=step-confirm]')
    await officer.locator('[data-test=case-state]').filter({ hasText: '待决定' }).waitFor()
    // The officer reads the material and uploads the decision letter, which the decision sends.
    await officer.locator('[data-test=case-files] [data-test^=file-]').filter({ hasText: '收入证明.pdf' }).waitFor()
    const [letter] = await Promise.all([officer.waitForEvent('filechooser'), officer.click('[data-test=upload-result]')])
    await letter.setFiles({ name: '准予决定书.pdf', mimeType: 'application/pdf', buffer: tinyPdf('decision: granted') })
    await officer.locator('[data-test=files-results] [data-test^=file-]').filter({ hasText: '准予决定书.pdf' }).filter({ hasText: '未提交' }).waitFor()
    await officer.click('[data-test=act-decide]')
    await officer.locator('[data-test=act-results] .is-checked').filter({ hasText: '准予决定书.pdf' }).waitFor()
    await officer.fill('[data-test=act-reason]', '经审查，符合最低生活保障条件')
    await officer.fill('[data-test=act-result]', '准予享受最低生活保障，自次月起发放')
    await officer.click('[data-test=act-confirm]')
    await officer.locator('[data-test=case-state]').filter({ hasText: '已决定' }).waitFor()
    await officer.click('[data-test=act-conclude]')
    await officer.locator('[data-test=case-state]').filter({ hasText: '已办结' }).waitFor()
    await officer.locator('[data-test=case-result]').filter({ hasText: '准予' }).waitFor()
    await shot(officer, '39-case-concluded')
    await officer.close()

    // The citizen, on the phone: the result under 我的办件.
    await cit.goto(`${server.base}/console/my-cases`)
    await cit.locator('[data-test=my-cases] .rt-card').filter({ hasText: caseNumber }).filter({ hasText: '已办结' }).waitFor()
    // The result file, in 我的办件's files of the case.
    await cit.click(`[data-test=files-${caseNumber}]`)
    const dialog = cit.locator('[data-test=files-dialog]')
    await dialog.locator('[data-test=files-results] [data-test^=file-]').filter({ hasText: '准予决定书.pdf' }).waitFor()
    await fits('我的办件: 材料与结果文件', () => assertValuesWhole(cit, '[data-test=files-dialog] [data-test=case-files]', '材料与结果文件'))
    const [result] = await Promise.all([cit.waitForEvent('download'), dialog.locator('[data-test=files-results] [data-test^=download-]').first().click()])
    const { readFile } = await import('node:fs/promises')
    if (!(await readFile(await result.path())).equals(tinyPdf('decision: granted'))) throw new Error('the result file differs')
    await dialog.locator('.el-dialog__headerbtn').click()
    await cit.click(`[data-test=case-link-${caseNumber}]`)
    await cit.locator('[data-test=case-result]').filter({ hasText: '准予' }).filter({ hasText: '自次月起发放' }).waitFor()
    await cit.locator('[data-test=case-steps] .rt-card').filter({ hasText: '审查' }).filter({ hasText: '材料齐全' }).waitFor()
    await fits('办件详情, concluded', () => assertValuesWhole(cit, '[data-test=case-result]', '办理结果'), () => assertValuesWhole(cit, '[data-test=case-steps]', '审批环节'))
    await shot(cit, '40-phone-case-result')
  })

  await step('services on a phone: the window asks for a correction (补正), the citizen answers it from 我的办件, then withdraws the case', async () => {
    // Filed and submitted through the API as the citizen; the window asks for a correction.
    const api = new Api(server.base)
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: citizen.username, password: citizen.password })
    const filed = await api.call('POST', '/api/v1/services/cases', token, { item_code: ITEM, consent: true, form: { phone: '13857712345' } })
    await uploadAttachment(server.base, token, filed.number, { material: '收入证明', file_name: '收入证明.pdf' }, tinyPdf('income'))
    await api.call('POST', `/api/v1/services/cases/${filed.number}/submit`, token, {})
    const clerk = (await api.call('POST', '/api/v1/auth/login', null, { username: acct.window_clerk.username, password: acct.window_clerk.password })).token
    await api.call('POST', `/api/v1/services/cases/${filed.number}/request-correction`, clerk, { missing: ['家庭人口未填写'], reason: '请补充家庭人口' })
    await cit.goto(`${server.base}/console/my-cases`)
    await cit.locator('[data-test=my-cases] .rt-card').filter({ hasText: filed.number }).filter({ hasText: '家庭人口未填写' }).waitFor()
    await fits('我的办件, a correction asked', () => assertValuesWhole(cit, '[data-test=my-cases]', '我的办件'))
    await cit.click(`[data-test=case-link-${filed.number}]`)
    await cit.locator('[data-test=case-asked]').filter({ hasText: '家庭人口未填写' }).waitFor()
    await fits('办件详情, a correction asked', () => assertValuesWhole(cit, '[data-test=case-asked]', '需要您补正'))
    await shot(cit, '41-phone-correction')
    await cit.fill('[data-test=answer-card] [data-test=form-household_size]', '4')
    await cit.click('[data-test=answer-correction]')
    await cit.locator('[data-test=case-state]').filter({ hasText: '待受理' }).waitFor()
    const answered = await api.call('GET', `/api/v1/services/cases/${filed.number}`, token)
    if (String(answered.form.household_size) !== '4') throw new Error(`the answer's value: ${JSON.stringify(answered.form)}`)
    await cit.click('[data-test=withdraw]')
    await cit.click('.el-message-box .el-button--primary')
    await cit.locator('[data-test=case-state]').filter({ hasText: '已撤回' }).waitFor()
    await cit.locator('[data-test=case-timeline]').filter({ hasText: '要求补正' }).filter({ hasText: '提交补正' }).filter({ hasText: '撤回申请' }).waitFor()
    await fits('办件详情, withdrawn')
  })

  await step('services on a phone: a citizen finds 新生儿出生一件事 in 办事大厅, reads its guide, applies once for four items with one pre-filled form, and sees its one progress in 我的办件', async () => {
    await cit.goto(`${server.base}/services`)
    await cit.fill('[data-test=hall-q]', '新生儿')
    await cit.click('[data-test=hall-search]')
    const card = cit.locator('[data-test=hall-bundles] a').filter({ hasText: '新生儿出生一件事' }).first()
    await card.waitFor()
    await fits('办事大厅: 一件事')
    await card.click()
    await cit.locator('[data-test=bundle-title]').filter({ hasText: '新生儿出生一件事' }).waitFor()
    await cit.locator('[data-test=bundle-members] .rt-card').filter({ hasText: '出生登记' }).filter({ hasText: '公安局' }).waitFor()
    await cit.locator('[data-test=bundle-form] .rt-card').filter({ hasText: '共用' }).first().waitFor()
    await fits('一件事指南', () => assertValuesWhole(cit, '[data-test=bundle-members]', '包含事项'))
    await shot(cit, '50-phone-bundle-guide')
    await cit.click('[data-test=bundle-apply]')
    await cit.waitForURL(/\/console\/apply-bundle\//)
    await cit.waitForSelector('[data-test=bundle-consent-card]')
    await fits('一件事申办: 填写与授权')
    await cit.fill('[data-test=form-baby_name]', '王小满')
    await cit.fill('[data-test=form-birth_place]', '市妇幼保健院')
    await cit.fill('[data-test=form-phone]', '13857712345')
    for (const [name, value] of [['baby_gender', 'female'], ['guardian_relation', '母亲']]) {
      await cit.click(`[data-test=form-${name}]`)
      await option(cit, value).click()
    }
    // The date picker keeps no data-test of its own: the first 出生日期 with an input (the
    // applicant's own 出生日期 comes from the registry).
    const bornInput = cit.locator('[data-test=bundle-form-input] .el-form-item').filter({ hasText: '出生日期' }).locator('input').first()
    await bornInput.fill('2026-11-30')
    await bornInput.press('Tab')
    await cit.click('[data-test=bundle-consent-card]')
    await cit.click('[data-test=bundle-start]')
    const prefilled = cit.locator('[data-test=bundle-prefilled]')
    await prefilled.waitFor()
    // The name asked once for all four, from 人口基础库 with its source and read time.
    await prefilled.locator('[data-test=bundle-value-name]').filter({ hasText: citizen.display_name }).filter({ hasText: /来自.+\d{4}-\d\d-\d\d \d\d:\d\d/ }).waitFor()
    await cit.locator('[data-test=bundle-children-filed] .value-row').nth(3).waitFor()
    const bundleNumber = ((await cit.locator('[data-test=bundle-number]').innerText()).match(/YJS-\d{8}-\d+/) ?? [''])[0]
    if (!bundleNumber) throw new Error('no bundle number on the pre-filled form')
    await fits('一件事申办: 预填的申请表', () => assertValuesWhole(cit, '[data-test=bundle-prefilled]', '预填的申请表'))
    await shot(cit, '51-phone-bundle-prefilled')
    // Submitting before the uploads: the page names what is missing, for which member.
    await cit.click('[data-test=bundle-submit]')
    await cit.locator('[data-test=api-error]').filter({ hasText: '请先上传' }).waitFor()
    // Each member case that asks for an upload gets its scan, with progress.
    const groups = cit.locator('[data-test^=bundle-files-]')
    const groupCount = await groups.count()
    if (groupCount === 0) throw new Error('no member of the bundle asks for an upload')
    for (let g = 0; g < groupCount; g++) {
      const group = groups.nth(g)
      const buttons = group.locator('button[data-test^="upload-"]')
      const n = await buttons.count()
      for (let b = 0; b < n; b++) {
        const [chooser] = await Promise.all([cit.waitForEvent('filechooser'), buttons.nth(b).click()])
        await chooser.setFiles({ name: `扫描件${g}-${b}.pdf`, mimeType: 'application/pdf', buffer: tinyPdf(`bundle scan ${g}-${b}`) })
        await group.locator('.file[data-test^=file-]').filter({ hasText: `扫描件${g}-${b}.pdf` }).waitFor()
      }
    }
    await cit.click('[data-test=bundle-submit]')
    await cit.waitForURL(/\/console\/my-cases/)
    const entry = cit.locator(`[data-test=bundle-${bundleNumber}]`)
    await entry.locator('[data-test=bundle-progress]').filter({ hasText: '共 4 项' }).waitFor()
    await entry.locator('[data-test=bundle-children] li').filter({ hasText: '等待窗口受理' }).first().waitFor()
    await fits('我的办件: 一件事', () => assertValuesWhole(cit, '[data-test=my-bundles]', '我的一件事'))
    await shot(cit, '52-phone-bundle-progress')
    // The one read shows under 我的数据被谁用了 with the bundle's number.
    await cit.goto(`${server.base}/console/my-data`)
    await cit.locator('[data-test=my-data-access] .rt-card').filter({ hasText: bundleNumber }).waitFor()
  })

  await step('services: a department admin opens the item in 事项管理, saves a new version and publishes it', async () => {
    const admin = await newPage()
    await signIn(admin, acct.civil_admin)
    await admin.click('[data-test=side-menu] >> text=事项管理')
    await admin.waitForURL(/\/console\/services\/items/)
    await admin.locator('[data-test=items-list]').filter({ hasText: ITEM }).waitFor()
    await admin.fill('[data-test=item-code]', ITEM)
    await admin.click('[data-test=item-open]')
    await admin.locator('[data-test=item-status]').filter({ hasText: '已发布' }).waitFor()
    // A published item changes only by a new version: version 2, a draft, until it is published.
    await inputOf(admin, 'ie-promised').fill('8')
    await admin.click('[data-test=item-save]')
    await admin.locator('[data-test=item-heading]').filter({ hasText: '草稿' }).filter({ hasText: '版本 2' }).waitFor()
    await admin.click('[data-test=item-publish]')
    await admin.click('.el-message-box .el-button--primary')
    await admin.locator('[data-test=item-heading]').filter({ hasText: '已发布' }).filter({ hasText: '版本 2' }).waitFor()
    await shot(admin, '42-items')
    const guide = await new Api(server.base).call('GET', `/api/v1/services/items/${ITEM}`)
    if (guide.version !== 2 || guide.promised_limit !== 8) throw new Error(`the guide after publishing: version ${guide.version}, promised ${guide.promised_limit}`)
    await admin.close()
  })

  // Text of a page left after removing the data it shows (every string of the API answers given):
  // in the English UI no Chinese may remain but the data's.
  const cjk = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/
  function stringsOf(v, out = []) {
    if (typeof v === 'string') out.push(v)
    else if (Array.isArray(v)) for (const x of v) stringsOf(x, out)
    else if (v && typeof v === 'object') for (const x of Object.values(v)) stringsOf(x, out)
    return out
  }
  async function assertNoChinese(page, where, ...data) {
    await page.waitForLoadState('networkidle')
    let text = await page.locator('body').innerText()
    // The brand's mark (政) and the language's own name (简体中文) are not translated.
    const pieces = [...new Set([...stringsOf(data), '简体中文', '政'].flatMap((x) => [x, ...x.split(/\s+/)]).filter((x) => cjk.test(x)))].sort((a, b) => b.length - a.length)
    for (const p of pieces) text = text.split(p).join(' ')
    const left = text.match(/\S*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+\S*/g)
    if (left) throw new Error(`${where}: Chinese left in the English UI: ${[...new Set(left)].slice(0, 12).join(' | ')}`)
  }

  // The citizen corrects a pre-filled value before submitting; that case then walks through the
  // rest of the workflow on the desktop: special procedure, recall, return, transfer, delivery.
  let edited = ''
  const OWN_ADDRESS = '温州市鹿城区五马街18号（申请人自报）'
  await step('services on a phone: the citizen changes a pre-filled value before submitting; it is marked as their own statement, the registry\'s source kept', async () => {
    await cit.goto(`${server.base}/console/apply/${ITEM}`)
    await cit.waitForSelector('[data-test=apply-consent-card]')
    await cit.fill('[data-test=form-phone]', '13857712345')
    await cit.click('[data-test=apply-start]')
    const prefilled = cit.locator('[data-test=apply-prefilled]')
    const address = prefilled.locator('[data-test=value-address]')
    await address.locator('[data-test=value-source]').filter({ hasText: /来自.+\d{4}-\d\d-\d\d/ }).waitFor()
    edited = ((await cit.locator('[data-test=apply-number]').innerText()).match(/\d{8}-\d+/) ?? [''])[0]
    if (!edited) throw new Error('no case number on the pre-filled form')
    const registryValue = await address.locator('.value').innerText()
    await cit.click('[data-test=change-address]')
    await cit.fill('[data-test=form-address]', OWN_ADDRESS)
    await address.locator('[data-test=value-edited]').filter({ hasText: '申请人自行填报' }).filter({ hasText: registryValue.trim() }).waitFor()
    await fits('申办: 修改预填的值', () => assertValuesWhole(cit, '[data-test=apply-prefilled]', '预填的申请表'))
    await shot(cit, '43-phone-apply-edited')
    const [chooser] = await Promise.all([cit.waitForEvent('filechooser'), cit.locator('[data-test=apply-files] [data-test="upload-收入证明"]').click()])
    await chooser.setFiles({ name: '收入证明.pdf', mimeType: 'application/pdf', buffer: tinyPdf('income statement') })
    await cit.locator('[data-test="files-material-收入证明"]').filter({ hasText: '已上传' }).waitFor()
    await cit.click('[data-test=apply-submit]')
    await cit.waitForURL(new RegExp(`/console/cases/${edited}`))
    const row = cit.locator('[data-test=case-form] .rt-card').filter({ hasText: OWN_ADDRESS })
    await row.locator('[data-test=case-value-edited]').filter({ hasText: registryValue.trim() }).waitFor()
    await fits('办件详情, a value stated by the applicant', () => assertValuesWhole(cit, '[data-test=case-form]', '申请信息'))
    const api = new Api(server.base)
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: citizen.username, password: citizen.password })
    const c = await api.call('GET', `/api/v1/services/cases/${edited}`, token)
    const p = c.prefill.find((x) => x.target === 'form.address')
    if (c.form.address !== OWN_ADDRESS || !p?.edited || p.value !== registryValue.trim()) throw new Error(`the case: form ${JSON.stringify(c.form)}, prefill ${JSON.stringify(p)}`)
  })

  await step('services on the desktop: a special procedure stops the clock, the officer recalls and returns the step, transfers it to 公安, 公安 approves, 民政 decides and delivers by courier with a tracking number', async () => {
    if (!edited) throw new Error('no case from the step before')
    const clerk = await newPage()
    await signIn(clerk, acct.window_clerk)
    await clerk.goto(`${server.base}/console/cases/${edited}`)
    await clerk.click('[data-test=act-accept]')
    await clerk.locator('[data-test=case-state]').filter({ hasText: '审查中' }).waitFor()
    await clerk.close()

    const officer = await newPage()
    await signIn(officer, acct.civil_officer)
    await officer.goto(`${server.base}/console/cases/${edited}`)
    const state = (text) => officer.locator('[data-test=case-state]').filter({ hasText: text }).waitFor()
    const steps = officer.locator('[data-test=case-steps]')
    // 特别程序 (专家评审): the clock stops until it ends.
    await officer.click('[data-test=act-start-special]')
    await officer.fill('[data-test=act-reason]', '需组织专家评审家庭经济状况')
    await officer.click('[data-test=act-confirm]')
    await state('特别程序')
    await officer.locator('[data-test=case-clock]').filter({ hasText: '暂停计时' }).waitFor()
    await shot(officer, '44-case-special')
    await officer.click('[data-test=act-end-special]')
    await state('审查中')
    // Claim and approve; then recall (撤回) before the decision: the step is the officer's again.
    await officer.locator('[data-test^=claim-]').first().click()
    await officer.locator('[data-test^=approve-]').first().click()
    await officer.fill('[data-test=step-opinion]', '初审同意')
    await officer.click('[data-test=step-confirm]')
    await state('待决定')
    await officer.click('[data-test=act-recall]')
    await officer.fill('[data-test=act-reason]', '发现收入证明需复核')
    await officer.click('[data-test=act-confirm]')
    await state('审查中')
    await steps.filter({ hasText: '办理中' }).waitFor()
    await officer.locator('[data-test^=approve-]').first().click()
    await officer.fill('[data-test=step-opinion]', '复核后同意')
    await officer.click('[data-test=step-confirm]')
    await state('待决定')
    // 退回 to the step: a new round waits for a claim.
    await officer.click('[data-test=act-return]')
    await officer.fill('[data-test=act-reason]', '户籍信息需公安核实')
    await officer.click('[data-test=act-confirm]')
    await state('审查中')
    await steps.filter({ hasText: '待签收' }).waitFor()
    // 转办 to 公安.
    await officer.click('[data-test=act-transfer]')
    await officer.click('[data-test=act-department]')
    await option(officer, '温州市公安局').click()
    await officer.fill('[data-test=act-reason]', '请公安局核实户籍信息')
    await officer.click('[data-test=act-confirm]')
    await steps.filter({ hasText: '温州市公安局' }).filter({ hasText: '待签收' }).waitFor()
    await officer.locator('[data-test=case-timeline]').filter({ hasText: '特别程序' }).filter({ hasText: '撤回' }).filter({ hasText: '退回' }).filter({ hasText: '转办' }).waitFor()
    await shot(officer, '45-case-transferred')

    const police = await newPage()
    await signIn(police, acct.police_officer)
    await police.click('[data-test=side-menu] >> text=待办')
    await police.locator('[data-test=worklist-department]').filter({ hasText: edited }).waitFor()
    await police.click(`[data-test=case-link-${edited}]`)
    await police.locator('[data-test^=claim-]').first().click()
    await police.locator('[data-test^=approve-]').first().click()
    await police.fill('[data-test=step-opinion]', '户籍信息属实')
    await police.click('[data-test=step-confirm]')
    await police.locator('[data-test=case-state]').filter({ hasText: '待决定' }).waitFor()
    await police.close()

    await officer.reload()
    await state('待决定')
    await officer.click('[data-test=act-decide]')
    await officer.fill('[data-test=act-reason]', '经审查，符合条件')
    await officer.fill('[data-test=act-result]', '准予享受最低生活保障')
    await officer.click('[data-test=act-confirm]')
    await state('已决定')
    await officer.click('[data-test=act-conclude]')
    await state('已办结')
    await officer.click('[data-test=act-deliver]')
    await officer.locator('[data-test=act-method]').getByText('快递送达').click()
    await officer.fill('[data-test=act-address]', OWN_ADDRESS)
    await officer.fill('[data-test=act-tracking]', 'SF1234567890')
    await officer.click('[data-test=act-confirm]')
    await state('已送达')
    await officer.locator('[data-test=case-result]').filter({ hasText: '快递送达' }).filter({ hasText: 'SF1234567890' }).waitFor()
    await shot(officer, '46-case-delivered')
    await officer.close()

    await cit.goto(`${server.base}/console/cases/${edited}`)
    await cit.locator('[data-test=case-result]').filter({ hasText: 'SF1234567890' }).waitFor()
    await fits('办件详情, delivered', () => assertValuesWhole(cit, '[data-test=case-result]', '办理结果'))
  })

  const NEW_ITEM = 'E2E-MZ-LSJZ'
  await step('services: 事项管理 — the item editor shows the API\'s invalid_item at the field, creates a draft, lists it under 草稿 and publishes it', async () => {
    const admin = await newPage()
    await signIn(admin, acct.civil_admin)
    await admin.goto(`${server.base}/console/services/items`)
    await admin.locator('[data-test=items-list]').filter({ hasText: ITEM }).waitFor()
    await admin.click('[data-test=item-new]')
    await admin.fill('[data-test=ie-code]', NEW_ITEM)
    await admin.fill('[data-test=ie-name]', '临时救助（浏览器测试）')
    await admin.click('[data-test=ie-type]')
    await option(admin, '行政给付').click()
    await admin.fill('[data-test=ie-legal-basis]', '《社会救助暂行办法》第四十七条')
    await admin.click('[data-test=ie-add-field]')
    const name = admin.locator('[data-test=ie-field-0]')
    await name.locator('[data-test=ie-field-key]').fill('name')
    await name.locator('[data-test=ie-field-label]').fill('申请人姓名')
    await name.locator('[data-test=ie-field-required]').click()
    await name.locator('[data-test=ie-field-prefill]').click()
    await name.locator('[data-test=ie-field-attribute]').fill('name')
    await admin.click('[data-test=ie-add-field]')
    const reason = admin.locator('[data-test=ie-field-1]')
    await reason.locator('[data-test=ie-field-key]').fill('cause')
    await reason.locator('[data-test=ie-field-label]').fill('困难原因')
    await reason.locator('[data-test=ie-field-type]').click()
    await option(admin, '枚举').click()
    await admin.click('[data-test=ie-add-material]')
    await admin.locator('[data-test=ie-material-0] [data-test=ie-material-name]').fill('情况说明')
    await admin.locator('[data-test=ie-step-0] [data-test=ie-step-name]').fill('审查')
    // An enum field without options: the API's problem is shown on that field's row.
    expected.push('/api/v1/services/items')
    await admin.click('[data-test=item-save]')
    await reason.locator('[data-test=field-error]').filter({ hasText: 'enum_values' }).waitFor()
    await shot(admin, '47-item-editor-problem')
    for (const o of ['因病', '因灾']) {
      await inputOf(reason, 'ie-field-options').fill(o)
      await inputOf(reason, 'ie-field-options').press('Enter')
    }
    await admin.click('[data-test=item-save]')
    await admin.locator('[data-test=item-heading]').filter({ hasText: '草稿' }).filter({ hasText: '版本 1' }).waitFor()
    if (await admin.locator('[data-test=field-error]').count()) throw new Error('the problem is still shown after saving')
    // The list: drafts only.
    await admin.click('[data-test=items-status]')
    await option(admin, '草稿').click()
    await admin.locator('[data-test=items-list]').filter({ hasText: NEW_ITEM }).waitFor()
    await admin.waitForLoadState('networkidle')
    if (await admin.locator('[data-test=items-list]').filter({ hasText: ITEM }).count()) throw new Error(`the published ${ITEM} is listed under drafts`)
    await admin.click('[data-test=item-publish]')
    await admin.click('.el-message-box .el-button--primary')
    await admin.locator('[data-test=item-heading]').filter({ hasText: '已发布' }).waitFor()
    await shot(admin, '48-item-editor-published')
    const guide = await new Api(server.base).call('GET', `/api/v1/services/items/${NEW_ITEM}`)
    const cause = guide.form.find((x) => x.name === 'cause')
    if (guide.type !== 'benefit' || guide.form[0]?.prefill?.field !== 'name' || cause?.enum_values?.join() !== '因病,因灾' || guide.materials[0]?.name !== '情况说明') {
      throw new Error(`the published guide: ${JSON.stringify(guide)}`)
    }
    await admin.close()
  })

  await step('on a phone: the power list (权力清单) and responsibility list (责任清单) of 民政 show without sign-in', async () => {
    const anon = await newPage({ phone: true })
    await anon.goto(`${server.base}/services`)
    await anon.click('[data-test=hall-power-list]')
    await anon.waitForURL(/\/services\/power-list/)
    await anon.click('[data-test=power-department]')
    await option(anon, '温州市民政局').click()
    await anon.locator('[data-test=power-list] .rt-card').filter({ hasText: ITEM_NAME }).filter({ hasText: '社会救助暂行办法' }).filter({ hasText: '行政给付' }).waitFor()
    await anon.waitForLoadState('networkidle')
    await assertFitsScreen(anon, '权力清单')
    await shot(anon, '49-phone-power-list')
    await anon.locator('[data-test=power-view]').getByText('责任清单').click()
    await anon.locator('[data-test=responsibility-list] .rt-card').filter({ hasText: ITEM_NAME }).filter({ hasText: '20 个工作日' }).waitFor()
    await anon.waitForLoadState('networkidle')
    await assertFitsScreen(anon, '责任清单')
    await anon.close()
  })

  await step('services in English: the guide, the power list, 我的办件 and the case page show no Chinese but their data', async () => {
    const api = new Api(server.base)
    const en = await newPage({ phone: true })
    await en.goto(`${server.base}/services/${ITEM}`)
    await en.locator('[data-test=guide-title]').waitFor()
    await en.click('[data-test=lang-switch]')
    await en.click('[data-test=lang-en-US]')
    await en.locator('[data-test=guide-facts]').filter({ hasText: 'Statutory time limit' }).filter({ hasText: '20 working days' }).waitFor()
    const guide = await api.call('GET', `/api/v1/services/items/${ITEM}`)
    await assertNoChinese(en, 'the guide', guide)
    await assertFitsScreen(en, 'the guide in English')
    const mz = guide.department_id
    await en.goto(`${server.base}/services/power-list?department_id=${mz}`)
    await en.locator('[data-test=power-list] .rt-card').filter({ hasText: ITEM_NAME }).filter({ hasText: 'Benefit' }).waitFor()
    await assertNoChinese(en, 'the power list', await api.call('GET', `/api/v1/services/power-list?department_id=${mz}`), (await api.call('GET', '/api/v1/services/items?limit=200')).items.map((i) => i.department))
    await en.locator('[data-test=power-view]').getByText('Responsibility list').click()
    await en.locator('[data-test=responsibility-list] .rt-card').filter({ hasText: 'working days' }).first().waitFor()
    await assertNoChinese(en, 'the responsibility list', await api.call('GET', `/api/v1/services/power-list?department_id=${mz}`), (await api.call('GET', '/api/v1/services/items?limit=200')).items.map((i) => i.department))
    // Signed in (the language stays English): 我的办件 and the delivered case.
    await en.goto(`${server.base}/login`)
    await en.fill('[data-test=username]', citizen.username)
    await en.fill('[data-test=password]', citizen.password)
    await en.click('[data-test=sign-in]')
    await en.waitForURL(/\/console/)
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: citizen.username, password: citizen.password })
    const me = await api.call('GET', '/api/v1/auth/me', token)
    await en.goto(`${server.base}/console/my-cases`)
    await en.locator('[data-test=my-cases] .rt-card').filter({ hasText: edited }).filter({ hasText: 'Delivered' }).waitFor()
    // The data: the cases, and the bundles' names, members, departments and what is asked (their
    // Chinese `progress` is the API's, which the UI says in English).
    const bundleData = (await api.call('GET', '/api/v1/services/my-bundle-applications?limit=50', token)).items.map((a) => ({ ...a, progress: '', children: a.children.map((c) => ({ ...c, progress: '' })) }))
    await assertNoChinese(en, '我的办件', [...(await api.call('GET', '/api/v1/services/my-cases?limit=50', token)).items, ...bundleData], me)
    await en.goto(`${server.base}/console/cases/${edited}`)
    await en.locator('[data-test=case-progress]').filter({ hasText: 'Delivered' }).waitFor()
    await en.locator('[data-test=case-result]').filter({ hasText: 'Courier' }).waitFor()
    await assertNoChinese(en, 'the case page', await api.call('GET', `/api/v1/services/cases/${edited}`, token), guide, me)
    await assertFitsScreen(en, 'the case page in English')
    await shot(en, '50-phone-case-english')
    await en.close()
  })

  await step('the data administrator marks a day in 工作日历, sees the coverage, and computes a deadline across it', async () => {
    const api = new Api(server.base)
    // The first Wednesday of next month that is a working day.
    const now = new Date(Date.now() + 8 * 3600_000)
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0))
    const isoDay = (d) => d.toISOString().slice(0, 10)
    const days = (await api.call('GET', `/api/v1/calendar/days?from=${isoDay(first)}&to=${isoDay(last)}`)).items
    const day = days.find((d) => d.working && new Date(`${d.date}T00:00:00Z`).getUTCDay() === 3)
    if (!day) throw new Error(`no working Wednesday in ${JSON.stringify(days)}`)
    const before = isoDay(new Date(Date.parse(`${day.date}T00:00:00Z`) - 86_400_000))
    const admin = await newPage()
    await signIn(admin, acct.data_admin)
    await admin.click('[data-test=side-menu] >> text=工作日历')
    await admin.waitForURL(/\/console\/calendar/)
    await admin.locator('[data-test=calendar-coverage]').filter({ hasText: /覆盖至 \d{4}-\d\d-\d\d/ }).filter({ hasText: '软件包' }).waitFor()
    await admin.click('[data-test=calendar-next]')
    await admin.locator('[data-test=calendar-month]').filter({ hasText: day.date.slice(0, 7) }).waitFor()
    await admin.click(`[data-test=day-${day.date}]`)
    await admin.locator('[data-test=day-dialog]').filter({ hasText: '工作日' }).waitFor()
    await admin.fill('[data-test=day-reason]', '台风停工（浏览器测试）')
    await admin.click('[data-test=day-save]')
    await admin.locator(`[data-test=day-${day.date}]`).filter({ hasText: '已调整' }).filter({ hasText: '台风停工' }).waitFor()
    const changed = (await api.call('GET', `/api/v1/calendar/days?from=${day.date}&to=${day.date}`)).items[0]
    if (changed.working || changed.source !== 'override') throw new Error(`the day after the change: ${JSON.stringify(changed)}`)
    await shot(admin, '51-calendar-marked')
    // One working day after the day before it: not the day marked off any more.
    await inputOf(admin, 'deadline-start').fill(before)
    await inputOf(admin, 'deadline-start').press('Enter')
    await inputOf(admin, 'deadline-days').fill('1')
    await admin.click('[data-test=deadline-compute]')
    const answer = await api.call('GET', `/api/v1/calendar/deadline?start=${before}&working_days=1`)
    if (answer.deadline === day.date) throw new Error(`the deadline still falls on the day marked off: ${JSON.stringify(answer)}`)
    await admin.locator('[data-test=deadline-result]').filter({ hasText: answer.deadline }).waitFor()
    // Put the day back (as the administrator would), so later cases count as before.
    const { token } = await api.call('POST', '/api/v1/auth/login', null, { username: acct.data_admin.username, password: acct.data_admin.password })
    await api.call('PUT', `/api/v1/calendar/days/${day.date}`, token, { working: true, reason: '恢复（浏览器测试）' })
    await admin.close()
  })

  await step('an idle session returns to sign-in with a notice', async () => {
    // Set the 3-second limit from the portal, where no idle timer runs, then open the console.
    await ga.goto(`${server.base}/`)
    await ga.evaluate(() => localStorage.setItem('zt.idleMinutes', '0.05'))
    await ga.goto(`${server.base}/console`)
    await ga.waitForSelector('[data-test=side-menu]')
    await ga.waitForURL(/\/login\?notice=idle/, { timeout: 20_000 })
    await ga.waitForSelector('[data-test=login-notice]')
    await ga.evaluate(() => localStorage.removeItem('zt.idleMinutes'))
    await shot(ga, '19-idle-notice')
  })
} finally {
  await browser?.close()
  await server.stop()
}

const failed = results.filter((r) => !r.ok)
writeFileSync(join(shots, 'summary.json'), JSON.stringify(results, null, 1))
console.log(`\ne2e: ${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${shots}`)
process.exit(failed.length ? 1 : 0)
