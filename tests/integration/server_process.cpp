#include "integration/server_process.h"

#include "integration/api_schema_check.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#ifndef ZT_BINARY
#error "ZT_BINARY must name the zhengtong binary (set by tests/integration/CMakeLists.txt)"
#endif

namespace zt::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kKillAfter = std::chrono::seconds(10);
constexpr std::string_view kServingMarker = "is serving on http://";

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

// A TOML basic string for `s` (paths and URLs: only quotes and backslashes need escaping).
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Runs one statement on the PostgreSQL server at `url`. Returns the error text, empty on success.
std::string pg_exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  return error;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::optional<std::string> test_database_url(const fs::path& dir, std::string& error) {
  const char* kind = std::getenv("ZT_TEST_DATABASE_URL");
  if (kind == nullptr || *kind == '\0') {
    error =
        "ZT_TEST_DATABASE_URL is not set: run the integration tests through ctest, or set it to "
        "'sqlite' (a temporary file) or 'postgresql' (with ZT_TEST_PG_URL=postgresql://…)";
    return std::nullopt;
  }
  const std::string_view value = kind;
  if (value == "sqlite") return "sqlite:" + (dir / "zt.db").string();
  if (value == "postgresql") {
    const char* url = std::getenv("ZT_TEST_PG_URL");
    if (url == nullptr || *url == '\0') {
      error =
          "ZT_TEST_DATABASE_URL=postgresql needs ZT_TEST_PG_URL, the URL of a PostgreSQL database "
          "(start one with `scripts/pg_temp.sh start /tmp/pgit`, which prints it)";
      return std::nullopt;
    }
    return std::string(url);
  }
  return std::string(value);
}

std::unique_ptr<ServerProcess> ServerProcess::start(const ServerOptions& options,
                                                    std::string& error) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  {
    std::string pattern = (fs::temp_directory_path() / "zt-integration-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      error = fmt::format("mkdtemp failed: {}", std::strerror(errno));
      return nullptr;
    }
    server->dir_ = pattern;
  }
  server->web_root_ = server->dir_ / "web";
  fs::create_directories(server->web_root_);
  for (const auto& [relative, content] : options.web_files) {
    const fs::path file = server->web_root_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }

  auto database_url = options.node_of != nullptr
                          ? std::optional<std::string>(options.node_of->database_url_)
                          : test_database_url(server->dir_, error);
  if (!database_url) return nullptr;
  if (options.node_of != nullptr) {
    for (const char* key : {"data.key", "audit.key", "audit-signing.pem"}) {
      std::error_code ec;
      fs::copy_file(options.node_of->dir_ / key, server->dir_ / key, ec);
      if (ec) {
        error = fmt::format("cannot copy the other node's {}: {}", key, ec.message());
        return nullptr;
      }
    }
  } else if (options.fresh_database && database_url->rfind("postgres", 0) == 0) {
    const std::string schema = "zt_it_" + server->dir_.filename().string().substr(15);
    std::string schema_name;
    for (char ch : schema) {
      schema_name.push_back(std::isalnum(static_cast<unsigned char>(ch))
                                ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
                                : '_');
    }
    // pg_trgm in public, not in this schema: dropping the schema must not drop the extension
    // under the other servers and tests running at once (support/test_database.cpp).
    (void)pg_exec(*database_url, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
    if (auto failed = pg_exec(*database_url, "CREATE SCHEMA " + schema_name); !failed.empty()) {
      error = "cannot create a schema for the fresh database: " + failed;
      return nullptr;
    }
    server->pg_url_ = *database_url;
    server->pg_schema_ = schema_name;
    *database_url += (database_url->find('?') == std::string::npos ? "?" : "&") +
                     std::string("options=-csearch_path%3D") + schema_name;
  }

  server->database_url_ = *database_url;
  const fs::path config_file = server->dir_ / "zhengtong.toml";
  {
    std::ofstream config(config_file);
    config << "[server]\n"
           << "listen = \"127.0.0.1:0\"\n"
           << "threads = " << options.io_threads << "\n"
           << "header_timeout_ms = " << options.header_timeout_ms << "\n"
           << "idle_timeout_ms = " << options.idle_timeout_ms << "\n"
           << "body_timeout_ms = " << options.body_timeout_ms << "\n"
           << "write_timeout_ms = " << options.write_timeout_ms << "\n"
           << "shutdown_timeout_ms = " << options.shutdown_timeout_ms << "\n"
           << "web_root = " << toml_string(server->web_root_.string()) << "\n"
           << "trusted_proxies = [" << (options.trust_loopback_proxy ? "\"127.0.0.1\"" : "")
           << "]\n\n"
           << "[workers]\n"
           << "threads = " << options.worker_threads << "\n"
           << "queue = " << options.worker_queue << "\n\n"
           << "[database]\n"
           << "url = " << toml_string(*database_url) << "\n\n"
           << "[security]\n"
           << "data_key_file = " << toml_string((server->dir_ / "data.key").string()) << "\n"
           << "audit_key_file = " << toml_string((server->dir_ / "audit.key").string()) << "\n"
           << "audit_signing_key_file = "
           << toml_string((server->dir_ / "audit-signing.pem").string()) << "\n\n"
           << "[audit]\n"
           << "checkpoint_file = "
           << toml_string((server->dir_ / "audit-checkpoints.ndjson").string()) << "\n\n"
           << "[log]\n"
           << "level = " << toml_string(options.log_level) << "\n"
           << "access = " << (options.access_log ? "true" : "false") << "\n\n"
           << "[debug]\n"
           << "sleep_route = " << (options.sleep_route ? "true" : "false") << "\n"
           << "controllable_clock = " << (options.controllable_clock ? "true" : "false") << "\n\n"
           << "[exchange]\n"
           << "webhook_backoff_ms = " << options.webhook_backoff_ms << "\n"
           << "webhook_max_failures = " << options.webhook_max_failures << "\n";
    if (!options.webhook_allowed_networks.empty()) {
      config << "webhook_allowed_networks = [";
      for (std::size_t i = 0; i < options.webhook_allowed_networks.size(); ++i) {
        config << (i ? ", " : "") << toml_string(options.webhook_allowed_networks[i]);
      }
      config << "]\n";
    }
    if (options.services_worker_interval_ms > 0 || options.attachment_max_bytes > 0) {
      config << "\n[services]\n";
      if (options.services_worker_interval_ms > 0)
        config << "worker_interval_ms = " << options.services_worker_interval_ms << "\n";
      if (options.attachment_max_bytes > 0)
        config << "attachment_max_bytes = " << options.attachment_max_bytes << "\n";
    }
    if (!config) {
      error = "cannot write " + config_file.string();
      return nullptr;
    }
  }

  server->config_file_ = config_file;
  if (!server->spawn(error)) return nullptr;  // the destructor removes the directory
  return server;
}

