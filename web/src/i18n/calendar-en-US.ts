// The calendar page in English (typed against calendar-zh-CN.ts).
import type zh from './calendar-zh-CN'

const calendar: typeof zh = {
  title: 'Working-day calendar', intro: 'Public holidays and make-up working days: case limits count working days. A day can be made working or not (with a reason, audited); the deadlines of running cases move with it.',
  coverage: 'Coverage', lastCovered: 'Covered to {day}', notCovered: 'Not covered', years: 'Covered years', kind: 'Kind', source: 'Source', loadedAt: 'Loaded',
  kinds: { package: 'Package', schedule: 'Loaded by an administrator' },
  incomplete: '{year} is not covered yet: a limit running past the covered days is counted on weekdays and flagged "past the calendar".',
  month: 'Month', prev: 'Previous', next: 'Next', today: 'This month',
  weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun',
  working: 'Working day', off: 'Day off', holiday: 'Holiday', makeUp: 'Make-up working day', override: 'Changed',
  sources: { package: 'Package', schedule: 'Loaded schedule', override: "Administrator's change", weekdays: 'Ordinary day', uncovered: 'Not covered' },
  day: 'Day', markWorking: 'Make it a working day', markOff: 'Make it a day off', reason: 'Reason', reasonRequired: 'Please give a reason', changed: '{date} is now a {what}',
  loadTitle: "Load a year's schedule", loadIntro: "When the State Council has announced next year's holidays and the package has not caught up, load a schedule file (JSON, as below; each year listed replaces that year, administrators' single-day changes stay).",
  loadFile: 'Choose a file', loadButton: 'Load', loaded: 'Loaded: {years}', badFile: 'The file is not valid JSON: {e}',
  deadlineTitle: 'Deadline calculator', start: 'Start (day of acceptance)', workingDays: 'Working days', compute: 'Compute', deadline: 'Deadline', deadlineIs: 'Working day {n}: {deadline}',
  startNote: 'The day of acceptance does not count; the limit starts the day after (Administrative Licensing Law, art. 82).',
}
export default calendar
