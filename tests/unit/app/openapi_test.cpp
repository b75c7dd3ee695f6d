// The API document must describe exactly the routes the server registers — the platform's
// add_routes, as serve calls it — each with a summary and its responses.
#include "http/openapi.h"
#include "app/platform.h"
#include "core/crypto.h"
#include "identity/model.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace zt::app {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The platform on an empty in-memory database: route registration only captures the services.
std::unique_ptr<Platform> platform_for_routes(const core::Clock& clock, bool debug_routes) {
  Config config;
  config.database_url = "sqlite::memory:";
  config.debug_sleep_route = debug_routes;
  config.identity.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
  auto platform =
      Platform::create(config, clock, {.data_key = std::string(core::kSm4SealKeySize, 'k')});
  EXPECT_TRUE(platform.ok()) << platform.error().detail;
  return platform.ok() ? std::move(platform).value() : nullptr;
}

TEST(OpenApi, EveryRegisteredRouteIsDocumented) {
  http::Router router;
  http::Metrics metrics;
  core::SystemClock clock;
  auto platform = platform_for_routes(clock, true);
  ASSERT_NE(platform, nullptr);
  platform->add_routes(router, metrics);
  ASSERT_FALSE(router.routes().empty());
  auto doc = http::openapi_document(router, {.version = "1.2.3"}).as_object();
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("info").at("version"), "1.2.3");
  const auto& paths = doc.at("paths").as_object();

  std::set<std::string> operation_ids;
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(route->pattern);
    ASSERT_TRUE(paths.contains(route->pattern));
    const auto& item = paths.at(route->pattern).as_object();
    const std::string method = lower(http::method_name(route->method));
    ASSERT_TRUE(item.contains(method));
    const auto& op = item.at(method).as_object();
    EXPECT_FALSE(op.at("summary").as_string().empty());
    EXPECT_TRUE(operation_ids.insert(std::string(op.at("operationId").as_string())).second);
    const auto& responses = op.at("responses").as_object();
    EXPECT_TRUE(responses.contains("default"));
    EXPECT_GE(responses.size(), 2u) << "a success response must be documented";
    for (const auto& name : route->param_names) {
      bool found = false;
      for (const auto& p : op.at("parameters").as_array()) {
        found = found || (p.at("name") == name.c_str() && p.at("in") == "path");
      }
      EXPECT_TRUE(found) << name;
    }
    if (!route->options.accepts.empty()) {
      EXPECT_TRUE(op.contains("requestBody"));
    }
  }
  // And the other way: every operation of the document is a route the server has.
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& route : router.routes()) {
    registered.emplace(route->pattern, lower(http::method_name(route->method)));
  }
  std::size_t documented = 0;
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.as_object()) {
      EXPECT_TRUE(registered.contains({std::string(path), std::string(method)}))
          << method << " " << path;
      ++documented;
    }
  }
  EXPECT_EQ(documented, router.routes().size());
  // The audit and registry routes are under the check too (they were left out once).
  for (std::string_view path : {"/api/v1/audit/records", "/api/v1/registry/persons/{key}",
                                "/api/v1/me/data-access", "/api/v1/exchange/stats"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
}

// A route that asks for a permission no role grants could never be called: every permission a
// route needs is in the role table (identity/model.h), and is named in the document.
TEST(OpenApi, EveryPermissionARouteNeedsIsInTheRoleTable) {
  http::Router router;
  http::Metrics metrics;
  core::SystemClock clock;
  auto platform = platform_for_routes(clock, false);
  ASSERT_NE(platform, nullptr);
  platform->add_routes(router, metrics);
  const std::vector<std::string> known = identity::all_permissions();
  std::size_t checked = 0;
  for (const auto& route : router.routes()) {
    if (route->options.permission.empty()) continue;
    ++checked;
    EXPECT_TRUE(std::binary_search(known.begin(), known.end(), route->options.permission))
        << http::method_name(route->method) << " " << route->pattern << " needs "
        << route->options.permission;
  }
  EXPECT_GT(checked, 20u);
}

TEST(OpenApi, RequestBodyAndProblemSchema) {
  http::Router router;
  http::Metrics metrics;
  core::SystemClock clock;
  auto platform = platform_for_routes(clock, false);
  ASSERT_NE(platform, nullptr);
  platform->add_routes(router, metrics);
  auto doc = http::openapi_document(router, {.version = "1"});
  const auto& check = doc.at("paths").at("/api/v1/identifiers/check").at("post");
  EXPECT_EQ(check.at("requestBody").at("content").at("application/json").at("schema").at("type"),
            "object");
  EXPECT_EQ(doc.at("components").at("schemas").at("Problem").at("type"), "object");
  EXPECT_FALSE(doc.at("paths").as_object().contains("/api/v1/debug/sleep"));
}

}  // namespace
}  // namespace zt::app
