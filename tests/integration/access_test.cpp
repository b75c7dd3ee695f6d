// Who may read what, over real HTTP on both databases — the rule of the README's "Who reads
// records" and the role table (src/identity/README.md):
//   - every route declares its permission (x-permission in the API document); an account or
//     API client without it gets 403 forbidden, whatever its department;
//   - reading records (by key, by filters, the change feed) needs exchange.query, the export
//     exchange.export, batch reports exchange.ingest — for the provider's own staff as for
//     consumers: a roleless account or a client without permissions reads nothing;
//   - then the providing department reads its records, another department only under an
//     unconditional resource or an active grant (403 grant_required), batch reports only the
//     provider (403 not_granted); city-wide scope (supervisor, leader, data_admin) opens none;
//   - the system administrator creates API clients, only the security administrator gives them
//     permissions (三员分立);
//   - filters only on the fields the grant reads, and on masked ones only exact matches.
// The matrix test walks every operation of the API document with every kind of account and
// compares each answer with this rule.
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <map>
#include <set>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

const std::string kCode = "330300-GA-0001";

// One caller: a Bearer token or an X-API-Key, and the permissions /api/v1/auth/me reports.
struct Caller {
  std::string name;
  std::string token;
  std::string api_key;
  std::int64_t department = 0;  // 0: none (citizen, anonymous)
  std::set<std::string> permissions;
  bool signed_in = true;
  bool has(const std::string& p) const { return permissions.contains(p); }
};

class AccessTest : public HubTest {
 protected:
  std::optional<HttpResponse> as(const Caller& c, std::string_view method, std::string_view target,
                                 const json::value& body = {}) {
    Headers headers{{"X-Purpose", "核验"}};
    if (!c.api_key.empty()) headers.emplace_back("X-API-Key", c.api_key);
    return city().call(method, target, c.token, body, std::move(headers));
  }

  // Publishes the population resource as 公安 (conditional) with three people, and has 民政's
  // officer ask for name and id_number (id_number masked), granted by 公安's administrator.
  bool publish_and_grant() {
    if (!publish(population(kCode), ga_admin_)) return false;
    std::string rows;
    const char* names[] = {"张三", "李四", "王五"};
    for (int i = 0; i < 3; ++i) {
      rows += json::serialize(json::object{{"id_number", id_number("19800101", i + 1)},
                                           {"name", names[i]},
                                           {"gender", "男"},
                                           {"division_code", "330302"},
                                           {"phone", "13857712345"}}) +
              "\n";
    }
    auto in = city().send("POST", "/api/v1/resources/" + kCode + "/records", ga_officer_, rows,
                          {{"Content-Type", "application/x-ndjson"}});
    if (!in || in->status != 200) return ADD_FAILURE() << (in ? in->body : city().error()), false;
    auto filed = city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                             json::object{{"resource", kCode},
                                          {"purpose", "最低生活保障资格核查"},
                                          {"legal_basis", "《社会救助暂行办法》"},
                                          {"fields", json::array{"id_number", "name"}},
                                          {"duration_days", 30}});
    if (!filed || filed->status != 201) return ADD_FAILURE() << filed->body, false;
    auto approved = city().call(
        "POST",
        fmt::format("/api/v1/sharing/requests/{}/approve", filed->json().at("id").as_int64()),
        ga_admin_, json::object{});
    if (!approved || approved->status != 200) return ADD_FAILURE() << approved->body, false;
    return true;
  }

  // Every kind of caller: each role, a roleless staff account, a citizen, API clients with and
  // without permissions, and nobody signed in.
  bool callers(std::vector<Caller>& out) {
    auto staff = [&](const std::string& name, std::int64_t dept,
                     std::vector<std::string> roles) -> Caller {
      return {name, city().staff(name, dept, roles), "", dept};
    };
    auto client = [&](const std::string& name, std::int64_t dept,
                      std::vector<std::string> permissions) -> Caller {
      return {name, "", city().api_client(name, dept, permissions), dept};
    };
    out = {
        {"ga_admin", ga_admin_, "", ga_},
        {"ga_officer", ga_officer_, "", ga_},
        {"mz_admin", mz_admin_, "", mz_},
        {"mz_officer", mz_officer_, "", mz_},
        {"dsj_admin", data_admin_, "", dsj_},
        staff("ga_clerk", ga_, {"window_clerk"}),
        staff("ga_nobody", ga_, {}),
        staff("dsj_supervisor", dsj_, {"supervisor"}),
        staff("dsj_leader", dsj_, {"leader"}),
        {"sysadmin", city().sysadmin(), "", 0},
        {"secadmin", city().secadmin(), "", 0},
        {"auditadmin", city().auditadmin(), "", 0},
        {"citizen",
         city().account(json::object{{"kind", "citizen"},
                                     {"username", "zhangsan"},
                                     {"display_name", "张三"},
                                     {"id_number", id_number("19800101", 1)}}),
         "", 0},
        client("ga-none", ga_, {}),
        client("ga-query", ga_, {"exchange.query"}),
        client("mz-query", mz_, {"exchange.query"}),
        client("mz-export", mz_, {"exchange.query", "exchange.export"}),
    };
    for (Caller& c : out) {
      if (c.token.empty() && c.api_key.empty()) {
        return ADD_FAILURE() << c.name << ": " << city().error(), false;
      }
      auto me = as(c, "GET", "/api/v1/auth/me");
      if (!me || me->status != 200) return ADD_FAILURE() << c.name << ": no /auth/me", false;
      const json::value who = me->json();
      for (const auto& p : who.at("permissions").as_array())
        c.permissions.emplace(p.as_string());
    }
    out.push_back({.name = "anonymous", .signed_in = false});
    return true;
  }

  // The answer the rule gives `c` for a read of the population resource on `route`
  // ("record", "query", "export", "changes", "batches"): 200, or the problem's status and code.
  static std::pair<int, std::string> rule(const Caller& c, const std::string& route,
                                          std::int64_t provider, std::int64_t consumer) {
    if (!c.signed_in) return {401, "unauthenticated"};
    const std::string needed = route == "export"    ? "exchange.export"
                               : route == "batches" ? "exchange.ingest"
                                                    : "exchange.query";
    if (!c.has(needed)) return {403, "forbidden"};
    if (c.department == 0) return {403, "forbidden"};  // not a department's (citizen)
    if (c.department == provider) return {200, ""};
    if (route == "batches") return {403, "not_granted"};
    if (c.department == consumer) return {200, ""};  // the grant
    return {403, "grant_required"};
  }
};

