// One-stop services (一网通办): service items and their guide, cases (办件) and their transitions,
// the worklists and 我的办件 (/api/v1/services, src/services/api.cpp).
import { api, fetchBlob, upload, type Query, type UploadProgress } from './client'
import type { Page } from './types'
import servicesZh from '@/i18n/services-zh-CN'

export interface Source {
  resource: string
  field: string
}
export interface FormField {
  name: string
  label: string
  type: string
  required: boolean
  enum_values: string[]
  prefill: Source | null
}
export interface Material {
  name: string
  required: boolean
  source: 'upload' | 'registry'
  prefill: Source | null
}
export interface Fee {
  name: string
  amount: string
}
export interface ItemStep {
  name: string
  departments?: number[]
  share_percent?: number
}
/** The guide (办事指南) of a published item; an item of the management routes has more. */
export interface Guide {
  code: string
  version: number
  name: string
  department_id: number
  department: string
  type: string
  type_label: string
  applicant: 'person' | 'entity' | 'both'
  kind: 'instant' | 'promised'
  statutory_limit: number
  promised_limit: number
  legal_basis: string
  fees: Fee[]
  channels: string[]
  visits: number
  deliveries: string[]
  life_events: string[]
  form: FormField[]
  materials: Material[]
  steps: ItemStep[]
  published_at: string | null
}
export interface Item extends Guide {
  id: number
  status: 'draft' | 'published' | 'retired'
  purpose: string
  created_at: string
}
/** One row of 事项管理: an item's latest version, whatever its status. */
export interface ManagedItem {
  id: number
  code: string
  version: number
  status: 'draft' | 'published' | 'retired'
  published_version: number | null
  name: string
  department: string
  type: string
  statutory_limit: number
  promised_limit: number
  created_at: string
  published_at: string | null
}
export interface PowerEntry {
  code: string
  name: string
  type: string
  type_label: string
  department: string
  legal_basis: string
  statutory_limit: number
  promised_limit: number
}

export interface Clock {
  running: boolean
  paused: boolean
  statutory_deadline: string | null
  promised_deadline: string | null
  statutory_remaining: number | null
  promised_remaining: number | null
  paused_working_days: number
  calendar_incomplete: boolean
}
export interface Prefilled {
  target: string
  resource: string
  field: string
  department: string
  read_at: number | string
  value: string
  found: boolean
  /** A form value the applicant changed: the form holds their statement, `value` the registry's. */
  edited?: boolean
  applied?: boolean
  /** How the caller is shown it: in full, masked by their grant, or withheld (value ""). */
  disclosure: 'full' | 'masked' | 'withheld'
  reason: '' | 'no_grant' | 'field_not_granted' | 'not_shared' | 'no_department'
}
/** 预警 / 超期: the most severe reminder condition of a case now. */
export type Alert = 'warning' | 'promised_overdue' | 'overdue' | null
export interface Reminder {
  id: number
  number: string
  item_code: string
  item_name: string
  step_index: number
  step: string
  kind: Exclude<Alert, null>
  deadline: string
  issued_at: string
}
export interface CaseStep {
  id: number
  step_index: number
  round: number
  name: string
  department_id: number
  department: string
  state: string
  claimed_by: string | null
  claimed_at: string | null
  completed_at: string | null
  opinion: string
  created_at: string
}
export interface CaseEvent {
  at: string
  action: string
  actor: string
  from_state: string | null
  to_state: string
  reason: string
  detail: Record<string, unknown> | null
}
export interface CasePause {
  kind: string
  detail: string
  started_at: string
  ended_at: string | null
}
export interface Case {
  number: string
  item_code: string
  item_version: number
  item_name: string
  department_id: number
  applicant_kind: string
  applicant_name: string
  applicant_key: string
  channel: string
  state: string
  progress: string
  alert: Alert
  step_index: number
  version: number
  form: Record<string, unknown>
  prefill: Prefilled[]
  asked: string[]
  special_kind: string | null
  review_outcome: string | null
  decision: string | null
  decision_reason: string
  result_text: string
  delivery: Record<string, unknown>
  clock: Clock
  accepted_at: string | null
  decided_at: string | null
  concluded_at: string | null
  created_at: string
  updated_at: string
  steps: CaseStep[]
  events: CaseEvent[]
  pauses: CasePause[]
}
export interface CaseRow {
  number: string
  item_code: string
  item_name: string
  department_id: number
  applicant_name: string
  channel: string
  state: string
  progress: string
  alert: Alert
  asked: string[]
  clock: Clock
  accepted_at: string | null
  created_at: string
  updated_at: string
}

