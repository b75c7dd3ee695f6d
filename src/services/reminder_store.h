// The reminder tables of one-stop services (催办 / 预警), the only SQL of reminders (migrations
// 630-639):
//   service_reminder            one row per case, stage and kind — (case_id, step_index, kind)
//                               unique, so a reminder is issued once whatever nodes and restarts
//                               do; step_index -1 is the decision stage (决定)
//   service_reminder_recipient  the departments a reminder is for (the stage's and the item's)
//   service_reminder_watch      the running cases the worker looks at next, and on which day:
//                               every transition marks its case due at once ('' = now) and moves
//                               `mark`, so a pass that read an older mark never overwrites it
// Times are milliseconds since the epoch; days 'YYYY-MM-DD'.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::services {

std::vector<db::Migration> reminder_migrations();

// One reminder as stored and listed.
struct Reminder {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string case_number;
  std::string item_code;
  std::string item_name;
  std::int64_t step_index = 0;  // -1: the decision
  std::string step_name;
  std::string kind;      // kReminderKinds
  std::string deadline;  // the deadline it is about (promised or statutory)
  std::int64_t issued_at = 0;
};

// A case the worker is to look at.
struct Watch {
  std::int64_t case_id = 0;
  std::int64_t mark = 0;
  std::string number;
};

namespace store {

// Marks the case due for the worker now (a transition, a recomputed deadline).
Status watch_case(db::Connection& conn, std::int64_t case_id);
// Cases due on or before `day`, oldest due first.
Result<std::vector<Watch>> due_watches(db::Connection& conn, std::string_view day, int limit);
// Next look at `day`, or none (nullopt: the row goes), unless the mark moved meanwhile.
Status reschedule_watch(db::Connection& conn, const Watch& w, std::optional<std::string> day);

// Inserts the reminder unless one of its case, stage and kind exists. Success: its id when it
// was inserted, nullopt when it existed.
Result<std::optional<std::int64_t>> insert_reminder(db::Connection& conn, const Reminder& r);
Status add_recipient(db::Connection& conn, std::int64_t reminder_id, std::int64_t department);

struct ReminderFilter {
  std::optional<std::int64_t> department_id;  // unset: every department's (city scope)
  std::optional<std::string> kind;
  std::optional<std::string> case_number;
  std::int64_t before = 0;
  int limit = 50;
};
// Reminders newest first, keyset paged by id.
Result<std::vector<Reminder>> reminders(db::Connection& conn, const ReminderFilter& filter);

}  // namespace store

}  // namespace zt::services
