#include "http/server.h"

#include "http/access_log.h"
#include "http/client_address.h"
#include "http/json_parse.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "http/worker_pool.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_set>

namespace zt::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using NativeRequest = bhttp::request<bhttp::string_body>;
using Parser = bhttp::request_parser<bhttp::string_body>;
// A stream_body route's body goes straight from the socket into pieces of the caller's buffer.
using StreamParser = bhttp::request_parser<bhttp::buffer_body>;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// What a connection is doing; decides what a graceful stop may close at once.
// kClosing: answered, discarding the rest of an unread body before closing (see linger()).
enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing };

// Streamed request bodies: the size of a piece, how many may wait for the handler, and how long a
// connection that answered before the end of the body keeps discarding it.
constexpr std::size_t kUploadPiece = 64 * 1024;
constexpr std::size_t kUploadPending = 2;
constexpr std::chrono::seconds kLingerTime{2};

// How a stream_body request's body ended when its handler answered.
enum class BodyEnd {
  kComplete,    // read to the end: the connection may serve another request
  kIncomplete,  // not read to the end (answered early, too large, malformed): answer, then close
  kClientGone,  // the client left or was too slow: nothing to answer
};

// The media type of a Content-Type value, lower-cased, without parameters.
std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view type = content_type.substr(0, semi);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
    type.remove_prefix(1);
  std::string out(type);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An incoming X-Request-Id is kept when it is short and made of safe characters.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  }
  return true;
}

// RFC 9112 §3.2 and §6: a request this server cannot frame with certainty — no Host or two
// (HTTP/1.1), a Transfer-Encoding other than exactly `chunked`, Transfer-Encoding beside
// Content-Length, or Transfer-Encoding on HTTP/1.0 — is answered 400 and the connection closed:
// reading on would take its body for the next request (request smuggling). Returns the problem's
// detail, or nullopt.
std::optional<std::string> framing_problem(const NativeRequest& req) {
  const std::size_t hosts = req.count(bhttp::field::host);
  if (hosts > 1) return "The request has more than one Host header.";
  if (hosts == 0 && req.version() >= 11) return "An HTTP/1.1 request needs a Host header.";
  std::size_t codings = 0;
  bool only_chunked = true;
  auto [first, last] = req.equal_range(bhttp::field::transfer_encoding);
  if (first == last) return std::nullopt;
  for (auto it = first; it != last; ++it) {
    for (const auto& coding : bhttp::token_list(it->value())) {
      ++codings;
      only_chunked = only_chunked && beast::iequals(coding, "chunked");
    }
  }
  if (req.version() < 11) return "Transfer-Encoding is not allowed on an HTTP/1.0 request.";
  if (req.count(bhttp::field::content_length) > 0) {
    return "A request may not carry both Transfer-Encoding and Content-Length.";
  }
  if (codings != 1 || !only_chunked) {
    return "The only Transfer-Encoding accepted is chunked, alone.";
  }
  return std::nullopt;
}

// Whether a request target holds a percent-encoded NUL ("%00"): refused before any handler, since
// no path or query parameter takes one and PostgreSQL's text cannot store it.
bool holds_encoded_nul(std::string_view target) {
  for (std::size_t at = target.find('%'); at != std::string_view::npos;
       at = target.find('%', at + 1)) {
    if (target.substr(at + 1, 2) == "00") return true;
  }
  return false;
}

// Header values from handlers may carry user input: never let them split the header.
void append_header_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
}

}  // namespace

struct Connection;

// Per I/O thread: its io_context and what lives on it. Touched only from that thread, except
// the atomics.
struct ThreadContext {
  asio::io_context io{1};
  std::unordered_set<Connection*> connections;
  std::mt19937_64 random{std::random_device{}()};
  std::time_t date_second = 0;
  char date[32] = {};

  std::string_view http_date() {
    const std::time_t now = std::time(nullptr);
    if (now != date_second) {
      date_second = now;
      std::tm tm{};
      gmtime_r(&now, &tm);
      std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    }
    return date;
  }

  std::string new_request_id() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    std::uint64_t a = random(), b = random();
    for (int i = 0; i < 16; ++i) {
      id[i] = kHex[(a >> (i * 4)) & 15];
      id[16 + i] = kHex[(b >> (i * 4)) & 15];
    }
    return id;
  }
};

// One accepted connection. Its coroutine owns it; the watchdog timer closes the socket when
// the current deadline passes. Setting a deadline is only a store: the watchdog wakes every
// `tick` (a quarter of the shortest timeout, 50 ms to 5 s) and compares, so a request costs no
// timer operation and a timeout fires at most a quarter late.
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(tcp::socket s, ThreadContext& t, std::chrono::milliseconds watchdog_tick)
      : socket(std::move(s)), thread(t), timer(t.io), tick(watchdog_tick) {}

  tcp::socket socket;
  ThreadContext& thread;
  asio::steady_timer timer;
  const std::chrono::milliseconds tick;
  Clock::time_point deadline = Clock::time_point::max();
  Phase phase = Phase::kIdle;
  bool timed_out = false;
  std::string remote;

  void set_deadline(std::chrono::milliseconds d) { deadline = Clock::now() + d; }
  void clear_deadline() { deadline = Clock::time_point::max(); }

  void arm_watchdog() {
    const auto wake = std::min(deadline, Clock::now() + tick);
    timer.expires_at(wake);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the connection ended
      if (Clock::now() >= self->deadline) {
        self->timed_out = true;
        boost::system::error_code ignored;
        self->socket.cancel(ignored);
        self->socket.shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      self->arm_watchdog();
    });
  }

  void close() {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
};

