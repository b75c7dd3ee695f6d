// The resource catalog over real HTTP: create, publish, compatible and refused changes with the
// version history, retire; keyword search in Chinese with facets; who sees what.
#include "integration/hub_test.h"

namespace zt::test {
namespace {

namespace json = boost::json;

class CatalogTest : public HubTest {};

std::vector<std::string> codes(const json::value& page) {
  std::vector<std::string> out;
  for (const auto& item : page.at("items").as_array())
    out.emplace_back(item.at("code").as_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t facet(const json::value& page, const char* name, const std::string& value) {
  for (const auto& f : page.at("facets").at(name).as_array()) {
    if (f.at("value").as_string() == value) return f.at("count").as_int64();
  }
  return 0;
}

TEST_F(CatalogTest, CreatePublishCompatibleAndRefusedChangesRetire) {
  ASSERT_TRUE(open_city());
  const std::string base = "/api/v1/catalog/resources";
  json::object resource = population("330300-GA-0001");

  // Officers do not define the catalog; the department's administrator does.
  EXPECT_TRUE(IsProblem(city().call("POST", base, ga_officer_, resource), 403, "forbidden"));
  auto created = city().call("POST", base, ga_admin_, resource);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  json::value r = created->json();
  EXPECT_EQ(r.at("status"), "draft");
  EXPECT_EQ(r.at("version"), 1);
  EXPECT_EQ(r.at("department_name"), "温州市公安局");
  // Defaults filled in: the key is required and indexed, personal fields get their masks.
  const auto& fields = r.at("fields").as_array();
  EXPECT_EQ(fields[0].at("required"), true);
  EXPECT_EQ(fields[0].at("indexed"), true);
  EXPECT_EQ(fields[0].at("mask"), "id_number");
  EXPECT_EQ(fields[1].at("mask"), "name");
  EXPECT_EQ(fields[6].at("mask"), "phone");
  EXPECT_EQ(fields[3].at("mask"), "none");
  EXPECT_TRUE(IsProblem(city().call("POST", base, ga_admin_, resource), 409, "resource_exists"));

  // A draft is the department's own business.
  EXPECT_TRUE(IsProblem(city().call("GET", base + "/330300-GA-0001", mz_admin_), 404,
                        "resource_not_found"));
  // Bad definitions are refused with what is wrong.
  json::object no_key = resource;
  no_key["code"] = "330300-GA-0002";
  no_key["fields"].as_array()[0].as_object()["key"] = false;
  EXPECT_TRUE(IsProblem(city().call("POST", base, ga_admin_, no_key), 400, "invalid_fields"));

  auto published = city().call("POST", base + "/330300-GA-0001/publish", ga_admin_);
  ASSERT_TRUE(published);
  ASSERT_EQ(published->status, 200) << published->body;
  EXPECT_EQ(published->json().at("status"), "published");
  EXPECT_TRUE(published->json().at("publish_date").is_string());
  EXPECT_TRUE(IsProblem(city().call("POST", base + "/330300-GA-0001/publish", ga_admin_), 409,
                        "invalid_state"));
  // Other departments see a published conditional resource in the catalog.
  auto seen = city().call("GET", base + "/330300-GA-0001", mz_officer_);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->status, 200) << seen->body;

  // A compatible change: a new optional field and a longer name.
  json::object compatible = resource;
  compatible["fields"].as_array()[1].as_object()["max_length"] = 40;
  compatible["fields"].as_array().push_back(
      json::object{{"name", "email"}, {"label", "电子邮箱"}, {"type", "email"}});
  compatible["version"] = 2;
  auto changed = city().call("PUT", base + "/330300-GA-0001", ga_admin_, compatible);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_EQ(changed->json().at("version"), 3);
  EXPECT_EQ(changed->json().at("fields").as_array().size(), 11u);
  // A stale version is refused.
  EXPECT_TRUE(IsProblem(city().call("PUT", base + "/330300-GA-0001", ga_admin_, compatible), 409,
                        "version_conflict"));

  // Incompatible: a changed type and a removed field; nothing changes.
  json::object incompatible = compatible;
  incompatible.erase("version");
  auto& list = incompatible["fields"].as_array();
  list[8].as_object()["type"] = "string";  // household_size
  list.erase(list.begin() + 9);            // income
  auto refused = city().call("PUT", base + "/330300-GA-0001", ga_admin_, incompatible);
  EXPECT_TRUE(IsProblem(refused, 409, "incompatible_change"));
  const std::string detail(refused->json().at("detail").as_string());
  EXPECT_NE(detail.find("household_size"), std::string::npos) << detail;
  EXPECT_NE(detail.find("'income' cannot be removed"), std::string::npos) << detail;
  auto after = city().call("GET", base + "/330300-GA-0001", ga_admin_);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->json().at("version"), 3);
  // Another department cannot change it.
  EXPECT_TRUE(IsProblem(city().call("PUT", base + "/330300-GA-0001", mz_admin_, compatible), 403,
                        "forbidden"));

  auto history = city().call("GET", base + "/330300-GA-0001/versions", ga_admin_);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200) << history->body;
  const json::value history_body = history->json();
  const auto& versions = history_body.at("items").as_array();
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].at("action"), "update");
  EXPECT_EQ(versions[1].at("action"), "publish");
  EXPECT_EQ(versions[2].at("action"), "create");
  EXPECT_EQ(versions[2].at("resource").at("fields").as_array().size(), 10u);

  auto retired = city().call("POST", base + "/330300-GA-0001/retire", ga_admin_);
  ASSERT_TRUE(retired);
  EXPECT_EQ(retired->json().at("status"), "retired");
  EXPECT_TRUE(IsProblem(city().call("PUT", base + "/330300-GA-0001", ga_admin_, compatible), 409,
                        "resource_retired"));
}

