import { api, upload, type Query, type UploadProgress } from './client'
import type { Page } from './types'
import { headerText } from './format'

const enc = encodeURIComponent

export interface Rejection {
  line: number
  errors: { field?: string; code: string; detail: string }[]
}
export interface Counts {
  rows: number
  inserted: number
  updated: number
  unchanged: number
  deleted: number
  rejected: number
}
export interface Batch {
  batch_id: number
  resource: string
  status: string
  mode: string
  format: string
  charset: string
  counts: Counts
  field_errors: Record<string, number>
  bytes: number
  idempotency_key: string | null
  submitted_by: { kind: string; id: number; name: string }
  started_at: string
  finished_at: string | null
  rejections?: Rejection[]
  rejections_truncated?: boolean
}

export const batches = {
  list: (code: string, q: Query = {}) => api.get<Page<Batch>>(`/api/v1/resources/${enc(code)}/batches`, q),
  get: (code: string, id: number | string) => api.get<Batch>(`/api/v1/resources/${enc(code)}/batches/${id}`),
  rejections: (code: string, id: number | string, after?: number) =>
    api.get<Page<Rejection>>(`/api/v1/resources/${enc(code)}/batches/${id}/rejections`, { after, limit: 200 }),
  upload: (code: string, file: Blob, contentType: string, onProgress: (p: UploadProgress) => void, query?: Query) =>
    upload<Batch>(`/api/v1/resources/${enc(code)}/records`, file, contentType, onProgress, query),
}

export interface SharingRequest {
  id: number
  resource: string
  resource_name: string
  consumer_department_id: number
  consumer_department_name: string
  provider_department_id: number
  provider_department_name: string
  purpose: string
  legal_basis: string
  fields: string[]
  duration_days: number | null
  status: string
  requested_by: string
  requested_at: string
  decided_by: string
  decided_at: string | null
  decision_reason: string
  grant_id: number | null
}
export interface Grant {
  id: number
  request_id: number
  resource: string
  consumer_department_id: number
  consumer_department_name: string
  provider_department_id: number
  provider_department_name: string
  fields: string[]
  unmasked: string[]
  purpose: string
  status: string
  starts_at: string
  expires_at: string | null
  revoked_at: string | null
  revoke_reason: string
}

export const sharing = {
  requests: (q: Query) => api.get<Page<SharingRequest>>('/api/v1/sharing/requests', q),
  file: (body: { resource: string; purpose: string; legal_basis?: string; fields: string[]; duration_days?: number }) =>
    api.post<SharingRequest>('/api/v1/sharing/requests', body),
  approve: (id: number, body: { fields?: string[]; unmasked?: string[] }) =>
    api.post<SharingRequest>(`/api/v1/sharing/requests/${id}/approve`, body),
  reject: (id: number, reason: string) => api.post<SharingRequest>(`/api/v1/sharing/requests/${id}/reject`, { reason }),
  grants: (q: Query) => api.get<Page<Grant>>('/api/v1/sharing/grants', q),
  revoke: (id: number, reason: string) => api.post<Grant>(`/api/v1/sharing/grants/${id}/revoke`, { reason }),
}

export type Row = Record<string, unknown>
function readHeaders(purpose: string, caseId?: string) {
  const h: Record<string, string> = {}
  if (purpose) h['X-Purpose'] = headerText(purpose)
  if (caseId) h['X-Case-Id'] = headerText(caseId)
  return h
}
export const records = {
  byKey: (code: string, key: string, purpose: string, caseId?: string) =>
    api.get<Row>(`/api/v1/resources/${enc(code)}/records/${enc(key)}`, undefined, readHeaders(purpose, caseId)),
  filter: (code: string, q: Query, purpose: string, caseId?: string) =>
    api.get<Page<Row>>(`/api/v1/resources/${enc(code)}/records`, q, readHeaders(purpose, caseId)),
}

export interface Stats {
  days: number
  resources: {
    resource: string
    name: string
    department_id: number
    department_name: string
    reads_by_day: { day: string; reads: number; deliveries?: number }[]
    grants_active: number
    grants_expiring_30d: number
    open_corrections: number
    record_count: number
  }[]
  departments: {
    department_id: number
    department_name: string
    reads: number
    deliveries: number
    grants_given: number
    grants_held: number
    open_corrections: number
  }[]
}
export const stats = (days: number) => api.get<Stats>('/api/v1/exchange/stats', { days })
