// audit::Module: the audit module's bundle for the platform — the log and its group-commit
// writer, the checkpointer, the object indexer, the routes, the migrations and the background
// workers, built in one place
// (app::Platform builds every module's bundle; see docs/contributing.md, "Adding a module").
//
// Thread-safety: the services are thread-safe; construct, add_routes and destroy on one thread.
// The database, crypto provider and clock must outlive the module. Destruction flushes the writer,
// then signs a last checkpoint over what it wrote.
#pragma once

#include "audit/checkpoint.h"
#include "audit/object_index.h"
#include "audit/service.h"
#include "audit/writer.h"
#include "core/background_worker.h"
#include "db/migration.h"
#include "http/router.h"

#include <vector>

namespace zt::audit {

class Module {
 public:
  // keys: the chain, checkpoint and subject-index keys (AuditKeys). object_index_options: the
  // node id the object indexer's lease is held by (app::Platform's).
  Module(db::Database& database, const core::CryptoProvider& crypto, const core::Clock& clock,
         AuditKeys keys, WriterOptions writer_options, CheckpointOptions checkpoint_options,
         ObjectIndexOptions object_index_options = {});
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  AuditLog& log() { return log_; }
  AuditWriter& writer() { return writer_; }
  AuditCheckpointer& checkpointer() { return checkpointer_; }
  ObjectIndexer& object_indexer() { return object_indexer_; }
  // The workers app::Platform starts and stops (the checkpointer's and the object indexer's; the
  // writer runs its own).
  std::vector<core::BackgroundWorker*> workers() {
    return {&checkpointer_.worker(), &object_indexer_.worker()};
  }

  // GET /api/v1/audit/records, …/export, …/verify, …/checkpoints (audit/api.h).
  void add_routes(http::Router& router);
  // The audit tables (versions 100-199).
  static std::vector<db::Migration> migrations();

 private:
  AuditLog log_;
  AuditCheckpointer checkpointer_;
  ObjectIndexer object_indexer_;
  AuditWriter writer_;  // after log_: flushes into it when destroyed
};

}  // namespace zt::audit
