// audit::Module: the audit module's bundle for the platform — the log and its group-commit
// writer, the routes, the migrations and the writer's background worker, built in one place
// (app::Platform builds every module's bundle; see docs/contributing.md, "Adding a module").
//
// Thread-safety: the services are thread-safe; construct, add_routes and destroy on one thread.
// The database, crypto provider and clock must outlive the module. Destruction flushes the writer.
#pragma once

#include "audit/service.h"
#include "audit/writer.h"
#include "core/background_worker.h"
#include "db/migration.h"
#include "http/router.h"

#include <vector>

namespace zt::audit {

class Module {
 public:
  // subject_key: the per-subject read index's secret (SubjectIndex::derive_key).
  Module(db::Database& database, const core::CryptoProvider& crypto, const core::Clock& clock,
         WriterOptions writer_options, std::string_view subject_key = {});

  AuditLog& log() { return log_; }
  AuditWriter& writer() { return writer_; }

  // GET /api/v1/audit/records, …/export, …/verify (audit/api.h).
  void add_routes(http::Router& router);
  // The audit tables (versions 100-199).
  static std::vector<db::Migration> migrations();

 private:
  AuditLog log_;
  AuditWriter writer_;  // after log_: flushes into it when destroyed
};

}  // namespace zt::audit
