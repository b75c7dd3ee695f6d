#include "app/build_info.h"
#include "app/commands.h"
#include "app/logging.h"
#include "app/node_id.h"
#include "app/platform.h"
#include "core/time.h"
#include "db/read_snapshot.h"
#include "db/url.h"
#include "http/access_log.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/worker_pool.h"
#ifdef ZT_TEST_CLOCK
#include "app/debug_clock_routes.h"
#endif

#include <fmt/format.h>

#include <iostream>
#include <optional>

namespace zt::app {

int run_serve(const Config& config) {
  auto log = make_logger(config.log_level);

  core::SystemClock system_clock;
#ifdef ZT_TEST_CLOCK
  // A test build may run on a clock the tests move (config.cpp refuses the key elsewhere).
  std::optional<core::FakeClock> test_clock;
  if (config.debug_controllable_clock) test_clock.emplace(system_clock.now());
  const core::Clock& clock =
      test_clock ? static_cast<const core::Clock&>(*test_clock) : system_clock;
#else
  const core::Clock& clock = system_clock;
#endif
  auto created = Platform::create(config, clock,
                                  {.log = log, .node_id_file = node_id_path(config.data_key_file)});
  if (!created.ok()) {
    log->error("{} ({})", created.error().detail, created.error().code);
    return 1;
  }
  Platform& platform = **created;
  log->info("database {} at schema version {} ({} migrations applied now)",
            db::redact_database_url(config.database_url), platform.migration_report().to_version,
            platform.migration_report().applied.size());

  identity::IdentityService& identity = platform.identity().service();
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
  platform.start_workers();
  db::Database& database = platform.database();

  http::WorkerPool pool(config.worker_threads, config.worker_queue);
  http::Metrics metrics;
  http::AccessLog access_log(1, config.access_log);
  http::Router router;
  platform.add_routes(router, metrics);
#ifdef ZT_TEST_CLOCK
  if (test_clock) add_debug_clock_routes(router, *test_clock);
#endif

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
