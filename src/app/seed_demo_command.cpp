#include "app/commands.h"
#include "app/data_key.h"
#include "app/migrations.h"
#include "audit/service.h"
#include "audit/writer.h"
#include "catalog/service.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"
#include "demo/registry_setup.h"
#include "demo/seed.h"
#include "exchange/records/service.h"
#include "exchange/service.h"
#include "exchange/sharing/service.h"
#include "identity/service.h"
#include "registry/division_service.h"
#include "registry/registry_service.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

namespace zt::app {

namespace {

// The system clock set back by a fixed offset: the ingest of a department that pushes late.
class LateClock final : public core::Clock {
 public:
  explicit LateClock(std::chrono::hours behind) : behind_(behind) {}
  core::TimePoint now() const override { return std::chrono::system_clock::now() - behind_; }

 private:
  std::chrono::hours behind_;
};

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string accounts_json(const demo::SeedReport& report) {
  std::string out = "[\n";
  for (std::size_t i = 0; i < report.accounts.size(); ++i) {
    const demo::DemoAccount& a = report.accounts[i];
    std::string roles;
    for (const std::string& r : a.roles) {
      if (!roles.empty()) roles += ',';
      roles += json_string(r);
    }
    out += fmt::format(
        "  {{\"username\":{},\"password\":{},\"kind\":{},\"display_name\":{},\"roles\":[{}],"
        "\"department\":{}}}{}\n",
        json_string(a.username), json_string(a.password), json_string(a.kind),
        json_string(a.display_name), roles,
        a.department.empty() ? "null" : json_string(a.department),
        i + 1 < report.accounts.size() ? "," : "");
  }
  return out + "]\n";
}

std::int64_t peak_rss_mib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux: KiB
}

}  // namespace

int run_seed_demo(const Config& config, const SeedDemoOptions& options) {
  auto fail = [](std::string_view what, const Error& e) {
    std::cerr << fmt::format("seed-demo: {}: {} ({})\n", what, e.detail, e.code);
    return 1;
  };
  auto db = db::Database::open(config.database_url, {.pool_size = config.database_pool});
  if (!db.ok()) return fail("cannot open the database", db.error());
  db::Database& database = **db;
  auto migrated = db::migrate(database, all_migrations());
  if (!migrated.ok()) return fail("migration failed", migrated.error());

  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  LateClock late_clock(std::chrono::hours(24 * 40));
  audit::AuditLog audit_log(database, crypto, clock);
  auto data_key = load_or_create_data_key(config.data_key_file, crypto);
  if (!data_key.ok()) return fail("cannot load the data key", data_key.error());
  identity::IdentityConfig identity_config = config.identity;
  identity_config.data_key = std::move(data_key).value();
  auto identity =
      identity::IdentityService::create(database, crypto, clock, audit_log, identity_config);
  if (!identity.ok()) return fail("cannot start the identity service", identity.error());
  catalog::CatalogService catalog(database, audit_log, clock, **identity,
                                  &exchange::ExchangeService::apply_schema);
  exchange::SharingService sharing(database, catalog, audit_log, clock);
  exchange::ExchangeService exchange(database, catalog, sharing, audit_log, clock, 1);
  exchange::ExchangeService late_exchange(database, catalog, sharing, audit_log, late_clock, 1);
  registry::DivisionService divisions(database);
  audit::AuditWriter audit_writer(audit_log);
  exchange::QueryService query(database, catalog, sharing, audit_writer, clock);
  registry::RegistryService registries(database, catalog, exchange, query, **identity, audit_log,
                                       divisions, clock);

  const bool tty = isatty(STDERR_FILENO) != 0;
  demo::DemoSeeder seeder(**identity, catalog, exchange, late_exchange, divisions,
                          [tty](std::string_view line, bool final) {
                            if (final) {
                              std::cerr << line << (tty ? "\x1b[K\n" : "\n") << std::flush;
                            } else if (tty) {
                              std::cerr << line << "\x1b[K\r" << std::flush;
                            } else {
                              std::cerr << line << '\n';
                            }
                          });
  if (options.if_empty) {
    auto used = seeder.has_departments();
    if (!used.ok()) return fail("cannot read the departments", used.error());
    if (*used) {
      std::cerr << "seed-demo: the database holds departments already; nothing seeded\n";
      return 0;
    }
  }
  auto report =
      seeder.run({.city_code = options.city, .people = options.people, .seed = options.seed});
  if (!report.ok()) return fail("seeding failed", report.error());
  // The base registries: golden resources, grants, mappings, and the first merge.
  if (Status s = demo::setup_registries(**identity, catalog, sharing, registries, options.city,
                                        [](std::string_view line) { std::cerr << line << '\n'; });
      !s.ok()) {
    return fail("setting up the registries failed", s.error());
  }

  std::string text = fmt::format(
      "\n================================================================================\n"
      " 演示城市 Demo city {}: {} departments, {} rows ingested in {:.1f} s ({:.0f} rows/s),\n"
      " {:.1f} s in all, peak RSS {} MiB. Demo accounts (demo passwords, sign in as is):\n",
      report->city_name, report->departments, report->rows, report->ingest_seconds,
      static_cast<double>(report->rows) / std::max(1e-3, report->ingest_seconds), report->seconds,
      peak_rss_mib());
  for (const demo::DemoAccount& a : report->accounts) {
    std::string roles;
    for (const std::string& r : a.roles) {
      if (!roles.empty()) roles += ',';
      roles += r;
    }
    text += fmt::format("   {:<20} {:<18} {:<13} {}\n", a.username, a.password,
                        roles.empty() ? a.kind : roles,
                        a.department.empty() ? a.display_name : a.department);
  }
  text += "================================================================================\n";
  std::cout << text << std::flush;
  if (!options.accounts_out.empty()) {
    std::ofstream out(options.accounts_out, std::ios::trunc);
    out << accounts_json(*report);
    // Passwords: readable by the owner only.
    std::error_code ignored;
    std::filesystem::permissions(
        options.accounts_out,
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ignored);
    if (!out.flush()) {
      std::cerr << fmt::format("seed-demo: cannot write {}\n", options.accounts_out.string());
      return 1;
    }
  }
  return 0;
}

}  // namespace zt::app