// The hand-over between a BodyWriter on the worker pool and the connection's coroutine: one
// piece at a time. The worker fills `pending` and wakes the coroutine by cancelling `wake`; the
// coroutine takes it, signals `taken`, and sends it while the worker makes the next piece (so at
// most one piece is being sent, one pending and one being made).
struct StreamState {
  explicit StreamState(asio::io_context& io) : wake(io, Clock::time_point::max()) {}

  asio::steady_timer wake;  // touched only on the connection's thread
  std::mutex mutex;         // guards the fields below
  std::condition_variable taken;
  std::optional<std::string> pending;
  bool finished = false;  // the writer returned
  bool failed = false;    // the connection is gone
  Status result;          // the writer's outcome
  std::size_t bytes = 0;  // body bytes handed over
};

class StreamSink final : public BodySink {
 public:
  StreamSink(std::shared_ptr<StreamState> state, asio::any_io_executor executor)
      : state_(std::move(state)), executor_(std::move(executor)) {}

  bool write(std::string_view bytes) override {
    buffer_.append(bytes);
    return buffer_.size() < kPiece || hand_over();
  }

  // Hands what is buffered to the connection once it has taken the previous piece; false if it
  // is gone.
  bool hand_over() {
    if (buffer_.empty()) return true;
    std::unique_lock lock(state_->mutex);
    state_->taken.wait(lock, [&] { return !state_->pending || state_->failed; });
    if (state_->failed) return false;
    state_->bytes += buffer_.size();
    state_->pending = std::move(buffer_);
    buffer_.clear();
    wake();
    return true;
  }

  void finish(Status result) {
    hand_over();
    std::lock_guard lock(state_->mutex);
    state_->finished = true;
    state_->result = std::move(result);
    wake();
  }

 private:
  static constexpr std::size_t kPiece = 64 * 1024;
  void wake() {
    asio::post(executor_, [state = state_] { state->wake.cancel(); });
  }

  std::shared_ptr<StreamState> state_;
  asio::any_io_executor executor_;
  std::string buffer_;
};

// The hand-over of a stream_body request's body between the connection's coroutine, which reads
// it from the socket, and the handler on the worker pool, which reads it through an UploadStream.
// At most kUploadPending pieces wait, so the socket is read only as fast as the handler consumes:
// constant memory whatever the size. The coroutine notifies `arrived`; the handler wakes the
// coroutine by posting to the connection's thread: wake.cancel() when it made room, and once it
// has answered, also a cancel of the socket read the coroutine may be waiting in. The coroutine
// checks the fields under the lock before each wait, so no wake-up is lost. Shared by the coroutine
// and the pool job; the job hands its reference to its last post, so the state (and its timer)
// is freed on the connection's thread, whichever side ends last.
struct UploadState {
  UploadState(Connection& c, std::uint64_t body_limit, std::string too_large)
      : wake(c.thread.io, Clock::time_point::max()),
        conn(&c),
        limit(body_limit),
        too_large_code(std::move(too_large)) {}

  // Touched only on the connection's thread.
  asio::steady_timer wake;
  Connection* conn;      // used only while `reading`, when the coroutine holds the connection
  bool reading = false;  // the coroutine waits in a socket read

  const std::uint64_t limit;
  const std::string too_large_code;  // the route's code for a body over `limit`
  std::mutex mutex;                  // guards the fields below
  std::condition_variable arrived;
  std::deque<std::string> pieces;  // read, not yet taken by the handler
  bool ended = false;              // no more pieces: the body is complete, or `error` says why not
  std::optional<Error> error;
  bool client_gone = false;  // `error` is client_gone
  bool answered = false;     // the handler returned `response`
  std::optional<Response> response;
};

class UploadStream final : public BodyStream {
 public:
  UploadStream(std::shared_ptr<UploadState> state, asio::any_io_executor executor)
      : state_(std::move(state)), executor_(std::move(executor)) {}

  Result<bool> read(std::string& piece) override {
    piece.clear();
    std::unique_lock lock(state_->mutex);
    state_->arrived.wait(lock, [&] { return !state_->pieces.empty() || state_->ended; });
    if (state_->pieces.empty()) {
      if (state_->error) return *state_->error;
      return false;
    }
    const bool was_full = state_->pieces.size() >= kUploadPending;
    piece = std::move(state_->pieces.front());
    state_->pieces.pop_front();
    lock.unlock();
    bytes_ += piece.size();
    if (was_full) asio::post(executor_, [state = state_] { state->wake.cancel(); });
    return true;
  }

