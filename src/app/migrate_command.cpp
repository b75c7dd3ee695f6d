#include "app/commands.h"
#include "app/logging.h"
#include "app/platform.h"
#include "db/database.h"
#include "db/migration.h"
#include "db/url.h"

#include <fmt/format.h>

#include <iostream>

namespace zt::app {

int run_migrate(const Config& config) {
  auto db = db::Database::open(config.database_url, {.pool_size = config.database_pool});
  if (!db.ok()) {
    std::cerr << fmt::format("zhengtong migrate: {} ({})\n", db.error().detail, db.error().code);
    return 1;
  }
  auto report = db::migrate(**db, Platform::all_migrations());
  if (!report.ok()) {
    std::cerr << fmt::format("zhengtong migrate: {} ({})\n", report.error().detail,
                             report.error().code);
    return 1;
  }
  std::cout << fmt::format("migrated {}: {} applied, schema version {}\n",
                           db::redact_database_url(config.database_url), report->applied.size(),
                           report->to_version);
  return 0;
}

}  // namespace zt::app
