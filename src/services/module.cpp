#include "services/module.h"

#include "services/api.h"
#include "services/bundle_store.h"
#include "services/store.h"

namespace zt::services {

Module::Module(db::Database& database, audit::AuditLog& audit, identity::IdentityService& identity,
               calendar::CalendarService& calendar, catalog::CatalogService& catalog,
               exchange::QueryService& query, const core::Clock& clock)
    : items_(database, audit, identity, clock),
      cases_(database, audit, identity, calendar, catalog, query, items_, clock),
      bundles_(database, audit, identity, calendar, catalog, query, items_, cases_, clock) {
  // A failed recomputation leaves the stored deadlines of an older epoch: the worklists' filter
  // is off until the next change, the deadlines shown (computed on read) are not.
  calendar.on_change(
      [this](const calendar::CalendarChange&) { (void)cases_.recompute_deadlines(); });
}

void Module::add_routes(http::Router& router) {
  services::add_routes(router, items_, cases_);
  services::add_bundle_routes(router, bundles_);
}

std::vector<db::Migration> Module::migrations() {
  auto all = services::migrations();
  for (db::Migration& m : bundle_migrations())
    all.push_back(std::move(m));
  return all;
}

}  // namespace zt::services
