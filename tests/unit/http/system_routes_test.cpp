// The system routes' OpenAPI document: serialized once and sent as is while the routes stay the
// same, built again when a route is added after it was served.
#include "http/system_routes.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace zt::http {
namespace {

namespace json = boost::json;

Response get(Router& router, std::string_view target) {
  Router::Match m = router.match("GET", target);
  EXPECT_EQ(m.kind, Router::Match::Kind::kFound) << target;
  if (m.kind != Router::Match::Kind::kFound) return {};
  Request request(nullptr, target, "", "", "");
  return m.route->handler(request);
}

TEST(SystemRoutes, TheOpenApiDocumentIsServedFromOneSerializationUntilARouteIsAdded) {
  Router router;
  Metrics metrics;
  add_system_routes(router, {"1.2.3", "abc"}, metrics, [] { return Status{}; });
  const Response first = get(router, "/api/openapi.json");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.content_type, "application/json");
  // The same bytes as a document built now, and again for the next request.
  EXPECT_EQ(first.body, json::serialize(openapi_document(router, {.version = "1.2.3"})));
  EXPECT_EQ(get(router, "/api/openapi.json").body, first.body);
  EXPECT_FALSE(json::parse(first.body).at("paths").as_object().contains("/api/v1/later"));

  router.add(Method::kGet, "/api/v1/later", [](const Request&) { return Response{}; },
             {.access = Access::kPublic},
             {.summary = "Added after the document was served",
              .description = "A route registered after the first request.",
              .tag = "system",
              .responses = {{200, "ok"}}});
  const Response second = get(router, "/api/openapi.json");
  EXPECT_TRUE(json::parse(second.body).at("paths").as_object().contains("/api/v1/later"));
  EXPECT_EQ(second.body, json::serialize(openapi_document(router, {.version = "1.2.3"})));
}

}  // namespace
}  // namespace zt::http
