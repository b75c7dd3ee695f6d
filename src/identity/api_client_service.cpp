#include "identity/api_client_service.h"

#include "db/transaction.h"
#include "identity/internal.h"
#include "identity/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace zt::identity {

using namespace internal;  // the module's private helpers (internal.h)

ApiClientService::ApiClientService(db::Database& db, const core::CryptoProvider& crypto,
                                   const core::Clock& clock, audit::AuditLog& audit)
    : db_(db), crypto_(crypto), clock_(clock), audit_(audit) {}

Result<CreatedApiClient> ApiClientService::create_api_client(const core::Principal& actor,
                                                             const ApiClientInput& raw,
                                                             const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kApiClientsManage));
  ApiClientInput input = raw;
  if (!valid_name(input.name, 3, 64, false)) {
    return Error::invalid("invalid_name",
                          "name: 3 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'.");
  }
  if (!input.permissions.empty()) {
    return Error::forbidden("permissions_need_sec_admin",
                            "The system administrator creates an API client without permissions; "
                            "the security administrator gives them (PUT "
                            "/api/v1/api-clients/{id}/permissions, 三员分立).");
  }
  ZT_ASSIGN_OR_RETURN(std::string key, internal::new_secret(crypto_));
  ZT_ASSIGN_OR_RETURN(const std::string key_hash, internal::hash_secret(crypto_, key));
  const std::int64_t now = to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto department, store::find_department(conn, input.department_id));
  if (!department) {
    return Error::invalid("invalid_department",
                          fmt::format("No department with id {}.", input.department_id));
  }
  std::optional<std::int64_t> created_by;
  if (actor.kind == core::Principal::Kind::kUser) created_by = actor.id;
  auto id = store::insert_api_client(conn, input, key_hash, created_by, now);
  if (!id.ok()) {
    return rename_duplicate(std::move(id).error(), "api_client_exists",
                            "An API client with this name exists.");
  }
  audit::AuditEntry entry =
      audit::AuditEntry::of("api_client.create", "api_client", std::to_string(*id), context);
  entry.by(actor);
  entry.detail =
      detail_json({{"name", input.name}, {"department_id", std::to_string(input.department_id)}});
  ZT_TRY(audit_.append(conn, entry));
  ZT_ASSIGN_OR_RETURN(auto created, store::find_api_client(conn, *id));
  ZT_TRY(tx.commit());
  return CreatedApiClient{*created, std::move(key)};
}

Result<ApiClient> ApiClientService::set_permissions(const core::Principal& actor, std::int64_t id,
                                                    std::vector<std::string> permissions,
                                                    const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kRolesAssign));
  std::sort(permissions.begin(), permissions.end());
  permissions.erase(std::unique(permissions.begin(), permissions.end()), permissions.end());
  for (const std::string& p : permissions) {
    if (!is_api_client_permission(p)) {
      return Error::invalid("unknown_permission",
                            fmt::format("'{}' is not a permission an API client may hold.", p));
    }
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_api_client(conn, id));
  if (!found) {
    return Error::not_found("api_client_not_found", fmt::format("No API client with id {}.", id));
  }
  if (found->revoked_at) {
    return Error::conflict("api_client_revoked", "A revoked client's key works no more.");
  }
  ZT_TRY(store::set_api_client_permissions(conn, id, permissions));
  audit::AuditEntry entry =
      audit::AuditEntry::of("api_client.permissions", "api_client", std::to_string(id), context);
  entry.by(actor);
  entry.detail = detail_json({{"from", join(found->permissions)}, {"to", join(permissions)}});
  ZT_TRY(audit_.append(conn, entry));
  ZT_ASSIGN_OR_RETURN(auto after, store::find_api_client(conn, id));
  ZT_TRY(tx.commit());
  return *after;
}

Result<std::vector<ApiClient>> ApiClientService::list_api_clients(const core::Principal& actor,
                                                                  std::int64_t after_id,
                                                                  int limit) {
  ZT_TRY(require(actor, permission::kApiClientsRead));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return store::list_api_clients(conn, after_id, clamp_limit(limit));
}

Result<ApiClient> ApiClientService::revoke_api_client(const core::Principal& actor, std::int64_t id,
                                                      const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kApiClientsManage));
  const std::int64_t now = to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_api_client(conn, id));
  if (!found) {
    return Error::not_found("api_client_not_found", fmt::format("No API client with id {}.", id));
  }
  ZT_TRY(store::revoke_api_client(conn, id, now));
  audit::AuditEntry entry =
      audit::AuditEntry::of("api_client.revoke", "api_client", std::to_string(id), context);
  entry.by(actor);
  ZT_TRY(audit_.append(conn, entry));
  ZT_ASSIGN_OR_RETURN(auto after, store::find_api_client(conn, id));
  ZT_TRY(tx.commit());
  return *after;
}

}  // namespace zt::identity
