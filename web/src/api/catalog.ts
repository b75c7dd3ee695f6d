import { api, type Query } from './client'
import type { Category, FieldType, OpenType, Page, Resource, ResourceInput, ResourceVersion, SearchAnswer, UpdateCycle } from './types'

const base = '/api/v1/catalog/resources'
const enc = encodeURIComponent

export const catalog = {
  search: (q: Query) => api.get<SearchAnswer>(base, q),
  get: (code: string) => api.get<Resource>(`${base}/${enc(code)}`),
  create: (r: ResourceInput) => api.post<Resource>(base, r),
  update: (code: string, r: ResourceInput) => api.put<Resource>(`${base}/${enc(code)}`, r),
  publish: (code: string) => api.post<Resource>(`${base}/${enc(code)}/publish`),
  retire: (code: string) => api.post<Resource>(`${base}/${enc(code)}/retire`),
  versions: (code: string) => api.get<Page<ResourceVersion>>(`${base}/${enc(code)}/versions`, { limit: 200 }),
}

// What the public portal lists (no sign-in): metadata and the fields' names, labels and types.
export interface OpenResource {
  code: string
  name: string
  department_name: string
  category: Category
  summary: string
  format: string
  open_type: Exclude<OpenType, 'closed'>
  open_condition: string
  update_cycle: UpdateCycle
  publish_date: string | null
  keywords: string[]
  fields: { name: string; label: string; type: FieldType }[]
}

export const openData = {
  resources: (q: Query) => api.get<Page<OpenResource> & { total: number }>('/api/v1/catalog/open-resources', q),
}

export interface QualityField {
  field: string
  completeness: number
  validity: number
  invalid: number
}
export interface Quality {
  resource: string
  name: string
  department_id: number
  department_name: string
  record_count: number
  last_seq: number
  last_update_at: string | null
  update_cycle: string
  stale: boolean
  rows_read_30d: number
  rejected_30d: number
  duplicate_keys_30d: number
  open_corrections: number
  fields?: QualityField[]
  daily: { day: string; ingested: number; rejected: number }[]
}

export const quality = {
  resource: (code: string) => api.get<Quality>(`/api/v1/resources/${enc(code)}/quality`),
  all: () =>
    api.get<{
      resources: Quality[]
      departments: { department_id: number; department_name: string; resources: number; records: number; stale_resources: number; rows_read_30d: number; rejected_30d: number }[]
    }>('/api/v1/exchange/quality'),
}
