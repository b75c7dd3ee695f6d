#include "audit/module.h"

#include "audit/api.h"
#include "audit/store.h"

namespace zt::audit {

Module::Module(db::Database& database, const core::CryptoProvider& crypto, const core::Clock& clock,
               WriterOptions writer_options, std::string_view subject_key)
    : log_(database, crypto, clock, subject_key), writer_(log_, writer_options) {}

void Module::add_routes(http::Router& router) {
  audit::add_routes(router, log_, writer_);
}

std::vector<db::Migration> Module::migrations() {
  return audit::migrations();
}

}  // namespace zt::audit
