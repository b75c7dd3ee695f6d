#include "identity/module.h"

#include "identity/api.h"
#include "identity/store.h"

namespace zt::identity {

Result<std::unique_ptr<Module>> Module::create(db::Database& database,
                                               const core::CryptoProvider& crypto,
                                               const core::Clock& clock, audit::AuditLog& audit,
                                               IdentityConfig config) {
  ZT_ASSIGN_OR_RETURN(auto service,
                      IdentityService::create(database, crypto, clock, audit, std::move(config)));
  return std::unique_ptr<Module>(new Module(std::move(service)));
}

void Module::add_routes(http::Router& router) {
  identity::add_routes(router, *service_);
}

std::vector<db::Migration> Module::migrations() {
  return identity::migrations();
}

}  // namespace zt::identity