TEST_F(CatalogTest, SearchInChineseWithFacetsAndVisibility) {
  ASSERT_TRUE(open_city());
  const std::string base = "/api/v1/catalog/resources";
  auto make = [&](const std::string& code, const std::string& name, const char* category,
                  const char* share, const std::string& token, bool publish_it) {
    json::object r = population(code);
    r["name"] = name;
    r["category"] = category;
    r["share_type"] = share;
    r["keywords"] = json::array{};
    r["summary"] = name + "，按日更新";
    ASSERT_TRUE(publish_it ? publish(r, token) : create(r, token));
  };
  make("330300-GA-0001", "户籍人口基本信息", "base", "conditional", ga_admin_, true);
  make("330300-GA-0002", "流动人口居住登记", "theme", "unconditional", ga_admin_, true);
  make("330300-MZ-0001", "婚姻登记信息", "department", "conditional", mz_admin_, true);
  make("330300-MZ-0002", "低保救助对象", "department", "none", mz_admin_, true);
  make("330300-MZ-0003", "殡葬服务记录", "department", "conditional", mz_admin_, false);

  auto search = [&](const std::string& query, const std::string& token) {
    auto r = city().call("GET", base + "?" + query, token);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    return r ? r->json() : json::value();
  };
  // Two characters: substring match; four: the trigram index. Both in Chinese.
  json::value people = search("q=%E4%BA%BA%E5%8F%A3", ga_officer_);  // 人口
  EXPECT_EQ(codes(people), (std::vector<std::string>{"330300-GA-0001", "330300-GA-0002"}));
  json::value huji = search("q=%E6%88%B7%E7%B1%8D%E4%BA%BA%E5%8F%A3", ga_officer_);  // 户籍人口
  EXPECT_EQ(codes(huji), (std::vector<std::string>{"330300-GA-0001"}));
  json::value marriage = search("q=%E5%A9%9A%E5%A7%BB%E7%99%BB%E8%AE%B0", ga_officer_);  // 婚姻登记
  EXPECT_EQ(codes(marriage), (std::vector<std::string>{"330300-MZ-0001"}));
  // Field labels are searched too: 公民身份号码 is in every resource the officer may see.
  json::value by_label = search("q=%E5%85%AC%E6%B0%91%E8%BA%AB%E4%BB%BD", ga_officer_);
  EXPECT_EQ(by_label.at("total"), 3);

  // A ga officer sees ga's resources and the others' shareable published ones; not MZ's none
  // resource nor its draft.
  json::value all = search("", ga_officer_);
  EXPECT_EQ(codes(all),
            (std::vector<std::string>{"330300-GA-0001", "330300-GA-0002", "330300-MZ-0001"}));
  EXPECT_EQ(facet(all, "department_id", std::to_string(ga_)), 2);
  EXPECT_EQ(facet(all, "department_id", std::to_string(mz_)), 1);
  EXPECT_EQ(facet(all, "share_type", "conditional"), 2);
  EXPECT_EQ(facet(all, "category", "theme"), 1);
  // A facet filter narrows the items; its own facet still counts the other values.
  json::value only_ga = search("department_id=" + std::to_string(ga_), ga_officer_);
  EXPECT_EQ(codes(only_ga), (std::vector<std::string>{"330300-GA-0001", "330300-GA-0002"}));
  EXPECT_EQ(facet(only_ga, "department_id", std::to_string(mz_)), 1);
  EXPECT_EQ(facet(only_ga, "share_type", "unconditional"), 1);
  json::value open_share = search("share_type=unconditional", ga_officer_);
  EXPECT_EQ(codes(open_share), (std::vector<std::string>{"330300-GA-0002"}));
  EXPECT_TRUE(IsProblem(city().call("GET", base + "?share_type=sometimes", ga_officer_), 400,
                        "invalid_query"));
  EXPECT_TRUE(IsProblem(city().call("GET", base + "/330300-MZ-0002", ga_officer_), 404,
                        "resource_not_found"));

  // The data administrator sees the whole catalog; the department its own draft.
  EXPECT_EQ(search("", data_admin_).at("total"), 5);
  EXPECT_EQ(search("", mz_officer_).at("total"), 5);
  // Paging by cursor.
  json::value first = search("limit=2", data_admin_);
  ASSERT_EQ(first.at("items").as_array().size(), 2u);
  ASSERT_TRUE(first.at("next_cursor").is_string());
  json::value second =
      search("limit=2&cursor=" + std::string(first.at("next_cursor").as_string()), data_admin_);
  EXPECT_EQ(second.at("items").as_array().size(), 2u);
  EXPECT_NE(second.at("items").at(0).at("code"), first.at("items").at(0).at("code"));
}

