// Logging: Zhengtong's log lines are JSON objects, one per line, on standard output:
// {"ts":"…+08:00","level":"info","logger":"zhengtong","msg":"…"}.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string_view>

namespace zt::app {

// A logger writing JSON lines to standard output at `level` (trace … off).
std::shared_ptr<spdlog::logger> make_logger(std::string_view level);

}  // namespace zt::app
