// identity::Module: the identity module's bundle for the platform — the identity service
// (departments, users, roles, sessions, API clients, policy), its routes and migrations, built
// in one place (app::Platform builds every module's bundle).
//
// Thread-safety: the service is thread-safe; create, add_routes and destroy on one thread. The
// database, crypto provider, clock and audit log must outlive the module.
#pragma once

#include "audit/service.h"
#include "db/migration.h"
#include "http/router.h"
#include "identity/service.h"

#include <memory>
#include <vector>

namespace zt::identity {

class Module {
 public:
  // Failure: the service's start-up errors (IdentityService::create).
  static Result<std::unique_ptr<Module>> create(db::Database& database,
                                                const core::CryptoProvider& crypto,
                                                const core::Clock& clock, audit::AuditLog& audit,
                                                IdentityConfig config);

  IdentityService& service() { return *service_; }

  // /api/v1/auth/*, /api/v1/departments*, /api/v1/users*, /api/v1/api-clients*, … (identity/api.h).
  void add_routes(http::Router& router);
  // The identity tables (versions 200-299).
  static std::vector<db::Migration> migrations();

 private:
  explicit Module(std::unique_ptr<IdentityService> service) : service_(std::move(service)) {}
  std::unique_ptr<IdentityService> service_;
};

}  // namespace zt::identity
