// The API document must describe exactly the routes the server registers (the platform's
// add_routes, as serve calls it), with a summary, a description, its parameters once each, its
// responses, declared tags and array schemas with items; tests/openapi/lint.sh lints the served
// document as a whole.
#include "http/openapi.h"
#include "app/platform.h"
#include "core/crypto.h"
#include "identity/model.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace zt::app {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The platform on an empty in-memory database: route registration only captures the services,
// and no background worker (webhook delivery, registry sync) is started.
std::unique_ptr<Platform> platform_for_routes(const core::Clock& clock, bool debug_routes) {
  Config config;
  config.database_url = "sqlite::memory:";
  config.debug_sleep_route = debug_routes;
  config.identity.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
  config.audit_checkpoint_file.reset();
  auto platform = Platform::create(
      config, clock,
      {.data_key = std::string(core::kSm4SealKeySize, 'k'),
       .audit_keys = audit::AuditKeys{.chain_key = std::string(audit::kChainKeySize, 'a')}});
  EXPECT_TRUE(platform.ok()) << platform.error().detail;
  return platform.ok() ? std::move(platform).value() : nullptr;
}

// Every route the server registers: the platform's add_routes, as serve calls it.
class OpenApiDocument : public ::testing::Test {
 protected:
  void SetUp() override {
    platform_ = platform_for_routes(clock_, true);
    ASSERT_NE(platform_, nullptr);
    platform_->add_routes(router_, metrics_);
    ASSERT_FALSE(router_.routes().empty());
    doc_ = http::openapi_document(router_, {.version = "1.2.3"}).as_object();
  }

  // The operation of a route in the document.
  const boost::json::object& operation(const http::Route& route) const {
    return doc_.at("paths")
        .at(route.pattern)
        .at(lower(http::method_name(route.method)))
        .as_object();
  }

  http::Router router_;
  http::Metrics metrics_;
  core::SystemClock clock_;
  std::unique_ptr<Platform> platform_;
  boost::json::object doc_;
};

std::string name_of(const http::Route& route) {
  return std::string(http::method_name(route.method)) + " " + route.pattern;
}

// The JSON paths, under `at`, of the schemas in `value` that say type array (alone or with
// others, as ["array", "null"]) but have no items.
void find_arrays_without_items(const boost::json::value& value, const std::string& at,
                               std::vector<std::string>& out) {
  if (const auto* a = value.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i)
      find_arrays_without_items((*a)[i], at + "/" + std::to_string(i), out);
    return;
  }
  const auto* o = value.if_object();
  if (o == nullptr) return;
  if (const auto* type = o->if_contains("type")) {
    bool array = *type == "array";
    if (const auto* types = type->if_array()) {
      for (const auto& t : *types)
        array = array || t == "array";
    }
    if (array && !o->contains("items") && !o->contains("prefixItems")) out.push_back(at);
  }
  for (const auto& [key, child] : *o)
    find_arrays_without_items(child, at + "/" + std::string(key), out);
}

TEST_F(OpenApiDocument, EveryRegisteredRouteIsDocumented) {
  EXPECT_EQ(doc_.at("openapi"), "3.1.0");
  EXPECT_EQ(doc_.at("info").at("version"), "1.2.3");
  const auto& paths = doc_.at("paths").as_object();

  std::set<std::string> operation_ids;
  for (const auto& route : router_.routes()) {
    SCOPED_TRACE(name_of(*route));
    ASSERT_TRUE(paths.contains(route->pattern));
    const auto& item = paths.at(route->pattern).as_object();
    const std::string method = lower(http::method_name(route->method));
    ASSERT_TRUE(item.contains(method));
    const auto& op = item.at(method).as_object();
    EXPECT_FALSE(op.at("summary").as_string().empty());
    EXPECT_TRUE(operation_ids.insert(std::string(op.at("operationId").as_string())).second);
    const auto& responses = op.at("responses").as_object();
    EXPECT_TRUE(responses.contains("default"));
    EXPECT_TRUE(responses.contains("4XX"));
    EXPECT_TRUE(std::any_of(responses.begin(), responses.end(), [](const auto& r) {
      return r.key().starts_with("2");
    })) << "a success response must be documented";
    // Each parameter once; a path one for every parameter of the pattern, required.
    std::set<std::pair<std::string, std::string>> params;
    if (const auto* list = op.if_contains("parameters")) {
      for (const auto& p : list->as_array()) {
        EXPECT_TRUE(
            params
                .emplace(std::string(p.at("in").as_string()), std::string(p.at("name").as_string()))
                .second)
            << p.at("name");
        if (p.at("in") == "path") {
          EXPECT_EQ(p.at("required"), true) << p.at("name");
        }
      }
    }
    for (const auto& name : route->param_names) {
      EXPECT_TRUE(params.contains({"path", name})) << name;
    }
    // A RouteDoc path parameter describes one of the pattern's, or it would be lost.
    for (const auto& p : route->doc.params) {
      if (p.in == "path") {
        EXPECT_TRUE(params.contains({"path", p.name})) << p.name;
      }
    }
    if (!route->options.accepts.empty()) {
      EXPECT_TRUE(op.contains("requestBody"));
    }
    // Public operations say so; the others name their schemes and document 401 and 403.
    if (route->options.access == http::Access::kPublic) {
      EXPECT_TRUE(op.at("security").as_array().empty());
    } else {
      EXPECT_EQ(op.at("security").as_array().size(), 2u);
      EXPECT_TRUE(responses.contains("401"));
      EXPECT_TRUE(responses.contains("403"));
    }
  }
}

