#include "services/module.h"

#include "services/api.h"
#include "services/attachment_api.h"
#include "services/attachment_store.h"
#include "services/store.h"

namespace zt::services {

Module::Module(db::Database& database, audit::AuditLog& audit, identity::IdentityService& identity,
               calendar::CalendarService& calendar, catalog::CatalogService& catalog,
               exchange::QueryService& query, const core::CryptoProvider& crypto,
               const core::Clock& clock, AttachmentOptions attachments)
    : items_(database, audit, identity, clock),
      cases_(database, audit, identity, calendar, catalog, query, items_, clock),
      attachments_(database, audit, cases_, crypto, clock, attachments) {
  // A failed recomputation leaves the stored deadlines of an older epoch: the worklists' filter
  // is off until the next change, the deadlines shown (computed on read) are not.
  calendar.on_change(
      [this](const calendar::CalendarChange&) { (void)cases_.recompute_deadlines(); });
}

void Module::add_routes(http::Router& router) {
  services::add_routes(router, items_, cases_);
  add_attachment_routes(router, attachments_);
}

std::vector<db::Migration> Module::migrations() {
  std::vector<db::Migration> all = services::migrations();
  for (db::Migration& m : attachment_migrations())
    all.push_back(std::move(m));
  return all;
}

}  // namespace zt::services
