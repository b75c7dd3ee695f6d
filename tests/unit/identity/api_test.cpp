// The identity routes' OpenAPI operations: each says what it does, who may call it and its error
// codes; each array in a schema says what it holds; tags are one per concern.
#include "identity/api.h"
#include "audit/service.h"
#include "core/crypto_openssl.h"
#include "db/database.h"
#include "http/openapi.h"
#include "identity/service.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cctype>
#include <set>
#include <string>

namespace zt::identity {
namespace {

namespace json = boost::json;

// Every schema below `value` whose type is or includes "array" has "items".
void expect_arrays_have_items(const json::value& value, const std::string& where) {
  if (const json::object* o = value.if_object()) {
    if (const json::value* type = o->if_contains("type")) {
      bool array = type->is_string() && type->get_string() == "array";
      if (const json::array* types = type->if_array()) {
        for (const json::value& t : *types)
          array = array || (t.is_string() && t.get_string() == "array");
      }
      if (array) {
        EXPECT_TRUE(o->contains("items")) << where;
      }
    }
    for (const auto& [key, child] : *o)
      expect_arrays_have_items(child, where + "/" + std::string(key));
  } else if (const json::array* a = value.if_array()) {
    for (const json::value& child : *a)
      expect_arrays_have_items(child, where);
  }
}

TEST(IdentityApi, EveryOperationIsDescribed) {
  // Route registration only captures the services; an empty in-memory database is enough.
  auto db = db::Database::open("sqlite::memory:", {});
  ASSERT_TRUE(db.ok());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditLog audit_log(**db, crypto, clock,
                            {.chain_key = std::string(audit::kChainKeySize, 'a')});
  IdentityConfig config;
  config.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
  config.data_key = std::string(core::kSm4SealKeySize, 'k');
  auto service = IdentityService::create(**db, crypto, clock, audit_log, config);
  ASSERT_TRUE(service.ok());
  http::Router router;
  add_routes(router, **service);
  ASSERT_EQ(router.routes().size(), 26u);

  const json::value doc = http::openapi_document(router, {.version = "1"});
  const std::set<std::string> tags = {"auth", "users", "departments", "api-clients", "security"};
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(std::string(http::method_name(route->method)) + " " + route->pattern);
    std::string method(http::method_name(route->method));
    for (char& c : method)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json::object& op = doc.at("paths").at(route->pattern).at(method).as_object();
    ASSERT_TRUE(op.contains("description"));
    const std::string description(op.at("description").as_string());
    EXPECT_NE(description.find("Errors:"), std::string::npos) << description;
    if (!route->options.permission.empty()) {
      EXPECT_NE(description.find(route->options.permission), std::string::npos) << description;
    }
    ASSERT_EQ(op.at("tags").as_array().size(), 1u);
    EXPECT_TRUE(tags.contains(std::string(op.at("tags").at(0).as_string())));
    expect_arrays_have_items(op, route->pattern);
  }
}

}  // namespace
}  // namespace zt::identity