TEST_F(AccessTest, RolelessAccountsAndClientsWithoutPermissionsReadNothing) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish_and_grant());
  const std::string key = id_number("19800101", 1);
  const std::string nobody = city().staff("ga_nobody", ga_, {});
  const std::string client_key = city().api_client("ga-none", ga_, {});
  ASSERT_FALSE(nobody.empty() || client_key.empty()) << city().error();
  const std::vector<std::string> reads = {
      "/records/" + key,    "/records", "/records?id_number=" + key,
      "/export?format=csv", "/changes", "/batches"};
  for (const std::string& read : reads) {
    const std::string target = "/api/v1/resources/" + kCode + read;
    EXPECT_TRUE(IsProblem(city().call("GET", target, nobody), 403, "forbidden")) << target;
    EXPECT_TRUE(IsProblem(city().call("GET", target, "", nullptr, {{"X-API-Key", client_key}}), 403,
                          "forbidden"))
        << target;
  }
  // The providing department's officer reads (exchange.query) but does not export
  // (exchange.export is its administrator's).
  EXPECT_EQ(
      city().call("GET", "/api/v1/resources/" + kCode + "/records/" + key, ga_officer_)->status,
      200);
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/resources/" + kCode + "/export", ga_officer_),
                        403, "forbidden"));
  auto exported = city().call("GET", "/api/v1/resources/" + kCode + "/export", ga_admin_);
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
  EXPECT_NE(exported->body.find(key), std::string::npos);  // the provider's: unmasked
}

