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

}  // namespace zt::app
