// registry::Module: the base registries' bundle for the platform — the administrative divisions,
// the person and legal-entity registries merged from the exchange's feeds, their routes and
// migrations, and the syncer that follows the feeds (lease-claimed: one node at a time), built in
// one place (app::Platform builds every module's bundle).
//
// Thread-safety: the services are thread-safe; construct, add_routes and destroy on one thread.
// Everything passed to the constructor must outlive the module.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/background_worker.h"
#include "db/migration.h"
#include "db/worker_lease.h"
#include "exchange/records/service.h"
#include "exchange/service.h"
#include "http/router.h"
#include "identity/service.h"
#include "registry/division_service.h"
#include "registry/registry_service.h"
#include "registry/registry_syncer.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace zt::registry {

struct ModuleOptions {
  std::chrono::milliseconds sync_interval{5000};
  std::string node_id;  // this process's name as a lease holder
  std::function<void(const Error&)> on_sync_error;
};

class Module {
 public:
  Module(db::Database& database, catalog::CatalogService& catalog,
         exchange::ExchangeService& exchange, exchange::QueryService& query,
         identity::IdentityService& identity, audit::AuditLog& audit, const core::Clock& clock,
         ModuleOptions options);

  DivisionService& divisions() { return divisions_; }
  RegistryService& registries() { return registries_; }

  // /api/v1/registry/divisions*, /api/v1/registry/*, /api/v1/me/* (division_api.h, registry_api.h).
  void add_routes(http::Router& router);
  // The division and registry tables (versions 500-599).
  static std::vector<db::Migration> migrations();
  // The registry syncer.
  std::vector<core::BackgroundWorker*> workers() { return {&syncer_.worker()}; }

 private:
  DivisionService divisions_;
  RegistryService registries_;
  db::WorkerLease sync_lease_;
  RegistrySyncer syncer_;  // last: stops before the services go
};

}  // namespace zt::registry
