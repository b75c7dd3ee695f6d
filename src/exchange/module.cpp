#include "exchange/module.h"

#include "exchange/api.h"
#include "exchange/corrections/api.h"
#include "exchange/corrections/store.h"
#include "exchange/records/api.h"
#include "exchange/records/store.h"
#include "exchange/sharing/api.h"
#include "exchange/sharing/store.h"
#include "exchange/stats/api.h"
#include "exchange/subscriptions/api.h"
#include "exchange/subscriptions/store.h"

namespace zt::exchange {

Module::Module(db::Database& database, catalog::CatalogService& catalog,
               identity::IdentityService& identity, audit::AuditLog& audit,
               audit::AuditWriter& writer, const core::CryptoProvider& crypto,
               const core::Clock& clock, ModuleOptions options)
    : sharing_(database, catalog, identity.departments(), audit, clock),
      exchange_(database, catalog, sharing_, audit, crypto, clock, options.max_uploads,
                std::move(options.node_id)),
      query_(database, catalog, sharing_, writer, crypto, options.data_key, clock),
      corrections_(database, catalog, sharing_, audit, clock),
      stats_(database, catalog, identity, audit, clock),
      webhook_transport_(std::move(options.webhook_allowed_networks)),
      // Deliveries follow the same access rules as every read, checked again before each batch.
      subscriptions_(
          database, catalog, audit, writer, crypto, clock, webhook_transport_,
          std::move(options.data_key),
          [this](std::int64_t department_id, const catalog::Resource& r) {
            return sharing_.access_for_department(department_id, r);
          },
          options.webhooks, std::move(options.on_webhook_error)) {}

void Module::add_routes(http::Router& router) {
  exchange::add_routes(router, exchange_);
  add_sharing_routes(router, sharing_);
  add_records_routes(router, query_);
  add_subscription_routes(router, subscriptions_);
  add_correction_routes(router, corrections_);
  add_stats_routes(router, stats_);
}

std::vector<db::Migration> Module::migrations() {
  std::vector<db::Migration> all = exchange::migrations();
  for (auto* more : {&sharing_migrations, &subscription_migrations, &correction_migrations}) {
    for (auto& m : more())
      all.push_back(std::move(m));
  }
  return all;
}

std::vector<core::BackgroundWorker*> Module::workers() {
  return {&subscriptions_.worker()};
}

}  // namespace zt::exchange
