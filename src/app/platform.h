// app::Platform: the whole platform, built from the config in one place — the database
// (migrated), the crypto provider, and every module's bundle (its services, routes, migrations
// and background workers) in dependency order. `serve`, the command-line tools, the OpenAPI test,
// the service test harness (tests/support/platform_harness.h) and so the integration server all
// build it here, so no service is wired twice and every route the server has is in the API
// document.
//
// A module joins by adding its bundle (src/<module>/module.h) here: a member, one line in
// create(), one in add_routes(), its migrations in all_migrations() and its workers in workers()
// (docs/contributing.md, "Adding a module").
//
// Ownership: the platform owns the database and the modules; the clock is the caller's and must
// outlive it. Destruction stops the workers, then the modules in reverse order (the audit writer
// last, so what the others audited is flushed). Thread-safety: the services are thread-safe;
// create, add_routes, start_workers, stop_workers and destroy on one thread.
#pragma once

#include "app/config.h"
#include "app/node_id.h"
#include "audit/module.h"
#include "calendar/module.h"
#include "catalog/module.h"
#include "core/background_worker.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"
#include "exchange/module.h"
#include "http/metrics.h"
#include "http/router.h"
#include "identity/module.h"
#include "registry/module.h"
#include "services/module.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace zt::app {

struct PlatformOptions {
  // The data key's bytes; unset: read or create the key file of the config (data_key_file).
  std::optional<std::string> data_key;
  // The audit log's keys; unset: read or create the config's audit_key_file and
  // audit_signing_key_file.
  std::optional<audit::AuditKeys> audit_keys;
  // Where the workers report what fails in the background (log lines); null: nowhere.
  std::shared_ptr<spdlog::logger> log;
  // `serve`: the node file (node_id.h) this process runs as — claimed and locked while the
  // platform lives, and the ingest batches an earlier process of this node left running are
  // marked interrupted before anything is served. Unset (the command-line tools, tests in
  // process): a random node id for this process, and no batch is touched.
  std::optional<std::filesystem::path> node_id_file;
};

class Platform {
 public:
  // Claims the node id, opens the config's database, applies every migration, loads the data
  // key and builds every module. Workers do not run until start_workers(). Failure: the step's
  // error, its detail prefixed with what failed ("cannot open the database: …").
  static Result<std::unique_ptr<Platform>> create(const Config& config, const core::Clock& clock,
                                                  PlatformOptions options = {});
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Every migration of the platform, in the order they apply (db foundation, then each module's).
  static std::vector<db::Migration> all_migrations();

  // Every route: the system routes (/healthz, /readyz, /metrics, version, the API document's
  // own), the identifier checks, the debug routes when the config asks for them, and every
  // module's routes.
  void add_routes(http::Router& router, http::Metrics& metrics);

  // Starts (and stops) every module's background workers. stop_workers() is idempotent and runs
  // at destruction too.
  void start_workers();
  void stop_workers();
  std::vector<core::BackgroundWorker*> workers();

  const Config& config() const { return config_; }
  const db::MigrationReport& migration_report() const { return migrated_; }
  db::Database& database() { return *database_; }
  const core::CryptoProvider& crypto() const { return crypto_; }
  const core::Clock& clock() const { return clock_; }
  const std::string& node_id() const { return node_id_; }

  audit::Module& audit() { return *audit_; }
  identity::Module& identity() { return *identity_; }
  catalog::Module& catalog() { return *catalog_; }
  exchange::Module& exchange() { return *exchange_; }
  registry::Module& registry() { return *registry_; }
  calendar::Module& calendar() { return *calendar_; }
  services::Module& services() { return *services_; }

 private:
  Platform(const Config& config, const core::Clock& clock);

  Config config_;
  const core::Clock& clock_;
  core::OpenSslCryptoProvider crypto_;
  std::optional<NodeId> node_;  // the claimed node file (options.node_id_file)
  std::string node_id_;
  std::unique_ptr<db::Database> database_;
  db::MigrationReport migrated_;
  // In dependency order; destroyed in reverse.
  std::unique_ptr<audit::Module> audit_;
  std::unique_ptr<identity::Module> identity_;
  std::unique_ptr<catalog::Module> catalog_;
  std::unique_ptr<exchange::Module> exchange_;
  std::unique_ptr<registry::Module> registry_;
  std::unique_ptr<calendar::Module> calendar_;
  std::unique_ptr<services::Module> services_;
};

}  // namespace zt::app
