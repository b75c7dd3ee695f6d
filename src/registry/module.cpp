#include "registry/module.h"

#include "registry/division_api.h"
#include "registry/division_store.h"
#include "registry/registry_api.h"
#include "registry/registry_store.h"

namespace zt::registry {

Module::Module(db::Database& database, catalog::CatalogService& catalog,
               exchange::ExchangeService& exchange, exchange::QueryService& query,
               identity::IdentityService& identity, audit::AuditLog& audit,
               const core::Clock& clock, ModuleOptions options)
    : divisions_(database, clock),
      registries_(database, catalog, exchange, query, identity, audit, divisions_, clock),
      // The lease outlasts a few rounds, so a node that dies hands the syncing on within it.
      sync_lease_(database, clock, "registry-sync", options.node_id, options.sync_interval * 6),
      syncer_(registries_, options.sync_interval, std::move(options.on_sync_error), &sync_lease_) {}

void Module::add_routes(http::Router& router) {
  add_division_routes(router, divisions_);
  add_registry_routes(router, registries_);
}

std::vector<db::Migration> Module::migrations() {
  std::vector<db::Migration> all = division_migrations();
  for (auto& m : registry_migrations())
    all.push_back(std::move(m));
  return all;
}

}  // namespace zt::registry
