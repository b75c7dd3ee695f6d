#include "services/module.h"

#include "services/api.h"
#include "services/attachment_api.h"
#include "services/attachment_store.h"
#include "services/bundle_store.h"
#include "services/reminder_store.h"
#include "services/store.h"

#include <algorithm>

namespace zt::services {

Module::Module(db::Database& database, audit::AuditLog& audit, identity::IdentityService& identity,
               calendar::CalendarService& calendar, catalog::CatalogService& catalog,
               exchange::QueryService& query, exchange::SharingService& sharing,
               const core::CryptoProvider& crypto, const core::Clock& clock, ModuleOptions options)
    : items_(database, audit, identity, clock),
      cases_(database, audit, identity, calendar, catalog, query, sharing, items_, clock,
             options.warning_days),
      bundles_(database, audit, identity, calendar, catalog, query, items_, cases_, clock),
      attachments_(database, audit, cases_, crypto, clock, options.attachments),
      reminders_(database, audit, calendar, clock, options.warning_days),
      // The lease outlasts a few passes (30 s at least), so a node that dies hands the work on
      // within it.
      lease_(database, clock, "services-clock", options.node_id,
             std::max<std::chrono::milliseconds>(options.worker_interval * 6,
                                                 std::chrono::seconds(30))),
      worker_(cases_, reminders_, options.worker_interval, std::move(options.on_worker_error),
              &lease_) {
  calendar.on_change([this](const calendar::CalendarChange&) { worker_.worker().wake(); });
}

void Module::add_routes(http::Router& router) {
  services::add_routes(router, items_, cases_, reminders_);
  services::add_bundle_routes(router, bundles_);
  add_attachment_routes(router, attachments_);
}

std::vector<db::Migration> Module::migrations() {
  std::vector<db::Migration> all = services::migrations();
  for (auto& m : bundle_migrations())
    all.push_back(std::move(m));
  for (auto& m : attachment_migrations())
    all.push_back(std::move(m));
  for (auto& m : reminder_migrations())
    all.push_back(std::move(m));
  return all;
}

}  // namespace zt::services
