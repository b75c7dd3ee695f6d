#include "http/json_parse.h"

#include <gtest/gtest.h>

namespace zt::http {
namespace {

TEST(JsonParse, StandardJsonIsParsed) {
  auto v = parse_json_body(R"({"a":[1,{"a":2}],"b":{"a":"x"},"c":"\u4eba"})");
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v->at("b").at("a"), "x");
  EXPECT_EQ(v->at("c"), "人");
}

TEST(JsonParse, InvalidJsonIsMalformed) {
  auto v = parse_json_body(R"({"a":)");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "malformed_json");
}

TEST(JsonParse, ANameTwiceInOneObjectIsRefusedAtAnyDepth) {
  for (const char* body :
       {R"({"a":1,"a":2})", R"({"x":[{"b":1,"c":2,"b":3}]})", R"({"k\u0065y":1,"key":2})"}) {
    SCOPED_TRACE(body);
    auto v = parse_json_body(body);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, "malformed_json");
  }
  auto v = parse_json_body(R"({"a":1,"a":2})");
  EXPECT_NE(v.error().detail.find("\"a\""), std::string::npos) << v.error().detail;
}

TEST(JsonParse, ANulInAStringOrANameIsRefused) {
  for (const char* body : {R"({"a":"x\u0000y"})", R"({"a\u0000":1})", R"(["\u0000"])"}) {
    SCOPED_TRACE(body);
    auto v = parse_json_body(body);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, "invalid_body");
  }
}

TEST(JsonParse, ManyNamesInOneObjectAreAllChecked) {
  std::string body = "{";
  for (int i = 0; i < 20000; ++i)
    body += (i ? ",\"" : "\"") + std::to_string(i) + "\":0";
  body += "}";
  EXPECT_TRUE(parse_json_body(body).ok());
  EXPECT_FALSE(parse_json_body(body.substr(0, body.size() - 1) + ",\"7\":1}").ok());
}

}  // namespace
}  // namespace zt::http
