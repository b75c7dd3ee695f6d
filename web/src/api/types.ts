// Shapes of the API's JSON, as the OpenAPI document describes them (/api/openapi.json).

export interface Page<T> {
  items: T[]
  next_cursor: string | number | null
  total?: number
}

export interface User {
  id: number
  username: string
  kind: 'citizen' | 'enterprise' | 'staff'
  display_name: string
  id_number?: string | null
  uscc?: string | null
  responsible_person?: string | null
  department_id?: number | null
  roles: string[]
  disabled: boolean
  must_change_password: boolean
  totp_enabled: boolean
  password_changed_at?: string | null
  created_at: string
  updated_at: string
  permissions?: string[]
}

export interface LoginAnswer {
  token: string
  expires_at: string
  user: User
  totp_enrolment_required: boolean
}

export interface Department {
  id: number
  code: string
  name: string
  division_code: string
  parent_id: number | null
  version: number
}

export type FieldType =
  | 'string' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'enum'
  | 'id_number' | 'uscc' | 'division_code' | 'phone' | 'email'
export type Mask = 'none' | 'id_number' | 'phone' | 'name' | 'hidden'

export interface Field {
  name: string
  label?: string
  type: FieldType
  required?: boolean
  max_length?: number | null
  enum_values?: string[]
  key?: boolean
  indexed?: boolean
  personal?: boolean
  mask?: Mask
}

export type ShareType = 'unconditional' | 'conditional' | 'none'
export type ShareMode = 'api' | 'table' | 'file'
export type OpenType = 'open' | 'conditional' | 'closed'
export type Category = 'base' | 'theme' | 'department'
export type UpdateCycle = 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular'
export type ResourceStatus = 'draft' | 'published' | 'retired'

export interface ResourceInput {
  code: string
  name: string
  department_id?: number
  category?: Category
  summary?: string
  format?: string
  share_type?: ShareType
  share_condition?: string
  share_mode?: ShareMode
  open_type?: OpenType
  open_condition?: string
  update_cycle?: UpdateCycle
  related?: string[]
  keywords?: string[]
  fields: Field[]
  version?: number
}

export interface Resource extends ResourceInput {
  id: number
  department_id: number
  department_name: string
  publish_date: string | null
  status: ResourceStatus
  version: number
  created_by: number
  created_at: string
  updated_at: string
  published_at: string | null
  retired_at: string | null
}

export interface FacetCount {
  value: string
  count: number
  label?: string
}

export interface SearchAnswer extends Page<Resource> {
  total: number
  facets: Record<string, FacetCount[]>
}

export interface ResourceVersion {
  version: number
  action: 'create' | 'update' | 'publish' | 'retire'
  changes: string[]
  changed_by: number
  changed_at: string
  resource: Resource
}
