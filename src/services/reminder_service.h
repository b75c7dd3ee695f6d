// ReminderService: reminders of a case's deadlines (催办 / 预警) for the departments handling it.
//
// Issued by the services worker (worker.h, lease-claimed: one node at a time) for every running
// case whose clock runs (in review or waiting for the decision, not paused): 预警 `warning` when
// the promised deadline is `warning_days` working days away or less, `promised_overdue` once the
// promised deadline's day is over, 超期 `overdue` once the statutory deadline's day is over
// (model.h alerts_of). Each exactly once per case, stage and kind — the current step (its index),
// or the decision (-1) — by a unique key, whatever nodes and restarts do; each is for the stage's
// departments and the item's department, and audited as services.reminder.issue by the system
// ("services"). The worker looks at a case when a transition or a recomputed deadline marks it,
// and then on the next day a reminder can fall due (reminder_store.h service_reminder_watch), so
// a pass costs the cases that changed or fall due, not every running case.
//
// Listing: officers (services.cases.read) see their department's reminders; city-scope
// principals (supervision) see every department's. Errors: 403 "forbidden".
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "calendar/service.h"
#include "core/principal.h"
#include "db/database.h"
#include "services/model.h"
#include "services/reminder_store.h"

#include <optional>
#include <string>
#include <vector>

namespace zt::services {

class ReminderService {
 public:
  ReminderService(db::Database& db, audit::AuditLog& audit, calendar::CalendarService& calendar,
                  const core::Clock& clock, int warning_days = kDefaultWarningDays);

  // One batch of the cases due now: issues what is due and schedules each case's next look.
  // Success: how many cases it looked at (`batch`: more may be waiting).
  Result<std::int64_t> issue_due(int batch = 200);

  // Reminders for the actor's department, newest first (every department's for city scope).
  Result<std::vector<Reminder>> list(const core::Principal& actor, store::ReminderFilter filter);

  int warning_days() const { return warning_days_; }

 private:
  // Issues what is due for the watched case; its next day to look, or nullopt for none.
  Result<std::optional<std::string>> look_at(db::Connection& conn, const Watch& w,
                                             const core::WorkingCalendar& calendar,
                                             core::Date today, std::int64_t now);

  db::Database& db_;
  audit::AuditLog& audit_;
  calendar::CalendarService& calendar_;
  const core::Clock& clock_;
  const int warning_days_;
};

}  // namespace zt::services
