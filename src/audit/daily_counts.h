// The daily counts of the log (the exchange figures' reads and deliveries): for the actions in
// kDailyCountedActions, how many records each Beijing day holds per action, object key (object_id
// up to its first '/': "<code>/<key>" counts under <code>) and outcome — a rollup kept as records
// are appended, so that the figures read a few rows per day and resource instead of aggregating
// every read of the window from the log. The reading department is not a dimension: the figures
// count a resource's reads whoever read them and credit them to the department providing the
// resource now (from the catalog), and keeping it would multiply the rows by the readers.
//
// Table audit_daily_counts (migration 120, which backfills it from the records already there):
// (day 'YYYY-MM-DD', action, object_key, outcome) → count, primary key in that order. The counts
// are written in the transaction that appends the records (AuditLog::append,
// AuditLog::append_batch, the group-commit writer's flush): they commit or roll back with them, so
// they are exact at every commit. Each append holds the chain head's lock (see service.h), so
// appends — on one node or many sharing one PostgreSQL — update the counts one after another; the
// update is nevertheless an UPSERT that adds (count = count + n), never a read-modify-write, so it
// would stay exact without that lock. Unlike the records, rows are updated in place; they are
// derived figures, not part of the chain (audit verify does not read them).
//
// Thread-safety: stateless functions on the caller's connection.
#pragma once

#include <array>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/model.h"
#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"

namespace zt::audit {

// The actions counted per day. Counting another needs a migration that backfills it from the
// log (as 120 does for these).
inline constexpr std::array<std::string_view, 5> kDailyCountedActions = {
    "exchange.changes.read", "exchange.record.read", "exchange.records.export",
    "exchange.records.query", "exchange.webhook.deliver"};

bool is_daily_counted(std::string_view action);

// Migration 120: the table, filled from the log's records of the counted actions.
db::Migration daily_counts_migration();

namespace daily_store {

// Adds `records` (those of counted actions; the others are skipped) to the counts, inside the
// caller's write transaction: one UPSERT row per distinct (day, action, key, outcome).
// Failure: the database's error (the caller's transaction should then be rolled back).
Status add(db::Connection& conn, std::span<const AuditRecord> records);

// The counts of the Beijing days from `first_day` on, per (day, action, object key, outcome),
// ordered by those, for `actions` (each one of kDailyCountedActions).
// Failure: Error internal "action_not_counted" for another action; the database's error.
Result<std::vector<DailyActionCount>> counts(db::Connection& conn,
                                             std::span<const std::string> actions,
                                             std::chrono::year_month_day first_day);

}  // namespace daily_store
}  // namespace zt::audit
