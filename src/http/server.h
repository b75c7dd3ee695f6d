// Server: Zhengtong's HTTP/1.1 server (Boost.Beast + Asio, C++20 coroutines).
//
// One io_context per I/O thread, each connection on one of them (no strands, no locks on the
// hot path). Handlers marked Execution::kBlocking run on the WorkerPool; when its queue is full
// the request is answered 503 with Retry-After. Every error is problem+json. Limits: header
// size, body size per route, header-read, body-read, write and idle timeouts, and a cap on open
// connections. SIGINT/SIGTERM (or stop()) stop accepting, close idle connections, let in-flight
// requests finish (up to shutdown_timeout), then run() returns.
//
// Beast stays inside server.cpp; this header is cheap to include.
// Thread-safety: construct, listen() and run() from one thread; stop() from any thread.
#pragma once

#include "core/principal.h"
#include "core/result.h"
#include "http/router.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace zt::http {

// Makes the principal of a request from its credentials (Authorization: Bearer …, X-API-Key).
// Runs on the worker pool. Errors: kUnauthenticated (401) for missing, unknown or expired
// credentials; any other error maps as usual.
using Authenticator = std::function<Result<core::Principal>(const Request&)>;

// Opens what a route with RouteOptions::read_scope runs inside (the database's read snapshot);
// what it returns is kept until the handler has returned, on the same thread.
using ReadScope = std::function<std::shared_ptr<void>()>;

class AccessLog;
class Metrics;
class WorkerPool;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port (see listen())
  std::size_t io_threads = 1;
  std::size_t header_limit = 16 * 1024;  // request line + headers, bytes; larger → 431
  std::size_t max_connections = 10000;   // beyond it new connections get 503
  // Reverse proxies whose X-Forwarded-For is believed (see client_address.h); empty: none.
  std::vector<std::string> trusted_proxies;
  std::chrono::milliseconds header_timeout{10'000};    // first byte of a request → end of headers
  std::chrono::milliseconds body_timeout{120'000};     // end of headers → end of body
  std::chrono::milliseconds idle_timeout{60'000};      // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};     // writing one response
  std::chrono::milliseconds shutdown_timeout{30'000};  // grace for in-flight requests at stop
};

class Server {
 public:
  // Router, metrics, access log, pool and logger must outlive the server. The router must be
  // complete: routes added later are not served.
  Server(ServerConfig config, const Router& router, Metrics& metrics, AccessLog& access_log,
         WorkerPool& pool, spdlog::logger& logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves GET/HEAD requests that match no route and are not under /api/ (the web front end).
  // Runs on the worker pool.
  void set_fallback(Handler handler);

  // Authenticates the requests of signed-in routes. Without one, such routes answer 401.
  void set_authenticator(Authenticator authenticator);

  // Opens the scope of read_scope routes. Without one, they run as any other route.
  void set_read_scope(ReadScope scope);

  // Binds and listens. Returns the bound port, or Error unavailable "listen_failed".
  Result<std::uint16_t> listen();

  // Serves until stopped by stop(), SIGINT or SIGTERM; blocks. Returns after in-flight requests
  // are done (or shutdown_timeout passed) and the worker pool is idle.
  void run();

  // Begins a graceful stop; returns at once.
  void stop();

  std::size_t active_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zt::http
