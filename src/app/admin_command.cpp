#include "app/commands.h"
#include "app/data_key.h"
#include "app/migrations.h"
#include "audit/service.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"
#include "identity/service.h"

#include <fmt/format.h>

#include <iostream>

namespace zt::app {

std::string initial_admins_text(const std::vector<identity::InitialAdmin>& admins) {
  std::string out =
      "\n"
      "==================================================================================\n"
      " 三员 The three administrator accounts were created. Their one-time passwords are\n"
      " shown here once and stored nowhere else; each must be changed at first sign-in,\n"
      " and each account must then enrol TOTP (POST /api/v1/auth/totp/setup).\n";
  for (const auto& admin : admins) {
    out += fmt::format("   {:<11} {:<12} {}\n", admin.username, admin.role, admin.password);
  }
  out += "==================================================================================\n\n";
  return out;
}

int run_admin_init(const Config& config) {
  auto db = db::Database::open(config.database_url, {.pool_size = config.database_pool});
  if (!db.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", db.error().detail, db.error().code);
    return 1;
  }
  auto migrated = db::migrate(**db, all_migrations());
  if (!migrated.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", migrated.error().detail,
                             migrated.error().code);
    return 1;
  }
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditLog audit_log(**db, crypto, clock);
  auto data_key = load_or_create_data_key(config.data_key_file, crypto);
  if (!data_key.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", data_key.error().detail,
                             data_key.error().code);
    return 1;
  }
  identity::IdentityConfig identity_config = config.identity;
  identity_config.data_key = std::move(data_key).value();
  auto service = identity::IdentityService::create(**db, crypto, clock, audit_log, identity_config);
  if (!service.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", service.error().detail,
                             service.error().code);
    return 1;
  }
  auto admins = (*service)->init_admins();
  if (!admins.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", admins.error().detail,
                             admins.error().code);
    return 1;
  }
  std::cerr << initial_admins_text(*admins);
  return 0;
}

}  // namespace zt::app
