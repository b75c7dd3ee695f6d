#include "services/module.h"

#include "services/api.h"
#include "services/store.h"

namespace zt::services {

Module::Module(db::Database& database, audit::AuditLog& audit, identity::IdentityService& identity,
               calendar::CalendarService& calendar, catalog::CatalogService& catalog,
               exchange::QueryService& query, const core::Clock& clock)
    : items_(database, audit, identity, clock),
      cases_(database, audit, identity, calendar, catalog, query, items_, clock) {
  // A failed recomputation leaves the stored deadlines of an older epoch: the worklists' filter
  // is off until the next change, the deadlines shown (computed on read) are not.
  calendar.on_change(
      [this](const calendar::CalendarChange&) { (void)cases_.recompute_deadlines(); });
}

void Module::add_routes(http::Router& router) {
  services::add_routes(router, items_, cases_);
}

std::vector<db::Migration> Module::migrations() {
  return services::migrations();
}

}  // namespace zt::services
