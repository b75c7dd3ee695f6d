#include "http/router.h"

#include "http/percent.h"

#include <map>
#include <stdexcept>

namespace zt::http {

namespace {

constexpr std::array<std::string_view, kMethodCount> kMethodNames = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

// Splits "/a/b/c" into its segments; "/" gives one empty segment.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace

std::string_view method_name(Method method) {
  return kMethodNames[static_cast<int>(method)];
}

std::optional<Method> parse_method(std::string_view name) {
  for (std::size_t i = 0; i < kMethodCount; ++i) {
    if (kMethodNames[i] == name) return static_cast<Method>(i);
  }
  return std::nullopt;
}

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::array<const Route*, kMethodCount> routes{};

  bool has_routes() const {
    for (const Route* r : routes) {
      if (r) return true;
    }
    return false;
  }
};

// Depth-first: a literal segment wins over a parameter; backtracks when a branch dead-ends.
// `values` collects the raw parameter segments of the path taken.
const Router::Node* Router::find_node(const Node* node,
                                      const std::vector<std::string_view>& segments, std::size_t i,
                                      std::vector<std::string_view>& values) {
  if (i == segments.size()) return node->has_routes() ? node : nullptr;
  if (auto it = node->literals.find(segments[i]); it != node->literals.end()) {
    if (const Node* found = find_node(it->second.get(), segments, i + 1, values)) return found;
  }
  if (node->param && !segments[i].empty()) {
    values.push_back(segments[i]);
    if (const Node* found = find_node(node->param.get(), segments, i + 1, values)) return found;
    values.pop_back();
  }
  return nullptr;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

const Route& Router::add(Method method, std::string pattern, Handler handler, RouteOptions options,
                         RouteDoc doc) {
  if (options.access != Access::kPublic && options.execution == Execution::kInline) {
    throw std::logic_error("a signed-in route must run on the worker pool: " + pattern);
  }
  if (options.stream_body && options.execution == Execution::kInline) {
    throw std::logic_error("a stream_body route must run on the worker pool: " + pattern);
  }
  auto route = std::make_unique<Route>();
  route->method = method;
  route->handler = std::move(handler);
  route->options = std::move(options);
  route->doc = std::move(doc);
  route->index = routes_.size();

  auto segments = split_path(pattern);
  if (segments.empty()) throw std::logic_error("route pattern must start with '/': " + pattern);
  Node* node = root_.get();
  for (std::string_view segment : segments) {
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      route->param_names.emplace_back(segment.substr(1, segment.size() - 2));
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      if (segment.find_first_of("{}") != std::string_view::npos) {
        throw std::logic_error("malformed route pattern: " + pattern);
      }
      auto it = node->literals.find(segment);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(segment), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  auto& slot = node->routes[static_cast<int>(method)];
  if (slot) throw std::logic_error("route registered twice: " + pattern);
  route->pattern = std::move(pattern);
  slot = route.get();
  routes_.push_back(std::move(route));
  return *routes_.back();
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto segments = split_path(path);
  if (segments.empty()) return result;

  std::vector<std::string_view> values;
  const Node* found = find_node(root_.get(), segments, 0, values);
  if (!found) return result;

  auto parsed = parse_method(method);
  const Route* route = nullptr;
  if (parsed) {
    route = found->routes[static_cast<int>(*parsed)];
    if (!route && *parsed == Method::kHead) route = found->routes[static_cast<int>(Method::kGet)];
  }
  if (!route) {
    result.kind = Match::Kind::kMethodNotAllowed;
    for (std::size_t m = 0; m < kMethodCount; ++m) {
      bool allowed =
          found->routes[m] != nullptr || (m == static_cast<int>(Method::kHead) &&
                                          found->routes[static_cast<int>(Method::kGet)] != nullptr);
      if (!allowed) continue;
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += kMethodNames[m];
    }
    return result;
  }

  result.params.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto decoded = percent_decode(values[i]);
    if (!decoded) return Match{};  // an undecodable parameter: no such resource
    result.params.emplace_back(route->param_names[i], std::move(*decoded));
  }
  result.kind = Match::Kind::kFound;
  result.route = route;
  return result;
}

}  // namespace zt::http
