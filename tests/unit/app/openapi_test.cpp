// The API document must describe every route the server registers (add_routes is what serve
// uses), with a summary and its responses.
#include "http/openapi.h"
#include "app/routes.h"
#include "audit/service.h"
#include "audit/writer.h"
#include "catalog/service.h"
#include "core/crypto_openssl.h"
#include "db/database.h"
#include "exchange/corrections/service.h"
#include "exchange/records/service.h"
#include "exchange/service.h"
#include "exchange/sharing/service.h"
#include "exchange/stats/service.h"
#include "exchange/subscriptions/service.h"
#include "identity/service.h"
#include "registry/division_service.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

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

TEST(OpenApi, EveryRegisteredRouteIsDocumented) {
  http::Router router;
  http::Metrics metrics;
  // Route registration only captures the services; an empty in-memory database is enough.
  auto db = db::Database::open("sqlite::memory:", {});
  ASSERT_TRUE(db.ok());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditLog audit_log(**db, crypto, clock);
  identity::IdentityConfig identity_config;
  identity_config.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
  identity_config.data_key = std::string(core::kSm4SealKeySize, 'k');
  auto identity =
      identity::IdentityService::create(**db, crypto, clock, audit_log, identity_config);
  ASSERT_TRUE(identity.ok());
  catalog::CatalogService catalog(**db, audit_log, clock, **identity,
                                  &exchange::ExchangeService::apply_schema);
  exchange::SharingService sharing(**db, catalog, audit_log, clock);
  exchange::ExchangeService exchange(**db, catalog, sharing, audit_log, clock, 1);
  audit::AuditWriter audit_writer(audit_log, {});
  exchange::QueryService query(**db, catalog, sharing, audit_writer, clock);
  // The delivery worker is never started here: the transport is never called.
  struct NoTransport final : exchange::WebhookTransport {
    Result<int> post(const std::string&, const Headers&, const std::string&,
                     std::chrono::milliseconds) override {
      return 200;
    }
    Status check_destination(const std::string&) const override { return {}; }
  } transport;
  exchange::SubscriptionService subscriptions(
      **db, catalog, audit_log, audit_writer, crypto, clock, transport,
      std::string(core::kSm4SealKeySize, 'k'),
      [&sharing](std::int64_t department, const catalog::Resource& r) {
        return sharing.access_for_department(department, r);
      });
  exchange::CorrectionService corrections(**db, catalog, sharing, audit_log, clock);
  exchange::StatsService stats(**db, catalog, **identity, audit_log, clock);
  registry::DivisionService divisions(**db);
  add_routes(router, {.build = {"1.2.3", "abc"},
                      .metrics = metrics,
                      .ready = [] { return Status{}; },
                      .debug_sleep_route = true,
                      .identity = identity->get(),
                      .catalog = &catalog,
                      .exchange = &exchange,
                      .sharing = &sharing,
                      .query = &query,
                      .subscriptions = &subscriptions,
                      .corrections = &corrections,
                      .stats = &stats,
                      .divisions = &divisions});
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
}

TEST(OpenApi, RequestBodyAndProblemSchema) {
  http::Router router;
  http::Metrics metrics;
  add_routes(router, {.build = {"1", "x"}, .metrics = metrics, .ready = [] { return Status{}; }});
  auto doc = http::openapi_document(router, {.version = "1"});
  const auto& check = doc.at("paths").at("/api/v1/identifiers/check").at("post");
  EXPECT_EQ(check.at("requestBody").at("content").at("application/json").at("schema").at("type"),
            "object");
  EXPECT_EQ(doc.at("components").at("schemas").at("Problem").at("type"), "object");
  EXPECT_FALSE(doc.at("paths").as_object().contains("/api/v1/debug/sleep"));
}

}  // namespace
}  // namespace zt::app
