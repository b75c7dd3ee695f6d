// The JSON Schema validator of the integration tests' answer check (support/json_schema.h): what
// it accepts, and — one case per keyword — what it rejects and where it says the fault is.
#include "support/json_schema.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace zt::test {
namespace {
namespace json = boost::json;

json::value parse(std::string_view text) {
  return json::parse(text);
}

// The mismatch of `instance` against `schema`, as "pointer: reason", or "ok".
std::string verdict(std::string_view schema, std::string_view instance,
                    std::string_view root = "null") {
  const auto r = parse(root);
  const auto m = validate_json(parse(schema), parse(instance), r);
  return m ? m->pointer + ": " + m->reason : "ok";
}

bool fails_at(std::string_view schema, std::string_view instance, std::string_view pointer) {
  const auto m = validate_json(parse(schema), parse(instance));
  return m && m->pointer == pointer;
}

TEST(JsonSchemaTest, TypesAndTypeArrays) {
  EXPECT_EQ(verdict(R"({"type":"string"})", R"("a")"), "ok");
  EXPECT_EQ(verdict(R"({"type":"integer"})", "3"), "ok");
  EXPECT_EQ(verdict(R"({"type":"integer"})", "3.0"), "ok");
  EXPECT_EQ(verdict(R"({"type":"number"})", "3"), "ok");
  EXPECT_EQ(verdict(R"({"type":["string","null"]})", "null"), "ok");
  EXPECT_EQ(verdict(R"({"type":["string","null"]})", R"("x")"), "ok");
  EXPECT_EQ(verdict(R"({"type":"boolean"})", "false"), "ok");

  EXPECT_EQ(verdict(R"({"type":"integer"})", "3.5"),
            ": expected type \"integer\", got number 3.5E0");
  EXPECT_EQ(verdict(R"({"type":"string"})", "null"), ": expected type \"string\", got null null");
  EXPECT_TRUE(fails_at(R"({"type":["string","null"]})", "1", ""));
  EXPECT_TRUE(fails_at(R"({"type":"object"})", "[]", ""));
  EXPECT_TRUE(fails_at(R"({"type":"array"})", "{}", ""));
  EXPECT_TRUE(fails_at(R"({"type":"boolean"})", "0", ""));
}

TEST(JsonSchemaTest, PropertiesRequiredAndAdditionalProperties) {
  const char* schema = R"({"type":"object","required":["id","name"],
    "properties":{"id":{"type":"integer"},"name":{"type":"string"},
                  "tags":{"type":"array","items":{"type":"string"}}}})";
  EXPECT_EQ(verdict(schema, R"({"id":1,"name":"a","tags":["x"],"extra":true})"), "ok");
  EXPECT_EQ(verdict(schema, R"({"id":1})"), ": required property 'name' is missing");
  EXPECT_TRUE(fails_at(schema, R"({"id":"1","name":"a"})", "/id"));
  EXPECT_TRUE(fails_at(schema, R"({"id":1,"name":"a","tags":["x",2]})", "/tags/1"));

  const char* closed = R"({"type":"object","properties":{"a":{}},"additionalProperties":false})";
  EXPECT_EQ(verdict(closed, R"({"a":1})"), "ok");
  EXPECT_EQ(verdict(closed, R"({"a":1,"b":2})"),
            "/b: property 'b' is not documented (additionalProperties is false)");
  const char* map = R"({"type":"object","additionalProperties":{"type":"integer"}})";
  EXPECT_EQ(verdict(map, R"({"x":1,"y":2})"), "ok");
  EXPECT_TRUE(fails_at(map, R"({"x":1,"a/b~":"2"})", "/a~1b~0"));
}

TEST(JsonSchemaTest, NestedPointersNameTheOffendingValue) {
  const char* page = R"({"type":"object","required":["items"],"properties":{
    "items":{"type":"array","items":{"type":"object","required":["code"],
      "properties":{"code":{"type":"string"},"fields":{"type":"array","items":{
        "type":"object","properties":{"type":{"enum":["string","date"]}}}}}}}}})";
  EXPECT_EQ(verdict(page, R"({"items":[{"code":"a","fields":[{"type":"date"}]}]})"), "ok");
  EXPECT_EQ(verdict(page, R"({"items":[{"code":"a"},{"code":"b","fields":[{"type":"blob"}]}]})"),
            "/items/1/fields/0/type: \"blob\" is not one of [\"string\",\"date\"]");
  EXPECT_EQ(verdict(page, R"({"items":[{"code":"a"},{}]})"),
            "/items/1: required property 'code' is missing");
}

