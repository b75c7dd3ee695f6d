// libFuzzer target for HTTP request parsing and routing: raw bytes go through Beast's request
// parser configured as the server configures it (header limit, per-route body limit), then
// through the router, the query and path-parameter decoding, JSON body parsing and the inline
// handlers of the real routes (system and identifier routes). Nothing may crash, and every
// answer must be a well-formed response: a status in 100..599 and, for errors, problem+json.
#include "http/identifier_routes.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "http/router.h"
#include "http/system_routes.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

namespace bhttp = boost::beast::http;
using namespace zt::http;

struct Fixture {
  Fixture() {
    add_system_routes(router, {"0.0.0", "fuzz"}, metrics, [] { return zt::Status{}; });
    add_identifier_routes(router);
    metrics.attach(router);
  }
  Router router;
  Metrics metrics;
};

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

void check_response(const Response& r) {
  require(r.status >= 100 && r.status < 600, "status in range");
  if (r.status >= 400) {
    require(r.content_type == "application/problem+json", "errors are problem+json");
    boost::system::error_code ec;
    auto body = boost::json::parse(r.body, ec);
    require(!ec && body.is_object() && body.as_object().contains("code"), "problem has a code");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;  // routes are immutable after set-up; reused across inputs

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec && ec != bhttp::error::need_more) return 0;
  if (!parser.is_header_done()) return 0;

  const auto& req = parser.get();
  std::string_view target = req.target();
  const auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  auto match = fixture.router.match(req.method_string(), path);
  if (match.kind != Router::Match::Kind::kFound) {
    require(match.route == nullptr, "no route unless found");
    if (match.kind == Router::Match::Kind::kMethodNotAllowed) {
      require(!match.allow.empty(), "405 lists allowed methods");
    }
    return 0;
  }
  require(match.params.size() == match.route->param_names.size(), "one value per parameter");
  // Only inline routes are safe to call here (blocking ones would touch a database).
  if (match.route->options.execution != Execution::kInline) return 0;
  if (match.route->pattern == "/metrics" || match.route->pattern == "/api/openapi.json") return 0;

  Request request(&req, path, query, "fuzz", "127.0.0.1");
  request.set_params(std::move(match.params));
  (void)request.query_param("ms");
  boost::json::value json;
  if (!match.route->options.accepts.empty()) {
    if (!parser.is_done()) return 0;
    json = boost::json::parse(req.body(), ec);
    if (ec) return 0;
    request.set_json(&json);
  }
  check_response(match.route->handler(request));
  return 0;
}
