#include "calendar/store.h"

#include "db/rows.h"

#include <fmt/format.h>

namespace zt::calendar {

std::vector<db::Migration> migrations() {
  return {{.version = 1100, .name = "create_calendar_tables", .sql = R"sql(
CREATE TABLE calendar_day (
  day TEXT PRIMARY KEY,
  year BIGINT NOT NULL,
  working BOOLEAN NOT NULL,
  name TEXT NOT NULL
);
CREATE INDEX calendar_day_year ON calendar_day (year);
CREATE TABLE calendar_year (
  year BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  loaded_at BIGINT NOT NULL
);
CREATE TABLE calendar_override (
  day TEXT PRIMARY KEY,
  working BOOLEAN NOT NULL,
  reason TEXT NOT NULL,
  changed_by BIGINT,
  changed_by_name TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
CREATE TABLE calendar_state (
  id BIGINT PRIMARY KEY,
  epoch BIGINT NOT NULL,
  package_digest TEXT NOT NULL
);
INSERT INTO calendar_state (id, epoch, package_digest) VALUES (1, 0, '');
)sql"}};
}

namespace store {

namespace {

// Rows per INSERT of a year's days (4 parameters each).
constexpr std::size_t kInsertBatch = 100;

CoveredYear year_of(const db::Row& row) {
  CoveredYear y;
  db::into(row, y.year, y.kind, y.source, y.loaded_at);
  return y;
}

Override override_of(const db::Row& row) {
  Override o;
  db::into(row, o.date, o.working, o.reason, o.changed_by, o.changed_by_name, o.changed_at);
  return o;
}

Result<core::ListedDay> listed_of(const db::Row& row) {
  core::ListedDay d;
  std::string date;
  db::into(row, date, d.working, d.name, d.source);
  auto parsed = core::parse_iso_date(date);
  if (!parsed) return Error::internal("bad_calendar_row", fmt::format("Stored day '{}'.", date));
  d.date = *parsed;
  return d;
}

Status insert_days(db::Connection& conn, int year, const std::vector<ScheduleDay>& days,
                   bool working) {
  for (std::size_t at = 0; at < days.size(); at += kInsertBatch) {
    const std::size_t n = std::min(kInsertBatch, days.size() - at);
    std::vector<std::string> dates;
    dates.reserve(n);
    std::vector<db::Param> params;
    params.reserve(n * 4);
    std::string sql = "INSERT INTO calendar_day (day, year, working, name) VALUES ";
    for (std::size_t i = 0; i < n; ++i) {
      dates.push_back(core::format_iso_date(days[at + i].date));
      sql += i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
    }
    for (std::size_t i = 0; i < n; ++i) {
      params.emplace_back(dates[i]);
      params.emplace_back(std::int64_t(year));
      params.emplace_back(working);
      params.emplace_back(days[at + i].name);
    }
    ZT_TRY(db::done(conn.exec(sql, std::span<const db::Param>(params))));
  }
  return {};
}

}  // namespace

Result<std::int64_t> epoch(db::Connection& conn) {
  return db::scalar<std::int64_t>(conn.query("SELECT epoch FROM calendar_state WHERE id = 1"));
}

Result<std::int64_t> bump_epoch(db::Connection& conn) {
  return db::scalar<std::int64_t>(
      conn.query("UPDATE calendar_state SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch"));
}

Result<bool> claim_package(db::Connection& conn, std::string_view digest) {
  ZT_ASSIGN_OR_RETURN(auto changed,
                      conn.exec("UPDATE calendar_state SET package_digest = ? WHERE id = 1 AND "
                                "package_digest <> ?",
                                digest, digest));
  return changed > 0;
}

Result<std::vector<CoveredYear>> years(db::Connection& conn) {
  return db::map_rows<CoveredYear>(
      conn.query("SELECT year, kind, source, loaded_at FROM calendar_year ORDER BY year"), year_of);
}

Result<std::optional<CoveredYear>> find_year(db::Connection& conn, std::int64_t year) {
  return db::first_row<CoveredYear>(
      conn.query("SELECT year, kind, source, loaded_at FROM calendar_year WHERE year = ?", year),
      year_of);
}

Status replace_year(db::Connection& conn, const ScheduleYear& year, std::string_view kind,
                    std::string_view source, std::int64_t now) {
  ZT_TRY(db::done(conn.exec("DELETE FROM calendar_day WHERE year = ?", std::int64_t(year.year))));
  ZT_TRY(insert_days(conn, year.year, year.off, false));
  ZT_TRY(insert_days(conn, year.year, year.working, true));
  return db::done(
      conn.exec("INSERT INTO calendar_year (year, kind, source, loaded_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (year) DO UPDATE SET kind = excluded.kind, source = excluded.source, "
                "loaded_at = excluded.loaded_at",
                std::int64_t(year.year), kind, source, now));
}

Result<std::vector<core::ListedDay>> listed_days(db::Connection& conn) {
  ZT_ASSIGN_OR_RETURN(auto base,
                      conn.query("SELECT d.day, d.working, d.name, y.kind FROM calendar_day d "
                                 "JOIN calendar_year y ON y.year = d.year ORDER BY d.day"));
  ZT_ASSIGN_OR_RETURN(auto overrides,
                      conn.query(fmt::format("SELECT day, working, reason, '{}' FROM "
                                             "calendar_override ORDER BY day",
                                             kOverrideSource)));
  std::vector<core::ListedDay> out;
  out.reserve(base.size() + overrides.size());
  for (const db::Rows* rows : {&base, &overrides}) {
    for (std::size_t i = 0; i < rows->size(); ++i) {
      ZT_ASSIGN_OR_RETURN(auto d, listed_of((*rows)[i]));
      out.push_back(std::move(d));
    }
  }
  return out;
}

Result<std::optional<Override>> find_override(db::Connection& conn, std::string_view date) {
  return db::first_row<Override>(
      conn.query("SELECT day, working, reason, changed_by, changed_by_name, changed_at FROM "
                 "calendar_override WHERE day = ?",
                 date),
      override_of);
}

Status put_override(db::Connection& conn, const Override& o) {
  return db::done(
      conn.exec("INSERT INTO calendar_override (day, working, reason, changed_by, changed_by_name, "
                "changed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET working = "
                "excluded.working, reason = excluded.reason, changed_by = excluded.changed_by, "
                "changed_by_name = excluded.changed_by_name, changed_at = excluded.changed_at",
                o.date, o.working, o.reason, o.changed_by, o.changed_by_name, o.changed_at));
}

}  // namespace store

}  // namespace zt::calendar
