// Division storage: the only file of the divisions with SQL. The table registry_division and
// the staging table an import fills before it is merged in one statement per step.
//
// Thread-safety: free functions on a caller's connection; no state.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "db/transaction.h"
#include "registry/division.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace zt::registry {

// Migrations 500-519 (the divisions' part of the registry's range).
std::vector<db::Migration> division_migrations();

// What one import changed.
struct DivisionImportCounts {
  std::int64_t rows = 0;       // rows read from the data set
  std::int64_t added = 0;      // codes not in the table before
  std::int64_t changed = 0;    // name, level or parent changed, or listed again after retirement
  std::int64_t unchanged = 0;  // listed again as they were
  std::int64_t retired = 0;    // current before, not listed now: kept with current = false
};

// Gives the next division of the data set, or nullopt at its end, or an error.
using DivisionSource = std::function<Result<std::optional<Division>>()>;

namespace division_store {

// Merges a whole data set into the table inside `tx` (on a write connection): every division of
// `source` is added or updated and made current, every current one it does not list is retired.
// Rows pass through the staging table by bulk load, so the merge is a few statements on both
// backends. A repeated code in `source` fails with conflict "duplicate". Success: the counts.
Result<DivisionImportCounts> merge(db::Transaction& tx, const DivisionSource& source,
                                   std::int64_t now_ms);

// The division with this code, current or not; nullopt when the table has no such code.
Result<std::optional<Division>> find(db::Connection& conn, std::string_view code);
// Several codes at once (ancestors of a code); the ones found, in no particular order.
Result<std::vector<Division>> find_many(db::Connection& conn,
                                        const std::vector<std::string>& codes);

struct ListQuery {
  std::optional<std::string> parent_code;  // children of this code
  std::optional<DivisionLevel> level;
  std::string code_prefix;  // codes starting with these digits (empty: any)
  bool current_only = true;
  std::string after_code;  // cursor: codes greater than this
  int limit = 100;
};
// Divisions matching the query, by code.
Result<std::vector<Division>> list(db::Connection& conn, const ListQuery& query);

// How many divisions the table holds, per level (current ones only).
Result<std::vector<std::pair<DivisionLevel, std::int64_t>>> count_by_level(db::Connection& conn);

}  // namespace division_store
}  // namespace zt::registry
