#include "services/reminder_service.h"

#include "db/transaction.h"
#include "identity/permissions.h"
#include "identity/scope.h"
#include "services/store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::services {

namespace json = boost::json;

namespace {

// The first day after `today` on which another reminder may fall due, or nullopt when none
// can (every deadline's day is over): the day after each deadline, and the day the promised
// deadline comes within the warning.
std::optional<std::string> next_look(const CaseClock& clock, const core::WorkingCalendar& calendar,
                                     core::Date today, std::int64_t promised_limit,
                                     int warning_days) {
  std::optional<core::Date> next;
  auto consider = [&](core::Date d) {
    if (d > today && (!next || d < *next)) next = d;
  };
  for (const auto& deadline : {clock.promised_deadline, clock.statutory_deadline}) {
    if (!deadline) continue;
    if (auto d = core::parse_iso_date(*deadline)) consider(*d + std::chrono::days{1});
  }
  if (promised_limit > 0 && clock.promised_remaining && *clock.promised_remaining > warning_days) {
    auto d = calendar.deadline(today, int(*clock.promised_remaining - warning_days));
    if (d.ok()) consider(d->date);
  }
  if (!next) return std::nullopt;
  return core::format_iso_date(*next);
}

}  // namespace

ReminderService::ReminderService(db::Database& db, audit::AuditLog& audit,
                                 calendar::CalendarService& calendar, const core::Clock& clock,
                                 int warning_days)
    : db_(db), audit_(audit), calendar_(calendar), clock_(clock), warning_days_(warning_days) {}

Result<std::int64_t> ReminderService::issue_due(int batch) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  const core::TimePoint at = clock_.now();
  const std::int64_t now = core::to_millis(at);
  const core::Date today{core::china_date(at)};
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto due, store::due_watches(conn, core::format_iso_date(today), batch));
  // One transaction per case: its reminders (and their audit records, under the chain's lock),
  // then its watch row — the order transitions lock them in.
  for (const Watch& w : due) {
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto next, look_at(conn, w, *snap.calendar, today, now));
    ZT_TRY(store::reschedule_watch(conn, w, std::move(next)));
    ZT_TRY(tx.commit());
  }
  return std::int64_t(due.size());
}

Result<std::optional<std::string>> ReminderService::look_at(db::Connection& conn, const Watch& w,
                                                            const core::WorkingCalendar& calendar,
                                                            core::Date today, std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(auto found, store::find_case(conn, w.number));
  if (!found) return std::optional<std::string>();
  const Case& c = *found;
  // Only these run on the clock; a paused case (补正, special procedure) is marked again when it
  // resumes, a decided or ended one never again.
  if (c.state != state::kInReview && c.state != state::kDeciding) {
    return std::optional<std::string>();
  }
  const std::int64_t ids[] = {c.id};
  ZT_ASSIGN_OR_RETURN(auto pauses, store::pauses(conn, ids));
  const CaseClock clock = clock_of(c, pauses, calendar, now);
  if (!clock.running || clock.paused) return std::optional<std::string>();

  // The stage and whom it is for: the current step's departments (并联: each), and the item's.
  std::int64_t stage = -1;
  std::string stage_name = "作出决定";
  std::vector<std::int64_t> departments{c.department_id};
  if (c.state == state::kInReview) {
    stage = c.step_index;
    ZT_ASSIGN_OR_RETURN(auto steps, store::steps(conn, c.id));
    for (const CaseStep& s : steps) {
      if (s.step_index != c.step_index || (s.state != "waiting" && s.state != "claimed")) {
        continue;
      }
      stage_name = s.name;
      if (std::find(departments.begin(), departments.end(), s.department_id) == departments.end()) {
        departments.push_back(s.department_id);
      }
    }
  }
  for (std::string_view kind : alerts_of(clock, today, c.promised_limit, warning_days_)) {
    Reminder r{.case_id = c.id,
               .case_number = c.number,
               .item_code = c.item_code,
               .item_name = c.item_name,
               .step_index = stage,
               .step_name = stage_name,
               .kind = std::string(kind),
               .deadline = kind == "overdue" ? clock.statutory_deadline.value_or("")
                                             : clock.promised_deadline.value_or(""),
               .issued_at = now};
    ZT_ASSIGN_OR_RETURN(auto id, store::insert_reminder(conn, r));
    if (!id) continue;  // issued before (by this node or another)
    for (std::int64_t d : departments)
      ZT_TRY(store::add_recipient(conn, *id, d));
    audit::AuditEntry e = audit::AuditEntry::of("services.reminder.issue", "case", c.number, {});
    e.by_system("services");
    e.detail = json::serialize(
        json::object{{"kind", r.kind},
                     {"step_index", stage},
                     {"step", stage_name},
                     {"deadline", r.deadline},
                     {"departments", json::array(departments.begin(), departments.end())}});
    ZT_TRY(audit_.append(conn, std::move(e)));
  }
  return next_look(clock, calendar, today, c.promised_limit, warning_days_);
}

Result<std::vector<Reminder>> ReminderService::list(const core::Principal& actor,
                                                    store::ReminderFilter filter) {
  if (identity::has_city_scope(actor)) {
    filter.department_id.reset();
  } else if (actor.has_permission(identity::permission::kCasesRead) && actor.department_id) {
    filter.department_id = *actor.department_id;
  } else {
    return Error::forbidden("forbidden",
                            "Reminders are for the departments' staff (services.cases.read).");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return store::reminders(conn, filter);
}

}  // namespace zt::services
