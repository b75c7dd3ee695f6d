// The check every integration test's answers go through (api_schema_check.h): a 2xx JSON answer
// is validated against the running server's own /api/openapi.json, and an answer that
// disagrees — a wrong type, a missing required property, an undocumented 2xx status — fails
// the test with the route, the status and the JSON pointer.
#include "integration/api_schema_check.h"
#include "integration/server_test.h"

#include <gtest/gtest-spi.h>

namespace zt::test {
namespace {

class ApiSchemaTest : public ServerTest {};

TEST_F(ApiSchemaTest, EveryJsonAnswerIsValidatedAgainstTheServersDocument) {
  ASSERT_TRUE(start());
  const std::size_t before = answers_validated();
  auto version = fetch("GET", "/api/v1/version");
  ASSERT_TRUE(version);
  ASSERT_EQ(version->status, 200);
  EXPECT_EQ(answers_validated(), before + 1);
  // Not looked at: a problem, a HEAD, a non-JSON body.
  ASSERT_TRUE(fetch("GET", "/api/v1/catalog/resources"));  // 401 problem+json
  ASSERT_TRUE(fetch("HEAD", "/api/v1/version"));
  ASSERT_TRUE(fetch("GET", "/metrics"));  // text/plain
  EXPECT_EQ(answers_validated(), before + 1);
}

TEST_F(ApiSchemaTest, AnAnswerThatDisagreesWithTheDocumentFails) {
  ASSERT_TRUE(start());
  auto version = fetch("GET", "/api/v1/version");
  ASSERT_TRUE(version);
  HttpResponse forged = *version;
  forged.body = R"({"name":"zhengtong","version":2,"commit":"abc","api":"v1"})";
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/version", forged),
                          "GET /api/v1/version (target /api/v1/version) answered 200: at "
                          "'/version': expected type \"string\", got integer 2");
  forged.body = R"({"name":"zhengtong","version":"1","commit":"abc"})";
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/version?x=1", forged),
                          "required property 'api' is missing");
  // A 2xx status the route does not document.
  forged = *version;
  forged.status = 203;
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/version", forged),
                          "status 203 is not documented");
  // A path or method the document does not have.
  forged.status = 200;
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "POST", "/api/v1/version", forged),
                          "the method is not documented for this path");
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/versions", forged),
                          "no documented path matches");
}

}  // namespace
}  // namespace zt::test
