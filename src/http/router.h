// Router: maps (method, path) to a route with path parameters, and keeps each route's
// execution options and its OpenAPI description.
//
// Routes are registered at start-up, before the server runs; afterwards the router is
// read-only and safe to use from every I/O thread at once.
#pragma once

#include "http/request.h"
#include "http/response.h"

#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };
inline constexpr std::size_t kMethodCount = 7;

std::string_view method_name(Method method);
std::optional<Method> parse_method(std::string_view name);

using Handler = std::function<Response(const Request&)>;

// Where a handler runs: on the I/O thread (only for work that never blocks: no database,
// no file or network I/O), or on the bounded worker pool (the default).
enum class Execution { kInline, kBlocking };

// Who may call a route.
enum class Access {
  kPublic,    // anyone, signed in or not
  kSignedIn,  // a principal from a session token or API key (the default)
};

struct RouteOptions {
  Execution execution = Execution::kBlocking;
  Access access = Access::kSignedIn;
  // For kSignedIn: the permission the principal must hold ("audit.read", …); empty: any
  // principal. A missing permission is 403 `forbidden`.
  std::string permission;
  // For kSignedIn: still allowed while the user must change an initial password or enrol a
  // second factor (the password-change, TOTP set-up, me and logout routes); every other route
  // answers 403 `password_change_required` / `totp_enrolment_required` until then.
  bool allowed_before_password_change = false;
  // Bytes; a larger body gets 413 `too_large_code` (with stream_body: before the handler runs when
  // Content-Length says so, else as the error of BodyStream::read).
  std::uint64_t body_limit = 1 << 20;
  // The problem codes of the server's own refusals of this route's body: 413 over body_limit, and
  // 415 for a media type not in `accepts`. A route whose callers expect codes of its own domain
  // (attachments: attachment_too_large, unsupported_attachment_type) names them here.
  std::string too_large_code = "body_too_large";
  std::string unsupported_type_code = "unsupported_media_type";
  // Media types the body may have ("application/json", "text/csv", …). When the list holds
  // application/json, a JSON body is parsed before the handler runs (400 if malformed). A request
  // with a body of any other type gets 415 `unsupported_type_code`. Empty: the route takes no body.
  std::vector<std::string> accepts;
  // The body is not read before the handler runs: the handler pulls it from
  // Request::body_stream() as it arrives (bulk uploads of any size in constant memory), after
  // authentication and the permission check. `accepts` and `body_limit` still apply; no JSON is
  // parsed; the server's body_timeout bounds each wait for more of the body, not the whole of it.
  // Such a route must run on the worker pool (kBlocking), and holds a worker as long as the upload
  // lasts. When the handler answers before the end of the body, the connection closes after the
  // answer.
  bool stream_body = false;
  // Short read-only routes: the sign-in check and the handler run inside the server's request
  // scope (Server::set_read_scope), where their database reads share one snapshot — one read
  // transaction for the request rather than one per query.
  bool read_scope = false;
};

struct ParamDoc {
  std::string name;
  // "query" or "header"; or "path" to describe a parameter of the pattern (path parameters are
  // always listed, and always required, whether described here or not).
  std::string in = "query";
  std::string description;
  bool required = false;  // ignored for "path"
  boost::json::value schema = boost::json::object{{"type", "string"}};
};

struct ResponseDoc {
  int status = 200;
  std::string description;
  boost::json::value schema;  // null: no body described
  std::string content_type = "application/json";
};

// The route's OpenAPI operation; every route must have a summary and at least one response.
struct RouteDoc {
  std::string summary;
  std::string description;
  std::string tag;
  std::vector<ParamDoc> params;
  boost::json::value request_schema;  // null when the route takes no JSON body
  std::vector<ResponseDoc> responses;
};

struct Route {
  Method method;
  std::string pattern;  // "/api/v1/catalog/resources/{code}"
  Handler handler;
  RouteOptions options;
  RouteDoc doc;
  std::size_t index = 0;  // dense, for per-route metrics
  std::vector<std::string> param_names;
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Adds a route. Patterns are absolute, segments separated by '/', a segment "{name}" is a
  // parameter. Registering the same method and pattern twice, a malformed pattern, a signed-in
  // route that runs inline (authentication reads the database), or a stream_body route that runs
  // inline (reading the body blocks) is a programming error (std::logic_error).
  const Route& add(Method method, std::string pattern, Handler handler, RouteOptions options,
                   RouteDoc doc);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Route* route = nullptr;
    std::vector<std::pair<std::string_view, std::string>> params;  // decoded values
    std::string allow;  // for kMethodNotAllowed: "GET, HEAD, POST"
  };

  // Finds the route for a request. HEAD matches a GET route. A path parameter's value is
  // percent-decoded; a segment that does not decode (bad %xx) never matches a parameter.
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Node;
  static const Node* find_node(const Node* node, const std::vector<std::string_view>& segments,
                               std::size_t i, std::vector<std::string_view>& values);
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace zt::http