export interface ActionBody {
  reason?: string
  missing?: string[]
  form?: Record<string, unknown>
  department_id?: number
  kind?: string
  decision?: 'approve' | 'deny'
  result_text?: string
  method?: 'window' | 'courier'
  address?: string
  tracking_number?: string
  /** decide: the ids of the result files it references. */
  attachments?: number[]
}

/** A file of a case (办件附件): an applicant's material or a result file of the decision. */
export interface Attachment {
  id: number
  kind: 'material' | 'result'
  material: string | null
  file_name: string
  content_type: string
  size: number
  sm3: string
  uploaded_by: string
  uploaded_at: string
  submitted_at: string | null
}
export interface AttachmentList {
  items: Attachment[]
  max_bytes: number
  content_types: string[]
}
/** What the file chooser offers, and the media type an upload declares for a file. */
export const attachmentAccept = '.pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png'
const kTypes: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', ofd: 'application/ofd' }
/** The media type to send for `file`: the browser's when it is one we take, else by extension; null when neither. */
export function attachmentType(file: File): string | null {
  if (['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'].includes(file.type)) return file.type
  const ext = file.name.split('.').pop()?.toLowerCase() ?? ''
  return kTypes[ext] ?? null
}

/** A bundle (一件事一次办) as the public sees it: its members and their one merged form. */
export interface BundleMember {
  code: string
  version: number
  name: string
  department_id: number
  department: string
  type: string
  kind: 'instant' | 'promised'
  statutory_limit: number
  promised_limit: number
  visits: number
}
export interface MergedField extends FormField {
  items: string[]
}
export interface MergedMaterial extends Material {
  items: string[]
}
export interface BundleGuide {
  code: string
  version: number
  name: string
  department_id: number
  department: string
  description: string
  life_events: string[]
  applicant: 'person' | 'entity' | 'both'
  channels: string[]
  members: BundleMember[]
  form: MergedField[]
  materials: MergedMaterial[]
  published_at: string | null
}
export interface BundleChild {
  number: string
  item_code: string
  item_version: number
  item_name: string
  department_id: number
  department: string
  state: string
  progress: string
  asked: string[]
  clock: Clock
}
export interface BundleApplication {
  number: string
  bundle_code: string
  bundle_version: number
  bundle_name: string
  applicant_kind: string
  applicant_name: string
  applicant_key: string
  channel: string
  state: 'draft' | 'in_progress' | 'correction' | 'done' | 'withdrawn'
  progress: string
  asked: string[]
  form: Record<string, unknown>
  prefill: Prefilled[]
  children: BundleChild[]
  created_at: string
  updated_at: string
}

const base = '/api/v1/services'
const enc = encodeURIComponent

