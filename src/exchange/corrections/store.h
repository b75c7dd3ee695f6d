// Correction reports (数据纠错/异议): the only file with SQL on exchange_correction (migrations
// 460-469, in correction_migrations()).
//
// A report names a record by its key as the reporter gave it, the fields thought wrong and a
// reason; never the record's values (they may be personal data, and the record changes).
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "exchange/corrections/model.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

std::vector<db::Migration> correction_migrations();

namespace corrections {

Result<std::int64_t> insert(db::Connection& conn, const Correction& correction);
Result<std::optional<Correction>> find(db::Connection& conn, std::int64_t id);
// Writes status and the answer.
Status update_answer(db::Connection& conn, const Correction& correction);
// Reports filed by the department (outbox) or on its resources (inbox), newest first, with
// id < before (0: from the newest), optionally of one status.
Result<std::vector<Correction>> list(db::Connection& conn, std::int64_t department_id,
                                     bool as_provider, std::optional<std::string> status,
                                     std::int64_t before, int limit);
// Open reports on one resource (its quality figures).
Result<std::int64_t> open_count(db::Connection& conn, std::int64_t resource_id);
// Open reports per resource id, for every resource with any.
Result<std::map<std::int64_t, std::int64_t>> open_counts(db::Connection& conn);

}  // namespace corrections

}  // namespace zt::exchange
