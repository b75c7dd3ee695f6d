#include "app/platform.h"

#include "app/build_info.h"
#include "app/data_key.h"
#include "http/identifier_routes.h"
#include "http/system_routes.h"

#include <fmt/format.h>
#include <spdlog/logger.h>

#include <algorithm>
#include <ranges>

namespace zt::app {

namespace {

Error with_context(std::string_view what, Error e) {
  e.detail = fmt::format("{}: {}", what, e.detail);
  return e;
}

// Where a background failure goes: a warning in the log, or nowhere.
std::function<void(const Error&)> reporter(const std::shared_ptr<spdlog::logger>& log,
                                           std::string_view what) {
  if (!log) return {};
  return [log, what = std::string(what)](const Error& e) {
    log->warn("{}: {} ({})", what, e.detail, e.code);
  };
}

}  // namespace

Platform::Platform(const Config& config, const core::Clock& clock)
    : config_(config), clock_(clock) {}

Platform::~Platform() {
  stop_workers();
}

std::vector<db::Migration> Platform::all_migrations() {
  std::vector<db::Migration> all = db::foundation_migrations();
  for (auto set :
       {&audit::Module::migrations, &identity::Module::migrations, &catalog::Module::migrations,
        &exchange::Module::migrations, &registry::Module::migrations, &calendar::Module::migrations,
        &services::Module::migrations}) {
    for (auto& m : set())
      all.push_back(std::move(m));
  }
  return all;
}

Result<std::unique_ptr<Platform>> Platform::create(const Config& config, const core::Clock& clock,
                                                   PlatformOptions options) {
  std::unique_ptr<Platform> p(new Platform(config, clock));
  if (options.node_id_file) {
    auto node = NodeId::claim(*options.node_id_file, p->crypto_);
    if (!node.ok()) return with_context("cannot name this node", std::move(node).error());
    p->node_.emplace(std::move(node).value());
    p->node_id_ = p->node_->id();
  } else {
    auto random = p->crypto_.random_bytes(8);
    if (!random.ok()) return with_context("cannot name this node", std::move(random).error());
    p->node_id_ = core::to_hex(*random);
  }

  auto db = db::Database::open(config.database_url, {.pool_size = config.database_pool});
  if (!db.ok()) return with_context("cannot open the database", std::move(db).error());
  p->database_ = std::move(db).value();
  auto migrated = db::migrate(*p->database_, all_migrations());
  if (!migrated.ok()) return with_context("migration failed", std::move(migrated).error());
  p->migrated_ = std::move(migrated).value();

  auto data_key = options.data_key ? Result<std::string>(*options.data_key)
                                   : load_or_create_data_key(config.data_key_file, p->crypto_);
  if (!data_key.ok()) return with_context("cannot load the data key", std::move(data_key).error());

  auto audit_keys = options.audit_keys
                        ? Result<audit::AuditKeys>(*options.audit_keys)
                        : load_audit_keys(config.audit_key_file, config.audit_signing_key_file,
                                          p->crypto_, /*create=*/true);
  if (!audit_keys.ok()) {
    return with_context("cannot load the audit keys", std::move(audit_keys).error());
  }
  auto subject_key = audit::SubjectIndex::derive_key(p->crypto_, *data_key);
  if (!subject_key.ok()) {
    return with_context("cannot derive the audit subject key", std::move(subject_key).error());
  }
  audit_keys->subject_key = std::move(subject_key).value();

  db::Database& database = *p->database_;
  p->audit_ = std::make_unique<audit::Module>(
      database, p->crypto_, clock, std::move(audit_keys).value(),
      audit::WriterOptions{.flush_interval = config.audit_flush_interval},
      audit::CheckpointOptions{.interval = config.audit_checkpoint_interval,
                               .file = config.audit_checkpoint_file},
      audit::ObjectIndexOptions{.node_id = p->node_id_});
  identity::IdentityConfig identity_config = config.identity;
  identity_config.data_key = *data_key;
  auto identity = identity::Module::create(database, p->crypto_, clock, p->audit_->log(),
                                           std::move(identity_config));
  if (!identity.ok()) {
    return with_context("cannot start the identity service", std::move(identity).error());
  }
  p->identity_ = std::move(identity).value();
  p->catalog_ = std::make_unique<catalog::Module>(database, p->audit_->log(), clock,
                                                  p->identity_->service().departments(),
                                                  &exchange::ExchangeService::apply_schema);
  p->exchange_ = std::make_unique<exchange::Module>(
      database, p->catalog_->service(), p->identity_->service(), p->audit_->log(),
      p->audit_->writer(), p->crypto_, clock,
      exchange::ModuleOptions{
          // Half the worker threads may be busy receiving uploads; the rest keep serving.
          .max_uploads = std::max<std::size_t>(1, config.worker_threads / 2),
          .node_id = p->node_id_,
          .webhooks = {.backoff_base = config.webhook_backoff,
                       .max_failures = config.webhook_max_failures},
          .webhook_allowed_networks = config.webhook_allowed_networks,
          .data_key = *data_key,
          .on_webhook_error = reporter(options.log, "webhook delivery")});
  p->registry_ = std::make_unique<registry::Module>(
      database, p->catalog_->service(), p->exchange_->exchange(), p->exchange_->query(),
      p->identity_->service(), p->audit_->log(), clock,
      registry::ModuleOptions{.node_id = p->node_id_,
                              .on_sync_error = reporter(options.log, "registry sync")});
  p->calendar_ = std::make_unique<calendar::Module>(database, p->audit_->log(), clock);
  // The holidays of the package compiled in, once per package version (several nodes: one).
  auto imported = p->calendar_->service().import_package();
  if (!imported.ok()) {
    return with_context("cannot import the holiday calendar", std::move(imported).error());
  }
  p->services_ = std::make_unique<services::Module>(
      database, p->audit_->log(), p->identity_->service(), p->calendar_->service(),
      p->catalog_->service(), p->exchange_->query(), p->exchange_->sharing(), p->crypto_, clock,
      services::ModuleOptions{
          .worker_interval = config.services_worker_interval,
          .warning_days = config.services_warning_days,
          .node_id = p->node_id_,
          .on_worker_error = reporter(options.log, "services worker"),
          .attachments = {.max_bytes = config.attachment_max_bytes,
                          // A quarter of the worker threads may be busy receiving attachments.
                          .max_uploads = std::max<std::size_t>(1, config.worker_threads / 4)}});
  // Record indexes made before today's layout (a database of an earlier version) are replaced
  // once, here, before anything reads.
  auto upgraded = p->exchange_->exchange().upgrade_record_indexes();
  if (!upgraded.ok()) {
    return with_context("cannot upgrade the record indexes", std::move(upgraded).error());
  }
  if (*upgraded > 0 && options.log) {
    options.log->info("{} record indexes made in the field-then-key layout", *upgraded);
  }
  if (p->node_) {
    // This node's earlier process died with these uploads running: their retries go on now.
    auto interrupted = p->exchange_->exchange().ingest_service().interrupt_own_batches();
    if (!interrupted.ok()) {
      return with_context("cannot settle this node's unfinished batches",
                          std::move(interrupted).error());
    }
    if (*interrupted > 0 && options.log) {
      options.log->warn("node {}: {} ingest batches of its previous run marked interrupted",
                        p->node_id_, *interrupted);
    }
  }
  return p;
}

void Platform::add_routes(http::Router& router, http::Metrics& metrics) {
  http::add_system_routes(router, {kVersion, kCommit}, metrics,
                          [this] { return database_->ping(); });
  http::add_identifier_routes(router);
  if (config_.debug_sleep_route) http::add_debug_routes(router);
  audit_->add_routes(router);
  identity_->add_routes(router);
  catalog_->add_routes(router);
  exchange_->add_routes(router);
  registry_->add_routes(router);
  calendar_->add_routes(router);
  services_->add_routes(router);
}

std::vector<core::BackgroundWorker*> Platform::workers() {
  std::vector<core::BackgroundWorker*> all;
  for (auto module_workers :
       {audit_->workers(), exchange_->workers(), registry_->workers(), services_->workers()}) {
    all.insert(all.end(), module_workers.begin(), module_workers.end());
  }
  return all;
}

void Platform::start_workers() {
  for (core::BackgroundWorker* w : workers())
    w->start();
}

void Platform::stop_workers() {
  if (!registry_) return;  // create() failed before the modules existed
  // Later modules stand on earlier ones: stop them first.
  for (core::BackgroundWorker* w : workers() | std::views::reverse)
    w->stop();
}

}  // namespace zt::app
