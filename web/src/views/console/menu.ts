// The side menu: each entry names the permissions that show it (any of them). Routes check the same.
export interface MenuItem {
  path: string
  title: string
  anyOf?: string[]
  /** Only for these kinds of user (citizen, enterprise, staff). */
  kinds?: string[]
  children?: MenuItem[]
}

export const menu: MenuItem[] = [
  { path: '/console', title: 'menu.dashboard', kinds: ['staff'] },
  { path: '/console/my-data', title: 'menu.myData', kinds: ['citizen', 'enterprise'] },
  { path: '/console/my-cases', title: 'menu.myCases', kinds: ['citizen', 'enterprise'] },
  { path: '/services', title: 'menu.serviceHall', kinds: ['citizen', 'enterprise'] },
  { path: '/console/services/window', title: 'menu.window', kinds: ['staff'], anyOf: ['services.cases.accept'] },
  { path: '/console/services/department', title: 'menu.departmentList', kinds: ['staff'], anyOf: ['services.cases.approve'] },
  { path: '/console/services/items', title: 'menu.items', kinds: ['staff'], anyOf: ['services.items.manage'] },
  { path: '/console/calendar', title: 'menu.calendar', kinds: ['staff'], anyOf: ['calendar.manage'] },
  { path: '/console/catalog', title: 'menu.catalog', anyOf: ['catalog.resources.read', 'catalog.manage'] },
  { path: '/console/ingest', title: 'menu.ingest', anyOf: ['exchange.ingest'] },
  { path: '/console/sharing', title: 'menu.sharing', anyOf: ['exchange.query', 'exchange.grants.manage'] },
  { path: '/console/query', title: 'menu.query', anyOf: ['exchange.query'] },
  { path: '/console/registry', title: 'menu.registry', kinds: ['staff'], anyOf: ['registry.read', 'registry.manage', 'exchange.query', 'analytics.read'] },
  { path: '/console/corrections', title: 'menu.corrections', anyOf: ['exchange.query', 'exchange.grants.manage', 'exchange.ingest'] },
  { path: '/console/subscriptions', title: 'menu.subscriptions', anyOf: ['exchange.query'] },
  {
    path: '/console/admin', title: 'menu.admin', anyOf: ['identity.departments.manage', 'identity.users.manage', 'identity.roles.assign'],
    children: [
      { path: '/console/admin/departments', title: 'menu.departments', anyOf: ['identity.departments.manage'] },
      { path: '/console/admin/users', title: 'menu.users', anyOf: ['identity.users.manage', 'identity.roles.assign'] },
    ],
  },
  { path: '/console/audit', title: 'menu.audit', anyOf: ['audit.read'] },
]

export function visible(items: MenuItem[], can: (p: string) => boolean, kind: string): MenuItem[] {
  return items
    .filter((i) => (!i.anyOf || i.anyOf.some(can)) && (!i.kinds || i.kinds.includes(kind)))
    .map((i) => (i.children ? { ...i, children: visible(i.children, can, kind) } : i))
}