export const services = {
  search: (q: Query) => api.get<Page<Guide>>(`${base}/items`, q),
  guide: (code: string) => api.get<Guide>(`${base}/items/${enc(code)}`),
  powerList: (department_id: number) => api.get<{ items: PowerEntry[] }>(`${base}/power-list`, { department_id }),
  managed: (q: Query) => api.get<Page<ManagedItem>>(`${base}/managed-items`, q),
  latest: (code: string) => api.get<Item>(`${base}/items/${enc(code)}/latest`),
  create: (body: object) => api.post<Item>(`${base}/items`, body),
  update: (code: string, body: object) => api.put<Item>(`${base}/items/${enc(code)}`, body),
  publish: (code: string) => api.post<Item>(`${base}/items/${enc(code)}/publish`),
  retire: (code: string) => api.post<Item>(`${base}/items/${enc(code)}/retire`),

  file: (body: { item_code: string; consent: boolean; form?: Record<string, unknown> }) => api.post<Case>(`${base}/cases`, body),
  get: (number: string) => api.get<Case>(`${base}/cases/${enc(number)}`),
  /** A transition: its route's name (accept, not-accept, request-correction, …). */
  act: (number: string, path: string, body: ActionBody = {}) => api.post<Case>(`${base}/cases/${enc(number)}/${path}`, body),
  claim: (number: string, step: number) => api.post<Case>(`${base}/cases/${enc(number)}/steps/${step}/claim`),
  complete: (number: string, step: number, body: { approve: boolean; opinion?: string }) =>
    api.post<Case>(`${base}/cases/${enc(number)}/steps/${step}/complete`, body),
  window: (q: Query) => api.get<Page<CaseRow>>(`${base}/worklists/window`, q),
  department: (q: Query) => api.get<Page<CaseRow>>(`${base}/worklists/department`, q),
  mine: (q: Query) => api.get<Page<CaseRow>>(`${base}/my-cases`, q),
  reminders: (q: Query) => api.get<Page<Reminder>>(`${base}/reminders`, q),

  bundles: (q: Query) => api.get<Page<BundleGuide>>(`${base}/bundles`, q),
  bundle: (code: string) => api.get<BundleGuide>(`${base}/bundles/${enc(code)}`),
  applyBundle: (body: { bundle_code: string; consent: boolean; form?: Record<string, unknown> }) =>
    api.post<BundleApplication>(`${base}/bundle-applications`, body),
  application: (number: string) => api.get<BundleApplication>(`${base}/bundle-applications/${enc(number)}`),
  submitApplication: (number: string) => api.post<BundleApplication>(`${base}/bundle-applications/${enc(number)}/submit`),
  withdrawApplication: (number: string, reason: string) =>
    api.post<BundleApplication>(`${base}/bundle-applications/${enc(number)}/withdraw`, { reason }),
  myApplications: (q: Query) => api.get<Page<BundleApplication>>(`${base}/my-bundle-applications`, q),

  attachments: (number: string) => api.get<AttachmentList>(`${base}/cases/${enc(number)}/attachments`),
  /** Uploads `file` (as `type`) for a material, or with kind 'result' as a result file; with progress. */
  uploadAttachment: (number: string, file: File, type: string, target: { material?: string; kind?: 'material' | 'result' }, onProgress: (p: UploadProgress) => void) =>
    upload<Attachment>(`${base}/cases/${enc(number)}/attachments`, file, type, onProgress, { kind: target.kind ?? 'material', material: target.material, file_name: file.name }),
  removeAttachment: (number: string, id: number) => api.del<void>(`${base}/cases/${enc(number)}/attachments/${id}`),
  /** The file's bytes (signed in: a plain link would not carry the token). */
  attachmentBlob: (number: string, id: number) => fetchBlob(`${base}/cases/${enc(number)}/attachments/${id}`),
}

/** The tag type of an alert badge. */
export function alertType(a: Alert): 'warning' | 'danger' {
  return a === 'warning' ? 'warning' : 'danger'
}

/**
 * The i18n key of a case's progress: the API says it in plain Chinese words (`progress`), and the
 * UI says the same in its language. Unknown words (a newer server) are shown as they come.
 */
const progressKeys = new Map(Object.entries(servicesZh.progressText).map(([k, v]) => [v, `services.progressText.${k}`]))
export function progressKey(progress: string): string | null {
  return progressKeys.get(progress) ?? null
}

/** "5 个工作日" style text is the page's; this gives the remaining days' tag type. */
export function remainingType(n: number | null | undefined): 'success' | 'warning' | 'danger' | 'info' {
  if (n === null || n === undefined) return 'info'
  if (n < 0) return 'danger'
  if (n <= 2) return 'warning'
  return 'success'
}

/** A time given as ms since the epoch or as ISO text, shown in Beijing time. */
export function anyTime(v: number | string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'number') {
    return new Date(v + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
  }
  return v.replace('T', ' ').replace(/\.\d+/, '').replace(/([+-]\d\d:\d\d|Z)$/, '')
}
