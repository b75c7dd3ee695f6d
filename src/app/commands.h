// The subcommands of the zhengtong binary. Each returns the process exit code.
#pragma once

#include "app/config.h"

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

// `zhengtong audit verify`: walks the audit hash chain and prints one JSON line, the report
// {"records_checked","ok","first_broken_id","reason","head_id"}; exit 0 when the chain is
// intact, 1 when it is broken, 2 when it cannot be read (the error goes to stderr).
int run_audit_verify(const Config& config);

// `zhengtong admin init`: migrates, then creates the three administrator accounts (sysadmin,
// secadmin, auditadmin) when no account holds an administrator role, printing their one-time
// passwords on standard error only. Exit 0 when created, 1 when they exist already or on error.
int run_admin_init(const Config& config);

// The console block that shows the three administrators' one-time passwords (serve prints it
// on first start, admin init on demand). Never written to the log.
std::string initial_admins_text(const std::vector<identity::InitialAdmin>& admins);

}  // namespace zt::app