TEST(JsonSchemaTest, EnumAndConst) {
  EXPECT_EQ(verdict(R"({"enum":["a",1,null]})", "null"), "ok");
  EXPECT_TRUE(fails_at(R"({"enum":["a",1]})", "2", ""));
  EXPECT_EQ(verdict(R"({"const":"v1"})", R"("v1")"), "ok");
  EXPECT_TRUE(fails_at(R"({"const":"v1"})", R"("v2")", ""));
}

TEST(JsonSchemaTest, RefsResolveInTheRootDocument) {
  const char* root = R"({"components":{"schemas":{
    "Id":{"type":"integer"},
    "Thing":{"type":"object","required":["id"],"properties":{"id":{"$ref":"#/components/schemas/Id"}}}}}})";
  const char* schema = R"({"type":"array","items":{"$ref":"#/components/schemas/Thing"}})";
  EXPECT_EQ(verdict(schema, R"([{"id":1}])", root), "ok");
  EXPECT_EQ(verdict(schema, R"([{"id":1},{"id":"x"}])", root),
            "/1/id: expected type \"integer\", got string \"x\"");
  EXPECT_EQ(verdict(R"({"$ref":"#/components/schemas/Nope"})", "1", root),
            ": \"$ref\" does not resolve: \"#/components/schemas/Nope\"");
}

TEST(JsonSchemaTest, OneOfAnyOfAllOf) {
  const char* one = R"({"oneOf":[{"type":"integer"},{"type":"number"}]})";
  EXPECT_EQ(verdict(one, "1.5"), "ok");
  EXPECT_EQ(verdict(one, "1"), ": matches 2 of oneOf, not exactly one");
  EXPECT_TRUE(fails_at(one, R"("x")", ""));
  const char* any = R"({"anyOf":[{"type":"string"},{"type":"object","required":["a"]}]})";
  EXPECT_EQ(verdict(any, R"("x")"), "ok");
  EXPECT_EQ(verdict(any, R"({"a":1})"), "ok");
  EXPECT_TRUE(fails_at(any, R"({"b":1})", ""));
  const char* all = R"({"allOf":[{"required":["a"]},{"properties":{"a":{"type":"string"}}}]})";
  EXPECT_EQ(verdict(all, R"({"a":"x"})"), "ok");
  EXPECT_TRUE(fails_at(all, R"({"a":1})", "/a"));
}

TEST(JsonSchemaTest, BoundsAndPatterns) {
  EXPECT_EQ(verdict(R"({"minimum":1,"maximum":5})", "5"), "ok");
  EXPECT_TRUE(fails_at(R"({"minimum":1})", "0", ""));
  EXPECT_TRUE(fails_at(R"({"exclusiveMaximum":5})", "5", ""));
  EXPECT_EQ(verdict(R"({"maxLength":2})", R"("政通")"), "ok");  // code points, not bytes
  EXPECT_TRUE(fails_at(R"({"minLength":3})", R"("政通")", ""));
  EXPECT_TRUE(fails_at(R"({"maxItems":1})", "[1,2]", ""));
  EXPECT_EQ(verdict(R"({"pattern":"^[0-9]{6}$"})", R"("330300")"), "ok");
  EXPECT_TRUE(fails_at(R"({"pattern":"^[0-9]{6}$"})", R"("33030")", ""));
}

TEST(JsonSchemaTest, BooleanSchemasAnnotationsAndUnknownKeywords) {
  EXPECT_EQ(verdict("true", R"({"any":"thing"})"), "ok");
  EXPECT_EQ(verdict("false", "1"), ": no value is allowed here (schema false)");
  EXPECT_EQ(verdict(R"({"type":"string","format":"date-time","description":"d"})", R"("x")"), "ok");
  // A keyword the validator does not know is a failure, never a silent pass.
  EXPECT_EQ(verdict(R"({"if":{"type":"string"}})", "1"),
            ": the schema uses \"if\", which this validator does not check");
}

TEST(JsonSchemaTest, PointerTokensAreEscaped) {
  EXPECT_EQ(json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(json_pointer_token("名字"), "名字");
}

}  // namespace
}  // namespace zt::test
