#include "http/router.h"

#include <gtest/gtest.h>

namespace zt::http {
namespace {

Handler named(std::string name) {
  return [name](const Request&) { return Response::text(200, name); };
}

RouteDoc doc() {
  return {.summary = "test", .responses = {{200, "ok"}}};
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.add(Method::kGet, "/healthz", named("health"), {}, doc());
    router.add(Method::kGet, "/api/v1/resources/{code}", named("get"), {}, doc());
    router.add(Method::kPut, "/api/v1/resources/{code}", named("put"), {}, doc());
    router.add(Method::kGet, "/api/v1/resources/search", named("search"), {}, doc());
    router.add(Method::kGet, "/api/v1/resources/{code}/records/{key}", named("record"), {}, doc());
    router.add(Method::kPost, "/api/v1/resources/{code}/records", named("ingest"), {}, doc());
  }
  Router router;
};

TEST_F(RouterTest, MatchesLiteralRoute) {
  auto m = router.match("GET", "/healthz");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/healthz");
  EXPECT_TRUE(m.params.empty());
}

TEST_F(RouterTest, ExtractsAndDecodesPathParameters) {
  auto m = router.match("GET", "/api/v1/resources/330300-GA-0001/records/%E5%BC%A0%E4%B8%89");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/resources/{code}/records/{key}");
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0].first, "code");
  EXPECT_EQ(m.params[0].second, "330300-GA-0001");
  EXPECT_EQ(m.params[1].first, "key");
  EXPECT_EQ(m.params[1].second, "张三");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  auto m = router.match("GET", "/api/v1/resources/search");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/resources/search");
}

TEST_F(RouterTest, BacktracksFromLiteralToParameter) {
  // "search" is a literal child, but /search/records only exists under {code}.
  auto m = router.match("POST", "/api/v1/resources/search/records");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/resources/{code}/records");
  EXPECT_EQ(m.params[0].second, "search");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(router.match("GET", "/nope").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "/healthz/").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "/api/v1/resources/").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "healthz").kind, Router::Match::Kind::kNotFound);
}

TEST_F(RouterTest, WrongMethodListsAllowedMethods) {
  auto m = router.match("DELETE", "/api/v1/resources/X");
  ASSERT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, PUT");
  auto unknown = router.match("BREW", "/healthz");
  ASSERT_EQ(unknown.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(unknown.allow, "GET, HEAD");
}

TEST_F(RouterTest, HeadMatchesGet) {
  auto m = router.match("HEAD", "/healthz");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->method, Method::kGet);
}

TEST_F(RouterTest, BadPercentEncodingInParameterDoesNotMatch) {
  EXPECT_EQ(router.match("GET", "/api/v1/resources/%zz").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "/api/v1/resources/%4").kind, Router::Match::Kind::kNotFound);
}

TEST_F(RouterTest, RoutesGetDenseIndexes) {
  for (std::size_t i = 0; i < router.routes().size(); ++i) {
    EXPECT_EQ(router.routes()[i]->index, i);
  }
}

TEST(RouterRegistration, DuplicateOrMalformedPatternIsAProgrammingError) {
  Router router;
  router.add(Method::kGet, "/a/{x}", named("a"), {}, doc());
  EXPECT_THROW(router.add(Method::kGet, "/a/{x}", named("b"), {}, doc()), std::logic_error);
  EXPECT_THROW(router.add(Method::kGet, "a", named("c"), {}, doc()), std::logic_error);
  EXPECT_THROW(router.add(Method::kGet, "/a/x{y}", named("d"), {}, doc()), std::logic_error);
}

TEST(Methods, NamesRoundTrip) {
  for (std::size_t i = 0; i < kMethodCount; ++i) {
    auto m = static_cast<Method>(i);
    EXPECT_EQ(parse_method(method_name(m)), m);
  }
  EXPECT_FALSE(parse_method("get").has_value());
}

}  // namespace
}  // namespace zt::http

namespace zt::http {
namespace {

TEST(RouterRegistration, SignedInRoutesMustNotRunInline) {
  Router router;
  EXPECT_THROW(router.add(Method::kGet, "/a", named("a"), {.execution = Execution::kInline}, doc()),
               std::logic_error);
  EXPECT_NO_THROW(router.add(Method::kGet, "/b", named("b"),
                             {.execution = Execution::kInline, .access = Access::kPublic}, doc()));
}

TEST(RouterRegistration, StreamBodyRoutesMustNotRunInline) {
  Router router;
  EXPECT_THROW(router.add(Method::kPost, "/a", named("a"),
                          {.execution = Execution::kInline,
                           .access = Access::kPublic,
                           .accepts = {"text/csv"},
                           .stream_body = true},
                          doc()),
               std::logic_error);
  const Route& route = router.add(Method::kPost, "/b", named("b"),
                                  {.access = Access::kPublic,
                                   .body_limit = std::uint64_t{16} << 30,
                                   .accepts = {"text/csv"},
                                   .stream_body = true},
                                  doc());
  EXPECT_TRUE(route.options.stream_body);
  EXPECT_EQ(route.options.body_limit, std::uint64_t{16} << 30);
}

}  // namespace
}  // namespace zt::http
