#include "app/commands.h"
#include "app/platform.h"
#include "core/time.h"
#include "registry/division_service.h"

#include <fmt/format.h>

#include <iostream>

namespace zt::app {

int run_import_divisions(const Config& config, const std::filesystem::path& from) {
  core::SystemClock clock;
  auto platform = Platform::create(config, clock);
  if (!platform.ok()) {
    std::cerr << fmt::format("import-divisions: {} ({})\n", platform.error().detail,
                             platform.error().code);
    return 1;
  }
  registry::DivisionService& divisions = (*platform)->registry().divisions();
  const auto started = std::chrono::steady_clock::now();
  std::cerr << fmt::format("import-divisions: reading {}\n", from.string());
  auto report = divisions.import(
      from, core::to_millis(clock.now()), [](std::string_view file, std::int64_t rows) {
        std::cerr << fmt::format("import-divisions: {:<14} {:>9} rows read\n", file, rows);
      });
  if (!report.ok()) {
    std::cerr << fmt::format("import-divisions: {} ({})\n", report.error().detail,
                             report.error().code);
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const std::string& skipped : report->skipped_examples) {
    std::cerr << fmt::format("import-divisions: skipped {}\n", skipped);
  }
  std::string levels;
  for (const auto& [level, n] : report->current_by_level) {
    levels += fmt::format("{}{}={}", levels.empty() ? "" : " ", registry::to_string(level), n);
  }
  const auto& c = report->counts;
  std::cout << fmt::format(
      "import-divisions: {} rows in {:.1f} s: {} added, {} changed, {} unchanged, {} retired, "
      "{} skipped; current: {}\n",
      c.rows, seconds, c.added, c.changed, c.unchanged, c.retired, report->skipped, levels);
  return 0;
}

}  // namespace zt::app
