#include "app/logging.h"

#include "core/json_text.h"
#include "core/time.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace zt::app {

namespace {

// %* in the pattern: the message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string escaped;
    core::append_json_string_body(escaped,
                                  std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// %@ in the pattern: the time as ISO 8601 in +08:00, like every other time Zhengtong prints.
class ChinaTimeFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string ts = core::format_iso8601(msg.time);
    dest.append(ts.data(), ts.data() + ts.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<ChinaTimeFlag>();
  }
};

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(std::string_view level) {
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("zhengtong", sink);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<JsonMessageFlag>('*').add_flag<ChinaTimeFlag>('@').set_pattern(
      R"({"ts":"%@","level":"%l","logger":"%n","msg":"%*"})");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace zt::app
