// Small display helpers shared by the pages.

/** An ISO 8601 time as "2026-11-30 11:02:28" (the API's +08:00 wall clock). */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—'
  return iso.replace('T', ' ').replace(/\.\d+/, '').replace(/([+-]\d\d:\d\d|Z)$/, '')
}

export function percent(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  return `${(v * 100).toFixed(1)}%`
}

export function splitList(s: string): string[] {
  return s.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean)
}

/**
 * A header value the browser may send: fetch allows only bytes (code points up to 0xFF), so
 * Chinese text such as a read's purpose goes as its UTF-8 bytes, which the server reads as UTF-8.
 */
export function headerText(s: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => String.fromCharCode(b)).join('')
}

/** The last `n` days as YYYY-MM-DD in Beijing time (as the API counts days), oldest first. */
export function lastDays(n: number): string[] {
  const out: string[] = []
  const now = Date.now() + 8 * 3600_000
  for (let i = n - 1; i >= 0; i--) out.push(new Date(now - i * 86400_000).toISOString().slice(0, 10))
  return out
}

/**
 * The label of a coded value (an enum field's value such as `married` or `bachelor`) in the
 * current language, from the i18n messages `codes.<field>.<value>`; the value itself when no
 * label is known.
 */
export function codeLabel(
  i18n: { t: (key: string) => string; te: (key: string) => boolean },
  field: string,
  value: string,
): string {
  const key = `codes.${field}.${value}`
  return i18n.te(key) ? i18n.t(key) : value
}
