// Routes: the public portal and sign-in, and the staff console (each page its own chunk).
// A console route may name the permissions that open it (any of them); the side menu uses the
// same list, so menus follow the user's roles.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuth } from '@/stores/auth'
import { ApiError, setSetupRequiredHandler, setUnauthorizedHandler } from '@/api/client'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    anyOf?: string[]
    title?: string
  }
}

const console_: RouteRecordRaw = {
  path: '/console',
  component: () => import('@/views/console/ConsoleLayout.vue'),
  children: [
    { path: '', name: 'dashboard', component: () => import('@/views/console/DashboardPage.vue'), meta: { title: 'menu.dashboard' } },
    { path: 'my-data', name: 'my-data', component: () => import('@/views/me/MyDataAccessPage.vue'), meta: { title: 'menu.myData' } },
    { path: 'my-cases', name: 'my-cases', component: () => import('@/views/services/MyCasesPage.vue'), meta: { title: 'menu.myCases' } },
    { path: 'apply/:code', name: 'apply', component: () => import('@/views/services/ApplyPage.vue'), props: true, meta: { title: 'services.applyTitle' } },
    { path: 'apply-bundle/:code', name: 'apply-bundle', component: () => import('@/views/services/BundleApplyPage.vue'), props: true, meta: { title: 'services.bundleApply' } },
    // The case page: the applicant's (我的办件) and staff's (the worklists) alike; the API decides who sees it.
    { path: 'cases/:number', name: 'case', component: () => import('@/views/services/CasePage.vue'), props: true, meta: { title: 'services.casePage' } },
    {
      path: 'services/window', name: 'window', component: () => import('@/views/services/WorklistPage.vue'), props: { list: 'window' },
      meta: { title: 'menu.window', anyOf: ['services.cases.accept'] },
    },
    {
      path: 'services/department', name: 'department-list', component: () => import('@/views/services/WorklistPage.vue'), props: { list: 'department' },
      meta: { title: 'menu.departmentList', anyOf: ['services.cases.approve', 'services.cases.read'] },
    },
    {
      path: 'services/items', name: 'items', component: () => import('@/views/services/ItemsPage.vue'),
      meta: { title: 'menu.items', anyOf: ['services.items.manage'] },
    },
    {
      path: 'calendar', name: 'calendar', component: () => import('@/views/calendar/CalendarPage.vue'),
      meta: { title: 'menu.calendar', anyOf: ['calendar.manage'] },
    },
    { path: 'account', name: 'account', component: () => import('@/views/console/AccountPage.vue'), meta: { title: 'menu.account' } },
    {
      path: 'catalog', name: 'catalog', component: () => import('@/views/catalog/CatalogSearch.vue'),
      meta: { title: 'menu.catalog', anyOf: ['catalog.resources.read', 'catalog.manage'] },
    },
    {
      path: 'catalog/new', name: 'catalog-new', component: () => import('@/views/catalog/ResourceEdit.vue'),
      meta: { title: 'catalog.newResource', anyOf: ['catalog.resources.publish', 'catalog.manage'] },
    },
    {
      path: 'catalog/:code', name: 'resource', component: () => import('@/views/catalog/ResourceDetail.vue'), props: true,
      meta: { title: 'menu.catalog', anyOf: ['catalog.resources.read', 'catalog.manage'] },
    },
    {
      path: 'catalog/:code/edit', name: 'resource-edit', component: () => import('@/views/catalog/ResourceEdit.vue'), props: true,
      meta: { title: 'catalog.editResource', anyOf: ['catalog.resources.publish', 'catalog.manage'] },
    },
    {
      path: 'ingest', name: 'ingest', component: () => import('@/views/ingest/IngestPage.vue'),
      meta: { title: 'menu.ingest', anyOf: ['exchange.ingest'] },
    },
    {
      path: 'ingest/:code/batches/:id', name: 'batch', component: () => import('@/views/ingest/BatchPage.vue'), props: true,
      meta: { title: 'ingest.report', anyOf: ['exchange.ingest', 'exchange.manage', 'catalog.resources.read'] },
    },
    {
      path: 'sharing', name: 'sharing', component: () => import('@/views/sharing/SharingPage.vue'),
      meta: { title: 'menu.sharing', anyOf: ['exchange.query', 'exchange.grants.manage'] },
    },
    {
      path: 'query', name: 'query', component: () => import('@/views/query/QueryPage.vue'),
      meta: { title: 'menu.query', anyOf: ['exchange.query'] },
    },
    {
      path: 'registry', name: 'registry', component: () => import('@/views/registry/RegistryPage.vue'),
      meta: { title: 'menu.registry', anyOf: ['registry.read', 'registry.manage', 'exchange.query', 'analytics.read'] },
    },
    {
      path: 'corrections', name: 'corrections', component: () => import('@/views/corrections/CorrectionsPage.vue'),
      meta: { title: 'menu.corrections', anyOf: ['exchange.query', 'exchange.grants.manage', 'exchange.ingest'] },
    },
    {
      path: 'subscriptions', name: 'subscriptions', component: () => import('@/views/subscriptions/SubscriptionsPage.vue'),
      meta: { title: 'menu.subscriptions', anyOf: ['exchange.query'] },
    },
    {
      path: 'admin/departments', name: 'departments', component: () => import('@/views/admin/DepartmentsPage.vue'),
      meta: { title: 'menu.departments', anyOf: ['identity.departments.manage'] },
    },
    {
      path: 'admin/users', name: 'users', component: () => import('@/views/admin/UsersPage.vue'),
      meta: { title: 'menu.users', anyOf: ['identity.users.manage', 'identity.roles.assign'] },
    },
    {
      path: 'audit', name: 'audit', component: () => import('@/views/audit/AuditPage.vue'),
      meta: { title: 'menu.audit', anyOf: ['audit.read'] },
    },
    { path: ':rest(.*)*', name: 'console-not-found', component: () => import('@/views/NotFound.vue') },
  ],
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'portal', component: () => import('@/views/PortalPage.vue'), meta: { public: true } },
  // 办事大厅 and the guide: public, like the portal.
  { path: '/services', name: 'hall', component: () => import('@/views/services/ServiceHall.vue'), meta: { public: true } },
  { path: '/services/power-list', name: 'power-list', component: () => import('@/views/services/PowerListPage.vue'), meta: { public: true } },
  { path: '/services/bundles/:code', name: 'bundle-guide', component: () => import('@/views/services/BundleGuidePage.vue'), props: true, meta: { public: true } },
  { path: '/services/:code', name: 'guide', component: () => import('@/views/services/GuidePage.vue'), props: true, meta: { public: true } },
  { path: '/login', name: 'login', component: () => import('@/views/LoginPage.vue'), meta: { public: true } },
  console_,
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('@/views/NotFound.vue'), meta: { public: true } },
]

