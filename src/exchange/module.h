// exchange::Module: the exchange hub's bundle for the platform — ingest, the change feed and
// quality (ExchangeService), sharing requests and grants, masked reads, webhook subscriptions,
// correction reports and the figures; their routes, migrations and the webhook delivery worker,
// built in one place (app::Platform builds every module's bundle).
//
// Thread-safety: the services are thread-safe; construct, add_routes, start/stop and destroy on
// one thread. Everything passed to the constructor must outlive the module.
#pragma once

#include "audit/service.h"
#include "audit/writer.h"
#include "catalog/service.h"
#include "core/background_worker.h"
#include "core/crypto.h"
#include "db/migration.h"
#include "exchange/corrections/service.h"
#include "exchange/records/service.h"
#include "exchange/service.h"
#include "exchange/sharing/service.h"
#include "exchange/stats/service.h"
#include "exchange/subscriptions/http_transport.h"
#include "exchange/subscriptions/service.h"
#include "http/network_list.h"
#include "http/router.h"
#include "identity/service.h"

#include <functional>
#include <string>
#include <vector>

namespace zt::exchange {

struct ModuleOptions {
  // Uploads received at once, at most (the rest of the worker threads keep serving reads).
  std::size_t max_uploads = 1;
  // This server node's name on the ingest batches it runs: unique per node, stable across its
  // restarts (app::Platform).
  std::string node_id;
  WebhookOptions webhooks;
  // The networks webhook deliveries may go to; empty: http::Client's default rule.
  http::NetworkList webhook_allowed_networks;
  // The data key (SM4) that seals webhook secrets at rest.
  std::string data_key;
  // Where the delivery worker reports failed deliveries (a log line).
  std::function<void(const Error&)> on_webhook_error;
};

class Module {
 public:
  Module(db::Database& database, catalog::CatalogService& catalog,
         identity::IdentityService& identity, audit::AuditLog& audit, audit::AuditWriter& writer,
         const core::CryptoProvider& crypto, const core::Clock& clock, ModuleOptions options);

  SharingService& sharing() { return sharing_; }
  ExchangeService& exchange() { return exchange_; }
  QueryService& query() { return query_; }
  SubscriptionService& subscriptions() { return subscriptions_; }
  CorrectionService& corrections() { return corrections_; }
  StatsService& stats() { return stats_; }

  // Ingest, batches, the change feed and quality; sharing and shared reads; subscriptions;
  // corrections; figures (exchange/api.h and each sub-folder's api.h).
  void add_routes(http::Router& router);
  // The exchange tables (versions 400-499).
  static std::vector<db::Migration> migrations();
  // The webhook delivery worker (lease-claimed per subscription across nodes).
  std::vector<core::BackgroundWorker*> workers();

 private:
  SharingService sharing_;
  ExchangeService exchange_;
  QueryService query_;
  CorrectionService corrections_;
  StatsService stats_;
  HttpWebhookTransport webhook_transport_;
  SubscriptionService subscriptions_;  // last: its worker stops before the others go
};

}  // namespace zt::exchange
