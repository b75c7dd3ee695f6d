// Every exchange route is documented as the module template asks (src/exchange/README.md): a
// description that says what the operation does, who may call it and its error codes; one of
// the module's tags; and every array in its schemas with `items`.
#include "audit/module.h"
#include "catalog/module.h"
#include "core/crypto_openssl.h"
#include "db/database.h"
#include "exchange/module.h"
#include "identity/module.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <set>

namespace zt::exchange {
namespace {

namespace json = boost::json;

// Whether `schema` (any JSON Schema fragment) has an array without `items`, anywhere in it.
bool has_array_without_items(const json::value& schema) {
  if (schema.is_array()) {
    for (const auto& v : schema.as_array())
      if (has_array_without_items(v)) return true;
    return false;
  }
  if (!schema.is_object()) return false;
  const auto& o = schema.as_object();
  bool is_array = false;
  if (auto* type = o.if_contains("type")) {
    if (type->is_string()) is_array = type->as_string() == "array";
    if (type->is_array()) {
      for (const auto& t : type->as_array())
        is_array = is_array || (t.is_string() && t.as_string() == "array");
    }
  }
  if (is_array && !o.contains("items")) return true;
  for (const auto& [key, v] : o)
    if (has_array_without_items(v)) return true;
  return false;
}

TEST(ExchangeRouteDocs, EveryOperationSaysWhatWhoAndErrors) {
  auto db = db::Database::open("sqlite::memory:", {});
  ASSERT_TRUE(db.ok());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  // The module's own bundle, as the platform builds it (the worker is never started).
  audit::Module audit(**db, crypto, clock, {.chain_key = std::string(audit::kChainKeySize, 'a')},
                      {}, {});
  identity::IdentityConfig identity_config;
  identity_config.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
  identity_config.data_key = std::string(core::kSm4SealKeySize, 'k');
  auto identity = identity::Module::create(**db, crypto, clock, audit.log(), identity_config);
  ASSERT_TRUE(identity.ok());
  catalog::Module catalog(**db, audit.log(), clock, (*identity)->service().departments(),
                          &ExchangeService::apply_schema);
  Module exchange(**db, catalog.service(), (*identity)->service(), audit.log(), audit.writer(),
                  crypto, clock, {.data_key = std::string(core::kSm4SealKeySize, 'k')});

  http::Router router;
  exchange.add_routes(router);
  EXPECT_EQ(router.routes().size(), 30u);

  const std::set<std::string> tags = {"exchange", "sharing", "subscriptions", "corrections"};
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(std::string(http::method_name(route->method)) + " " + route->pattern);
    const http::RouteDoc& doc = route->doc;
    EXPECT_FALSE(doc.summary.empty());
    EXPECT_NE(doc.description.find("Who:"), std::string::npos);
    EXPECT_NE(doc.description.find("Errors"), std::string::npos);
    EXPECT_TRUE(tags.contains(doc.tag)) << doc.tag;
    EXPECT_FALSE(has_array_without_items(doc.request_schema));
    for (const auto& response : doc.responses)
      EXPECT_FALSE(has_array_without_items(response.schema)) << response.status;
  }
}

}  // namespace
}  // namespace zt::exchange
