#include "app/build_info.h"
#include "app/commands.h"
#include "app/data_key.h"
#include "app/logging.h"
#include "app/migrations.h"
#include "app/routes.h"
#include "audit/service.h"
#include "audit/writer.h"
#include "catalog/service.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"
#include "db/read_snapshot.h"
#include "db/url.h"
#include "exchange/corrections/service.h"
#include "exchange/records/service.h"
#include "exchange/service.h"
#include "exchange/sharing/service.h"
#include "exchange/stats/service.h"
#include "exchange/subscriptions/http_transport.h"
#include "exchange/subscriptions/service.h"
#include "http/access_log.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/worker_pool.h"
#include "identity/service.h"
#include "registry/division_service.h"
#include "registry/registry_service.h"
#include "registry/registry_syncer.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace zt::app {

int run_serve(const Config& config) {
  auto log = make_logger(config.log_level);

  auto db = db::Database::open(config.database_url, {.pool_size = config.database_pool});
  if (!db.ok()) {
    log->error("cannot open the database: {} ({})", db.error().detail, db.error().code);
    return 1;
  }
  db::Database& database = **db;
  auto migrated = db::migrate(database, all_migrations());
  if (!migrated.ok()) {
    log->error("migration failed: {} ({})", migrated.error().detail, migrated.error().code);
    return 1;
  }
  log->info("database {} at schema version {} ({} migrations applied now)",
            db::redact_database_url(config.database_url), migrated->to_version,
            migrated->applied.size());

  // The audit log outlives the server: the writer's destructor flushes after the last request.
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditLog audit_log(database, crypto, clock);
  audit::AuditWriter audit_writer(audit_log, {.flush_interval = config.audit_flush_interval});

  auto data_key = load_or_create_data_key(config.data_key_file, crypto);
  if (!data_key.ok()) {
    log->error("cannot load the data key: {} ({})", data_key.error().detail, data_key.error().code);
    return 1;
  }
  identity::IdentityConfig identity_config = config.identity;
  identity_config.data_key = std::move(data_key).value();
  auto identity_service =
      identity::IdentityService::create(database, crypto, clock, audit_log, identity_config);
  if (!identity_service.ok()) {
    log->error("cannot start the identity service: {} ({})", identity_service.error().detail,
               identity_service.error().code);
    return 1;
  }
  identity::IdentityService& identity = **identity_service;
  // First start on an empty database: the three administrators, with one-time passwords shown
  // on the console only (never in the log, stored only as argon2 hashes).
  if (auto admins = identity.init_admins(); admins.ok()) {
    std::cerr << initial_admins_text(*admins) << std::flush;
    log->warn(
        "created the three administrator accounts; their one-time passwords were shown "
        "on the console");
  } else if (admins.error().code != "admins_exist") {
    log->error("cannot create the administrator accounts: {} ({})", admins.error().detail,
               admins.error().code);
    return 1;
  }

  catalog::CatalogService catalog(database, audit_log, clock, identity,
                                  &exchange::ExchangeService::apply_schema);
  exchange::SharingService sharing(database, catalog, audit_log, clock);
  // Half the worker threads may be busy receiving uploads; the rest keep serving.
  exchange::ExchangeService exchange(database, catalog, sharing, audit_log, clock,
                                     std::max<std::size_t>(1, config.worker_threads / 2));
  exchange::QueryService query(database, catalog, sharing, audit_writer, clock);
  exchange::CorrectionService corrections(database, catalog, sharing, audit_log, clock);
  exchange::StatsService stats(database, catalog, identity, audit_log, clock);
  registry::DivisionService divisions(database);
  registry::RegistryService registries(database, catalog, exchange, query, identity, audit_log,
                                       divisions, clock);
  // Webhook subscriptions, delivered by one worker thread through the outbound HTTP client; the
  // destructor stops it before the audit writer flushes.
  exchange::HttpWebhookTransport webhook_client(config.webhook_allowed_networks);
  // Deliveries follow the same access rules as every read, checked again before each batch.
  auto subscription_access = [&sharing](std::int64_t department_id, const catalog::Resource& r) {
    return sharing.access_for_department(department_id, r);
  };
  exchange::SubscriptionService subscriptions(
      database, catalog, audit_log, audit_writer, crypto, clock, webhook_client,
      identity_config.data_key, subscription_access,
      {.backoff_base = config.webhook_backoff, .max_failures = config.webhook_max_failures},
      [log](const Error& e) { log->warn("webhook delivery: {} ({})", e.detail, e.code); });
  subscriptions.start();
  // The registries follow their sources' change feeds.
  registry::RegistrySyncer registry_syncer(
      registries, std::chrono::seconds(5),
      [log](const Error& e) { log->warn("registry sync: {} ({})", e.detail, e.code); });

  http::WorkerPool pool(config.worker_threads, config.worker_queue);
  http::Metrics metrics;
  http::AccessLog access_log(1, config.access_log);
  http::Router router;
  add_routes(router, {.build = {kVersion, kCommit},
                      .metrics = metrics,
                      .ready = [&database] { return database.ping(); },
                      .debug_sleep_route = config.debug_sleep_route,
                      .audit_log = &audit_log,
                      .audit_writer = &audit_writer,
                      .identity = &identity,
                      .catalog = &catalog,
                      .exchange = &exchange,
                      .sharing = &sharing,
                      .query = &query,
                      .subscriptions = &subscriptions,
                      .corrections = &corrections,
                      .stats = &stats,
                      .divisions = &divisions,
                      .registries = &registries});

  metrics.attach(router);
  metrics.add_gauge("zt_worker_pool_queue_depth", "Jobs waiting for a worker thread.",
                    [&pool] { return static_cast<double>(pool.queue_depth()); });
  metrics.add_gauge("zt_worker_pool_busy", "Worker threads running a job.",
                    [&pool] { return static_cast<double>(pool.busy()); });
  metrics.add_counter("zt_worker_pool_rejected_total",
                      "Jobs refused because the queue was full (503).",
                      [&pool] { return static_cast<double>(pool.rejected()); });
  metrics.add_gauge("zt_db_connections_open", "Database connections open.",
                    [&database] { return static_cast<double>(database.stats().open); });
  metrics.add_gauge("zt_db_connections_in_use", "Database connections leased.",
                    [&database] { return static_cast<double>(database.stats().in_use); });

  http::Server server(config.server, router, metrics, access_log, pool, *log);
  metrics.add_gauge("zt_http_connections_active", "Open client connections.",
                    [&server] { return static_cast<double>(server.active_connections()); });
  http::StaticFiles web(config.web_root);
  server.set_fallback([&web](const http::Request& request) {
    return web.serve(request.path(), request.header("If-None-Match"));
  });
  // Key lookups and filtered reads: sign-in check, grant and records in one read transaction.
  server.set_read_scope([&database] { return std::make_shared<db::ReadSnapshot>(database); });
  server.set_authenticator([&identity](const http::Request& request) {
    std::optional<std::string_view> bearer;
    if (auto authorization = request.header("Authorization")) {
      std::string_view value = *authorization;
      if (value.size() > 7 &&
          (value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer ")) {
        value.remove_prefix(7);
        while (!value.empty() && value.front() == ' ')
          value.remove_prefix(1);
        while (!value.empty() && value.back() == ' ')
          value.remove_suffix(1);
        bearer = value;
      }
    }
    return identity.authenticate(bearer, request.header("X-API-Key"), request.remote_address());
  });

  auto port = server.listen();
  if (!port.ok()) {
    log->error("{} ({})", port.error().detail, port.error().code);
    return 1;
  }
  const std::string host = config.server.host == "0.0.0.0" ? "127.0.0.1" : config.server.host;
  const std::string url = host.find(':') != std::string::npos
                              ? fmt::format("http://[{}]:{}/", host, *port)
                              : fmt::format("http://{}:{}/", host, *port);
  log->info("zhengtong {} serving on {} with {} I/O threads", kVersion, url,
            config.server.io_threads);
  std::cerr << fmt::format("政通 Zhengtong {} is serving on {}\n", kVersion, url);
  server.run();
  return 0;
}

}  // namespace zt::app