TEST_F(AccessTest, CityWideScopeOpensNoRecordsWithoutAGrant) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish_and_grant());
  const std::string key = id_number("19800101", 1);
  const std::string supervisor = city().staff("dsj_supervisor", dsj_, {"supervisor"});
  const std::string leader = city().staff("dsj_leader", dsj_, {"leader"});
  ASSERT_FALSE(supervisor.empty() || leader.empty()) << city().error();
  const std::string base = "/api/v1/resources/" + kCode;
  for (const std::string& token : {supervisor, leader}) {
    for (const std::string& read : std::vector<std::string>{"/records/" + key, "/records",
                                                            "/export", "/changes", "/batches"}) {
      EXPECT_TRUE(IsProblem(city().call("GET", base + read, token), 403, "forbidden")) << read;
    }
  }
  // The data administrator holds exchange.query and reads through its department's grants: none.
  for (const std::string& read :
       std::vector<std::string>{"/records/" + key, "/records", "/export", "/changes"}) {
    EXPECT_TRUE(IsProblem(
        city().call("GET", base + read, data_admin_, nullptr, {{"X-Purpose", "数据治理"}}), 403,
        "grant_required"))
        << read;
  }
  EXPECT_TRUE(IsProblem(city().call("GET", base + "/batches", data_admin_), 403, "forbidden"));
  // Figures stay its work: the quality of every department's resource.
  auto quality = city().call("GET", base + "/quality", data_admin_);
  ASSERT_TRUE(quality);
  EXPECT_EQ(quality->status, 200) << quality->body;
}

