#include "app/config.h"

#include "http/client_address.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <charconv>
#include <map>
#include <set>

namespace zt::app {

namespace {

Error invalid(std::string_view key, std::string_view why) {
  return Error::invalid("invalid_config", fmt::format("{}: {}", key, why));
}

Result<std::size_t> parse_count(std::string_view key, std::string_view text, std::size_t min,
                                std::size_t max) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return invalid(key, fmt::format("'{}' is not a whole number from {} to {}", text, min, max));
  }
  return value;
}

Status check_log_level(std::string_view level) {
  for (std::string_view known : {"trace", "debug", "info", "warn", "error", "off"}) {
    if (level == known) return {};
  }
  return invalid("log.level",
                 fmt::format("'{}' is not one of trace, debug, info, warn, error, off", level));
}

// Reads an integer key within [min, max] into `out` when present.
template <typename T>
Status read_int(const toml::table& table, std::string_view path, std::int64_t min, std::int64_t max,
                T& out) {
  auto node = table.at_path(path);
  if (!node) return {};
  auto value = node.is_integer() ? node.value<std::int64_t>() : std::nullopt;
  if (!value || *value < min || *value > max) {
    return invalid(path, fmt::format("must be a whole number from {} to {}", min, max));
  }
  out = static_cast<T>(*value);
  return {};
}

// Reads a duration key: a whole number of the duration's own unit (ms, minutes, hours).
template <typename Rep, typename Period>
Status read_int(const toml::table& table, std::string_view path, std::int64_t min, std::int64_t max,
                std::chrono::duration<Rep, Period>& out) {
  std::int64_t count = out.count();
  ZT_TRY(read_int(table, path, min, max, count));
  out = std::chrono::duration<Rep, Period>(count);
  return {};
}

Status read_ms(const toml::table& table, std::string_view path, std::chrono::milliseconds& out) {
  return read_int(table, path, 1, 86'400'000, out);
}

Status read_string(const toml::table& table, std::string_view path, std::string& out) {
  auto node = table.at_path(path);
  if (!node) return {};
  auto value = node.is_string() ? node.value<std::string>() : std::nullopt;
  if (!value) return invalid(path, "must be a string");
  out = *value;
  return {};
}

// Reads a list of strings into `out` when present; `what` says what the list must be.
Status read_strings(const toml::table& table, std::string_view path, std::string_view what,
                    std::optional<std::vector<std::string>>& out) {
  auto node = table.at_path(path);
  if (!node) return {};
  const toml::array* list = node.as_array();
  if (!list) return invalid(path, what);
  out.emplace();
  for (const auto& item : *list) {
    if (!item.is_string()) return invalid(path, what);
    out->push_back(*item.value<std::string>());
  }
  return {};
}

// Every key the file may hold; anything else is a typo worth refusing at start-up.
Status check_known_keys(const toml::table& table) {
  static const std::map<std::string, std::set<std::string>, std::less<>> kKnown = {
      {"server",
       {"listen", "threads", "header_limit", "max_connections", "header_timeout_ms",
        "body_timeout_ms", "idle_timeout_ms", "write_timeout_ms", "shutdown_timeout_ms", "web_root",
        "trusted_proxies"}},
      {"workers", {"threads", "queue"}},
      {"database", {"url", "pool_size"}},
      {"log", {"level", "access"}},
      {"debug", {"sleep_route", "controllable_clock"}},
      {"audit", {"flush_interval_ms", "checkpoint_interval_s", "checkpoint_file"}},
      {"exchange", {"webhook_backoff_ms", "webhook_max_failures", "webhook_allowed_networks"}},
      {"security", {"data_key_file", "audit_key_file", "audit_signing_key_file"}},
      {"services", {"worker_interval_ms", "warning_working_days", "attachment_max_bytes"}},
      {"identity",
       {"password_profile", "password_max_age_days", "argon2_memory_kib", "argon2_iterations",
        "argon2_parallelism", "session_idle_minutes", "session_absolute_hours", "lockout_failures",
        "lockout_window_minutes", "lockout_minutes", "address_failures_per_hour", "totp_roles"}},
  };
  for (const auto& [section, node] : table) {
    auto known = kKnown.find(section.str());
    if (known == kKnown.end() || !node.is_table()) {
      return invalid(section.str(), "unknown section");
    }
    for (const auto& [key, value] : *node.as_table()) {
      if (!known->second.contains(std::string(key.str()))) {
        return invalid(fmt::format("{}.{}", section.str(), key.str()), "unknown key");
      }
    }
  }
  return {};
}

