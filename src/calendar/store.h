// The calendar's tables, the only file with their SQL (migrations 1100-1199):
//   calendar_day      the listed days of the covered years, from the package or a loaded file
//   calendar_year     the covered years: which kind (package / schedule) and source gave them
//   calendar_override the days an administrator changed (they win over calendar_day)
//   calendar_state    one row: the epoch (raised by every change, so that every node and every
//                     module can tell its copy is stale) and the digest of the package data
//                     imported last
// Dates are stored as 'YYYY-MM-DD' text, times as milliseconds since the epoch.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "calendar/schedule.h"
#include "core/result.h"
#include "core/working_calendar.h"
#include "db/connection.h"
#include "db/migration.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::calendar {

std::vector<db::Migration> migrations();

// The kinds of calendar_year (and the source labels of calendar_day's listed days).
inline constexpr std::string_view kPackageKind = "package";
inline constexpr std::string_view kScheduleKind = "schedule";
// The source label of an administrator's change.
inline constexpr std::string_view kOverrideSource = "override";

struct CoveredYear {
  std::int64_t year = 0;
  std::string kind;    // package or schedule
  std::string source;  // "chinese-days 1.5.7", or the loaded file's source
  std::int64_t loaded_at = 0;
};

struct Override {
  std::string date;
  bool working = false;
  std::string reason;
  std::optional<std::int64_t> changed_by;
  std::string changed_by_name;
  std::int64_t changed_at = 0;
};

namespace store {

Result<std::int64_t> epoch(db::Connection& conn);
// Raises the epoch by one. Success: the new epoch.
Result<std::int64_t> bump_epoch(db::Connection& conn);
// Records `digest` as the package data imported. Success: true when it differed (the caller
// imports; concurrent starts of several nodes: one wins, the others see false once it commits).
Result<bool> claim_package(db::Connection& conn, std::string_view digest);

Result<std::vector<CoveredYear>> years(db::Connection& conn);
Result<std::optional<CoveredYear>> find_year(db::Connection& conn, std::int64_t year);
// Replaces the listed days of one year with `year`'s and records it as covered by kind/source.
Status replace_year(db::Connection& conn, const ScheduleYear& year, std::string_view kind,
                    std::string_view source, std::int64_t now);

// Every listed day (source: its year's kind), then every override (source kOverrideSource, the
// reason as its name): the order WorkingCalendar wants.
Result<std::vector<core::ListedDay>> listed_days(db::Connection& conn);
Result<std::optional<Override>> find_override(db::Connection& conn, std::string_view date);
Status put_override(db::Connection& conn, const Override& o);

}  // namespace store

}  // namespace zt::calendar
