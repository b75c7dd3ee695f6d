// A small typed client for Zhengtong's REST API (/api/v1). Every failure becomes an ApiError
// carrying the problem+json fields, so pages show the API's readable `detail`, never raw JSON.

export interface Problem {
  type?: string
  title?: string
  status: number
  detail?: string
  code?: string
  [extra: string]: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly problem: Problem

  constructor(problem: Problem) {
    const detail = problem.detail || problem.title || `HTTP ${problem.status}`
    super(detail)
    this.status = problem.status
    this.code = problem.code ?? ''
    this.detail = detail
    this.problem = problem
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  query?: Query
  body?: unknown
  headers?: Record<string, string>
  /** Do not sign the user out on 401 (the sign-in call itself). */
  noAuthRedirect?: boolean
}

let token: string | null = null
let onUnauthorized: ((p: ApiError) => void) | null = null
let onSetupRequired: ((p: ApiError) => void) | null = null

export function setToken(t: string | null) {
  token = t
}
export function getToken() {
  return token
}
/** Called when a signed-in request answers 401 (session expired or ended elsewhere). */
export function setUnauthorizedHandler(h: (p: ApiError) => void) {
  onUnauthorized = h
}
/** Called on 403 password_change_required / totp_enrolment_required (e.g. a password expired). */
export function setSetupRequiredHandler(h: (p: ApiError) => void) {
  onSetupRequired = h
}
const kSetupCodes = ['password_change_required', 'totp_enrolment_required']

export function buildUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.append(k, String(v))
  }
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

/** Turns a non-2xx answer's body into a Problem, whatever its content type. */
export function problemFrom(status: number, statusText: string, text: string): Problem {
  try {
    const parsed = JSON.parse(text)
    if (parsed && typeof parsed === 'object') {
      return { status, ...(parsed as object) } as Problem
    }
  } catch {
    /* not JSON: fall through */
  }
  return { status, title: statusText || `HTTP ${status}`, detail: statusText || `HTTP ${status}` }
}

function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {}
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(), ...opts.headers }
  let body: BodyInit | undefined
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || opts.body instanceof Blob) {
      body = opts.body
    } else {
      body = JSON.stringify(opts.body)
      headers['Content-Type'] = 'application/json'
    }
  }
  let response: Response
  try {
    response = await fetch(buildUrl(path, opts.query), { method, headers, body })
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network_error', detail: String((e as Error).message || e) })
  }
  const text = await response.text()
  if (!response.ok) {
    const err = new ApiError(problemFrom(response.status, response.statusText, text))
    if (response.status === 401 && token && !opts.noAuthRedirect && onUnauthorized) onUnauthorized(err)
    if (response.status === 403 && kSetupCodes.includes(err.code) && onSetupRequired) onSetupRequired(err)
    throw err
  }
  if (!text) return undefined as T
  const type = response.headers.get('Content-Type') ?? ''
  if (type.includes('json')) return JSON.parse(text) as T
  return text as unknown as T
}

export const api = {
  get: <T>(path: string, query?: Query, headers?: Record<string, string>) =>
    request<T>('GET', path, { query, headers }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) =>
    request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
}

export interface UploadProgress {
  loaded: number
  total: number
}

/**
 * Uploads a file with XMLHttpRequest so the page can show upload progress (fetch cannot).
 * Resolves with the parsed JSON answer; rejects with an ApiError.
 */
export function upload<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (p: UploadProgress) => void,
  query?: Query,
): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', buildUrl(path, query))
    xhr.setRequestHeader('Content-Type', contentType)
    xhr.setRequestHeader('Accept', 'application/json')
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size })
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T)
        } catch {
          reject(new ApiError({ status: xhr.status, code: 'bad_answer', detail: 'The answer is not JSON.' }))
        }
        return
      }
      const err = new ApiError(problemFrom(xhr.status, xhr.statusText, xhr.responseText))
      if (xhr.status === 401 && onUnauthorized) onUnauthorized(err)
      reject(err)
    }
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error', detail: 'Network error' }))
    xhr.onabort = () => reject(new ApiError({ status: 0, code: 'aborted', detail: 'Aborted' }))
    xhr.send(file)
  })
  return { promise, abort: () => xhr.abort() }
}

/** A signed-in GET of a file: its bytes as a Blob; rejects with an ApiError. */
export async function fetchBlob(path: string): Promise<Blob> {
  let response: Response
  try {
    response = await fetch(path, { headers: { Accept: '*/*', ...authHeaders() } })
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network_error', detail: String((e as Error).message || e) })
  }
  if (!response.ok) {
    const err = new ApiError(problemFrom(response.status, response.statusText, await response.text()))
    if (response.status === 401 && token && onUnauthorized) onUnauthorized(err)
    throw err
  }
  return response.blob()
}

/** Saves `blob` as a download named `name` (the browser's own download, from memory). */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** A readable message for anything thrown by the client. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.detail
  if (e instanceof Error) return e.message
  return String(e)
}
