// 谁用了我的数据 over real HTTP on both databases, for every kind of read: 民政's officer runs a
// filtered query, an export and a change-feed read of 公安's population resource, each with its
// purpose and X-Case-Id; each citizen then sees exactly the reads that returned their record —
// with department, kind, purpose and case — and none of the reads that did not. (The registry's
// read and search by name are in registry_test.cpp.)
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <fmt/format.h>

#include <set>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

class DataAccessTest : public HubTest {
 protected:
  // The citizen's reads as "kind purpose case_id department resource_code", once every read
  // in `want` is there (the group-commit writer makes them durable within its flush interval).
  std::set<std::string> reads_of(const std::string& token, const std::set<std::string>& want) {
    std::set<std::string> seen;
    for (int attempt = 0; attempt < 50; ++attempt) {
      auto mine = city().call("GET", "/api/v1/me/data-access?limit=100", token);
      EXPECT_TRUE(mine);
      if (!mine) return {};
      EXPECT_EQ(mine->status, 200) << mine->body;
      seen.clear();
      const json::value body = mine->json();  // kept: the loop runs over a part of it
      for (const json::value& e : body.at("items").as_array()) {
        seen.insert(fmt::format("{} {} {} {} {}", json::value_to<std::string>(e.at("kind")),
                                json::value_to<std::string>(e.at("purpose")),
                                json::value_to<std::string>(e.at("case_id")),
                                json::value_to<std::string>(e.at("department")),
                                json::value_to<std::string>(e.at("resource_code"))));
      }
      if (std::includes(seen.begin(), seen.end(), want.begin(), want.end())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return seen;
  }
};

TEST_F(DataAccessTest, EveryReadThatReturnedARecordIsShownToItsPersonAndNoOther) {
  ASSERT_TRUE(open_city());
  const std::string code = "330300-GA-RKJB";
  json::object resource = population(code);
  resource["share_type"] = "unconditional";
  ASSERT_TRUE(publish(resource, ga_admin_));
  const std::string p1 = id_number("19800101", 11);  // 五马街道: the query's, the export's
  const std::string p2 = id_number("19850505", 12);  // 七都街道 of 鹿城区: the export's only
  const std::string p3 = id_number("19900909", 13, "330304");  // 瓯海区: none of them
  auto row = [](const std::string& key, const char* name, const char* division) {
    return json::serialize(json::object{
               {"id_number", key}, {"name", name}, {"gender", "男"}, {"division_code", division}}) +
           "\n";
  };
  auto ingested = city().send(
      "POST", "/api/v1/resources/" + code + "/records", ga_officer_,
      row(p1, "张三", "330302001") + row(p2, "李四", "330302016") + row(p3, "王五", "330304001"),
      {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(ingested);
  ASSERT_EQ(ingested->status, 200) << ingested->body;

  auto read = [&](const std::string& target, const char* purpose, const char* case_id) {
    // 民政's administrator: it holds exchange.export as well as exchange.query.
    auto r =
        city().call("GET", target, mz_admin_, {}, {{"X-Purpose", purpose}, {"X-Case-Id", case_id}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << target << ": " << r->body;
    return;
  };
  // A filtered query that returns p1 only; an export of 鹿城区 (p1, p2); the first change of the
  // feed (p1's).
  read("/api/v1/resources/" + code + "/records?division_code=330302001", "低保核对", "MZ-Q-1");
  read("/api/v1/resources/" + code + "/export?division_code__prefix=330302", "救助名单", "MZ-E-1");
  read("/api/v1/resources/" + code + "/changes?after=0&limit=1", "数据交换核对", "MZ-F-1");

  const std::string dept = "温州市民政局";
  const std::string query = "query 低保核对 MZ-Q-1 " + dept + " " + code;
  const std::string exported = "export 救助名单 MZ-E-1 " + dept + " " + code;
  const std::string changes = "changes 数据交换核对 MZ-F-1 " + dept + " " + code;
  EXPECT_EQ(reads_of(citizen("zhangsan", p1), {query, exported, changes}),
            (std::set<std::string>{query, exported, changes}));
  EXPECT_EQ(reads_of(citizen("lisi", p2), {exported}), (std::set<std::string>{exported}));
  EXPECT_TRUE(reads_of(citizen("wangwu", p3), {}).empty());
}

}  // namespace
}  // namespace zt::test
