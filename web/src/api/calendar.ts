// The working-day calendar (工作日历, /api/v1/calendar, src/calendar/api.cpp): coverage, days,
// an administrator's change of a day, a schedule file loaded, and the deadline of a limit.
import { api } from './client'

export interface CalendarDay {
  date: string
  working: boolean
  name: string | null
  source: 'package' | 'schedule' | 'override' | 'weekdays' | 'uncovered'
}
export interface CoveredYear {
  year: number
  kind: 'package' | 'schedule'
  source: string
  loaded_at: string
}
export interface Coverage {
  epoch: number
  last_covered_day: string | null
  years: CoveredYear[]
}
export interface Deadline {
  start: string
  working_days: number
  deadline: string
  calendar_incomplete: boolean
}

const base = '/api/v1/calendar'
export const calendar = {
  coverage: () => api.get<Coverage>(base),
  days: (from: string, to: string) => api.get<{ items: CalendarDay[] }>(`${base}/days`, { from, to }),
  setDay: (date: string, working: boolean, reason: string) => api.put<CalendarDay>(`${base}/days/${date}`, { working, reason }),
  loadSchedule: (schedule: unknown) => api.post<Coverage>(`${base}/schedules`, schedule),
  deadline: (start: string, working_days: number) => api.get<Deadline>(`${base}/deadline`, { start, working_days }),
}
