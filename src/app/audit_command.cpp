#include <fmt/format.h>

#include <boost/json.hpp>

#include <iostream>

#include "app/commands.h"
#include "audit/api.h"
#include "audit/verify.h"
#include "core/crypto_openssl.h"
#include "db/database.h"

namespace zt::app {

int run_audit_verify(const Config& config) {
  auto db = db::Database::open(config.database_url, {.pool_size = 2});
  if (!db.ok()) {
    std::cerr << fmt::format("zhengtong audit verify: {} ({})\n", db.error().detail,
                             db.error().code);
    return 2;
  }
  core::OpenSslCryptoProvider crypto;
  auto report = audit::verify_chain(**db, crypto);
  if (!report.ok()) {
    std::cerr << fmt::format("zhengtong audit verify: {} ({})\n", report.error().detail,
                             report.error().code);
    return 2;
  }
  std::cout << boost::json::serialize(audit::to_json(*report)) << "\n";
  return report->ok ? 0 : 1;
}

}  // namespace zt::app