// The public portal's list: published resources open or conditionally open, without a token,
// with their fields' names, labels and types only; drafts, closed and retired ones are not listed.
TEST_F(CatalogTest, OpenResourcesAreListedWithoutSignIn) {
  ASSERT_TRUE(open_city());
  const std::string base = "/api/v1/catalog/resources";
  auto make = [&](const std::string& code, const std::string& name, const char* open_type,
                  const std::string& token, bool publish_it) {
    json::object r = population(code);
    r["name"] = name;
    r["open_type"] = open_type;
    r["summary"] = name + "，按季度更新";
    r["keywords"] = json::array{};
    if (std::string_view(open_type) == "conditional") r["open_condition"] = "签署数据使用协议";
    ASSERT_TRUE(publish_it ? publish(r, token) : create(r, token));
  };
  make("330300-GA-0001", "户籍人口统计", "open", ga_admin_, true);
  make("330300-GA-0002", "流动人口统计", "open", ga_admin_, false);  // a draft
  make("330300-GA-0003", "户籍人口基本信息", "closed", ga_admin_, true);
  make("330300-MZ-0001", "婚姻登记统计", "conditional", mz_admin_, true);
  make("330300-MZ-0002", "殡葬服务统计", "open", mz_admin_, true);
  auto retired = city().call("POST", base + "/330300-MZ-0002/retire", mz_admin_);
  ASSERT_TRUE(retired);
  ASSERT_EQ(retired->status, 200) << retired->body;

  const std::string open = "/api/v1/catalog/open-resources";
  // The staff catalog still needs a token; the open list does not.
  EXPECT_TRUE(IsProblem(city().call("GET", base, ""), 401, "unauthenticated"));
  auto all = city().call("GET", open, "");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  json::value page = all->json();
  EXPECT_EQ(codes(page), (std::vector<std::string>{"330300-GA-0001", "330300-MZ-0001"}));
  EXPECT_EQ(page.at("total"), 2);
  for (const auto& item : page.at("items").as_array()) {
    const json::object& o = item.as_object();
    // Metadata only: nothing about sharing, masking or who changed it, and no records.
    for (const char* hidden : {"share_type", "share_condition", "id", "created_by", "records"}) {
      EXPECT_FALSE(o.contains(hidden)) << hidden;
    }
    const json::object& first = o.at("fields").as_array().at(0).as_object();
    EXPECT_EQ(first.at("name"), "id_number");
    EXPECT_EQ(first.at("label"), "公民身份号码");
    EXPECT_EQ(first.at("type"), "id_number");
    EXPECT_EQ(first.size(), 3u);
  }
  EXPECT_EQ(page.at("items").at(0).at("department_name"), "温州市民政局");
  EXPECT_EQ(page.at("items").at(0).at("open_condition"), "签署数据使用协议");

  // Keyword search as the catalog's: 婚姻 (substring) and 户籍人口 (trigram index).
  auto search = [&](const std::string& query) {
    auto r = city().call("GET", open + "?" + query, "");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    return r ? codes(r->json()) : std::vector<std::string>{};
  };
  EXPECT_EQ(search("q=%E5%A9%9A%E5%A7%BB"), (std::vector<std::string>{"330300-MZ-0001"}));
  EXPECT_EQ(search("q=%E6%88%B7%E7%B1%8D%E4%BA%BA%E5%8F%A3"),
            (std::vector<std::string>{"330300-GA-0001"}));
  EXPECT_EQ(search("open_type=conditional"), (std::vector<std::string>{"330300-MZ-0001"}));
  EXPECT_EQ(search("open_type=closed"), (std::vector<std::string>{}));
  // Paging by cursor.
  auto first = city().call("GET", open + "?limit=1", "");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  ASSERT_TRUE(first->json().at("next_cursor").is_string());
  EXPECT_EQ(search("limit=1&cursor=" + std::string(first->json().at("next_cursor").as_string())),
            (std::vector<std::string>{"330300-GA-0001"}));
  EXPECT_TRUE(
      IsProblem(city().call("GET", open + "?open_type=sometimes", ""), 400, "invalid_query"));
  EXPECT_TRUE(IsProblem(city().call("GET", open + "?limit=0", ""), 400, "invalid_paging"));
}

}  // namespace
}  // namespace zt::test
