// catalog::Module: the resource catalog's bundle for the platform — the catalog service, its
// routes and migrations, built in one place (app::Platform builds every module's bundle). The
// worked example of docs/contributing.md, "Adding a module".
//
// Thread-safety: the service is thread-safe; construct, add_routes and destroy on one thread.
// The database, audit log, clock and departments must outlive the module.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "db/migration.h"
#include "http/router.h"
#include "identity/department_service.h"

#include <vector>

namespace zt::catalog {

class Module {
 public:
  // `schema_hook`: creates or alters a resource's record storage (the exchange's).
  Module(db::Database& database, audit::AuditLog& audit, const core::Clock& clock,
         identity::DepartmentService& departments, SchemaHook schema_hook);

  CatalogService& service() { return service_; }

  // /api/v1/catalog/* (catalog/api.h).
  void add_routes(http::Router& router);
  // The catalog tables (versions 300-399).
  static std::vector<db::Migration> migrations();

 private:
  CatalogService service_;
};

}  // namespace zt::catalog
