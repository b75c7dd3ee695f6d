#include "catalog/module.h"

#include "catalog/api.h"
#include "catalog/store.h"

namespace zt::catalog {

Module::Module(db::Database& database, audit::AuditLog& audit, const core::Clock& clock,
               identity::DepartmentService& departments, SchemaHook schema_hook)
    : service_(database, audit, clock, departments, std::move(schema_hook)) {}

void Module::add_routes(http::Router& router) {
  catalog::add_routes(router, service_);
}

std::vector<db::Migration> Module::migrations() {
  return catalog::migrations();
}

}  // namespace zt::catalog
