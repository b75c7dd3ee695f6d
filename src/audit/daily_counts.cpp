#include "audit/daily_counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>

namespace zt::audit {

namespace {

// Rows per UPSERT statement (5 parameters each: within SQLite's 999).
constexpr std::size_t kUpsertChunk = 190;

constexpr std::string_view kTable = R"sql(
CREATE TABLE audit_daily_counts (
  day TEXT NOT NULL,
  action TEXT NOT NULL,
  object_key TEXT NOT NULL,
  outcome TEXT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (day, action, object_key, outcome)
);
)sql";

// The backfill: the same grouping as daily_store::add, in each backend's date and string
// functions (SQLite keeps times as "…Z" text, which date() reads; PostgreSQL a TIMESTAMPTZ). The
// action list is this migration's own text (kDailyCountedActions may grow; 120 must not change).
constexpr std::string_view kSqliteBackfill = R"sql(
INSERT INTO audit_daily_counts (day, action, object_key, outcome, count)
SELECT date(time, '+8 hours'), action,
       CASE WHEN instr(object_id, '/') > 0 THEN substr(object_id, 1, instr(object_id, '/') - 1)
            ELSE object_id END,
       outcome, count(*)
FROM audit_records
WHERE action IN ('exchange.changes.read', 'exchange.record.read', 'exchange.records.export',
                 'exchange.records.query', 'exchange.webhook.deliver')
GROUP BY 1, 2, 3, 4;
)sql";

constexpr std::string_view kPostgresBackfill = R"sql(
INSERT INTO audit_daily_counts (day, action, object_key, outcome, count)
SELECT to_char((time AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD'), action,
       split_part(object_id, '/', 1), outcome, count(*)
FROM audit_records
WHERE action IN ('exchange.changes.read', 'exchange.record.read', 'exchange.records.export',
                 'exchange.records.query', 'exchange.webhook.deliver')
GROUP BY 1, 2, 3, 4;
)sql";

std::string format_day(std::chrono::year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", int(d.year()), unsigned(d.month()), unsigned(d.day()));
}

std::string_view object_key(std::string_view object_id) {
  return object_id.substr(0, object_id.find('/'));
}

}  // namespace

bool is_daily_counted(std::string_view action) {
  return std::find(kDailyCountedActions.begin(), kDailyCountedActions.end(), action) !=
         kDailyCountedActions.end();
}

db::Migration daily_counts_migration() {
  return {.version = 120,
          .name = "audit_daily_counts",
          .sqlite_sql = std::string(kTable) + std::string(kSqliteBackfill),
          .postgres_sql = std::string(kTable) + std::string(kPostgresBackfill)};
}

namespace daily_store {

Status add(db::Connection& conn, std::span<const AuditRecord> records) {
  // (day, action, key, outcome) → n, in key order. A batch's records are mostly of one day: its
  // text is made once per run of records of the same date.
  using Key = std::tuple<std::string, std::string_view, std::string_view, std::string_view>;
  std::map<Key, std::int64_t> sums;
  std::chrono::year_month_day last_date{};
  std::string day;
  for (const AuditRecord& r : records) {
    const AuditEntry& e = r.entry;
    if (!is_daily_counted(e.action)) continue;
    const auto date = core::china_date(r.time);
    if (day.empty() || date != last_date) {
      last_date = date;
      day = format_day(date);
    }
    ++sums[Key{day, e.action, object_key(e.object_id), e.outcome}];
  }
  auto it = sums.begin();
  while (it != sums.end()) {
    std::string sql =
        "INSERT INTO audit_daily_counts (day, action, object_key, outcome, count) VALUES ";
    std::vector<db::Param> params;
    for (std::size_t n = 0; n < kUpsertChunk && it != sums.end(); ++n, ++it) {
      const auto& [on, action, key, outcome] = it->first;
      sql += n ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
      params.emplace_back(std::string_view(on));
      params.emplace_back(action);
      params.emplace_back(key);
      params.emplace_back(outcome);
      params.emplace_back(it->second);
    }
    sql +=
        " ON CONFLICT (day, action, object_key, outcome) DO UPDATE SET count = "
        "audit_daily_counts.count + excluded.count";
    auto done = conn.exec(sql, params);
    if (!done.ok()) return std::move(done).error();
  }
  return {};
}

Result<std::vector<DailyActionCount>> counts(db::Connection& conn,
                                             std::span<const std::string> actions,
                                             std::chrono::year_month_day first_day) {
  std::vector<DailyActionCount> out;
  if (actions.empty()) return out;
  std::string in;
  const std::string since = format_day(first_day);
  std::vector<db::Param> params;
  params.emplace_back(std::string_view(since));
  for (const std::string& a : actions) {
    if (!is_daily_counted(a)) {
      return Error::internal("action_not_counted",
                             fmt::format("the audit log keeps no daily counts of {}", a));
    }
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(std::string_view(a));
  }
  // A range of the primary key from the first day on, in its order.
  auto rows = conn.query(fmt::format("SELECT day, action, object_key, outcome, count FROM "
                                     "audit_daily_counts WHERE day >= ? AND action IN ({}) ORDER "
                                     "BY day, action, object_key, outcome",
                                     in),
                         params);
  if (!rows.ok()) return std::move(rows).error();
  out.reserve(rows->size());
  for (const db::Row row : *rows) {
    out.push_back({row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2),
                   row.get<std::string>(3), row.get<std::int64_t>(4)});
  }
  return out;
}

}  // namespace daily_store
}  // namespace zt::audit
