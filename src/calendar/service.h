// CalendarService: the working-day calendar (工作日历) as the platform keeps it — the Chinese
// public holidays and 调休 make-up working days of the npm package chinese-days (imported at
// start), years an administrator loads from a schedule file (schedule.h) when the package does not
// have them yet, and the days an administrator changes — and the statutory clock on it
// (core/working_calendar.h).
//
// Who: reading the calendar and computing deadlines is public. Changing a day (set_day) and
// loading a schedule need calendar.manage (the data administrator, data_admin); each is audited
// (calendar.day.set, calendar.schedule.load; the package import at start: calendar.package.import
// by the system).
//
// Staleness and changes: every change raises the calendar's epoch (stored, so every node sees
// it). snapshot() reads the epoch and rebuilds its cached calendar when it moved, so a change on
// one node is in force on all of them at their next call. A module whose stored deadlines depend
// on the calendar (cases) keeps the epoch it computed them with and recomputes those computed
// under an older one; on this node it may also register on_change() to hear of a change at once,
// with the dates it touched.
//
// Precedence: an administrator's change of a day wins over the listed days; a year loaded from a
// file keeps the file's days — the package never overwrites it — until loaded again.
//
// Errors: 400 "invalid_date" (not YYYY-MM-DD, or a year outside 1900..2199), "invalid_range" (to
// before from), "range_too_large" (more than kMaxRangeDays days), "invalid_working_days",
// "invalid_pause", "invalid_schedule", "invalid_body" (a reason missing or too long); 403
// "forbidden" without calendar.manage.
//
// Thread-safety: all methods may be called from many threads at once; on_change listeners are
// registered before the service is shared and called on the thread that made the change, after it
// committed.
#pragma once

#include "audit/service.h"
#include "calendar/schedule.h"
#include "calendar/store.h"
#include "core/principal.h"
#include "core/request_context.h"
#include "core/time.h"
#include "core/working_calendar.h"
#include "db/database.h"

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

namespace zt::calendar {

// The most days one listing answers (GET /api/v1/calendar/days): a leap year.
inline constexpr int kMaxRangeDays = 366;
inline constexpr std::size_t kMaxReasonBytes = 200;

// A calendar as of one epoch.
struct CalendarSnapshot {
  std::shared_ptr<const core::WorkingCalendar> calendar;
  std::int64_t epoch = 0;
};

// What a change touched: the days first..last may have changed, and the epoch is now `epoch`.
struct CalendarChange {
  std::int64_t epoch = 0;
  core::Date first;
  core::Date last;
};

// The calendar's coverage: which years are covered, by what, and the epoch.
struct Coverage {
  std::int64_t epoch = 0;
  std::vector<CoveredYear> years;
  // The last day of the last covered year; a limit running past it is calendar_incomplete.
  std::optional<std::string> last_covered_day;
};

// A deadline as the route answers it.
struct DeadlineAnswer {
  core::Date start;
  int working_days = 0;
  core::Deadline deadline;
};

// "2024-10-01" → the date. Failure: invalid "invalid_date" naming `what` (the parameter), for text
// that is not YYYY-MM-DD of a real day of 1900..2199.
Result<core::Date> parse_date(std::string_view text, std::string_view what);

class CalendarService {
 public:
  CalendarService(db::Database& db, audit::AuditLog& audit, const core::Clock& clock);

  // Imports the package data compiled in (package_data.h) unless it was imported already: each of
  // its years replaces that year's listed days, except years loaded from a file. At most one
  // node imports a given package version. Success: whether anything was imported.
  Result<bool> import_package();
  // Imports `schedule` as the package's (tests, and import_package()).
  Result<bool> import_package(const Schedule& schedule, std::string_view text);

  // The calendar in force (one read of the epoch; a rebuild only when it moved).
  Result<CalendarSnapshot> snapshot();
  // The days from..to (both included).
  Result<std::vector<core::CalendarDay>> days(core::Date from, core::Date to);
  // The working_days-th working day after start, pauses not counted (core::WorkingCalendar).
  Result<DeadlineAnswer> deadline(core::Date start, int working_days,
                                  std::span<const core::Pause> pauses = {});
  Result<Coverage> coverage();

  // Marks one day working or not, with a reason (1 to kMaxReasonBytes). Success: the day as the
  // calendar now has it.
  Result<core::CalendarDay> set_day(const core::Principal& actor, core::Date date, bool working,
                                    std::string reason, const core::RequestContext& context);
  // Loads the years of a schedule file: each replaces that year's listed days (the package's
  // too) and is covered from then on. Success: the coverage after it.
  Result<Coverage> load_schedule(const core::Principal& actor, const Schedule& schedule,
                                 const core::RequestContext& context);

  // Registers a listener for changes made through this service (this node).
  void on_change(std::function<void(const CalendarChange&)> listener);

 private:
  void notify(const CalendarChange& change);

  db::Database& db_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;
  std::mutex mutex_;  // guards cached_ and listeners_
  CalendarSnapshot cached_;
  std::vector<std::function<void(const CalendarChange&)>> listeners_;
};

}  // namespace zt::calendar
