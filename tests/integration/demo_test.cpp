// `zhengtong seed-demo` against a real server's database: a 2 000-person 温州 made through the
// services — accounts that sign in with their demo passwords and are not asked to change them,
// the six resources published with batches of the expected sizes (and the deliberate faults
// rejected), the records served by the change feed — and the same seed giving the same records
// in a second database while another seed gives other ones. --if-empty leaves a seeded
// database alone.
#include "integration/server_test.h"

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace zt::test {
namespace {

namespace json = boost::json;

constexpr int kPeople = 2000;

struct Seeded {
  std::unique_ptr<ServerProcess> server;
  json::array accounts;
  std::string output;
};

class DemoCityTest : public ::testing::Test {
 protected:
  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // A fresh server whose database got the divisions and a demo city of `seed`.
  static Seeded seeded(std::uint64_t seed) {
    Seeded s;
    std::string error;
    s.server = ServerProcess::start({.fresh_database = true}, error);
    if (!s.server) {
      ADD_FAILURE() << error;
      return s;
    }
    std::string out;
    if (s.server->run_command(
            fmt::format("registry import-divisions --from '{}'", ZT_TEST_DIVISIONS), out) != 0) {
      ADD_FAILURE() << out;
      return s;
    }
    const auto accounts = s.server->dir() / "accounts.json";
    if (s.server->run_command(
            fmt::format("seed-demo --city 330300 --people {} --seed {} --accounts-out '{}'",
                        kPeople, seed, accounts.string()),
            s.output) != 0) {
      ADD_FAILURE() << s.output;
      return s;
    }
    s.accounts = json::parse(read_file(accounts)).as_array();
    return s;
  }

  static const json::object* account(const Seeded& s, std::string_view username) {
    for (const auto& a : s.accounts) {
      if (a.at("username").as_string() == username) return &a.as_object();
    }
    return nullptr;
  }

  // Signs in with the demo password: the session token.
  static std::string sign_in(const Seeded& s, std::string_view username) {
    const json::object* a = account(s, username);
    if (a == nullptr) {
      ADD_FAILURE() << "no account " << username;
      return "";
    }
    std::string error;
    const std::string body = json::serialize(
        json::object{{"username", a->at("username")}, {"password", a->at("password")}});
    auto response = fetch(s.server->port(), "POST", "/api/v1/auth/login", error,
                          {{"Content-Type", "application/json"}}, body);
    if (!response || response->status != 200) {
      ADD_FAILURE() << "login " << username << ": " << (response ? response->body : error);
      return "";
    }
    const auto user = response->json().at("user");
    EXPECT_EQ(user.at("must_change_password"), false) << username;
    return std::string(response->json().at("token").as_string());
  }

  static json::value get(const Seeded& s, const std::string& token, const std::string& target) {
    std::string error;
    auto response = fetch(s.server->port(), "GET", target, error,
                          {{"Authorization", "Bearer " + token}, {"X-Purpose", "测试"}});
    if (!response || response->status != 200) {
      ADD_FAILURE() << target << ": " << (response ? response->body : error);
      return nullptr;
    }
    return response->json();
  }

  // Every record of a resource as the change feed gives it, by key, serialised.
  static std::map<std::string, std::string> records(const Seeded& s, const std::string& token,
                                                    const std::string& code,
                                                    const std::string& key) {
    std::map<std::string, std::string> out;
    std::int64_t after = 0;
    for (;;) {
      auto page = get(s, token,
                      fmt::format("/api/v1/resources/{}/changes?after={}&limit=1000", code, after));
      if (!page.is_object()) return out;
      for (const auto& item : page.at("items").as_array()) {
        const auto& data = item.at("data").as_object();
        out[std::string(data.at(key).as_string())] = json::serialize(data);
      }
      if (page.at("items").as_array().empty()) return out;
      after = page.at("next_cursor").as_int64();
    }
  }
};

TEST_F(DemoCityTest, SeedsACityThroughTheServicesDeterministically) {
  Seeded a = seeded(7);
  ASSERT_TRUE(a.server && !a.accounts.empty());
  EXPECT_NE(a.output.find("Demo city 温州市"), std::string::npos) << a.output;

  // Accounts: staff of each role, three citizens, two enterprises.
  std::set<std::string> roles, kinds;
  for (const auto& acc : a.accounts) {
    kinds.insert(std::string(acc.at("kind").as_string()));
    for (const auto& r : acc.at("roles").as_array())
      roles.insert(std::string(r.as_string()));
  }
  EXPECT_EQ(roles, (std::set<std::string>{"data_admin", "dept_admin", "dept_officer", "leader",
                                          "supervisor", "window_clerk"}));
  EXPECT_EQ(kinds, (std::set<std::string>{"citizen", "enterprise", "staff"}));
  EXPECT_EQ(a.accounts.size(), 22u);
  const std::string officer = sign_in(a, "police_officer");
  ASSERT_FALSE(officer.empty());
  for (const auto& acc : a.accounts) {
    if (acc.at("kind") != "staff") {
      EXPECT_FALSE(sign_in(a, std::string(acc.at("username").as_string())).empty());
    }
  }

  // The household batch holds everyone; the late one moves about 1 %.
  auto batches = get(a, officer, "/api/v1/resources/GA-0001/batches");
  ASSERT_TRUE(batches.is_object());
  const auto& items = batches.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);  // newest first
  EXPECT_EQ(items[1].at("counts").at("rows"), kPeople);
  EXPECT_EQ(items[1].at("counts").at("inserted"), kPeople);
  EXPECT_EQ(items[1].at("counts").at("rejected"), 0);
  EXPECT_GT(items[0].at("counts").at("updated").as_int64(), 5);
  EXPECT_LT(items[0].at("counts").at("updated").as_int64(), 60);

  // 人社's wrong check characters are rejected by ingest, the rest kept.
  const std::string hrss = sign_in(a, "hrss_officer");
  auto insurance = get(a, hrss, "/api/v1/resources/RS-0001/batches");
  ASSERT_TRUE(insurance.is_object());
  const auto& counts = insurance.at("items").as_array().at(0).at("counts");
  EXPECT_GT(counts.at("rows").as_int64(), kPeople / 2);
  EXPECT_GT(counts.at("rejected").as_int64(), 0);
  EXPECT_EQ(counts.at("rows").as_int64(),
            counts.at("inserted").as_int64() + counts.at("rejected").as_int64());

  // The data admin sees the quality of the six sources; 税务's monthly resource, pushed 40 days
  // ago, is stale.
  const std::string data_admin = sign_in(a, "data_admin");
  auto quality = get(a, data_admin, "/api/v1/exchange/quality");
  ASSERT_TRUE(quality.is_object());
  std::map<std::string, bool> stale;
  for (const auto& q : quality.at("resources").as_array())
    stale[std::string(q.at("resource").as_string())] = q.at("stale").as_bool();
  EXPECT_EQ(stale.size(), 8u) << "the six sources and the two registries' golden resources";
  EXPECT_TRUE(stale["SW-0001"]);
  EXPECT_FALSE(stale["GA-0001"]);

  // The registries are merged: a demo citizen's golden record answers a 公安 officer (masked,
  // with provenance), and the entity registry holds the enterprises.
  std::string citizen;
  for (const json::value& acc : a.accounts) {
    if (acc.at("kind") == "citizen") citizen = std::string(acc.at("username").as_string());
  }
  ASSERT_FALSE(citizen.empty());
  const std::string police = sign_in(a, "police_officer");
  auto person = get(a, police, "/api/v1/registry/persons/" + citizen);
  ASSERT_TRUE(person.is_object());
  EXPECT_EQ(person.at("resource_code"), "DSJ-RK01");
  EXPECT_TRUE(person.at("record").as_object().contains("name"));
  EXPECT_EQ(person.at("provenance").at("name").at("resource_code"), "GA-0001");
  auto figures = get(a, data_admin, "/api/v1/registry/figures/entity");
  ASSERT_TRUE(figures.is_object());
  EXPECT_GT(figures.at("records").as_int64(), 0);

  const auto people_a = records(a, officer, "GA-0001", "id_number");
  EXPECT_EQ(people_a.size(), static_cast<std::size_t>(kPeople));

  // The same seed in another database: the same records and accounts.
  Seeded b = seeded(7);
  ASSERT_TRUE(b.server && !b.accounts.empty());
  EXPECT_EQ(json::serialize(a.accounts), json::serialize(b.accounts));
  const auto people_b = records(b, sign_in(b, "police_officer"), "GA-0001", "id_number");
  EXPECT_TRUE(people_a == people_b);
  const std::string market_a = sign_in(a, "market_officer");
  const std::string market_b = sign_in(b, "market_officer");
  EXPECT_TRUE(records(a, market_a, "SJ-0001", "uscc") == records(b, market_b, "SJ-0001", "uscc"));
  b.server.reset();

  // Another seed: other people.
  Seeded c = seeded(8);
  ASSERT_TRUE(c.server && !c.accounts.empty());
  const auto people_c = records(c, sign_in(c, "police_officer"), "GA-0001", "id_number");
  EXPECT_EQ(people_c.size(), static_cast<std::size_t>(kPeople));
  std::size_t shared = 0;
  for (const auto& [id, record] : people_c)
    shared += people_a.count(id) && people_a.at(id) == record;
  EXPECT_EQ(shared, 0u);

  // A seeded database is left alone with --if-empty, refused without it.
  std::string out;
  EXPECT_EQ(a.server->run_command("seed-demo --people 10 --if-empty", out), 0) << out;
  EXPECT_NE(out.find("nothing seeded"), std::string::npos) << out;
  EXPECT_EQ(a.server->run_command("seed-demo --people 10", out), 1) << out;
  EXPECT_NE(out.find("demo_exists"), std::string::npos) << out;
}

// 一网通办 on first start: the departments' items published with their guides, and cases of the
// last 60 working days in every state, visible through the routes — the window's worklist for
// the window clerk, a department's for its officer, 我的办件 for each demo citizen and enterprise —
// with clocks that have run (some cases overdue) and timelines that start weeks ago.
TEST_F(DemoCityTest, SeedsServiceItemsAndCasesInEveryState) {
  Seeded s = seeded(7);
  ASSERT_TRUE(s.server && !s.accounts.empty());
  EXPECT_NE(s.output.find("一网通办 11 items published, 120 cases"), std::string::npos) << s.output;

  // The guide: public, every item published, with its legal basis and a 并联 step.
  std::string error;
  auto listed = fetch(s.server->port(), "GET", "/api/v1/services/items?limit=100", error);
  ASSERT_TRUE(listed && listed->status == 200) << (listed ? listed->body : error);
  std::set<std::string> names;
  const json::value guide = listed->json();
  for (const auto& item : guide.at("items").as_array()) {
    names.insert(std::string(item.at("name").as_string()));
    EXPECT_FALSE(item.at("legal_basis").as_string().empty()) << item;
  }
  for (std::string_view name :
       {"户口迁移（市内迁移）", "补领婚姻登记证", "最低生活保障", "社会保障卡申领", "失业登记",
        "个体工商户设立登记", "出生医学证明首次签发", "发票领用", "食品经营许可", "出生登记",
        "城乡居民医保参保登记"}) {
    EXPECT_TRUE(names.count(std::string(name))) << name;
  }

  // The window clerk sees every state (the window's list takes ?state=).
  const std::string clerk = sign_in(s, "window_clerk");
  std::set<std::string> decisions;
  bool overdue = false, old = false;
  const std::chrono::year_month_day then{std::chrono::floor<std::chrono::days>(
      std::chrono::system_clock::now() + std::chrono::hours(8) - std::chrono::days(40))};
  const std::string weeks_ago = fmt::format("{:04}{:02}{:02}", int(then.year()),
                                            unsigned(then.month()), unsigned(then.day()));
  for (std::string_view state :
       {"submitted", "correction", "in_review", "special", "deciding", "decided", "concluded",
        "delivered", "not_accepted", "withdrawn"}) {
    auto page =
        get(s, clerk, fmt::format("/api/v1/services/worklists/window?state={}&limit=200", state));
    ASSERT_TRUE(page.is_object()) << state;
    const auto& rows = page.at("items").as_array();
    EXPECT_FALSE(rows.empty()) << state;
    for (const auto& row : rows) {
      EXPECT_EQ(row.at("state").as_string(), state);
      const auto& remaining = row.at("clock").at("statutory_remaining");
      if (state == "in_review" && remaining.is_int64() && remaining.as_int64() < 0) overdue = true;
      // 办件编号 starts with the filing day: some were filed over 40 days ago.
      if (std::string_view(row.at("number").as_string()).substr(0, 8) < weeks_ago) old = true;
      if (state == "decided") {
        auto c = get(s, clerk,
                     fmt::format("/api/v1/services/cases/{}",
                                 std::string_view(row.at("number").as_string())));
        ASSERT_TRUE(c.is_object());
        decisions.insert(std::string(c.at("decision").as_string()));
      }
    }
  }
  EXPECT_EQ(decisions, (std::set<std::string>{"approve", "deny"}));
  EXPECT_TRUE(overdue) << "some running cases are past their statutory deadline";
  EXPECT_TRUE(old) << "cases spread over the last 60 working days";

  // The submitted ones are the window's default worklist.
  auto waiting = get(s, clerk, "/api/v1/services/worklists/window");
  ASSERT_TRUE(waiting.is_object());
  EXPECT_FALSE(waiting.at("items").as_array().empty());

  // A department officer has cases waiting for its step; 民政's include the 并联 核对.
  auto civil = get(s, sign_in(s, "civil_officer"), "/api/v1/services/worklists/department");
  ASSERT_TRUE(civil.is_object());
  EXPECT_FALSE(civil.at("items").as_array().empty());

  // 我的办件 of every demo citizen and enterprise, filed online, with a timeline that runs over
  // days.
  for (const json::value& acc : s.accounts) {
    if (acc.at("kind") == "staff") continue;
    const std::string username(acc.at("username").as_string());
    const std::string token = sign_in(s, username);
    auto mine = get(s, token, "/api/v1/services/my-cases");
    ASSERT_TRUE(mine.is_object()) << username;
    const auto& rows = mine.at("items").as_array();
    EXPECT_EQ(rows.size(), 6u) << username;
    std::set<std::string> states;
    for (const auto& row : rows) {
      const std::string state(row.at("state").as_string());
      states.insert(state);
      EXPECT_EQ(row.at("channel"), "online");
      // The scans submitted with the case are small real PDFs; a decision has its letter.
      if (state != "submitted" && state != "decided") continue;
      const std::string files =
          fmt::format("/api/v1/services/cases/{}/attachments", row.at("number").as_string());
      auto list = get(s, token, files);
      ASSERT_TRUE(list.is_object());
      std::set<std::string> uploaded, required;
      bool result = false;
      const json::value item_guide =
          get(s, token, fmt::format("/api/v1/services/items/{}", row.at("item_code").as_string()));
      ASSERT_TRUE(item_guide.is_object());
      for (const auto& m : item_guide.at("materials").as_array()) {
        if (m.at("source") == "upload" && m.at("required").as_bool()) {
          required.insert(std::string(m.at("name").as_string()));
        }
      }
      for (const auto& a : list.at("items").as_array()) {
        if (a.at("kind") == "material") uploaded.insert(std::string(a.at("material").as_string()));
        result = result || a.at("kind") == "result";
        auto pdf =
            fetch(s.server->port(), "GET", fmt::format("{}/{}", files, a.at("id").as_int64()),
                  error, {{"Authorization", "Bearer " + token}});
        ASSERT_TRUE(pdf && pdf->status == 200) << (pdf ? pdf->body : error);
        EXPECT_EQ(pdf->body.substr(0, 5), "%PDF-");
        EXPECT_EQ(pdf->header("ETag"), fmt::format("\"{}\"", a.at("sm3").as_string()));
      }
      for (const std::string& m : required)
        EXPECT_TRUE(uploaded.count(m)) << username << " " << state << " " << m;
      EXPECT_EQ(result, state == "decided") << username << " " << state;
    }
    EXPECT_TRUE(states.count("submitted") && states.count("correction") &&
                states.count("in_review") && states.count("decided") && states.count("draft"))
        << username;
    // 新生儿出生一件事: each demo citizen's four applications, one entry each with its four
    // children, in every overall state.
    auto bundles = get(s, token, "/api/v1/services/my-bundle-applications");
    ASSERT_TRUE(bundles.is_object()) << username;
    std::set<std::string> overall;
    for (const auto& b : bundles.at("items").as_array()) {
      overall.insert(std::string(b.at("state").as_string()));
      EXPECT_EQ(b.at("bundle_name"), "新生儿出生一件事");
      EXPECT_EQ(b.at("children").as_array().size(), 4u);
      if (b.at("state") == "correction") {
        EXPECT_FALSE(b.at("asked").as_array().empty());
      }
    }
    if (acc.at("kind") == "citizen") {
      EXPECT_EQ(overall, (std::set<std::string>{"done", "in_progress", "correction", "draft"}))
          << username;
    } else {
      EXPECT_TRUE(overall.empty()) << username;
    }
  }

  // The bundle's guide: public, four members of three departments, one merged form.
  auto bundles = fetch(s.server->port(), "GET", "/api/v1/services/bundles?q=%E5%87%BA%E7%94%9F",
                       error);  // 出生
  ASSERT_TRUE(bundles && bundles->status == 200) << (bundles ? bundles->body : error);
  const json::value found = bundles->json();
  ASSERT_EQ(found.at("items").as_array().size(), 1u);
  const json::value& guide_of = found.at("items").at(0);
  EXPECT_EQ(guide_of.at("name"), "新生儿出生一件事");
  EXPECT_EQ(guide_of.at("members").as_array().size(), 4u);
  std::set<std::string> keys;
  for (const auto& f : guide_of.at("form").as_array())
    EXPECT_TRUE(keys.insert(std::string(f.at("name").as_string())).second) << "asked twice";
  EXPECT_TRUE(keys.count("baby_name") && keys.count("id_number"));
}

}  // namespace
}  // namespace zt::test