  std::uint64_t bytes_read() const override { return bytes_; }

 private:
  std::shared_ptr<UploadState> state_;
  asio::any_io_executor executor_;
  std::uint64_t bytes_ = 0;
};

struct Server::Impl {
  Impl(ServerConfig c, const Router& r, Metrics& m, AccessLog& a, WorkerPool& p, spdlog::logger& l)
      : config(std::move(c)), router(r), metrics(m), access_log(a), pool(p), log(l) {
    if (config.io_threads == 0) config.io_threads = 1;
    for (std::size_t i = 0; i < config.io_threads; ++i) {
      threads.push_back(std::make_unique<ThreadContext>());
    }
  }

  ServerConfig config;
  const Router& router;
  Metrics& metrics;
  AccessLog& access_log;
  WorkerPool& pool;
  spdlog::logger& log;
  Handler fallback;
  Authenticator authenticator;
  ReadScope read_scope;

  std::vector<std::unique_ptr<ThreadContext>> threads;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<asio::steady_timer> flush_timer;
  std::unique_ptr<asio::steady_timer> drain_timer;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active{0};
  std::size_t next_thread = 0;
  // Keep the I/O threads other than the first running until the drain is over.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> refuse(tcp::socket socket);
  asio::awaitable<void> session(std::shared_ptr<Connection> conn);
  asio::awaitable<std::optional<Response>> run_blocking(const Route* route, const Handler& handler,
                                                        Request& request);
  Response invoke(const Route* route, const Handler& handler, Request& request);
  // Runs a streamed response's writer on the pool and sends its pieces as chunks. Returns the
  // body bytes sent, or nullopt when the connection must close (client gone, writer failed).
  asio::awaitable<std::optional<std::size_t>> send_stream(Connection& conn, const Response& r);
  // Runs a stream_body route's handler on the pool while reading the body for it (UploadState).
  // Returns when the handler has answered: its response (503 when the pool is full) and how far
  // the body was read.
  asio::awaitable<std::pair<Response, BodyEnd>> run_streamed(Connection& conn, const Route& route,
                                                             Request& request,
                                                             beast::flat_buffer& buffer,
                                                             Parser& parser);
  // After an answer that left the body unread: half-closes, then discards what the client still
  // sends until it closes or kLingerTime passes, so that closing with unread bytes does not reset
  // the connection before the client has read the answer (RFC 9112 §9.6).
  asio::awaitable<void> linger(Connection& conn);
  void start_flush_timer();
  std::chrono::milliseconds watchdog_tick() const {
    const auto shortest = std::min(
        {config.header_timeout, config.body_timeout, config.idle_timeout, config.write_timeout});
    return std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(50),
                                                 std::chrono::seconds(5));
  }
  void begin_stop();
  void close_connections(bool idle_only);
  void finish_if_drained();

  // The response's bytes. An HTTP/1.0 client is told when the connection stays open.
  std::string serialize(const Response& response, bool keep_alive, bool head,
                        std::string_view request_id, ThreadContext& thread, bool http10 = false);
};

asio::awaitable<void> Server::Impl::accept_loop() {
  while (!stopping.load()) {
    ThreadContext& target = *threads[next_thread];
    next_thread = (next_thread + 1) % threads.size();
    auto [ec, socket] = co_await acceptor->async_accept(target.io, kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) break;
      log.warn("accept failed: {}", ec.message());
      // Out of descriptors and similar: back off a little instead of spinning.
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (active.load() >= config.max_connections) {
      asio::co_spawn(target.io, refuse(std::move(socket)), asio::detached);
      continue;
    }
    active.fetch_add(1);
    auto conn = std::make_shared<Connection>(std::move(socket), target, watchdog_tick());
    asio::co_spawn(target.io, session(std::move(conn)), asio::detached);
  }
}

// Answers 503 to a connection over the limit, then closes it.
asio::awaitable<void> Server::Impl::refuse(tcp::socket socket) {
  ThreadContext* thread = nullptr;
  for (auto& t : threads) {
    if (t->io.get_executor() == socket.get_executor()) thread = t.get();
  }
  Response r = problem(Error::unavailable(
      "too_many_connections", "The server has too many open connections; try again shortly."));
  std::string bytes = serialize(r, false, false, thread->new_request_id(), *thread);
  co_await asio::async_write(socket, asio::buffer(bytes), kUseTuple);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

std::string Server::Impl::serialize(const Response& r, bool keep_alive, bool head,
                                    std::string_view request_id, ThreadContext& thread,
                                    bool http10) {
  std::string out;
  out.reserve(256 + r.body.size());
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} {}\r\nServer: zhengtong\r\nDate: {}\r\n",
                 r.status, reason_phrase(r.status), thread.http_date());
  const bool no_body_status = r.status == 204 || r.status == 304 || r.status < 200;
  if (!no_body_status) {
    if (!r.content_type.empty()) {
      out += "Content-Type: ";
      append_header_value(out, r.content_type);
      out += "\r\n";
    }
    if (r.stream) {
      out += "Transfer-Encoding: chunked\r\n";
    } else {
      fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", r.body.size());
    }
  }
  out += "X-Request-Id: ";
  out += request_id;
  out += "\r\n";
  for (const auto& [name, value] : r.headers) {
    append_header_value(out, name);
    out += ": ";
    append_header_value(out, value);
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!head && !no_body_status && !r.stream) out += r.body;
  return out;
}