bool ServerProcess::spawn(std::string& error) {
  const fs::path stdout_file = dir_ / "stdout.log";
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    error = fmt::format("pipe2 failed: {}", std::strerror(errno));
    return false;
  }
  const int out_fd = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || null_fd < 0) {
    error =
        fmt::format("cannot open {} or /dev/null: {}", stdout_file.string(), std::strerror(errno));
    for (int fd : {out_fd, null_fd, err_pipe[0], err_pipe[1]}) {
      if (fd >= 0) ::close(fd);
    }
    return false;
  }
  const std::string binary = ZT_BINARY;
  const std::string config_arg = config_file_.string();
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test binary
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    // Environment overrides would defeat the config file.
    ::unsetenv("ZT_DATABASE_URL");
    ::unsetenv("ZT_LISTEN");
    ::unsetenv("ZT_THREADS");
    ::unsetenv("ZT_LOG_LEVEL");
    const char* argv[] = {binary.c_str(), "--config", config_arg.c_str(), "serve", nullptr};
    ::execv(binary.c_str(), const_cast<char* const*>(argv));
    const char message[] = "exec of the zhengtong binary failed\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  ::close(out_fd);
  ::close(null_fd);
  if (pid < 0) {
    ::close(err_pipe[0]);
    error = fmt::format("fork failed: {}", std::strerror(errno));
    return false;
  }
  pid_ = pid;
  stderr_fd_ = err_pipe[0];

  // Read standard error until the server says where it serves, it exits, or time runs out.
  const auto deadline = Clock::now() + kStartTimeout;
  std::string captured;
  bool eof = false;
  while (true) {
    if (auto at = captured.find(kServingMarker); at != std::string::npos) {
      const auto line_end = captured.find('\n', at);
      if (line_end != std::string::npos) {
        const std::string_view rest = std::string_view(captured).substr(
            at + kServingMarker.size(), line_end - at - kServingMarker.size());
        const auto colon = rest.rfind(':');
        const int port = colon == std::string_view::npos
                             ? 0
                             : std::atoi(std::string(rest.substr(colon + 1)).c_str());
        if (port <= 0 || port > 65535) {
          error = "cannot read the port from the server's line: " + std::string(rest);
          break;
        }
        port_ = static_cast<std::uint16_t>(port);
        forget_api_document(port_);  // an earlier server's document may be cached for it
        {
          std::lock_guard lock(stderr_mutex_);
          stderr_ = std::move(captured);
        }
        drain_ = std::thread([this] { drain_stderr(); });
        return true;
      }
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (eof || left.count() <= 0) {
      error = eof ? "the server exited before serving" : "the server did not serve within 30 s";
      break;
    }
    pollfd pfd{stderr_fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 500)));
    if (ready < 0 && errno != EINTR) {
      error = fmt::format("poll failed: {}", std::strerror(errno));
      break;
    }
    if (ready > 0) {
      char chunk[4096];
      const ssize_t n = ::read(stderr_fd_, chunk, sizeof chunk);
      if (n > 0) {
        captured.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        eof = true;
      }
    }
  }

  // Failed: stop the child and report all it said.
  terminate();
  const auto code = wait_exit(kKillAfter);
  if (!code) {
    ::kill(pid_, SIGKILL);
    wait_exit(kKillAfter);
  }
  error += fmt::format(" (exit status {}; config {})\n--- stderr ---\n{}\n--- stdout ---\n{}",
                       code ? std::to_string(*code) : "none", config_file_.string(), captured,
                       read_all(stdout_file));
  return false;
}

