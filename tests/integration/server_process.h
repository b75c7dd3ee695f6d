// ServerProcess: the real `zhengtong serve` binary run as a child process for integration tests.
//
// start() writes a TOML config into a fresh temporary directory, fork/execs the binary built by
// CMake (ZT_BINARY) with `--config FILE serve`, sends its standard output to a file in that
// directory, and reads its standard error until the line "… is serving on http://HOST:PORT/" to
// learn the port it bound (the config listens on port 0).
//
// The database comes from the environment, so one test binary runs once per backend:
//   ZT_TEST_DATABASE_URL=sqlite       a fresh SQLite file in the temporary directory;
//   ZT_TEST_DATABASE_URL=postgresql   the URL in ZT_TEST_PG_URL (migrations are idempotent);
//   ZT_TEST_DATABASE_URL=<url>        that URL as it is.
//
// Ownership: the object owns the child and the directory. The destructor stops the child
// (SIGTERM, SIGKILL after 10 s), waits for it and removes the directory; when the current test
// has failed it first prints the server's standard error and the end of its standard output.
// Thread-safety: one thread at a time, except stderr_text(), which may race the drain thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace zt::test {

class ServerProcess;

struct ServerOptions {
  int io_threads = 2;
  int header_timeout_ms = 10'000;
  int idle_timeout_ms = 60'000;
  int body_timeout_ms = 60'000;
  int write_timeout_ms = 30'000;
  int shutdown_timeout_ms = 30'000;
  int worker_threads = 4;
  int worker_queue = 64;
  std::string log_level = "info";
  bool access_log = true;
  bool sleep_route = true;
  // [debug] controllable_clock: the server's clock stands still until the test moves it
  // (ServerTest::advance_clock; POST /api/v1/debug/clock). Test builds only.
  bool controllable_clock = false;
  // [server] trusted_proxies = ["127.0.0.1"]: the test client acts as a reverse proxy.
  bool trust_loopback_proxy = false;
  // Files of the web root, by path relative to it ("assets/app-1a2b3c4d.js" → content). The
  // web root is always a directory of the temporary directory, empty when this is.
  std::map<std::string, std::string> web_files;
  // PostgreSQL: run this server in a schema of its own (created empty, dropped afterwards), so
  // it sees an empty database — for tests of first-start behaviour. SQLite is always fresh.
  bool fresh_database = false;
  // [exchange]: webhook retries (the server's defaults: 1000 ms doubling, parked after 8).
  int webhook_backoff_ms = 1000;
  int webhook_max_failures = 8;
  // [exchange] webhook_allowed_networks: the tests' receivers listen on loopback, which the
  // server refuses by default; empty writes no list (the server's default rule).
  std::vector<std::string> webhook_allowed_networks = {"127.0.0.0/8"};
  // [services] worker_interval_ms: how often the services worker runs; 0 writes none (the
  // server's default, a minute).
  int services_worker_interval_ms = 0;
  // [services] attachment_max_bytes; 0: the server's default (10 MiB).
  std::int64_t attachment_max_bytes = 0;
  // Another node of this running server: the same database (its fresh schema too) and a copy of
  // its keys (data key, audit chain and signing keys), with a directory and node id of its own —
  // two nodes on one database, as production runs them on one PostgreSQL. It must outlive this
  // one (stop this one first).
  const class ServerProcess* node_of = nullptr;
};

class ServerProcess {
 public:
  // Starts the server and waits (up to 30 s) until it serves. On failure returns null and sets
  // `error` to why, with everything the server printed.
  static std::unique_ptr<ServerProcess> start(const ServerOptions& options, std::string& error);

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& web_root() const { return web_root_; }

  // Sends SIGTERM (a graceful stop). No effect once the child has exited.
  void terminate();
  // Kills the child with SIGKILL (a crash: nothing is flushed or finished) and waits for it.
  void kill_hard();
  // Starts a new child on the same directory, configuration and database after the previous
  // one exited; it listens on a new port (port()). False with `error` set when it does not serve.
  bool restart(std::string& error);

  // Waits up to `timeout` for the child to exit. Returns its exit code (128 + the signal number
  // when a signal ended it), or nullopt if it is still running after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Everything the server wrote to standard output so far (its log and the access log).
  std::string stdout_text() const;
  // Everything the server wrote to standard error so far.
  std::string stderr_text() const;

  // Runs `zhengtong --config <this server's config> ARGS` (a CLI command on the same database)
  // to its end: its exit code (-1 if a signal ended it), its standard output and error in `out`.
  int run_command(const std::string& args, std::string& out) const;

 private:
  ServerProcess() = default;
  bool spawn(std::string& error);  // starts the child and waits until it serves
  void drain_stderr();

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::uint16_t port_ = 0;
  std::filesystem::path dir_;
  std::filesystem::path web_root_;
  std::filesystem::path config_file_;
  int stderr_fd_ = -1;  // read end of the child's standard error, owned by drain_ once started
  mutable std::mutex stderr_mutex_;  // guards stderr_
  std::string stderr_;
  std::thread drain_;
  std::string database_url_;  // as written into the config (node_of reads it)
  std::string pg_url_;        // fresh_database on PostgreSQL: the server's base URL
  std::string pg_schema_;     // and the schema to drop
};

// The database URL the tests use for a server whose temporary directory is `dir`, from
// ZT_TEST_DATABASE_URL and ZT_TEST_PG_URL (see above); nullopt with `error` set when missing.
std::optional<std::string> test_database_url(const std::filesystem::path& dir, std::string& error);

}  // namespace zt::test
