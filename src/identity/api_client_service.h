// ApiClientService: the API clients (other systems calling the platform with an X-API-Key), each
// belonging to a department and holding a set of permissions. As with staff roles (三员分立), the
// system administrator creates and revokes clients and the security administrator alone gives
// them permissions; a new client holds none.
//
// A key is 256 random bits, shown once at creation and stored only as its SM3 hash; the
// authenticator (AuthService) finds the client by that hash. Creation, revocation and a change of
// permissions write the audit records api_client.create / api_client.revoke /
// api_client.permissions (from and to) in the same transaction as the change.
//
// Errors: 403 "forbidden", "permissions_need_sec_admin"; 400 "invalid_name", "unknown_permission",
// "invalid_department"; 404 "api_client_not_found"; 409 "api_client_exists", "api_client_revoked";
// plus the crypto provider's and the database's errors (unavailable, internal).
//
// Thread-safety: all methods may be called from many threads at once; the object holds only
// references to thread-safe collaborators, which must outlive it.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"

#include <cstdint>
#include <vector>

namespace zt::identity {

class ApiClientService {
 public:
  ApiClientService(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
                   audit::AuditLog& audit);

  // identity.api_clients.manage. A client of an existing department, without permissions.
  // Success: the client and its key (shown once). Failure: forbidden; permissions_need_sec_admin
  // (input.permissions is not empty); invalid_name (3 to 64 of A-Z a-z 0-9 . _ -);
  // invalid_department; api_client_exists (the name is taken).
  Result<CreatedApiClient> create_api_client(const core::Principal& actor,
                                             const ApiClientInput& input,
                                             const core::RequestContext& context);
  // identity.roles.assign (the security administrator). Replaces the client's permissions (sorted,
  // without duplicates), each satisfying is_api_client_permission; takes effect on its next
  // call. Success: the client. Failure: forbidden; unknown_permission; api_client_not_found;
  // api_client_revoked.
  Result<ApiClient> set_permissions(const core::Principal& actor, std::int64_t id,
                                    std::vector<std::string> permissions,
                                    const core::RequestContext& context);
  // identity.api_clients.read. Clients by id after `after_id`, at most `limit` (clamped to
  // 1..kMaxPageSize), revoked ones included. Failure: forbidden.
  Result<std::vector<ApiClient>> list_api_clients(const core::Principal& actor,
                                                  std::int64_t after_id, int limit);
  // identity.api_clients.manage. Revokes the key: it stops working at once. Success: the client
  // with revoked_at set. Failure: forbidden; api_client_not_found.
  Result<ApiClient> revoke_api_client(const core::Principal& actor, std::int64_t id,
                                      const core::RequestContext& context);

 private:
  db::Database& db_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
};

}  // namespace zt::identity