// The [identity] section (see docs/configuration.md).
Status apply_identity(const toml::table& table, identity::IdentityConfig& out) {
  std::string profile;
  ZT_TRY(read_string(table, "identity.password_profile", profile));
  if (profile == "dengbao") {
    out.password_profile = identity::PasswordProfile::kDengbao;
  } else if (profile == "asvs") {
    out.password_profile = identity::PasswordProfile::kAsvs;
  } else if (!profile.empty()) {
    return invalid("identity.password_profile", "must be \"dengbao\" or \"asvs\"");
  }
  ZT_TRY(read_int(table, "identity.password_max_age_days", 0, 3650, out.password_max_age_days));
  ZT_TRY(read_int(table, "identity.argon2_memory_kib", 8, 4 * 1024 * 1024, out.argon2.memory_kib));
  ZT_TRY(read_int(table, "identity.argon2_iterations", 1, 100, out.argon2.iterations));
  ZT_TRY(read_int(table, "identity.argon2_parallelism", 1, 64, out.argon2.parallelism));
  if (out.argon2.memory_kib < 8 * out.argon2.parallelism) {
    return invalid("identity.argon2_memory_kib", "must be at least 8 × argon2_parallelism");
  }
  ZT_TRY(read_int(table, "identity.session_idle_minutes", 1, 24 * 60, out.session_idle));
  ZT_TRY(read_int(table, "identity.session_absolute_hours", 1, 24 * 30, out.session_absolute));
  ZT_TRY(read_int(table, "identity.lockout_failures", 1, 1000, out.lockout_failures));
  ZT_TRY(read_int(table, "identity.lockout_window_minutes", 1, 24 * 60, out.lockout_window));
  ZT_TRY(read_int(table, "identity.lockout_minutes", 1, 24 * 60, out.lockout_duration));
  ZT_TRY(read_int(table, "identity.address_failures_per_hour", 1, 1'000'000,
                  out.address_failures_per_hour));
  std::optional<std::vector<std::string>> roles;
  ZT_TRY(read_strings(table, "identity.totp_roles", "must be an array of role names", roles));
  if (roles) {
    for (const std::string& role : *roles) {
      if (!identity::is_known_role(role)) {
        return invalid("identity.totp_roles", "must list roles such as \"dept_officer\"");
      }
    }
    out.totp_roles = std::move(*roles);
  }
  return {};
}