// Authenticates and authorises when the route asks for it, then runs the handler. A handler that
// throws is a bug: the client gets 500 and the log says what happened.
Response Server::Impl::invoke(const Route* route, const Handler& handler, Request& request) {
  try {
    const std::shared_ptr<void> scope =
        route && route->options.read_scope && read_scope ? read_scope() : nullptr;
    core::Principal principal;
    if (route && route->options.access != Access::kPublic) {
      if (!authenticator) {
        Response r = problem(401, "unauthenticated", "Sign in first: this route needs a token.");
        r.header("WWW-Authenticate", "Bearer");
        return r;
      }
      auto result = authenticator(request);
      if (!result.ok()) {
        Response r = problem(result.error());
        if (r.status == 401) r.header("WWW-Authenticate", "Bearer");
        return r;
      }
      principal = std::move(result).value();
      if (!route->options.allowed_before_password_change) {
        if (principal.must_change_password) {
          return problem(403, "password_change_required",
                         "Change your initial password before using the platform.");
        }
        if (principal.must_enrol_totp) {
          return problem(403, "totp_enrolment_required",
                         "Set up your second factor (TOTP) before using the platform.");
        }
      }
      if (!route->options.permission.empty() &&
          !principal.has_permission(route->options.permission)) {
        return problem(403, "forbidden",
                       fmt::format("This needs the permission {}.", route->options.permission));
      }
      request.set_principal(&principal);
    }
    return handler(request);
  } catch (const std::exception& e) {
    log.error("handler failed: {} {}: {}", request.method(), request.target(), e.what());
    return problem(500, "internal_error", "An unexpected error occurred.");
  }
}

asio::awaitable<std::optional<Response>> Server::Impl::run_blocking(const Route* route,
                                                                    const Handler& handler,
                                                                    Request& request) {
  auto executor = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::optional<Response>)>(
      [&](auto completion) {
        using Completion = decltype(completion);
        auto shared = std::make_shared<Completion>(std::move(completion));
        bool queued = pool.try_submit([shared, executor, route, &handler, &request, this] {
          std::optional<Response> response = invoke(route, handler, request);
          asio::post(executor,
                     [shared, r = std::move(response)]() mutable { (*shared)(std::move(r)); });
        });
        if (!queued) {
          asio::post(executor, [shared]() mutable { (*shared)(std::nullopt); });
        }
      },
      asio::use_awaitable);
}

asio::awaitable<std::optional<std::size_t>> Server::Impl::send_stream(Connection& conn,
                                                                      const Response& response) {
  auto state = std::make_shared<StreamState>(conn.thread.io);
  auto executor = co_await asio::this_coro::executor;
  const BodyWriter writer = response.stream;
  bool queued = pool.try_submit([state, executor, writer, this] {
    StreamSink sink(state, executor);
    Status result;
    try {
      result = writer(sink);
    } catch (const std::exception& e) {
      result = Error::internal("internal_error", e.what());
    }
    if (!result.ok()) log.error("streamed body failed: {}", result.error().detail);
    sink.finish(std::move(result));
  });
  if (!queued) {
    log.warn("streamed body refused: worker pool full");
    co_return std::nullopt;
  }

  bool ok = true;
  while (true) {
    std::optional<std::string> piece;
    bool finished = false;
    {
      std::lock_guard lock(state->mutex);
      piece = std::move(state->pending);
      state->pending.reset();
      finished = state->finished;
      ok = ok && (!finished || state->result.ok());
      if (piece) state->taken.notify_all();
    }
    if (piece) {
      // The chunk's size line, the piece and its CRLF in one gathered write, without copying.
      const std::string size_line = fmt::format("{:x}\r\n", piece->size());
      static constexpr std::string_view kCrlf = "\r\n";
      const std::array<asio::const_buffer, 3> chunk{asio::buffer(size_line), asio::buffer(*piece),
                                                    asio::buffer(kCrlf.data(), kCrlf.size())};
      conn.set_deadline(config.write_timeout);
      auto [ec, n] = co_await asio::async_write(conn.socket, chunk, kUseTuple);
      (void)n;
      std::lock_guard lock(state->mutex);
      if (ec || conn.timed_out) {
        state->failed = true;
        state->taken.notify_all();
        break;
      }
      continue;
    }
    if (finished) break;
    state->wake.expires_at(Clock::time_point::max());
    co_await state->wake.async_wait(kUseTuple);
  }

  bool failed = false;
  {
    std::lock_guard lock(state->mutex);
    failed = state->failed;
  }
  if (failed) {
    // The writer may still be running: let it see the failure and stop; the pool is waited for
    // at shutdown, and `state` lives as long as the writer holds it.
    co_return std::nullopt;
  }
  if (!ok) co_return std::nullopt;  // cut short: no final chunk, the connection closes
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  auto [ec, n] = co_await asio::async_write(conn.socket, asio::buffer(kLastChunk), kUseTuple);
  (void)n;
  if (ec) co_return std::nullopt;
  std::lock_guard lock(state->mutex);
  co_return state->bytes;
}