TEST_F(OpenApiDocument, EveryOperationHasADescription) {
  std::set<std::string> undescribed;
  for (const auto& route : router_.routes()) {
    const auto& op = operation(*route);
    const auto* description = op.if_contains("description");
    if (description == nullptr || description->as_string().empty()) {
      undescribed.insert(name_of(*route));
    }
  }
  EXPECT_TRUE(undescribed.empty()) << *undescribed.begin();
}

TEST_F(OpenApiDocument, EveryArraySchemaHasItems) {
  std::set<std::string> operations;
  std::string where;  // for the failure message
  for (const auto& route : router_.routes()) {
    std::vector<std::string> found;
    find_arrays_without_items(operation(*route), "", found);
    if (found.empty()) continue;
    operations.insert(name_of(*route));
    for (const auto& at : found)
      where += "\n  " + name_of(*route) + ": " + at;
  }
  EXPECT_TRUE(operations.empty()) << "arrays without items:" << where;
  std::vector<std::string> in_components;
  find_arrays_without_items(doc_.at("components"), "#/components", in_components);
  EXPECT_TRUE(in_components.empty()) << in_components.front();
}

TEST_F(OpenApiDocument, TagsAreDeclaredWithTheirDescriptions) {
  std::set<std::string> known;
  for (const auto& t : http::api_tags()) {
    EXPECT_TRUE(known.emplace(t.name).second) << t.name;
    EXPECT_FALSE(t.description.empty()) << t.name;
  }
  std::set<std::string> used;
  for (const auto& route : router_.routes()) {
    EXPECT_TRUE(known.contains(route->doc.tag)) << name_of(*route) << ": " << route->doc.tag;
    used.insert(route->doc.tag);
  }
  std::set<std::string> declared;
  for (const auto& t : doc_.at("tags").as_array()) {
    declared.emplace(t.at("name").as_string());
    EXPECT_FALSE(t.at("description").as_string().empty());
  }
  EXPECT_EQ(declared, used);
}

TEST_F(OpenApiDocument, InfoServersAndLicence) {
  const auto& info = doc_.at("info").as_object();
  EXPECT_FALSE(info.at("description").as_string().empty());
  EXPECT_FALSE(info.at("contact").at("name").as_string().empty());
  EXPECT_EQ(info.at("license").at("identifier"), "Apache-2.0");  // as LICENSE says
  ASSERT_EQ(doc_.at("servers").as_array().size(), 1u);
  EXPECT_EQ(doc_.at("servers").at(0).at("url"), "/");
}

// And the other way: every operation of the document is a route the server has; the audit and
// registry routes are among them (they were left out of the check once).
TEST_F(OpenApiDocument, EveryDocumentedOperationIsARoute) {
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& route : router_.routes()) {
    registered.emplace(route->pattern, lower(http::method_name(route->method)));
  }
  std::size_t documented = 0;
  const auto& paths = doc_.at("paths").as_object();
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.as_object()) {
      EXPECT_TRUE(registered.contains({std::string(path), std::string(method)}))
          << method << " " << path;
      ++documented;
    }
  }
  EXPECT_EQ(documented, router_.routes().size());
  for (std::string_view path : {"/api/v1/audit/records", "/api/v1/registry/persons/{key}",
                                "/api/v1/me/data-access", "/api/v1/exchange/stats"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
}

// A route that asks for a permission no role grants could never be called: every permission a
// route needs is in the role table (identity/permissions.h).
TEST_F(OpenApiDocument, EveryPermissionARouteNeedsIsInTheRoleTable) {
  const std::vector<std::string> known = identity::all_permissions();
  std::size_t checked = 0;
  for (const auto& route : router_.routes()) {
    if (route->options.permission.empty()) continue;
    ++checked;
    EXPECT_TRUE(std::binary_search(known.begin(), known.end(), route->options.permission))
        << name_of(*route) << " needs " << route->options.permission;
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
