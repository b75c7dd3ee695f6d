#include "audit/module.h"

#include "audit/api.h"
#include "audit/store.h"

namespace zt::audit {

Module::Module(db::Database& database, const core::CryptoProvider& crypto, const core::Clock& clock,
               AuditKeys keys, WriterOptions writer_options, CheckpointOptions checkpoint_options,
               ObjectIndexOptions object_index_options)
    : log_(database, crypto, clock, std::move(keys)),
      checkpointer_(log_, std::move(checkpoint_options)),
      object_indexer_(database, clock, std::move(object_index_options)),
      writer_(log_, writer_options) {}

Module::~Module() {
  // What the writer still holds, then a checkpoint over it, so that a clean stop leaves no
  // unanchored tail. Failures here have nowhere to go: the next start checkpoints again.
  if (writer_.flush(std::chrono::seconds(5)).ok()) (void)checkpointer_.checkpoint_now();
}

void Module::add_routes(http::Router& router) {
  audit::add_routes(router, log_, writer_, checkpointer_);
}

std::vector<db::Migration> Module::migrations() {
  return audit::migrations();
}

}  // namespace zt::audit
