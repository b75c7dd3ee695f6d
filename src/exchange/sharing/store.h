// Sharing requests and grants (共享申请与授权): the only file with SQL on exchange_sharing_request,
// exchange_grant and exchange_grant_version (migrations 410-419, in sharing_migrations()).
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "exchange/sharing/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

std::vector<db::Migration> sharing_migrations();

namespace sharing {

Result<std::int64_t> insert_request(db::Connection& conn, const SharingRequest& request);
Result<std::optional<SharingRequest>> find_request(db::Connection& conn, std::int64_t id);
// Writes status, decision and grant id.
Status update_request(db::Connection& conn, const SharingRequest& request);
// Requests where the department is the consumer (outbox) or the provider (inbox), newest first,
// id < before (0: from the newest), optionally of one status.
Result<std::vector<SharingRequest>> list_requests(db::Connection& conn, std::int64_t department_id,
                                                  bool as_provider,
                                                  std::optional<std::string> status,
                                                  std::int64_t before, int limit);

Result<std::int64_t> insert_grant(db::Connection& conn, const Grant& grant);
Result<std::optional<Grant>> find_grant(db::Connection& conn, std::int64_t id);
Status revoke_grant(db::Connection& conn, const Grant& grant);
Result<std::vector<Grant>> list_grants(db::Connection& conn, std::int64_t department_id,
                                       bool as_provider, std::int64_t before, int limit);
// The grants of a consumer department on a resource that are active at `now`.
Result<std::vector<Grant>> active_grants(db::Connection& conn, std::int64_t department_id,
                                         std::int64_t resource_id, std::int64_t now);
// Counts per resource, for figures: active grants and those expiring before `soon`.
Result<GrantCounts> grant_counts(db::Connection& conn, std::int64_t resource_id, std::int64_t now,
                                 std::int64_t soon);
// Active grants at `now` per (resource, consumer department), for the exchange figures.
Result<std::vector<GrantTally>> grant_tallies(db::Connection& conn, std::int64_t now,
                                              std::int64_t soon);

// A number that changes with every grant created or revoked, on any server: caches of access
// decisions compare it before they trust an entry.
Result<std::int64_t> grant_version(db::Connection& conn);
Status bump_grant_version(db::Connection& conn);

}  // namespace sharing

}  // namespace zt::exchange
