#include "identity/service.h"

#include <utility>

namespace zt::identity {

Result<std::unique_ptr<IdentityService>> IdentityService::create(db::Database& db,
                                                                 const core::CryptoProvider& crypto,
                                                                 const core::Clock& clock,
                                                                 audit::AuditLog& audit,
                                                                 IdentityConfig config) {
  std::unique_ptr<IdentityService> service(new IdentityService());
  const Argon2Params argon2 = config.argon2;
  service->policy_ = std::make_unique<PolicyService>(db, clock, audit, std::move(config));
  // Checks the data key first, then prepares the dummy password hash.
  ZT_ASSIGN_OR_RETURN(service->auth_,
                      AuthService::create(db, crypto, clock, audit, *service->policy_));
  service->sessions_ =
      std::make_unique<SessionService>(db, crypto, clock, audit, *service->policy_);
  service->users_ = std::make_unique<UserService>(db, crypto, clock, audit, argon2);
  service->departments_ = std::make_unique<DepartmentService>(db, clock, audit);
  service->api_clients_ = std::make_unique<ApiClientService>(db, crypto, clock, audit);
  return service;
}

}  // namespace zt::identity
