#include "http/client.h"

#include <fmt/format.h>
#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <strings.h>
#include <optional>

namespace zt::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

struct Target {
  std::string host;         // to resolve: a name, or an address without IPv6 brackets
  std::string port;         // "80" unless the URL names one
  std::string host_header;  // as the URL spells host and port
  std::string path;         // path and query, "/" when empty
};

Result<Target> parse_target(const std::string& url) {
  // A std::string is NUL-terminated, which Debian's Boost.URL 1.81 parsers rely on.
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Error::invalid("invalid_url", "The URL is not an absolute URL.");
  if (parsed->scheme_id() != boost::urls::scheme::http) {
    return Error::invalid("invalid_url", "Only http:// URLs are supported (TLS is not, yet).");
  }
  Target t;
  t.host = parsed->host_address();
  if (t.host.empty()) return Error::invalid("invalid_url", "The URL has no host.");
  t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  t.host_header = std::string(parsed->encoded_host_and_port());
  t.path = std::string(parsed->encoded_target());
  if (t.path.empty()) t.path = "/";
  return t;
}

Error timed_out(std::chrono::milliseconds timeout) {
  return Error::unavailable("timeout", fmt::format("No answer within {} ms.", timeout.count()));
}

Error address_refused(const std::string& address) {
  return Error::invalid(
      "address_not_allowed",
      fmt::format("Connecting to {} is refused: loopback, link-local, multicast and unspecified "
                  "addresses are never webhook receivers, and when [exchange] "
                  "webhook_allowed_networks lists networks only those are allowed.",
                  address));
}

// One exchange on `io`'s thread; sets `out` unless the io_context stops first (timeout).
asio::awaitable<void> exchange(const Target& t, const NetworkList& allowed,
                               const Client::Headers& headers, const std::string& body,
                               std::chrono::milliseconds timeout, std::optional<Result<int>>& out) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto executor = co_await asio::this_coro::executor;
  auto failed = [&](const beast::error_code& ec, std::string code, std::string_view what) {
    if (ec == beast::error::timeout) return timed_out(timeout);
    return Error::unavailable(std::move(code), fmt::format("{}: {}", what, ec.message()));
  };

  tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(t.host, t.port, kUseTuple);
  if (resolve_ec) {
    out = failed(resolve_ec, "connection_failed", fmt::format("Cannot resolve {}", t.host));
    co_return;
  }
  // Only to addresses the policy allows: checked on what the name resolved to, right before
  // connecting, so a name cannot point elsewhere between a check and the connection.
  std::vector<tcp::endpoint> permitted;
  for (const auto& entry : endpoints) {
    if (outbound_allowed(allowed, entry.endpoint().address())) permitted.push_back(entry);
  }
  if (permitted.empty()) {
    out = address_refused(endpoints.empty() ? t.host
                                            : endpoints.begin()->endpoint().address().to_string());
    co_return;
  }
  beast::tcp_stream stream(executor);
  stream.expires_at(deadline);
  auto [connect_ec, endpoint] = co_await stream.async_connect(permitted, kUseTuple);
  if (connect_ec) {
    out =
        failed(connect_ec, "connection_failed", fmt::format("Cannot connect to {}", t.host_header));
    co_return;
  }
  (void)endpoint;

  bhttp::request<bhttp::string_body> request{bhttp::verb::post, t.path, 11};
  request.set(bhttp::field::host, t.host_header);
  bool user_agent = false;
  for (const auto& [name, value] : headers) {
    user_agent = user_agent || strcasecmp(name.c_str(), "User-Agent") == 0;
    request.set(name, value);
  }
  if (!user_agent) request.set(bhttp::field::user_agent, "Zhengtong");
  request.set(bhttp::field::connection, "close");
  request.body() = body;
  request.prepare_payload();
  auto [write_ec, written] = co_await bhttp::async_write(stream, request, kUseTuple);
  if (write_ec) {
    out = failed(write_ec, "send_failed", "Cannot send the request");
    co_return;
  }
  (void)written;

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.header_limit(Client::kMaxHeaderBytes);
  auto [read_ec, read] = co_await bhttp::async_read_header(stream, buffer, parser, kUseTuple);
  (void)read;
  if (read_ec) {
    if (read_ec == beast::error::timeout) {
      out = timed_out(timeout);
    } else {
      out = Error::unavailable("invalid_response",
                               fmt::format("No valid answer: {}", read_ec.message()));
    }
    co_return;
  }
  out = static_cast<int>(parser.get().result_int());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

Client::Client(NetworkList allowed) : allowed_(std::move(allowed)) {}

Status Client::check_destination(const std::string& url) const {
  ZT_ASSIGN_OR_RETURN(Target target, parse_target(url));
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(target.host, ec);
  if (ec || outbound_allowed(allowed_, address)) return {};  // names are checked on delivery
  return address_refused(target.host);
}

Result<int> Client::post(const std::string& url, const Headers& headers, const std::string& body,
                         std::chrono::milliseconds timeout) {
  ZT_ASSIGN_OR_RETURN(Target target, parse_target(url));
  std::optional<Result<int>> outcome;
  {
    // Declared after everything the exchange refers to: destroying it first ends the exchange
    // (its coroutine frame, socket and resolver) when the timeout stops run_for().
    asio::io_context io(1);
    asio::co_spawn(io, exchange(target, allowed_, headers, body, timeout, outcome),
                   [&outcome](std::exception_ptr e) {
                     if (e && !outcome) {
                       outcome = Error::internal("http_client_error", "The request failed.");
                     }
                   });
    io.run_for(timeout);
  }
  if (!outcome) return timed_out(timeout);
  return std::move(*outcome);
}

}  // namespace zt::http
