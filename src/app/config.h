// Config: Zhengtong's settings, from a TOML file with environment overrides.
//
// Precedence: built-in defaults < the TOML file < ZT_DATABASE_URL, ZT_LISTEN, ZT_THREADS,
// ZT_LOG_LEVEL. See docs/configuration.md for every key.
#pragma once

#include "core/result.h"
#include "http/network_list.h"
#include "http/server.h"
#include "identity/model.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace zt::app {

struct Config {
  http::ServerConfig server;
  std::filesystem::path web_root = "web/dist";
  std::size_t worker_threads = 8;
  std::size_t worker_queue = 1024;
  std::string database_url = "sqlite:./data/zhengtong.db";
  std::size_t database_pool = 8;
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  bool access_log = true;
  bool debug_sleep_route = false;  // [debug] sleep_route: GET /api/v1/debug/sleep for tests
  // [debug] controllable_clock: the server's clock stands still unless a test moves it (POST
  // /api/v1/debug/clock). Test builds only: a release build refuses the key.
  bool debug_controllable_clock = false;
  // [audit] flush_interval_ms (1–1000): longest wait of a read's audit record before commit.
  std::chrono::milliseconds audit_flush_interval{200};
  // [exchange] webhook_backoff_ms: delay after a webhook delivery's first failure (doubling up
  // to 5 min); webhook_max_failures: consecutive failures that park a subscription.
  std::chrono::milliseconds webhook_backoff{1000};
  int webhook_max_failures = 8;
  // [exchange] webhook_allowed_networks: where deliveries may connect (CIDR blocks); empty: any
  // address but loopback, link-local, multicast and unspecified (http/network_list.h).
  http::NetworkList webhook_allowed_networks;
  // [audit] checkpoint_interval_s (1–3600): how often the chain head is signed (checkpoint.h).
  std::chrono::seconds audit_checkpoint_interval{60};
  // [audit] checkpoint_file: where each signed checkpoint is also appended, outside the
  // database; "" in the file: none (the table only).
  std::optional<std::filesystem::path> audit_checkpoint_file = "./data/audit-checkpoints.ndjson";
  // [services] attachment_max_bytes (1 KiB–256 MiB): the largest file a case accepts.
  std::uint64_t attachment_max_bytes = 10 << 20;
  // [security] data_key_file: the 32-byte SM4 data key, created (mode 0600) on first start.
  std::filesystem::path data_key_file = "./data/zhengtong.key";
  // [security] audit_key_file: the 32-byte HMAC-SM3 key of the audit chain; audit_signing_key_file:
  // the SM2 private key (PEM) signing its checkpoints. Both created (mode 0600) on first start.
  std::filesystem::path audit_key_file = "./data/zhengtong-audit.key";
  std::filesystem::path audit_signing_key_file = "./data/zhengtong-audit-signing.pem";
  identity::IdentityConfig identity;  // [identity]: passwords, sessions, lockout, TOTP
  // [services] worker_interval_ms (100–3 600 000): how often the services worker recomputes
  // stale deadlines and issues reminders; warning_working_days (0–30): 预警 this many working
  // days before a case's promised deadline.
  std::chrono::milliseconds services_worker_interval{60'000};
  int services_warning_days = 2;
};

// Reads `file` if given (an error if it is missing or invalid), else ./zhengtong.toml when it
// exists, then applies the environment read through `getenv` (so tests can pass their own).
// Errors: invalid_config (with the key and why), config_not_found.
Result<Config> load_config(const std::optional<std::filesystem::path>& file,
                           const std::function<const char*(const char*)>& getenv);

// Parses "host:port", "[v6]:port" or ":port" (all interfaces). Error: invalid_config.
Status parse_listen(std::string_view listen, http::ServerConfig& server);

}  // namespace zt::app