asio::awaitable<std::pair<Response, BodyEnd>> Server::Impl::run_streamed(Connection& conn,
                                                                         const Route& route,
                                                                         Request& request,
                                                                         beast::flat_buffer& buffer,
                                                                         Parser& parser) {
  auto state =
      std::make_shared<UploadState>(conn, route.options.body_limit, route.options.too_large_code);
  auto executor = co_await asio::this_coro::executor;
  UploadStream body(state, executor);  // outlives the handler: this coroutine waits for it

  // The body goes into pieces of our own buffers, not into one string (which would even reserve
  // the whole Content-Length). The converted parser takes the header with it: give it back, the
  // Request and the session's views read it (moving fields keeps their storage).
  std::optional<StreamParser> stream;
  if (parser.is_done()) {
    state->ended = true;  // no body
  } else {
    stream.emplace(std::move(parser));
    stream->body_limit(route.options.body_limit);
    parser.get().base() = std::move(stream->get().base());
  }
  request.set_body_stream(&body);

  const bool queued = pool.try_submit([state, executor, &route, &request, this]() mutable {
    Response response = invoke(&route, route.handler, request);
    {
      std::lock_guard lock(state->mutex);
      state->response = std::move(response);
      state->answered = true;
    }
    asio::post(executor, [state = std::move(state)] {
      state->wake.cancel();
      if (state->reading) {
        boost::system::error_code ignored;
        state->conn->socket.cancel(ignored);
      }
    });
  });
  if (!queued) {
    Response response =
        problem(Error::unavailable("overloaded", "The server is busy; try again in a moment."));
    co_return std::pair{std::move(response), stream ? BodyEnd::kIncomplete : BodyEnd::kComplete};
  }

  std::string piece;
  while (true) {
    bool read_more = false;
    {
      std::lock_guard lock(state->mutex);
      if (state->answered) break;
      read_more = !state->ended && state->pieces.size() < kUploadPending;
    }
    if (!read_more) {
      state->wake.expires_at(Clock::time_point::max());
      co_await state->wake.async_wait(kUseTuple);
      continue;
    }
    if (piece.empty()) piece.resize(kUploadPiece);
    auto& into = stream->get().body();
    into.data = piece.data();
    into.size = piece.size();
    into.more = true;
    state->reading = true;
    conn.set_deadline(config.body_timeout);
    auto [ec, n] = co_await bhttp::async_read_some(conn.socket, buffer, *stream, kUseTuple);
    (void)n;
    conn.clear_deadline();
    state->reading = false;
    if (ec == bhttp::error::need_buffer) ec = {};  // the piece is full
    const std::size_t got = piece.size() - into.size;

    std::lock_guard lock(state->mutex);
    if (state->answered) break;  // the read may have been cut short for the answer
    if (got > 0) {
      piece.resize(got);
      state->pieces.push_back(std::move(piece));
      piece = std::string();
    }
    if (conn.timed_out || ec) {
      state->ended = true;
      if (ec == bhttp::error::body_limit) {
        state->error = Error{ErrorKind::kTooLarge, state->too_large_code,
                             fmt::format("The body exceeds the limit of {} bytes.", state->limit)};
      } else if (!conn.timed_out &&
                 ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
                 ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
        state->error = Error::invalid(
            "malformed_request", "The request body is not valid HTTP/1.1: " + ec.message() + ".");
      } else {
        state->client_gone = true;
        state->error = Error::unavailable(
            "client_gone", conn.timed_out ? "The body did not arrive in time."
                                          : "The client closed the connection: " + ec.message());
      }
    } else if (stream->is_done()) {
      state->ended = true;
    }
    state->arrived.notify_all();
  }

  BodyEnd end = BodyEnd::kIncomplete;
  Response response;
  {
    std::lock_guard lock(state->mutex);
    if (conn.timed_out || state->client_gone) {
      end = BodyEnd::kClientGone;
    } else if (!state->error && (!stream || stream->is_done())) {
      end = BodyEnd::kComplete;
    }
    response = std::move(*state->response);
  }
  co_return std::pair{std::move(response), end};
}