TEST_F(AccessTest, OnlyTheSecurityAdministratorGivesApiClientsPermissions) {
  ASSERT_TRUE(open_city());
  // The system administrator cannot create a client holding permissions…
  auto refused = city().call("POST", "/api/v1/api-clients", city().sysadmin(),
                             json::object{{"name", "ga-grants"},
                                          {"department_id", ga_},
                                          {"permissions", json::array{"exchange.grants.manage"}}});
  EXPECT_TRUE(IsProblem(refused, 403, "permissions_need_sec_admin"));
  auto created = city().call("POST", "/api/v1/api-clients", city().sysadmin(),
                             json::object{{"name", "ga-grants"}, {"department_id", ga_}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_TRUE(created->json().at("client").at("permissions").as_array().empty());
  const std::int64_t id = created->json().at("client").at("id").as_int64();
  const std::string key(created->json().at("api_key").as_string());
  const std::string target = fmt::format("/api/v1/api-clients/{}/permissions", id);
  const json::object grants{{"permissions", json::array{"exchange.grants.manage"}}};
  // …nor give them afterwards; the security administrator does, audited.
  EXPECT_TRUE(IsProblem(city().call("PUT", target, city().sysadmin(), grants), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("PUT", target, city().secadmin(),
                                    json::object{{"permissions", json::array{"audit.read"}}}),
                        400, "unknown_permission"));
  auto given = city().call("PUT", target, city().secadmin(), grants);
  ASSERT_TRUE(given);
  ASSERT_EQ(given->status, 200) << given->body;
  auto me = city().call("GET", "/api/v1/auth/me", "", nullptr, {{"X-API-Key", key}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->json().at("permissions"), (json::array{"exchange.grants.manage"}));
  bool audited = false;
  for (int i = 0; i < 50 && !audited; ++i) {
    auto r = city().call("GET", "/api/v1/audit/records?action=api_client.permissions",
                         city().auditadmin());
    audited = r && r->status == 200 && !r->json().at("items").as_array().empty();
    if (!audited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(audited);
}

TEST_F(AccessTest, FiltersOnlyOnGrantedFieldsAndOnMaskedOnesOnlyExactly) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish_and_grant());  // 民政 reads id_number (masked) and name
  const std::string base = "/api/v1/resources/" + kCode + "/records?";
  const std::string key = id_number("19800101", 2);
  auto mz = [&](const std::string& query) { return city().call("GET", base + query, mz_officer_); };
  // Outside the grant: phone and division_code are not 民政's to filter on.
  EXPECT_TRUE(IsProblem(mz("phone=13857712345"), 403, "filter_not_allowed"));
  EXPECT_TRUE(IsProblem(mz("division_code__prefix=3303"), 403, "filter_not_allowed"));
  // On the masked key: no prefix, no range — each would recover it digit by digit.
  for (const std::string& op : std::vector<std::string>{
           "__prefix=3303", "__gte=" + key, "__lte=" + key, "__gt=" + key, "__lt=" + key}) {
    EXPECT_TRUE(IsProblem(mz("id_number" + op), 403, "filter_not_allowed")) << op;
  }
  // An exact match on it answers what the key read would, masked.
  auto exact = mz("id_number=" + key);
  ASSERT_TRUE(exact);
  ASSERT_EQ(exact->status, 200) << exact->body;
  const json::value page = exact->json();
  const auto& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].at("id_number").as_string(), key);
  EXPECT_EQ(items[0].at("name"), "李*");
  // The export takes the same filters under the same rule.
  auto exported = city().call("GET", "/api/v1/resources/" + kCode + "/export?id_number__prefix=33",
                              mz_admin_, nullptr, {{"X-Purpose", "核验"}});
  EXPECT_TRUE(IsProblem(exported, 403, "filter_not_allowed"));
  // The provider filters on anything it indexes.
  auto own = city().call("GET", base + "id_number__prefix=3303", ga_officer_);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
}

// Every operation of the API document × every kind of caller, against the rule above.
TEST_F(AccessTest, EveryRouteAnswersEveryCallerByTheWrittenRule) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish_and_grant());
  std::vector<Caller> all;
  ASSERT_TRUE(callers(all));
  auto doc = city().call("GET", "/api/openapi.json", "");
  ASSERT_TRUE(doc && doc->status == 200);
  const std::string person = id_number("19800101", 1);
  auto concrete = [&](std::string path) {
    const std::map<std::string, std::string> values = {
        {"{code}", path.starts_with("/api/v1/registry/divisions") ? "330302" : kCode},
        {"{key}", path.starts_with("/api/v1/registry/entities") ? "91330300MA2AAAAA0X" : person},
        {"{registry}", "population"},
        {"{id}", "1"}};
    for (const auto& [name, value] : values) {
      for (auto at = path.find(name); at != std::string::npos; at = path.find(name))
        path.replace(at, name.size(), value);
    }
    return path;
  };
  int calls = 0;
  const json::value document = doc->json();
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method_name, op_value] : item.as_object()) {
      std::string method(method_name);
      for (char& ch : method)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const json::object& op = op_value.as_object();
      const bool is_public = op.contains("security") && op.at("security").as_array().empty();
      const std::string permission =
          op.contains("x-permission") ? std::string(op.at("x-permission").as_string()) : "";
      const std::string target = concrete(std::string(path));
      for (const Caller& c : all) {
        // Holders' writes are not sent: they would change the city (a DELETE, a revoke,
        // a logout) for the callers after them; their refusals are checked for everyone else.
        const bool allowed = c.signed_in && (permission.empty() || c.has(permission));
        if (method != "GET" && (allowed || is_public)) continue;
        if (target == "/api/v1/auth/logout") continue;
        ++calls;
        // A body of the operation's first media type (an empty one: refused after the
        // permission check).
        std::string media = "application/json";
        if (op.contains("requestBody")) {
          media = op.at("requestBody").at("content").as_object().begin()->key();
        }
        std::optional<HttpResponse> r;
        if (method == "GET" || media == "application/json") {
          r = as(c, method, target, method == "GET" ? json::value() : json::object{});
        } else {
          Headers headers{{"Content-Type", media}};
          if (!c.api_key.empty()) headers.emplace_back("X-API-Key", c.api_key);
          r = city().send(method, target, c.token, "", std::move(headers));
        }
        ASSERT_TRUE(r) << method << ' ' << target << " as " << c.name;
        const std::string what = method + " " + target + " as " + c.name + ": " +
                                 std::to_string(r->status) + " " + r->body.substr(0, 200);
        EXPECT_LT(r->status, 500) << what;
        if (is_public) {
          EXPECT_NE(r->status, 401) << what;
        } else if (!c.signed_in) {
          EXPECT_TRUE(IsProblem(r, 401, "unauthenticated")) << what;
        } else if (!permission.empty() && !c.has(permission)) {
          EXPECT_TRUE(IsProblem(r, 403, "forbidden")) << what;
        } else {
          EXPECT_NE(r->status, 401) << what;
        }
      }
    }
  }
  EXPECT_GT(calls, 500);

  // The reads of records, each caller against the rule's answer.
  const std::map<std::string, std::string> reads = {{"record", "/records/" + person},
                                                    {"query", "/records?id_number=" + person},
                                                    {"export", "/export"},
                                                    {"changes", "/changes"},
                                                    {"batches", "/batches"}};
  for (const Caller& c : all) {
    for (const auto& [route, read] : reads) {
      const auto [status, code] = rule(c, route, ga_, mz_);
      auto r = as(c, "GET", "/api/v1/resources/" + kCode + read);
      ASSERT_TRUE(r);
      const std::string what = read + " as " + c.name + ": " + r->body.substr(0, 200);
      if (status == 200) {
        EXPECT_EQ(r->status, 200) << what;
      } else {
        EXPECT_TRUE(IsProblem(r, status, code)) << what;
      }
    }
  }
}

}  // namespace
}  // namespace zt::test