void ServerProcess::kill_hard() {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, SIGKILL);
  wait_exit(kKillAfter);
}

bool ServerProcess::restart(std::string& error) {
  if (pid_ > 0 && !exit_code_) {
    error = "the server is still running";
    return false;
  }
  if (drain_.joinable()) drain_.join();
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
  stderr_fd_ = -1;
  pid_ = -1;
  port_ = 0;
  exit_code_.reset();
  {
    std::lock_guard lock(stderr_mutex_);
    stderr_.clear();
  }
  return spawn(error);
}

void ServerProcess::drain_stderr() {
  char chunk[4096];
  while (true) {
    const ssize_t n = ::read(stderr_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(stderr_mutex_);
    stderr_.append(chunk, static_cast<std::size_t>(n));
  }
}

void ServerProcess::terminate() {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, SIGTERM);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = decode_status(status);
      return exit_code_;
    }
    if (done < 0 && errno != EINTR) {
      exit_code_ = -1;  // not our child any more: nothing left to wait for
      return exit_code_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ServerProcess::stdout_text() const {
  return read_all(dir_ / "stdout.log");
}

std::string ServerProcess::stderr_text() const {
  std::lock_guard lock(stderr_mutex_);
  return stderr_;
}

int ServerProcess::run_command(const std::string& args, std::string& out) const {
  const auto log = dir_ / "command.log";
  const std::string line = fmt::format("'{}' --config '{}' {} >'{}' 2>&1", ZT_BINARY,
                                       config_file_.string(), args, log.string());
  const int status = std::system(line.c_str());
  out = read_all(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exit_code_) {
    terminate();
    if (!wait_exit(kKillAfter)) {
      ::kill(pid_, SIGKILL);
      wait_exit(kKillAfter);
    }
  }
  if (drain_.joinable()) drain_.join();  // the child's exit closed the pipe
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
  if (pid_ > 0 && port_ != 0 && ::testing::Test::HasFailure()) {
    std::string out = stdout_text();
    constexpr std::size_t kTail = 8000;
    if (out.size() > kTail) out = "…" + out.substr(out.size() - kTail);
    std::cerr << fmt::format(
        "--- zhengtong (port {}, exit status {}) stderr ---\n{}\n--- stdout (end) ---\n{}\n", port_,
        exit_code_ ? std::to_string(*exit_code_) : "none", stderr_text(), out);
  }
  if (!pg_schema_.empty())
    (void)pg_exec(pg_url_, "DROP SCHEMA IF EXISTS " + pg_schema_ + " CASCADE");
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

}  // namespace zt::test