asio::awaitable<void> Server::Impl::linger(Connection& conn) {
  conn.phase = Phase::kClosing;
  boost::system::error_code ignored;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn.set_deadline(kLingerTime);  // the watchdog ends the reads below
  std::array<char, 16 * 1024> discard;
  while (!conn.timed_out) {
    auto [ec, n] = co_await conn.socket.async_read_some(asio::buffer(discard), kUseTuple);
    (void)n;
    if (ec) break;
  }
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> conn) {
  ThreadContext& thread = conn->thread;
  thread.connections.insert(conn.get());
  {
    boost::system::error_code ec;
    auto endpoint = conn->socket.remote_endpoint(ec);
    if (!ec) conn->remote = endpoint.address().to_string();
  }
  conn->set_deadline(config.idle_timeout);
  conn->arm_watchdog();

  beast::flat_buffer buffer;
  std::optional<Parser> parser;
  std::string out;

  try {
    while (true) {
      // Wait for the next request under the idle timeout, unless it is already buffered.
      conn->phase = Phase::kIdle;
      if (stopping.load()) break;
      if (buffer.size() == 0) {
        conn->set_deadline(config.idle_timeout);
        auto [ec, n] = co_await conn->socket.async_read_some(buffer.prepare(4096), kUseTuple);
        if (ec || conn->timed_out) break;
        buffer.commit(n);
      }

      conn->phase = Phase::kReading;
      conn->set_deadline(config.header_timeout);
      parser.emplace();
      parser->header_limit(static_cast<std::uint32_t>(config.header_limit));
      parser->body_limit(boost::none);  // checked per route below
      auto [hec, hn] = co_await bhttp::async_read_header(conn->socket, buffer, *parser, kUseTuple);
      (void)hn;
      const auto started = Clock::now();
      conn->clear_deadline();

      Response response;
      bool keep_alive = false;
      bool linger_after = false;  // a stream_body request's body is left unread
      bool head = false;
      bool http10 = false;
      std::size_t slot = metrics.unmatched_slot();
      std::string_view route_pattern;
      std::string request_id;
      std::string_view target;
      std::string_view method;
      std::string client = conn->remote;  // the TCP peer, or whom a trusted proxy forwards

      if (hec) {
        if (conn->timed_out || hec == asio::error::operation_aborted ||
            hec == bhttp::error::end_of_stream || hec == bhttp::error::partial_message ||
            hec == asio::error::eof || hec == asio::error::connection_reset) {
          break;  // the client went away or was too slow: nothing to answer
        }
        // Malformed HTTP: answer once, then close.
        request_id = thread.new_request_id();
        if (hec == bhttp::error::header_limit) {
          response = problem(431, "header_too_large",
                             fmt::format("Request headers exceed {} bytes.", config.header_limit));
        } else {
          response = problem(400, "malformed_request",
                             "The request is not valid HTTP/1.1: " + hec.message() + ".");
        }
      } else {
        conn->phase = Phase::kHandling;  // from here the request is in flight: a stop waits for it
        NativeRequest& req = parser->get();
        target = req.target();
        method = req.method_string();
        head = req.method() == bhttp::verb::head;
        http10 = req.version() == 10;
        keep_alive = req.keep_alive() && !stopping.load();
        if (!config.trusted_proxies.empty()) {
          auto forwarded = req.find("X-Forwarded-For");
          client = client_address(conn->remote,
                                  forwarded == req.end()
                                      ? std::nullopt
                                      : std::optional<std::string_view>(forwarded->value()),
                                  config.trusted_proxies);
        }
        if (auto id = req.find("X-Request-Id");
            id != req.end() && acceptable_request_id(id->value())) {
          request_id = std::string(id->value());
        } else {
          request_id = thread.new_request_id();
        }

        const auto qmark = target.find('?');
        const std::string_view path = target.substr(0, qmark);
        const std::string_view query =
            qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);

        Router::Match match;
        const Route* route = nullptr;
        const Handler* handler = nullptr;
        bool blocking = true;
        bool stream_body = false;  // the handler reads the body (run_streamed)
        if (auto framing = framing_problem(req)) {
          response = problem(400, "malformed_request", *framing);
          keep_alive = false;
          linger_after = true;  // whatever body follows is discarded, never parsed
        } else if (holds_encoded_nul(target)) {
          response = problem(400, "malformed_request",
                             "The request target holds a NUL character (%00), which no path or "
                             "query parameter accepts.");
        } else if (path.empty() || path.front() != '/') {
          response =
              problem(400, "malformed_request", "The request target must be an absolute path.");
          keep_alive = false;
        } else {
          match = router.match(method, path);
          if (match.kind == Router::Match::Kind::kFound) {
            route = match.route;
            handler = &route->handler;
            blocking = route->options.execution == Execution::kBlocking;
            stream_body = route->options.stream_body;
            slot = route->index;
            route_pattern = route->pattern;
          } else if (fallback && (req.method() == bhttp::verb::get || head) &&
                     !path.starts_with("/api/")) {
            handler = &fallback;
          } else if (match.kind == Router::Match::Kind::kMethodNotAllowed) {
            response =
                problem(405, "method_not_allowed",
                        fmt::format("{} is not allowed here; allowed: {}.", method, match.allow));
            response.header("Allow", match.allow);
          } else {
            response =
                problem(404, "route_not_found", fmt::format("No route for {} {}.", method, path));
          }
        }

        // The body: only what the route accepts, within its limit.
        const bool has_body = !parser->is_done();
        boost::json::value json_body;
        bool json_parsed = false;
        if (handler && has_body) {
          const std::uint64_t limit = route ? route->options.body_limit : 64 * 1024;
          const auto content_length = parser->content_length();
          const std::vector<std::string> none;
          const auto& accepts = route ? route->options.accepts : none;
          std::string type = media_type(req[bhttp::field::content_type]);
          bool accepted = accepts.empty();  // a body-less route ignores a stray body
          for (const auto& a : accepts)
            accepted = accepted || a == type;
          if (!accepted) {
            std::string list;
            for (const auto& a : accepts)
              list += (list.empty() ? "" : ", ") + a;
            response = problem(
                415, route ? route->options.unsupported_type_code : "unsupported_media_type",
                fmt::format("Content-Type '{}' is not accepted here; use {}.",
                            type.empty() ? "(none)" : type, list));
            handler = nullptr;
            keep_alive = false;
            linger_after = stream_body;
          } else if (content_length && *content_length > limit) {
            response = problem(413, route ? route->options.too_large_code : "body_too_large",
                               fmt::format("The body exceeds the limit of {} bytes.", limit));
            handler = nullptr;
            keep_alive = false;
            linger_after = stream_body;
          } else {
            if (bhttp::token_list(req[bhttp::field::expect]).exists("100-continue")) {
              static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
              conn->set_deadline(config.write_timeout);
              co_await asio::async_write(conn->socket, asio::buffer(kContinue), kUseTuple);
            }
            if (!stream_body) {  // else the handler reads it
              parser->body_limit(limit);
              conn->set_deadline(config.body_timeout);
              auto [bec, bn] = co_await bhttp::async_read(conn->socket, buffer, *parser, kUseTuple);
              (void)bn;
              conn->clear_deadline();
              if (conn->timed_out) break;
              if (bec == bhttp::error::body_limit) {
                response = problem(413, route ? route->options.too_large_code : "body_too_large",
                                   fmt::format("The body exceeds the limit of {} bytes.", limit));
                handler = nullptr;
                keep_alive = false;
              } else if (bec) {
                if (bec == asio::error::eof || bec == bhttp::error::partial_message ||
                    bec == asio::error::connection_reset) {
                  break;
                }
                response =
                    problem(400, "malformed_request",
                            "The request body is not valid HTTP/1.1: " + bec.message() + ".");
                handler = nullptr;
                keep_alive = false;
              } else if (type == "application/json" && route) {
                auto parsed = parse_json_body(req.body());
                if (!parsed.ok()) {
                  response = problem(parsed.error());
                  handler = nullptr;
                } else {
                  json_body = std::move(*parsed);
                  json_parsed = true;
                }
              }
            }
          }
        } else if (handler && route && !route->options.accepts.empty() &&
                   std::find(route->options.accepts.begin(), route->options.accepts.end(),
                             "application/json") != route->options.accepts.end() &&
                   route->doc.request_schema.is_object()) {
          // A JSON route called without a body.
          response = problem(400, "body_required", "This request needs a JSON body.");
          handler = nullptr;
        } else if (!handler && has_body) {
          keep_alive = false;  // an unread body would be taken for the next request
        }

        if (handler) {
          Request request(&req, path, query, request_id, client);
          request.set_params(std::move(match.params));
          if (json_parsed) request.set_json(&json_body);
          if (stream_body) {
            auto [answer, end] = co_await run_streamed(*conn, *route, request, buffer, *parser);
            if (end == BodyEnd::kClientGone) break;
            response = std::move(answer);
            if (end == BodyEnd::kIncomplete) {
              keep_alive = false;  // the unread body must not be taken for the next request
              linger_after = true;
            }
          } else if (blocking) {
            auto result = co_await run_blocking(route, *handler, request);
            if (result) {
              response = std::move(*result);
            } else {
              response = problem(
                  Error::unavailable("overloaded", "The server is busy; try again in a moment."));
            }
          } else {
            response = invoke(route, *handler, request);
          }
        }
        if (stopping.load()) keep_alive = false;
      }

      conn->phase = Phase::kWriting;
      out = serialize(response, keep_alive, head, request_id, thread, http10);
      conn->set_deadline(config.write_timeout);
      auto [wec, wn] = co_await asio::async_write(conn->socket, asio::buffer(out), kUseTuple);
      (void)wn;
      std::size_t body_bytes = response.body.size();
      if (!wec && !conn->timed_out && response.stream && !head) {
        auto streamed = co_await send_stream(*conn, response);
        body_bytes = streamed.value_or(0);
        if (!streamed) keep_alive = false;
      }
      const auto elapsed = Clock::now() - started;
      metrics.record(slot, response.status, elapsed);
      if (access_log.enabled()) {
        access_log.write({.request_id = request_id,
                          .method = method,
                          .target = target,
                          .route = route_pattern,
                          .status = response.status,
                          .bytes = body_bytes,
                          .duration = elapsed,
                          .remote = client});
      }
      if (linger_after && !wec && !conn->timed_out) co_await linger(*conn);
      if (wec || conn->timed_out || !keep_alive) break;
    }
  } catch (const std::exception& e) {
    log.error("connection from {} failed: {}", conn->remote, e.what());
  }

  conn->close();
  conn->timer.cancel();
  thread.connections.erase(conn.get());
  if (active.fetch_sub(1) == 1 && stopping.load()) {
    asio::post(threads.front()->io, [this] { finish_if_drained(); });
  }
}

