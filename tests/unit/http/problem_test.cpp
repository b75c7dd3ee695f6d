#include "http/problem.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace zt::http {
namespace {

TEST(Problem, BodyHasEveryRfc9457MemberAndTheCode) {
  Response r = problem(404, "route_not_found", "No route for GET /x.");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type"), "urn:zhengtong:problem:route_not_found");
  EXPECT_EQ(body.at("title"), "Not Found");
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("detail"), "No route for GET /x.");
  EXPECT_EQ(body.at("code"), "route_not_found");
}

TEST(Problem, RateLimitsAndOverloadSayWhenToRetry) {
  Response limited = problem(Error{ErrorKind::kTooManyRequests, "too_many_attempts", "x", 42});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.find_header("Retry-After"), "42");
  Response busy = problem(Error::unavailable("database_unavailable", "x"));
  EXPECT_EQ(busy.find_header("Retry-After"), "1");
  EXPECT_EQ(problem(Error::invalid("x", "y")).find_header("Retry-After"), "");
}

TEST(Problem, ErrorKindsMapToStatuses) {
  EXPECT_EQ(status_of(ErrorKind::kInvalidInput), 400);
  EXPECT_EQ(status_of(ErrorKind::kUnauthenticated), 401);
  EXPECT_EQ(status_of(ErrorKind::kForbidden), 403);
  EXPECT_EQ(status_of(ErrorKind::kNotFound), 404);
  EXPECT_EQ(status_of(ErrorKind::kConflict), 409);
  EXPECT_EQ(status_of(ErrorKind::kTooLarge), 413);
  EXPECT_EQ(status_of(ErrorKind::kUnsupported), 415);
  EXPECT_EQ(status_of(ErrorKind::kTooManyRequests), 429);
  EXPECT_EQ(status_of(ErrorKind::kUnavailable), 503);
  EXPECT_EQ(status_of(ErrorKind::kInternal), 500);
}

TEST(Problem, FromErrorKeepsCodeAndDetail) {
  Response r = problem(Error::conflict("duplicate", "A resource with code X exists."));
  EXPECT_EQ(r.status, 409);
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("code"), "duplicate");
  EXPECT_EQ(body.at("title"), "Conflict");
}

TEST(Problem, DetailWithQuotesAndChineseIsValidJson) {
  Response r = problem(400, "invalid_id_number", "身份证号 \"x\" 无效\n");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("detail"), "身份证号 \"x\" 无效\n");
}

}  // namespace
}  // namespace zt::http
