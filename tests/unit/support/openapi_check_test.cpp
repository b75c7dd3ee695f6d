// The answer check against an OpenAPI document (support/openapi_check.h): path templates,
// methods, statuses and the content type decide which schema an answer meets, and every way an
// answer can be undocumented is a failure.
#include "support/openapi_check.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace zt::test {
namespace {

// A small document in the form the server generates.
ApiDocument document() {
  return ApiDocument(boost::json::parse(R"({
    "openapi": "3.1.0",
    "paths": {
      "/api/v1/resources/{code}": {
        "get": {"responses": {
          "200": {"description": "One", "content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/Resource"}}}},
          "4XX": {"$ref": "#/components/responses/ClientError"},
          "default": {"$ref": "#/components/responses/ClientError"}}},
        "delete": {"responses": {"204": {"description": "Gone"}}}
      },
      "/api/v1/resources/search": {
        "get": {"responses": {"200": {"description": "Hits", "content": {"application/json":
          {"schema": {"type": "object", "required": ["items"], "properties": {"items":
            {"type": "array", "items": {"type": "string"}}}}}}}}}
      },
      "/api/v1/jobs": {
        "post": {"responses": {
          "202": {"description": "Queued", "content": {"application/json": {"schema":
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}},
          "2XX": {"description": "Other", "content": {"application/json": {"schema":
            {"type": "object"}}}}}}
      },
      "/api/v1/export": {
        "get": {"responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema":
          {"type": "string"}}}}}}
      }
    },
    "components": {
      "schemas": {"Resource": {"type": "object", "required": ["code", "version"],
        "properties": {"code": {"type": "string"}, "version": {"type": "integer"},
                       "retired_at": {"type": ["string", "null"]}}}},
      "responses": {"ClientError": {"description": "Problem", "content":
        {"application/problem+json": {"schema": {"type": "object"}}}}}
    }
  })"));
}

TEST(OpenApiCheckTest, OnlyTwoHundredJsonAnswersAreChecked) {
  EXPECT_TRUE(ApiDocument::is_checked("GET", 200, "application/json"));
  EXPECT_TRUE(ApiDocument::is_checked("POST", 201, "application/json; charset=utf-8"));
  EXPECT_FALSE(ApiDocument::is_checked("GET", 404, "application/json"));
  EXPECT_FALSE(ApiDocument::is_checked("GET", 200, "application/problem+json"));
  EXPECT_FALSE(ApiDocument::is_checked("GET", 200, "application/x-ndjson"));
  EXPECT_FALSE(ApiDocument::is_checked("GET", 200, "text/csv"));
  EXPECT_FALSE(ApiDocument::is_checked("HEAD", 200, "application/json"));
}

TEST(OpenApiCheckTest, PathsMatchTemplatesAndLiteralsWin) {
  const auto d = document();
  EXPECT_EQ(d.match_path("/api/v1/resources/GA-001"), "/api/v1/resources/{code}");
  EXPECT_EQ(d.match_path("/api/v1/resources/search"), "/api/v1/resources/search");
  EXPECT_EQ(d.match_path("/api/v1/resources"), std::nullopt);
  EXPECT_EQ(d.match_path("/api/v1/resources/"), std::nullopt);  // an empty {code}
  EXPECT_EQ(d.match_path("/api/v1/resources/a/b"), std::nullopt);
}

TEST(OpenApiCheckTest, ConformingAnswersPass) {
  const auto d = document();
  EXPECT_EQ(d.check("GET", "/api/v1/resources/GA?x=1", 200,
                    R"({"code":"GA","version":2,"retired_at":null})"),
            std::nullopt);
  EXPECT_EQ(d.check("GET", "/api/v1/resources/search?q=a", 200, R"({"items":["a"]})"),
            std::nullopt);
  EXPECT_EQ(d.check("POST", "/api/v1/jobs", 202, R"({"id":7})"), std::nullopt);
  EXPECT_EQ(d.check("POST", "/api/v1/jobs", 200, R"({})"), std::nullopt);  // under 2XX
}

TEST(OpenApiCheckTest, AMismatchNamesTheRouteTheStatusAndThePointer) {
  const auto d = document();
  EXPECT_EQ(d.check("GET", "/api/v1/resources/GA?x=1", 200, R"({"code":"GA","version":"2"})"),
            "GET /api/v1/resources/{code} (target /api/v1/resources/GA?x=1) answered 200: at "
            "'/version': expected type \"integer\", got string \"2\"");
  EXPECT_EQ(d.check("GET", "/api/v1/resources/GA", 200, R"({"code":"GA"})"),
            "GET /api/v1/resources/{code} (target /api/v1/resources/GA) answered 200: at '': "
            "required property 'version' is missing");
}

TEST(OpenApiCheckTest, UndocumentedAnswersFail) {
  const auto d = document();
  // A 2xx status the operation does not list: "default" and "4XX" do not cover it.
  EXPECT_EQ(d.check("GET", "/api/v1/resources/GA", 201, R"({"code":"GA","version":1})"),
            "GET /api/v1/resources/{code} (target /api/v1/resources/GA) answered 201: status "
            "201 is not documented");
  EXPECT_NE(d.check("PUT", "/api/v1/resources/GA", 200, "{}"), std::nullopt);
  EXPECT_NE(d.check("GET", "/api/v1/unknown", 200, "{}"), std::nullopt);
  // A documented status without a JSON body, or with another media type.
  EXPECT_NE(d.check("DELETE", "/api/v1/resources/GA", 204, "{}"), std::nullopt);
  EXPECT_NE(d.check("GET", "/api/v1/export", 200, "{}"), std::nullopt);
  EXPECT_NE(d.check("GET", "/api/v1/resources/search", 200, "not json"), std::nullopt);
}

}  // namespace
}  // namespace zt::test