Status apply_file(const std::filesystem::path& file, Config& config) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return Error::invalid("invalid_config",
                          fmt::format("{}:{}:{}: {}", file.string(), e.source().begin.line,
                                      e.source().begin.column, e.description()));
  }
  ZT_TRY(check_known_keys(table));
  std::string listen;
  ZT_TRY(read_string(table, "server.listen", listen));
  if (!listen.empty()) ZT_TRY(parse_listen(listen, config.server));
  ZT_TRY(read_int(table, "server.threads", 1, 256, config.server.io_threads));
  ZT_TRY(read_int(table, "server.header_limit", 1024, 1 << 20, config.server.header_limit));
  ZT_TRY(read_int(table, "server.max_connections", 1, 1'000'000, config.server.max_connections));
  ZT_TRY(read_ms(table, "server.header_timeout_ms", config.server.header_timeout));
  ZT_TRY(read_ms(table, "server.body_timeout_ms", config.server.body_timeout));
  ZT_TRY(read_ms(table, "server.idle_timeout_ms", config.server.idle_timeout));
  ZT_TRY(read_ms(table, "server.write_timeout_ms", config.server.write_timeout));
  ZT_TRY(read_ms(table, "server.shutdown_timeout_ms", config.server.shutdown_timeout));
  constexpr std::string_view kProxies = "must be a list of IP addresses";
  std::optional<std::vector<std::string>> proxies;
  ZT_TRY(read_strings(table, "server.trusted_proxies", kProxies, proxies));
  if (proxies) {
    for (const std::string& address : *proxies) {
      if (!http::is_ip_address(address)) return invalid("server.trusted_proxies", kProxies);
    }
    config.server.trusted_proxies = std::move(*proxies);
  }
  std::string web_root;
  ZT_TRY(read_string(table, "server.web_root", web_root));
  if (!web_root.empty()) config.web_root = web_root;
  ZT_TRY(read_int(table, "workers.threads", 1, 1024, config.worker_threads));
  ZT_TRY(read_int(table, "workers.queue", 1, 1'000'000, config.worker_queue));
  ZT_TRY(read_string(table, "database.url", config.database_url));
  ZT_TRY(read_int(table, "database.pool_size", 1, 1024, config.database_pool));
  ZT_TRY(read_string(table, "log.level", config.log_level));
  if (auto node = table.at_path("log.access")) {
    auto value = node.is_boolean() ? node.value<bool>() : std::nullopt;
    if (!value) return invalid("log.access", "must be true or false");
    config.access_log = *value;
  }
  if (auto node = table.at_path("debug.sleep_route")) {
    auto value = node.is_boolean() ? node.value<bool>() : std::nullopt;
    if (!value) return invalid("debug.sleep_route", "must be true or false");
    config.debug_sleep_route = *value;
  }
  if (auto node = table.at_path("debug.controllable_clock")) {
    auto value = node.is_boolean() ? node.value<bool>() : std::nullopt;
    if (!value) return invalid("debug.controllable_clock", "must be true or false");
#ifndef ZT_TEST_CLOCK
    if (*value) return invalid("debug.controllable_clock", "exists only in test builds");
#endif
    config.debug_controllable_clock = *value;
  }
  ZT_TRY(read_int(table, "audit.flush_interval_ms", 1, 1000, config.audit_flush_interval));
  ZT_TRY(read_int(table, "audit.checkpoint_interval_s", 1, 3600, config.audit_checkpoint_interval));
  if (table.at_path("audit.checkpoint_file")) {
    std::string checkpoint_file;
    ZT_TRY(read_string(table, "audit.checkpoint_file", checkpoint_file));
    config.audit_checkpoint_file.reset();
    if (!checkpoint_file.empty()) config.audit_checkpoint_file = checkpoint_file;
  }
  ZT_TRY(read_int(table, "exchange.webhook_backoff_ms", 1, 300'000, config.webhook_backoff));
  ZT_TRY(read_int(table, "exchange.webhook_max_failures", 1, 100, config.webhook_max_failures));
  std::optional<std::vector<std::string>> blocks;
  ZT_TRY(read_strings(table, "exchange.webhook_allowed_networks",
                      "must be a list of IP networks such as \"10.0.0.0/8\" or \"fd00::/8\"",
                      blocks));
  if (blocks) {
    auto networks = http::NetworkList::parse(*blocks);
    if (!networks.ok()) {
      return invalid("exchange.webhook_allowed_networks", networks.error().detail);
    }
    config.webhook_allowed_networks = std::move(networks).value();
  }
  ZT_TRY(read_int(table, "services.attachment_max_bytes", 1024, 256LL << 20,
                  config.attachment_max_bytes));
  std::string data_key_file;
  ZT_TRY(read_string(table, "security.data_key_file", data_key_file));
  if (!data_key_file.empty()) config.data_key_file = data_key_file;
  std::string audit_key_file;
  ZT_TRY(read_string(table, "security.audit_key_file", audit_key_file));
  if (!audit_key_file.empty()) config.audit_key_file = audit_key_file;
  std::string audit_signing_key_file;
  ZT_TRY(read_string(table, "security.audit_signing_key_file", audit_signing_key_file));
  if (!audit_signing_key_file.empty()) config.audit_signing_key_file = audit_signing_key_file;
  ZT_TRY(apply_identity(table, config.identity));
  ZT_TRY(read_int(table, "services.worker_interval_ms", 100, 3'600'000,
                  config.services_worker_interval));
  ZT_TRY(read_int(table, "services.warning_working_days", 0, 30, config.services_warning_days));
  return check_log_level(config.log_level);
}

}  // namespace

Status parse_listen(std::string_view listen, http::ServerConfig& server) {
  std::string_view host;
  std::string_view port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find("]:");
    if (close == std::string_view::npos) return invalid("listen", "expected [address]:port");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string_view::npos) return invalid("listen", "expected host:port");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  auto number = parse_count("listen", port, 0, 65535);
  if (!number.ok()) return invalid("listen", fmt::format("'{}' has no valid port", listen));
  if (host == "localhost") host = "127.0.0.1";
  server.host = host.empty() ? "0.0.0.0" : std::string(host);
  server.port = static_cast<std::uint16_t>(*number);
  return {};
}

Result<Config> load_config(const std::optional<std::filesystem::path>& file,
                           const std::function<const char*(const char*)>& getenv) {
  Config config;
  if (file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*file, ec)) {
      return Error::invalid("config_not_found",
                            fmt::format("config file {} does not exist", file->string()));
    }
    ZT_TRY(apply_file(*file, config));
  } else if (std::error_code ec; std::filesystem::is_regular_file("zhengtong.toml", ec)) {
    ZT_TRY(apply_file("zhengtong.toml", config));
  }

  if (const char* url = getenv("ZT_DATABASE_URL"); url && *url) config.database_url = url;
  if (const char* listen = getenv("ZT_LISTEN"); listen && *listen) {
    ZT_TRY(parse_listen(listen, config.server));
  }
  if (const char* threads = getenv("ZT_THREADS"); threads && *threads) {
    auto n = parse_count("ZT_THREADS", threads, 1, 256);
    if (!n.ok()) return std::move(n).error();
    config.server.io_threads = *n;
  }
  if (const char* level = getenv("ZT_LOG_LEVEL"); level && *level) {
    config.log_level = level;
    ZT_TRY(check_log_level(config.log_level));
  }
  return config;
}

}  // namespace zt::app
