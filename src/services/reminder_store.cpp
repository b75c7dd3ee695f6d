#include "services/reminder_store.h"

#include "db/rows.h"

#include <fmt/format.h>

#include <limits>

namespace zt::services {

std::vector<db::Migration> reminder_migrations() {
  // The running cases of a database made before reminders are due at once.
  return {{.version = 630, .name = "create_service_reminders", .sql = R"sql(
CREATE TABLE service_reminder (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES service_case (id),
  case_number TEXT NOT NULL,
  item_code TEXT NOT NULL,
  item_name TEXT NOT NULL,
  step_index BIGINT NOT NULL,
  step_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  deadline TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  UNIQUE (case_id, step_index, kind)
);
CREATE TABLE service_reminder_recipient (
  reminder_id BIGINT NOT NULL REFERENCES service_reminder (id),
  department_id BIGINT NOT NULL,
  PRIMARY KEY (department_id, reminder_id)
);
CREATE TABLE service_reminder_watch (
  case_id BIGINT PRIMARY KEY REFERENCES service_case (id),
  mark BIGINT NOT NULL,
  check_day TEXT NOT NULL
);
CREATE INDEX service_reminder_watch_due ON service_reminder_watch (check_day, case_id);
INSERT INTO service_reminder_watch (case_id, mark, check_day)
  SELECT id, 1, '' FROM service_case WHERE state IN ('in_review', 'deciding');
)sql"}};
}

namespace store {

namespace {

constexpr std::string_view kReminderColumns =
    "r.id, r.case_id, r.case_number, r.item_code, r.item_name, r.step_index, r.step_name, "
    "r.kind, r.deadline, r.issued_at";

Reminder reminder_of(const db::Row& row) {
  Reminder r;
  db::into(row, r.id, r.case_id, r.case_number, r.item_code, r.item_name, r.step_index, r.step_name,
           r.kind, r.deadline, r.issued_at);
  return r;
}

}  // namespace

Status watch_case(db::Connection& conn, std::int64_t case_id) {
  return db::done(conn.exec(
      "INSERT INTO service_reminder_watch (case_id, mark, check_day) VALUES (?, 1, '') "
      "ON CONFLICT (case_id) DO UPDATE SET mark = service_reminder_watch.mark + 1, check_day = ''",
      case_id));
}

Result<std::vector<Watch>> due_watches(db::Connection& conn, std::string_view day, int limit) {
  return db::map_rows<Watch>(
      conn.query(fmt::format("SELECT w.case_id, w.mark, c.number FROM service_reminder_watch w "
                             "JOIN service_case c ON c.id = w.case_id WHERE w.check_day <= ? "
                             "ORDER BY w.check_day, w.case_id LIMIT {}",
                             limit),
                 day),
      [](const db::Row& row) {
        Watch w;
        db::into(row, w.case_id, w.mark, w.number);
        return w;
      });
}

Status reschedule_watch(db::Connection& conn, const Watch& w, std::optional<std::string> day) {
  if (!day) {
    return db::done(conn.exec("DELETE FROM service_reminder_watch WHERE case_id = ? AND mark = ?",
                              w.case_id, w.mark));
  }
  return db::done(
      conn.exec("UPDATE service_reminder_watch SET check_day = ? WHERE case_id = ? AND mark = ?",
                *day, w.case_id, w.mark));
}

Result<std::optional<std::int64_t>> insert_reminder(db::Connection& conn, const Reminder& r) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query("INSERT INTO service_reminder (case_id, case_number, item_code, item_name, "
                 "step_index, step_name, kind, deadline, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                 "?, ?) ON CONFLICT (case_id, step_index, kind) DO NOTHING RETURNING id",
                 r.case_id, r.case_number, r.item_code, r.item_name, r.step_index, r.step_name,
                 r.kind, r.deadline, r.issued_at));
  if (rows.empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(rows[0].get<std::int64_t>(0));
}

Status add_recipient(db::Connection& conn, std::int64_t reminder_id, std::int64_t department) {
  return db::done(
      conn.exec("INSERT INTO service_reminder_recipient (reminder_id, department_id) VALUES (?, ?) "
                "ON CONFLICT (department_id, reminder_id) DO NOTHING",
                reminder_id, department));
}

Result<std::vector<Reminder>> reminders(db::Connection& conn, const ReminderFilter& f) {
  std::vector<db::Param> params;
  std::string sql;
  if (f.department_id) {
    sql = fmt::format(
        "SELECT {} FROM service_reminder_recipient x JOIN service_reminder r ON r.id = "
        "x.reminder_id WHERE x.department_id = ?",
        kReminderColumns);
    params.emplace_back(*f.department_id);
  } else {
    sql = fmt::format("SELECT {} FROM service_reminder r WHERE 1 = 1", kReminderColumns);
  }
  if (f.kind) {
    sql += " AND r.kind = ?";
    params.emplace_back(*f.kind);
  }
  if (f.case_number) {
    sql += " AND r.case_number = ?";
    params.emplace_back(*f.case_number);
  }
  sql += " AND r.id < ? ORDER BY r.id DESC LIMIT " + std::to_string(f.limit);
  params.emplace_back(f.before > 0 ? f.before : std::numeric_limits<std::int64_t>::max());
  return db::map_rows<Reminder>(conn.query(sql, std::span<const db::Param>(params)), reminder_of);
}

}  // namespace store

}  // namespace zt::services
