// SharingService: sharing requests and grants (共享申请与授权), and the access decision every read
// path applies (records/access.h).
//
// A consumer department files a request for a conditional resource: purpose (用途), legal basis,
// the fields it needs, a duration. The providing department's administrator (permission
// exchange.grants.manage) approves — possibly for fewer fields, with some personal fields
// unmasked — which creates a grant, or rejects with a reason; the requester may withdraw a
// pending request. Grants expire and can be revoked. Both sides list their inbox (as provider)
// and outbox (as consumer) with history; requests and grants name both departments (from the
// identity module's DepartmentService, never its tables). Every change writes an audit record.
//
// Access decisions are cached per (department, resource), and each cached decision is checked
// against a grant version in the database that every grant and revocation bumps, on any server
// node: a cached grant never outlives its revocation; an entry also ends when its grant expires.
//
// Errors: 400 "invalid_body", "invalid_fields"; 403 "forbidden", "grant_required"; 404
// "resource_not_found", "request_not_found", "grant_not_found"; 409 "no_grant_needed",
// "invalid_state", "own_resource".
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/records/access.h"
#include "exchange/sharing/model.h"
#include "exchange/sharing/store.h"
#include "identity/department_service.h"
#include "identity/model.h"

#include <map>
#include <mutex>

namespace zt::exchange {

class SharingService {
 public:
  // `departments` names the requests' and grants' departments.
  SharingService(db::Database& db, catalog::CatalogService& catalog,
                 identity::DepartmentService& departments, audit::AuditLog& audit,
                 const core::Clock& clock);

  Result<SharingRequest> file_request(const core::Principal& actor, RequestInput input,
                                      const core::RequestContext& context);
  Result<SharingRequest> approve(const core::Principal& actor, std::int64_t request_id,
                                 Decision decision, const core::RequestContext& context);
  Result<SharingRequest> reject(const core::Principal& actor, std::int64_t request_id,
                                std::string reason, const core::RequestContext& context);
  Result<SharingRequest> withdraw(const core::Principal& actor, std::int64_t request_id,
                                  const core::RequestContext& context);
  Result<SharingRequest> get_request(const core::Principal& actor, std::int64_t request_id);
  // inbox: requests to the actor's department as provider; otherwise its own (outbox).
  Result<std::vector<SharingRequest>> requests(const core::Principal& actor, bool inbox,
                                               std::optional<std::string> status,
                                               std::int64_t before, int limit);
  Result<std::vector<Grant>> grants(const core::Principal& actor, bool inbox, std::int64_t before,
                                    int limit);
  Result<Grant> get_grant(const core::Principal& actor, std::int64_t grant_id);
  // The clock grants expire on (the routes show a grant's status now by it).
  const core::Clock& clock() const { return clock_; }
  Result<Grant> revoke(const core::Principal& actor, std::int64_t grant_id, std::string reason,
                       const core::RequestContext& context);

  // What `actor` may read of `resource` (rules in records/access.h). Failure: 404
  // "resource_not_found" for a resource the actor may not know of; 403 "grant_required" /
  // "forbidden".
  Result<Access> access(const core::Principal& actor, const catalog::Resource& resource);
  // The same for a consumer department (subscriptions, registries).
  Result<Access> access_for_department(std::int64_t department_id,
                                       const catalog::Resource& resource);

  // Figures for a resource: grants active now and expiring within 30 days.
  Result<sharing::GrantCounts> grant_counts(std::int64_t resource_id);

 private:
  Result<Access> decide(db::Connection& conn, std::int64_t department_id,
                        const catalog::Resource& resource, std::int64_t now,
                        std::int64_t& valid_until);
  Result<SharingRequest> decided(const core::Principal& actor, std::int64_t request_id,
                                 std::string status, Decision* decision, std::string reason,
                                 const core::RequestContext& context);
  // Department id → name, kept for one answer (a list names few departments many times).
  using DepartmentNames = std::map<std::int64_t, std::string>;
  Status fill(SharingRequest& request, DepartmentNames& names);
  Status fill(Grant& grant, DepartmentNames& names);
  Status fill(SharingRequest& request) {
    DepartmentNames names;
    return fill(request, names);
  }
  Status fill(Grant& grant) {
    DepartmentNames names;
    return fill(grant, names);
  }
  // The department's name ("" for one that no longer exists), looked up once per `names`.
  const std::string& department_name(std::int64_t id, DepartmentNames& names);

  db::Database& db_;
  catalog::CatalogService& catalog_;
  identity::DepartmentService& departments_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;

  struct CacheEntry {
    Result<Access> access = Access{};
    std::int64_t resource_version = 0;
    std::int64_t grant_version = -1;
    std::int64_t valid_until = 0;
  };
  std::mutex mutex_;  // guards cache_
  std::map<std::pair<std::int64_t, std::int64_t>, CacheEntry> cache_;
};

}  // namespace zt::exchange