export const router = createRouter({ history: createWebHistory(), routes })

/** Where a signed-in user with unfinished set-up must go first, if anywhere. */
function setupRoute(auth: ReturnType<typeof useAuth>) {
  if (auth.mustChangePassword || auth.totpEnrolmentRequired) return { name: 'account' }
  return null
}

router.beforeEach(async (to) => {
  const auth = useAuth()
  if (to.meta.public) return true
  if (!auth.signedIn) return { name: 'login', query: { redirect: to.fullPath } }
  if (!auth.user) {
    try {
      await auth.loadMe()
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        auth.forget()
        return { name: 'login', query: { redirect: to.fullPath, notice: 'expired' } }
      }
      throw e
    }
  }
  const setup = setupRoute(auth)
  if (setup && to.name !== 'account') return setup
  // Citizens and enterprises have no console of their own: their page is 我的数据被谁用了.
  if (auth.user && auth.user.kind !== 'staff' && to.name === 'dashboard') return { name: 'my-data' }
  const anyOf = to.meta.anyOf
  if (anyOf && !anyOf.some((p) => auth.can(p))) return { name: 'dashboard' }
  return true
})

// The API says the account must finish its set-up first (a password that expired while signed in).
setSetupRequiredHandler((err) => {
  const auth = useAuth()
  if (err.code === 'totp_enrolment_required') auth.totpEnrolmentRequired = true
  void auth.loadMe().finally(() => router.push({ name: 'account' }))
})

// A 401 on a signed-in call (idle or absolute timeout, sign-out elsewhere): back to sign-in, saying why.
setUnauthorizedHandler(() => {
  const auth = useAuth()
  if (!auth.signedIn) return
  auth.forget()
  const current = router.currentRoute.value
  void router.push({ name: 'login', query: { notice: 'expired', redirect: current.meta.public ? undefined : current.fullPath } })
})