// Runs on the first I/O thread: once stopping and no connection is left, lets run() return.
void Server::Impl::finish_if_drained() {
  if (!stopping.load() || active.load() != 0) return;
  guards.clear();
  if (drain_timer) drain_timer->cancel();
}

void Server::Impl::start_flush_timer() {
  flush_timer->expires_after(std::chrono::milliseconds(200));
  flush_timer->async_wait([this](boost::system::error_code ec) {
    access_log.flush();
    if (!ec && !stopping.load()) start_flush_timer();
  });
}

void Server::Impl::close_connections(bool idle_only) {
  for (auto& t : threads) {
    asio::post(t->io, [thread = t.get(), idle_only] {
      for (Connection* c : thread->connections) {
        if (!idle_only || c->phase == Phase::kIdle || c->phase == Phase::kReading ||
            c->phase == Phase::kClosing) {
          boost::system::error_code ignored;
          c->socket.cancel(ignored);
          c->socket.shutdown(tcp::socket::shutdown_both, ignored);
        }
      }
    });
  }
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  log.info("stopping: finishing in-flight requests");
  boost::system::error_code ignored;
  if (acceptor) acceptor->close(ignored);
  if (signals) signals->cancel(ignored);
  if (flush_timer) flush_timer->cancel();
  drain_timer->expires_after(config.shutdown_timeout);
  drain_timer->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    if (active.load() > 0) {
      log.warn("shutdown timeout: closing {} connections", active.load());
      close_connections(false);
    }
  });
  close_connections(true);
  finish_if_drained();
}

