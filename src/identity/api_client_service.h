// ApiClientService: the API clients (other systems calling the platform with an X-API-Key), each
// belonging to a department and holding a fixed set of permissions.
//
// A key is 256 random bits, shown once at creation and stored only as its SM3 hash; the
// authenticator (AuthService) finds the client by that hash. Creation and revocation write the
// audit records api_client.create / api_client.revoke in the same transaction as the change.
//
// Errors: 403 "forbidden"; 400 "invalid_name", "unknown_permission", "invalid_department"; 404
// "api_client_not_found"; 409 "api_client_exists"; plus the crypto provider's and the
// database's errors (unavailable, internal).
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

  // identity.api_clients.manage. A client of an existing department; its permissions (sorted,
  // without duplicates) must satisfy is_api_client_permission. Success: the client and its key
  // (shown once). Failure: forbidden; invalid_name (3 to 64 of A-Z a-z 0-9 . _ -);
  // unknown_permission; invalid_department; api_client_exists (the name is taken).
  Result<CreatedApiClient> create_api_client(const core::Principal& actor,
                                             const ApiClientInput& input,
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
