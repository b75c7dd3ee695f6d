// The subcommands of the zhengtong binary. Each returns the process exit code.
#pragma once

#include "app/config.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zt::app {

// `zhengtong serve`: migrates the database, then serves HTTP until SIGINT/SIGTERM.
int run_serve(const Config& config);

// `zhengtong migrate`: applies pending migrations and prints what it did.
int run_migrate(const Config& config);

// `zhengtong check KIND VALUE…`: one JSON line per value,
// {"value":…,"valid":…,"normalized":…,"error":…}; exit 0 only if every value is valid.
// KIND: id-number, uscc, division-code.
int run_check(const std::string& kind, const std::vector<std::string>& values);

// `zhengtong audit verify [--checkpoints FILE]…`: checks the audit chain with the audit keys of
// the config (they must exist), the table's checkpoints, the config's checkpoint file (when it
// exists) and each FILE given (checkpoint lines: the file of another node, the audit admin's
// download), and prints one JSON line, the report {"records_checked","ok","first_broken_id",
// "reason","head_id","keyed_from","checkpoints_checked","last_checkpoint_id"}; exit 0 when the
// chain is intact, 1 when it is broken, 2 when it cannot be read (a key or FILE missing, the
// database unreachable; the error goes to stderr).
int run_audit_verify(const Config& config, const std::vector<std::string>& checkpoint_files);

// `zhengtong admin init`: migrates, then creates the three administrator accounts (sysadmin,
// secadmin, auditadmin) when no account holds an administrator role, printing their one-time
// passwords on standard error only. Exit 0 when created, 1 when they exist already or on error.
int run_admin_init(const Config& config);

// `zhengtong registry import-divisions [--from DIR]`: migrates, then merges the division data set
// in DIR (registry/division_import.h; default data/divisions) into registry_division, printing
// progress on standard error and one summary line (counts per change and per level) on standard
// output. Idempotent. Exit 0 on success, 1 on failure.
int run_import_divisions(const Config& config, const std::filesystem::path& from);

// `zhengtong seed-demo --city CODE --people N --seed S [--accounts-out FILE] [--if-empty]`:
// migrates, then makes the demo city (demo/seed.h) through the services, with progress on
// standard error and the accounts (with their demo passwords) on standard output; FILE gets
// them as JSON [{username, password, kind, display_name, roles, department}]. --if-empty: do
// nothing (exit 0) when the database holds departments already. Exit 0 on success, 1 on failure.
struct SeedDemoOptions {
  std::string city = "330300";
  std::uint64_t people = 100000;
  std::uint64_t seed = 1;
  std::filesystem::path accounts_out;
  bool if_empty = false;
};
int run_seed_demo(const Config& config, const SeedDemoOptions& options);

// The console block that shows the three administrators' one-time passwords (serve prints it
// on first start, admin init on demand). Never written to the log.
std::string initial_admins_text(const std::vector<identity::InitialAdmin>& admins);

}  // namespace zt::app