Server::Server(ServerConfig config, const Router& router, Metrics& metrics, AccessLog& access_log,
               WorkerPool& pool, spdlog::logger& logger)
    : impl_(std::make_unique<Impl>(std::move(config), router, metrics, access_log, pool, logger)) {}

Server::~Server() = default;

void Server::set_fallback(Handler handler) {
  impl_->fallback = std::move(handler);
}

void Server::set_authenticator(Authenticator authenticator) {
  impl_->authenticator = std::move(authenticator);
}

void Server::set_read_scope(ReadScope scope) {
  impl_->read_scope = std::move(scope);
}

Result<std::uint16_t> Server::listen() {
  auto& io = impl_->threads.front()->io;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->config.host, ec);
  if (ec) {
    return Error::invalid("invalid_listen_address",
                          fmt::format("'{}' is not an IP address.", impl_->config.host));
  }
  tcp::endpoint endpoint(address, impl_->config.port);
  auto acceptor = std::make_unique<tcp::acceptor>(io);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::unavailable("listen_failed",
                              fmt::format("Cannot listen on {}:{}: {}.", impl_->config.host,
                                          impl_->config.port, ec.message()));
  }
  const auto port = acceptor->local_endpoint().port();
  impl_->acceptor = std::move(acceptor);
  return port;
}

void Server::run() {
  Impl& s = *impl_;
  auto& io = s.threads.front()->io;
  s.signals = std::make_unique<asio::signal_set>(io, SIGINT, SIGTERM);
  s.signals->async_wait([&s](boost::system::error_code ec, int) {
    if (!ec) s.begin_stop();
  });
  s.flush_timer = std::make_unique<asio::steady_timer>(io);
  s.drain_timer = std::make_unique<asio::steady_timer>(io);
  s.start_flush_timer();
  asio::co_spawn(io, s.accept_loop(), asio::detached);

  for (std::size_t i = 1; i < s.threads.size(); ++i) {
    s.guards.push_back(asio::make_work_guard(s.threads[i]->io));
  }
  std::vector<std::thread> runners;
  for (std::size_t i = 1; i < s.threads.size(); ++i) {
    runners.emplace_back([&s, i] { s.threads[i]->io.run(); });
  }
  io.run();
  s.guards.clear();
  for (auto& t : runners)
    t.join();
  // Jobs still on the pool post their results back to stopped contexts; wait for them so the
  // contexts outlive every job.
  s.pool.wait_idle();
  s.access_log.flush();
  s.log.info("stopped");
}

void Server::stop() {
  auto& io = impl_->threads.front()->io;
  asio::post(io, [this] { impl_->begin_stop(); });
}

std::size_t Server::active_connections() const {
  return impl_->active.load();
}

}  // namespace zt::http
