// One-stop services (一网通办) over real HTTP, on both databases: service items published,
// versioned and searched; cases through every transition (and a wrong one refused with
// invalid_transition naming the state); the statutory clock across a public holiday and a 调休
// Saturday, a 补正 pause and a special-procedure pause moving the deadline by exactly the paused
// working days, and a changed calendar day moving running cases; parallel approval (all approve;
// one rejects), return, recall and transfer; two officers claiming one step at once (one 409);
// the tell-us-once prefill read shown under the applicant's /api/v1/me/data-access with its
// 办件编号; another department's officer getting 404 and a citizen never seeing another's case.
//
// The server runs on a controllable clock; the deadline test loads its own schedule (test data,
// not a real notice) around a Friday a few days ahead and walks the clock through it.
#include "integration/documents.h"
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;
using namespace std::chrono;

class ServicesTest : public HubTest {
 protected:
  void SetUp() override {
    // The services worker (deadlines, reminders) looks every 200 ms.
    ASSERT_TRUE(open_city({.controllable_clock = true, .services_worker_interval_ms = 200}));
    // The deadline test walks the clock for four weeks: sessions outlive it.
    expect(
        city().call("PUT", "/api/v1/security/policy", city().secadmin(),
                    json::object{{"session_idle_minutes", 1440}, {"session_absolute_hours", 720}}));
    auto zw = city().department("330300-ZW", "温州市政务服务中心");
    ASSERT_TRUE(zw);
    zw_ = *zw;
    clerk_ = city().staff("clerk", zw_, {"window_clerk"});
    ASSERT_FALSE(clerk_.empty()) << city().error();
    zhang_id_ = id_number("19800101", 21);
    li_id_ = id_number("19850505", 22);
    zhang_ = citizen("zhangsan", zhang_id_);
    li_ = citizen("lisi", li_id_);
    // Sessions keep the lifetime they were opened with: the fixture's staff sign in again.
    for (auto [token, name] : {std::pair{&ga_admin_, "ga_admin"},
                               {&ga_officer_, "ga_officer"},
                               {&mz_admin_, "mz_admin"},
                               {&mz_officer_, "mz_officer"},
                               {&data_admin_, "dsj_admin"}}) {
      const std::string username(name);
      json::value login = expect(city().call(
          "POST", "/api/v1/auth/login", "",
          json::object{{"username", username},
                       {"password", fmt::format("Wz-2026-Ou{}!qmT", username.size())}}));
      ASSERT_TRUE(login.is_object());
      *token = std::string(login.at("token").as_string());
    }
  }

  // The server's time (its clock stands still until moved).
  sys_time<milliseconds> server_now() {
    auto r = fetch("GET", "/api/v1/debug/clock");
    if (!r) return {};
    const std::string now(r->json().at("now").as_string());  // 2026-12-07T21:55:00.123+08:00
    auto field = [&](std::size_t at, std::size_t n) { return std::stoi(now.substr(at, n)); };
    const sys_days day{year{field(0, 4)} / field(5, 2) / field(8, 2)};
    return day + hours{field(11, 2)} + minutes{field(14, 2)} + seconds{field(17, 2)} +
           milliseconds{field(20, 3)} - hours{8};
  }
  // Today in Beijing.
  sys_days today() { return floor<days>(server_now() + hours{8}); }
  static std::string iso(sys_days d) {
    const year_month_day ymd{d};
    return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()),
                       unsigned(ymd.day()));
  }

  // Moves the server's clock to `hour`:00 Beijing time of `day`, at most 20 hours at a time,
  // each signed-in account making a request on the way (sessions end after a day without one).
  void move_to(sys_days day, int hour) {
    const auto target = day + hours{hour} - hours{8};
    auto now = server_now();
    ASSERT_GT(target, now);
    while (now < target) {
      const auto step = std::min<milliseconds>(target - now, hours{20}) + seconds{1};
      advance_clock(duration_cast<seconds>(step));
      for (const std::string* token : {&ga_admin_, &ga_officer_, &mz_admin_, &mz_officer_,
                                       &data_admin_, &clerk_, &zhang_, &li_}) {
        auto me = city().call("GET", "/api/v1/auth/me", *token);
        EXPECT_TRUE(me && me->status == 200) << (me ? me->body : "") << " at " << iso(today());
      }
      now = server_now();
    }
  }

  // An item definition: `steps` as [{name, departments}].
  json::object item(const std::string& code, const std::string& name, json::array steps,
                    int statutory = 8, int promised = 5) {
    return json::object{
        {"code", code},
        {"name", name},
        {"type", "benefit"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", statutory},
        {"promised_limit", promised},
        {"purpose", "办理" + name},
        {"legal_basis", "《社会救助暂行办法》第九条"},
        {"fees", json::array{}},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window", "courier"}},
        {"life_events", json::array{"困难救助"}},
        {"form",
         json::array{
             json::object{{"name", "name"},
                          {"label", "申请人姓名"},
                          {"type", "string"},
                          {"required", true},
                          {"prefill", {{"resource", "DSJ-RK01"}, {"field", "name"}}}},
             json::object{
                 {"name", "phone"}, {"label", "联系电话"}, {"type", "phone"}, {"required", true}},
             json::object{{"name", "household_size"}, {"label", "家庭人口"}, {"type", "integer"}}}},
        {"materials",
         json::array{json::object{{"name", "户口簿"},
                                  {"required", true},
                                  {"source", "registry"},
                                  {"prefill", {{"resource", "DSJ-RK01"}, {"field", "address"}}}},
                     json::object{{"name", "收入证明"}, {"required", true}, {"source", "upload"}}}},
        {"steps", std::move(steps)}};
  }
  json::object step(const std::string& name, std::vector<std::int64_t> departments) {
    return json::object{{"name", name},
                        {"departments", json::array(departments.begin(), departments.end())},
                        {"share_percent", 40}};
  }

  // Defines and publishes an item of 民政 as its administrator.
  void publish_item(const json::object& body) {
    expect(city().call("POST", "/api/v1/services/items", mz_admin_, body), 201);
    expect(city().call(
        "POST", "/api/v1/services/items/" + std::string(body.at("code").as_string()) + "/publish",
        mz_admin_));
  }

  // Uploads a small PDF for the material `material` of case `number` as `token`.
  void upload(const std::string& number, const std::string& token,
              const std::string& material = "收入证明") {
    expect(city().send(
               "POST",
               fmt::format("/api/v1/services/cases/{}/attachments?material={}&file_name={}", number,
                           percent_encode(material), percent_encode(material + ".pdf")),
               token, tiny_pdf("income statement"), {{"Content-Type", "application/pdf"}}),
           201);
  }

  // Files and submits a case as the citizen `token` (its required upload, 收入证明, uploaded
  // first); its number.
  std::string file(const std::string& token, const std::string& code, bool submit = true) {
    json::value c =
        expect(city().call("POST", "/api/v1/services/cases", token,
                           json::object{{"item_code", code},
                                        {"form", {{"name", "张三"}, {"phone", "13812345678"}}}}),
               201);
    if (!c.is_object()) return "";
    const std::string number(c.at("number").as_string());
    if (submit) {
      upload(number, token);
      expect(act(number, "submit", token));
    }
    return number;
  }

  std::optional<HttpResponse> act(const std::string& number, const std::string& action,
                                  const std::string& token, json::object body = {}) {
    return city().call("POST", "/api/v1/services/cases/" + number + "/" + action, token, body);
  }
  json::value get(const std::string& number, const std::string& token) {
    return expect(city().call("GET", "/api/v1/services/cases/" + number, token));
  }
  // The id of the case's step row of `department` waiting or claimed now.
  std::int64_t live_step(const json::value& c, std::int64_t department) {
    for (const json::value& s : c.at("steps").as_array()) {
      const std::string_view st = s.at("state").as_string();
      if (s.at("department_id") == department && (st == "waiting" || st == "claimed")) {
        return s.at("id").as_int64();
      }
    }
    ADD_FAILURE() << "no live step of department " << department << ": " << json::serialize(c);
    return 0;
  }
  // Claims and completes the live step of `department` as `officer`.
  json::value pass_step(const std::string& number, const std::string& officer,
                        std::int64_t department, bool approve = true) {
    const std::int64_t id = live_step(get(number, officer), department);
    const std::string base = "/api/v1/services/cases/" + number + "/steps/" + std::to_string(id);
    expect(city().call("POST", base + "/claim", officer));
    return expect(city().call("POST", base + "/complete", officer,
                              json::object{{"approve", approve}, {"opinion", "审查意见"}}));
  }
  std::string state_of(const json::value& c) {
    return c.is_object() ? std::string(c.at("state").as_string()) : "";
  }

  std::int64_t zw_ = 0;
  std::string clerk_, zhang_, li_, zhang_id_, li_id_;
};

TEST_F(ServicesTest, ItemsArePublishedVersionedAndSearchedInChinese) {
  json::object body =
      item("MZ-DB-001", "最低生活保障", json::array{step("审查", {mz_}), step("决定", {mz_})});
  // Another department's administrator, an officer: refused.
  body["department_id"] = mz_;
  EXPECT_TRUE(
      IsProblem(city().call("POST", "/api/v1/services/items", ga_admin_, body), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/items", mz_officer_, body), 403,
                        "forbidden"));
  json::object bad = body;
  bad["type"] = "行政许可x";
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/items", mz_admin_, bad), 400,
                        "invalid_item"));
  json::value draft = expect(city().call("POST", "/api/v1/services/items", mz_admin_, body), 201);
  ASSERT_TRUE(draft.is_object());
  EXPECT_EQ(draft.at("status"), "draft");
  EXPECT_EQ(draft.at("version"), 1);
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/items", mz_admin_, body), 409,
                        "item_exists"));
  EXPECT_TRUE(
      IsProblem(city().call("GET", "/api/v1/services/items/MZ-DB-001", ""), 404, "item_not_found"));
  expect(city().call("POST", "/api/v1/services/items/MZ-DB-001/publish", mz_admin_));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/items/MZ-DB-001/publish", mz_admin_),
                        409, "invalid_transition"));

  // The public guide: no internal step settings.
  json::value guide = expect(city().call("GET", "/api/v1/services/items/MZ-DB-001", ""));
  ASSERT_TRUE(guide.is_object());
  EXPECT_EQ(guide.at("department"), "温州市民政局");
  EXPECT_EQ(guide.at("type_label"), "行政给付");
  EXPECT_EQ(guide.at("steps"),
            (json::array{json::object{{"name", "审查"}}, json::object{{"name", "决定"}}}));
  EXPECT_FALSE(guide.as_object().contains("purpose"));
  EXPECT_EQ(guide.at("materials").at(0).at("source"), "registry");

  for (const std::string q : {"%E4%BD%8E%E7%94%9F%E6%B4%BB",           // 低生活
                              "%E8%A1%8C%E6%94%BF%E7%BB%99%E4%BB%98",  // 行政给付
                              "%E5%9B%B0%E9%9A%BE%E6%95%91%E5%8A%A9",  // 困难救助
                              "%E6%B0%91%E6%94%BF%E5%B1%80"}) {        // 民政局
    json::value found = expect(city().call("GET", "/api/v1/services/items?q=" + q, ""));
    ASSERT_TRUE(found.is_object());
    ASSERT_EQ(found.at("items").as_array().size(), 1u) << q;
    EXPECT_EQ(found.at("items").at(0).at("code"), "MZ-DB-001");
  }
  json::value none = expect(city().call("GET", "/api/v1/services/items?q=%E6%88%B7%E5%8F%A3", ""));
  EXPECT_TRUE(none.at("items").as_array().empty());
  json::value by_type = expect(city().call(
      "GET", fmt::format("/api/v1/services/items?type=benefit&department_id={}", mz_), ""));
  EXPECT_EQ(by_type.at("items").as_array().size(), 1u);
  json::value powers = expect(
      city().call("GET", fmt::format("/api/v1/services/power-list?department_id={}", mz_), ""));
  ASSERT_TRUE(powers.is_object());
  EXPECT_EQ(powers.at("items").at(0).at("legal_basis"), "《社会救助暂行办法》第九条");
  json::value ga_powers = expect(
      city().call("GET", fmt::format("/api/v1/services/power-list?department_id={}", ga_), ""));
  EXPECT_TRUE(ga_powers.at("items").as_array().empty());

  // A case filed under version 1 keeps it when version 2 is published.
  const std::string number = file(zhang_, "MZ-DB-001");
  body["statutory_limit"] = 15;
  json::value v2 = expect(city().call("PUT", "/api/v1/services/items/MZ-DB-001", mz_admin_, body));
  EXPECT_EQ(v2.at("version"), 2);
  EXPECT_EQ(v2.at("status"), "draft");
  EXPECT_EQ(expect(city().call("GET", "/api/v1/services/items/MZ-DB-001", "")).at("version"), 1);
  expect(city().call("POST", "/api/v1/services/items/MZ-DB-001/publish", mz_admin_));
  EXPECT_EQ(
      expect(city().call("GET", "/api/v1/services/items/MZ-DB-001", "")).at("statutory_limit"), 15);
  json::value c = get(number, zhang_);
  EXPECT_EQ(c.at("item_version"), 1);
  json::value latest =
      expect(city().call("GET", "/api/v1/services/items/MZ-DB-001/latest", mz_admin_));
  EXPECT_EQ(latest.at("steps").at(0).at("departments"), (json::array{mz_}));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/items/MZ-DB-001/latest", ga_admin_),
                        404, "item_not_found"));

  // 事项管理 lists every status: a draft of version 3 beside version 2 in force, a new draft.
  body["promised_limit"] = 4;
  EXPECT_EQ(
      expect(city().call("PUT", "/api/v1/services/items/MZ-DB-001", mz_admin_, body)).at("version"),
      3);
  json::object other = item("MZ-DB-002", "临时救助", json::array{step("审查", {mz_})});
  expect(city().call("POST", "/api/v1/services/items", mz_admin_, other), 201);
  json::value managed = expect(city().call("GET", "/api/v1/services/managed-items", mz_admin_));
  ASSERT_TRUE(managed.is_object());
  ASSERT_EQ(managed.at("items").as_array().size(), 2u) << json::serialize(managed);
  EXPECT_EQ(managed.at("items").at(0).at("code"), "MZ-DB-002");
  EXPECT_EQ(managed.at("items").at(0).at("published_version"), nullptr);
  const json::value& revised = managed.at("items").at(1);
  EXPECT_EQ(revised.at("code"), "MZ-DB-001");
  EXPECT_EQ(revised.at("version"), 3);
  EXPECT_EQ(revised.at("status"), "draft");
  EXPECT_EQ(revised.at("published_version"), 2);
  EXPECT_EQ(revised.at("promised_limit"), 4);
  EXPECT_EQ(revised.at("department"), "温州市民政局");
  json::value one =
      expect(city().call("GET", "/api/v1/services/managed-items?status=draft&limit=1", mz_admin_));
  ASSERT_EQ(one.at("items").as_array().size(), 1u) << json::serialize(one);
  EXPECT_EQ(one.at("items").at(0).at("code"), "MZ-DB-002");
  ASSERT_TRUE(one.at("next_cursor").is_string()) << json::serialize(one);
  json::value next =
      expect(city().call("GET",
                         "/api/v1/services/managed-items?status=draft&limit=1&cursor=" +
                             std::string(one.at("next_cursor").as_string()),
                         mz_admin_));
  ASSERT_EQ(next.at("items").as_array().size(), 1u);
  EXPECT_EQ(next.at("items").at(0).at("code"), "MZ-DB-001");
  EXPECT_TRUE(
      expect(city().call("GET", "/api/v1/services/managed-items?status=published", mz_admin_))
          .at("items")
          .as_array()
          .empty());
  EXPECT_TRUE(IsProblem(
      city().call("GET", fmt::format("/api/v1/services/managed-items?department_id={}", mz_),
                  ga_admin_),
      403, "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/managed-items?status=old", mz_admin_),
                        400, "invalid_query"));
  json::value city_wide = expect(city().call(
      "GET", fmt::format("/api/v1/services/managed-items?department_id={}", mz_), data_admin_));
  EXPECT_EQ(city_wide.at("items").as_array().size(), 2u);

  expect(city().call("POST", "/api/v1/services/items/MZ-DB-001/retire", mz_admin_));
  EXPECT_TRUE(
      IsProblem(city().call("GET", "/api/v1/services/items/MZ-DB-001", ""), 404, "item_not_found"));
  json::value retired = expect(city().call("GET", "/api/v1/services/managed-items", mz_admin_));
  EXPECT_EQ(retired.at("items").at(1).at("published_version"), nullptr);
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/cases", zhang_,
                                    json::object{{"item_code", "MZ-DB-001"}}),
                        404, "item_not_found"));
}

TEST_F(ServicesTest, EveryTransitionAndAWrongOneRefused) {
  publish_item(
      item("MZ-DB-001", "最低生活保障", json::array{step("审查", {mz_}), step("决定", {mz_})}));
  json::value filed =
      expect(city().call("POST", "/api/v1/services/cases", zhang_,
                         json::object{{"item_code", "MZ-DB-001"}, {"form", {{"name", "张三"}}}}),
             201);
  ASSERT_TRUE(filed.is_object());
  const std::string number(filed.at("number").as_string());
  EXPECT_EQ(number.size(), 16u) << number;  // 20261207-0000001
  std::string day = iso(today());
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  EXPECT_EQ(number.substr(0, 9), day + "-");
  EXPECT_EQ(state_of(filed), "draft");
  EXPECT_EQ(filed.at("channel"), "online");

  // Wrong state: 409 naming it (before any check of who asks); a window clerk does not see
  // another's draft; wrong person: 403; bad form: 400.
  EXPECT_TRUE(IsProblem(act(number, "accept", clerk_), 404, "case_not_found"));
  auto wrong = act(number, "conclude", zhang_);
  EXPECT_TRUE(IsProblem(wrong, 409, "invalid_transition"));
  EXPECT_NE(wrong->body.find("is draft"), std::string::npos) << wrong->body;
  EXPECT_TRUE(IsProblem(act(number, "submit", zhang_), 400, "invalid_form"));  // phone missing
  EXPECT_TRUE(
      IsProblem(city().call("POST", "/api/v1/services/cases", zhang_,
                            json::object{{"item_code", "MZ-DB-001"}, {"form", {{"phone", "12"}}}}),
                400, "invalid_form"));

  // 补正 before acceptance: the window asks, the applicant answers online.
  filed = expect(city().call("POST", "/api/v1/services/cases", zhang_,
                             json::object{{"item_code", "MZ-DB-001"},
                                          {"form", {{"name", "张三"}, {"phone", "13812345678"}}}}),
                 201);
  const std::string n2(filed.at("number").as_string());
  upload(n2, zhang_);
  EXPECT_EQ(state_of(expect(act(n2, "submit", zhang_))), "submitted");
  EXPECT_TRUE(IsProblem(act(n2, "submit", zhang_), 409, "invalid_transition"));
  EXPECT_TRUE(IsProblem(act(n2, "accept", zhang_), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(act(n2, "request-correction", clerk_), 400, "invalid_body"));
  json::value asked = expect(act(n2, "request-correction", clerk_,
                                 {{"reason", "材料不全"}, {"missing", json::array{"收入证明"}}}));
  EXPECT_EQ(state_of(asked), "correction");
  json::value mine = expect(city().call("GET", "/api/v1/services/my-cases", zhang_));
  ASSERT_TRUE(mine.is_object());
  EXPECT_EQ(mine.at("items").at(0).at("number"), json::value(n2));
  EXPECT_EQ(mine.at("items").at(0).at("asked"), (json::array{"收入证明"}));
  EXPECT_EQ(
      state_of(expect(act(n2, "answer-correction", zhang_, {{"form", {{"household_size", 3}}}}))),
      "submitted");

  json::value accepted = expect(act(n2, "accept", clerk_, {{"reason", "材料齐全"}}));
  EXPECT_EQ(state_of(accepted), "in_review");
  EXPECT_EQ(accepted.at("clock").at("running"), true);
  EXPECT_TRUE(IsProblem(act(n2, "decide", mz_officer_, {{"decision", "approve"}, {"reason", "x"}}),
                        409, "invalid_transition"));

  // Step 审查: claim, complete; recall before 决定 acts; complete again; 决定 returns it.
  json::value after = pass_step(n2, mz_officer_, mz_);
  EXPECT_EQ(after.at("step_index"), 1);
  json::value recalled = expect(act(n2, "recall", mz_officer_, {{"reason", "意见需修改"}}));
  EXPECT_EQ(recalled.at("step_index"), 0);
  const std::int64_t mine_again = live_step(recalled, mz_);
  after = expect(city().call(
      "POST", fmt::format("/api/v1/services/cases/{}/steps/{}/complete", n2, mine_again),
      mz_officer_, json::object{{"approve", true}, {"opinion", "同意"}}));
  EXPECT_EQ(after.at("step_index"), 1);
  EXPECT_TRUE(IsProblem(act(n2, "return", mz_officer_), 400, "invalid_body"));
  json::value returned = expect(act(n2, "return", mz_officer_, {{"reason", "核对收入"}}));
  EXPECT_EQ(returned.at("step_index"), 0);
  EXPECT_EQ(state_of(returned), "in_review");
  pass_step(n2, mz_officer_, mz_);
  json::value deciding = pass_step(n2, mz_officer_, mz_);
  EXPECT_EQ(state_of(deciding), "deciding");
  EXPECT_EQ(deciding.at("review_outcome"), "approved");

  // Special procedure, decision, conclusion, delivery.
  EXPECT_TRUE(
      IsProblem(act(n2, "start-special", mz_officer_, {{"kind", "party"}}), 400, "invalid_body"));
  EXPECT_EQ(state_of(expect(act(n2, "start-special", mz_officer_,
                                {{"kind", "publicity"}, {"reason", "公示七日"}}))),
            "special");
  EXPECT_EQ(state_of(expect(act(n2, "end-special", mz_officer_, {{"reason", "公示无异议"}}))),
            "deciding");
  EXPECT_TRUE(IsProblem(act(n2, "decide", ga_officer_, {{"decision", "approve"}, {"reason", "x"}}),
                        404, "case_not_found"));
  EXPECT_EQ(state_of(expect(act(n2, "decide", mz_officer_,
                                {{"decision", "approve"},
                                 {"reason", "符合条件"},
                                 {"result_text", "准予享受最低生活保障"}}))),
            "decided");
  EXPECT_TRUE(IsProblem(act(n2, "withdraw", zhang_), 409, "invalid_transition"));
  EXPECT_EQ(state_of(expect(act(n2, "conclude", mz_officer_))), "concluded");
  EXPECT_TRUE(IsProblem(act(n2, "deliver", clerk_, {{"method", "courier"}}), 400, "invalid_body"));
  json::value delivered = expect(act(n2, "deliver", clerk_,
                                     {{"method", "courier"},
                                      {"address", "温州市鹿城区五马街1号"},
                                      {"tracking_number", "SF1234567890"}}));
  EXPECT_EQ(state_of(delivered), "delivered");
  EXPECT_EQ(delivered.at("delivery").at("tracking_number"), "SF1234567890");
  EXPECT_EQ(delivered.at("progress"), "已送达");
  EXPECT_TRUE(
      IsProblem(act(n2, "deliver", clerk_, {{"method", "window"}}), 409, "invalid_transition"));

  // The timeline holds every transition with actor and reason; the audit log too.
  std::vector<std::string> actions;
  for (const json::value& e : delivered.at("events").as_array())
    actions.emplace_back(e.at("action").as_string());
  EXPECT_EQ(actions,
            (std::vector<std::string>{"file", "submit", "request_correction", "answer_correction",
                                      "accept", "claim", "complete", "recall", "complete", "return",
                                      "claim", "complete", "claim", "complete", "start_special",
                                      "end_special", "decide", "conclude", "deliver"}));
  auto audited =
      city().call("GET", "/api/v1/audit/records?action=services.case.return", city().auditadmin());
  ASSERT_TRUE(audited);
  json::value records = audited->json();
  ASSERT_EQ(records.at("items").as_array().size(), 1u) << audited->body;
  EXPECT_EQ(records.at("items").at(0).at("object_id"), json::value(n2));
  EXPECT_EQ(records.at("items").at(0).at("actor_name"), "mz_officer");

  // Not accepted; withdrawn by the applicant.
  const std::string n3 = file(zhang_, "MZ-DB-001");
  EXPECT_TRUE(IsProblem(act(n3, "not-accept", clerk_), 400, "invalid_body"));
  EXPECT_EQ(state_of(expect(act(n3, "not-accept", clerk_, {{"reason", "不属于本事项范围"}}))),
            "not_accepted");
  const std::string n4 = file(zhang_, "MZ-DB-001");
  expect(act(n4, "accept", clerk_));
  EXPECT_EQ(state_of(expect(act(n4, "withdraw", zhang_, {{"reason", "不再申请"}}))), "withdrawn");
  json::value withdrawn = get(n4, zhang_);
  EXPECT_EQ(withdrawn.at("steps").at(0).at("state"), "cancelled");
}

TEST_F(ServicesTest, DeadlinesCrossAHolidayAndAMakeUpDayAndPausesMoveThemExactly) {
  // F: a Friday at least two days ahead. The test's schedule for the years around it (test
  // data, not a real notice): F+4..F+10 (Tuesday to Monday) a public holiday, Sunday F+2 and
  // Saturday F+15 make-up working days (调休); every other day by the weekday rule.
  sys_days f = today() + days{2};
  while (weekday{f} != Friday)
    f += days{1};
  auto d = [&](int k) { return iso(f + days{k}); };
  json::array years;
  for (int y = int(year_month_day{f - days{1}}.year());
       y <= int(year_month_day{f + days{40}}.year()); ++y) {
    json::array off, working;
    for (int k = 4; k <= 10; ++k) {
      if (int(year_month_day{f + days{k}}.year()) == y)
        off.push_back(json::object{{"date", d(k)}, {"name", "测试假日"}});
    }
    for (int k : {2, 15}) {
      if (int(year_month_day{f + days{k}}.year()) == y)
        working.push_back(json::object{{"date", d(k)}, {"name", "测试假日"}});
    }
    years.push_back(json::object{{"year", y}, {"off", off}, {"working", working}});
  }
  expect(city().call("POST", "/api/v1/calendar/schedules", data_admin_,
                     json::object{{"source", "测试通知"}, {"years", years}}));
  publish_item(
      item("MZ-DB-001", "最低生活保障", json::array{step("审查", {mz_}), step("决定", {mz_})}));
  move_to(f, 10);
  const std::string number = file(zhang_, "MZ-DB-001");
  json::value c = expect(act(number, "accept", clerk_));
  // From Saturday F+1: Sunday F+2 (调休) 1, F+3 2, the holiday off, F+11 3, F+12 4, F+13 5;
  // F+14 6, Saturday F+15 (调休) 7, Monday F+17 8.
  EXPECT_EQ(c.at("clock").at("promised_deadline"), json::value(d(13)));
  EXPECT_EQ(c.at("clock").at("statutory_deadline"), json::value(d(17)));
  EXPECT_EQ(c.at("clock").at("statutory_remaining"), 8);
  EXPECT_EQ(c.at("clock").at("calendar_incomplete"), false);

  // 补正 asked Monday F+3, answered Wednesday F+12: F+4..F+12 stand still, two working days
  // (F+11, F+12) — the deadlines move by exactly two.
  move_to(f + days{3}, 10);
  expect(act(number, "request-correction", mz_officer_,
             {{"reason", "补充收入证明"}, {"missing", json::array{"收入证明"}}}));
  c = get(number, zhang_);
  EXPECT_EQ(c.at("clock").at("paused"), true);
  EXPECT_EQ(c.at("state"), "correction");
  move_to(f + days{12}, 15);
  c = expect(act(number, "answer-correction", zhang_));
  EXPECT_EQ(c.at("clock").at("paused"), false);
  EXPECT_EQ(c.at("clock").at("paused_working_days"), 2);
  EXPECT_EQ(c.at("clock").at("promised_deadline"), json::value(d(15)));
  EXPECT_EQ(c.at("clock").at("statutory_deadline"), json::value(d(19)));

  // 公示 from Thursday F+13 to Monday F+17: F+14, Saturday F+15 (调休) and F+17 stand still —
  // three more.
  move_to(f + days{13}, 9);
  expect(act(number, "start-special", mz_officer_, {{"kind", "publicity"}, {"reason", "公示"}}));
  move_to(f + days{17}, 17);
  c = expect(act(number, "end-special", mz_officer_, {{"reason", "公示结束"}}));
  EXPECT_EQ(c.at("clock").at("paused_working_days"), 5);
  EXPECT_EQ(c.at("clock").at("statutory_deadline"), json::value(d(24)));
  // Used by F+17: F+2, F+3, F+13 — five of eight left.
  EXPECT_EQ(c.at("clock").at("statutory_remaining"), 5);
  ASSERT_EQ(c.at("pauses").as_array().size(), 2u);

  // The worklist shows the deadline and filters by it; a day the administrator closes moves
  // the running case's deadline, shown and stored.
  auto listed = [&](const std::string& due) {
    json::value page = expect(
        city().call("GET", "/api/v1/services/worklists/department?due_before=" + due, mz_officer_));
    return page.is_object() ? page.at("items").as_array().size() : 99u;
  };
  EXPECT_EQ(listed(d(24)), 1u);
  expect(city().call("PUT", "/api/v1/calendar/days/" + d(19), data_admin_,
                     json::object{{"working", false}, {"reason", "台风停工"}}));
  c = get(number, mz_officer_);
  EXPECT_EQ(c.at("clock").at("statutory_deadline"), json::value(d(25)));
  // The stored one (the filter's) once the services worker has run.
  for (int attempt = 0; attempt < 100 && listed(d(24)) != 0u; ++attempt)
    std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(listed(d(24)), 0u);
  EXPECT_EQ(listed(d(25)), 1u);
  // The window's list filters by the stored deadline too, in the case's state.
  auto window_listed = [&](const std::string& state, const std::string& due) {
    json::value page = expect(city().call(
        "GET", "/api/v1/services/worklists/window?state=" + state + "&due_before=" + due, clerk_));
    return page.is_object() ? page.at("items").as_array().size() : 99u;
  };
  const std::string now_state = state_of(c);
  EXPECT_EQ(window_listed(now_state, d(24)), 0u);
  EXPECT_EQ(window_listed(now_state, d(25)), 1u);
  EXPECT_EQ(window_listed("submitted", d(25)), 0u);
  json::value row =
      expect(city().call("GET", "/api/v1/services/worklists/department", mz_officer_));
  EXPECT_EQ(row.at("items").at(0).at("clock").at("statutory_deadline"), json::value(d(25)));
  EXPECT_EQ(row.at("items").at(0).at("clock").at("statutory_remaining"), 5);
}

TEST_F(ServicesTest, ParallelStepsTransferAndTheConcurrentClaim) {
  // 审查 by 公安 and 民政 at once (并联), then 决定 by 民政.
  publish_item(item("MZ-BL-002", "困难群众救助",
                    json::array{step("联合审查", {ga_, mz_}), step("决定", {mz_})}));
  // All approve: the step is done only when the second one approves.
  const std::string both = file(zhang_, "MZ-BL-002");
  expect(act(both, "accept", clerk_));
  json::value c = pass_step(both, ga_officer_, ga_);
  EXPECT_EQ(c.at("step_index"), 0);
  EXPECT_EQ(state_of(c), "in_review");
  c = pass_step(both, mz_officer_, mz_);
  EXPECT_EQ(c.at("step_index"), 1);

  // One rejects: rejected, the other's row cancelled, the case waits for the decision.
  const std::string rejected = file(zhang_, "MZ-BL-002");
  expect(act(rejected, "accept", clerk_));
  EXPECT_TRUE(
      IsProblem(city().call("POST",
                            fmt::format("/api/v1/services/cases/{}/steps/{}/complete", rejected,
                                        live_step(get(rejected, ga_officer_), ga_)),
                            ga_officer_, json::object{{"approve", false}}),
                400, "invalid_body"));
  c = pass_step(rejected, ga_officer_, ga_, false);
  EXPECT_EQ(state_of(c), "deciding");
  EXPECT_EQ(c.at("review_outcome"), "rejected");
  int cancelled = 0;
  for (const json::value& s : c.at("steps").as_array())
    cancelled += s.at("state") == "cancelled";
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(state_of(expect(act(rejected, "decide", mz_officer_,
                                {{"decision", "deny"}, {"reason", "公安核查不符"}}))),
            "decided");

  // Transfer: 民政 hands its part to the 大数据管理中心, whose officer then sees it.
  const std::string dsj_officer = city().staff("dsj_officer", dsj_, {"dept_officer"});
  ASSERT_FALSE(dsj_officer.empty());
  const std::string moved = file(zhang_, "MZ-BL-002");
  expect(act(moved, "accept", clerk_));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/cases/" + moved, dsj_officer), 404,
                        "case_not_found"));
  EXPECT_TRUE(
      IsProblem(act(moved, "transfer", mz_officer_, {{"reason", "x"}, {"department_id", 99999}}),
                404, "department_not_found"));
  c = expect(act(moved, "transfer", mz_officer_,
                 {{"reason", "数据核验由大数据中心办理"}, {"department_id", dsj_}}));
  live_step(c, dsj_);
  json::value work =
      expect(city().call("GET", "/api/v1/services/worklists/department", dsj_officer));
  ASSERT_TRUE(work.is_object());
  ASSERT_EQ(work.at("items").as_array().size(), 1u);
  EXPECT_EQ(work.at("items").at(0).at("number"), json::value(moved));
  c = pass_step(moved, dsj_officer, dsj_);
  EXPECT_EQ(state_of(c), "in_review");

  // Two officers of 公安 claim one step at once: one wins, the other gets 409.
  const std::string ga_officer2 = city().staff("ga_officer2", ga_, {"dept_officer"});
  ASSERT_FALSE(ga_officer2.empty());
  const std::string raced = file(zhang_, "MZ-BL-002");
  const std::int64_t id = live_step(expect(act(raced, "accept", clerk_)), ga_);
  const std::string target = fmt::format("/api/v1/services/cases/{}/steps/{}/claim", raced, id);
  std::atomic<int> ok{0}, taken{0}, other{0};
  auto claim = [&](const std::string& token) {
    auto r = city().call("POST", target, token);
    if (r && r->status == 200) {
      ++ok;
    } else if (r && r->status == 409) {
      ++taken;
    } else {
      ++other;
    }
  };
  std::thread a(claim, ga_officer_), b(claim, ga_officer2);
  a.join();
  b.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(taken.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_TRUE(IsProblem(city().call("POST", target, ga_officer2), 409, "step_taken"));
}

TEST_F(ServicesTest, OtherDepartmentsAndOtherCitizensNeverSeeACase) {
  publish_item(
      item("MZ-DB-001", "最低生活保障", json::array{step("审查", {mz_}), step("决定", {mz_})}));
  const std::string number = file(zhang_, "MZ-DB-001");
  const std::string lis = file(li_, "MZ-DB-001");
  // 公安's officer: not routed to it, 404 everywhere.
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/cases/" + number, ga_officer_), 404,
                        "case_not_found"));
  EXPECT_TRUE(IsProblem(act(number, "accept", ga_officer_), 404, "case_not_found"));
  json::value ga_work =
      expect(city().call("GET", "/api/v1/services/worklists/department", ga_officer_));
  EXPECT_TRUE(ga_work.at("items").as_array().empty());
  get(number, mz_officer_);
  get(number, clerk_);
  json::value window = expect(city().call("GET", "/api/v1/services/worklists/window", clerk_));
  EXPECT_EQ(window.at("items").as_array().size(), 2u);
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/worklists/window", mz_officer_), 403,
                        "forbidden"));
  // Another citizen: 404, on reads and transitions alike, and not in their 我的办件.
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/cases/" + number, li_), 404,
                        "case_not_found"));
  EXPECT_TRUE(IsProblem(act(number, "withdraw", li_), 404, "case_not_found"));
  json::value theirs = expect(city().call("GET", "/api/v1/services/my-cases", li_));
  ASSERT_EQ(theirs.at("items").as_array().size(), 1u);
  EXPECT_EQ(theirs.at("items").at(0).at("number"), json::value(lis));
  json::value mine = expect(city().call("GET", "/api/v1/services/my-cases", zhang_));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").at(0).at("number"), json::value(number));
  EXPECT_EQ(mine.at("items").at(0).at("progress"), "已提交，等待窗口受理");

  // A case the window files for 李四 shows in 李四's 我的办件, not in 张三's.
  json::value at_window = expect(
      city().call(
          "POST", "/api/v1/services/cases", clerk_,
          json::object{{"item_code", "MZ-DB-001"},
                       {"applicant", {{"kind", "person"}, {"name", "lisi"}, {"key", li_id_}}},
                       {"form", {{"name", "李四"}, {"phone", "13900001111"}}}}),
      201);
  ASSERT_TRUE(at_window.is_object());
  EXPECT_EQ(at_window.at("channel"), "window");
  const std::string by_window(at_window.at("number").as_string());
  upload(by_window, clerk_);  // the window scans the applicant's papers
  expect(act(by_window, "submit", clerk_));
  get(by_window, li_);
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/cases/" + by_window, zhang_), 404,
                        "case_not_found"));
  EXPECT_EQ(
      expect(city().call("GET", "/api/v1/services/my-cases", li_)).at("items").as_array().size(),
      2u);
  // Paging: one at a time, newest first.
  json::value first = expect(city().call("GET", "/api/v1/services/my-cases?limit=1", li_));
  EXPECT_EQ(first.at("items").at(0).at("number"), json::value(by_window));
  ASSERT_TRUE(first.at("next_cursor").is_string());
  json::value second = expect(city().call("GET",
                                          "/api/v1/services/my-cases?limit=1&cursor=" +
                                              std::string(first.at("next_cursor").as_string()),
                                          li_));
  EXPECT_EQ(second.at("items").at(0).at("number"), json::value(lis));
}

TEST_F(ServicesTest, ThePrefillReadIsShownToTheApplicantWithItsCaseNumber) {
  // The population registry's golden resource, published by the 大数据管理中心.
  json::object golden = population("DSJ-RK01");
  golden["name"] = "人口基础库";
  ASSERT_TRUE(publish(golden, data_admin_));
  const std::string dsj_officer = city().staff("dsj_officer", dsj_, {"dept_officer"});
  ASSERT_FALSE(dsj_officer.empty());
  auto ingested = city().send("POST", "/api/v1/resources/DSJ-RK01/records", dsj_officer,
                              json::serialize(json::object{{"id_number", zhang_id_},
                                                           {"name", "张三"},
                                                           {"gender", "男"},
                                                           {"address", "温州市鹿城区五马街1号"},
                                                           {"household_size", 3}}) +
                                  "\n",
                              {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(ingested);
  ASSERT_EQ(ingested->status, 200) << ingested->body;
  publish_item(item("MZ-DB-001", "最低生活保障", json::array{step("审查", {mz_})}));

  json::value c = expect(city().call("POST", "/api/v1/services/cases", zhang_,
                                     json::object{{"item_code", "MZ-DB-001"},
                                                  {"consent", true},
                                                  {"form", {{"phone", "13812345678"}}}}),
                         201);
  ASSERT_TRUE(c.is_object());
  const std::string number(c.at("number").as_string());
  EXPECT_EQ(c.at("form").at("name"), "张三");
  EXPECT_EQ(c.at("form").at("phone"), "13812345678");
  const json::array& prefill = c.at("prefill").as_array();
  ASSERT_EQ(prefill.size(), 2u) << json::serialize(c.at("prefill"));
  EXPECT_EQ(prefill[0].at("target"), "form.name");
  EXPECT_EQ(prefill[0].at("value"), "张三");
  EXPECT_EQ(prefill[0].at("department"), "温州市大数据管理中心");
  EXPECT_EQ(prefill[0].at("resource"), "DSJ-RK01");
  EXPECT_TRUE(prefill[0].at("read_at").is_int64());
  EXPECT_EQ(prefill[1].at("target"), "material.户口簿");
  EXPECT_EQ(prefill[1].at("value"), "温州市鹿城区五马街1号");
  EXPECT_EQ(prefill[1].at("found"), true);

  // 谁用了我的数据: the read, with the item's purpose and the 办件编号.
  bool seen = false;
  for (int attempt = 0; attempt < 50 && !seen; ++attempt) {
    json::value reads = expect(city().call("GET", "/api/v1/me/data-access", zhang_));
    ASSERT_TRUE(reads.is_object());
    for (const json::value& e : reads.at("items").as_array()) {
      if (e.at("case_id") == json::value(number)) {
        seen = true;
        EXPECT_EQ(e.at("purpose"), "办理最低生活保障");
        EXPECT_EQ(e.at("resource_code"), "DSJ-RK01");
        EXPECT_EQ(e.at("department"), "温州市大数据管理中心");
      }
    }
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen) << "the prefill read is not under /api/v1/me/data-access";
  // Nobody else's: 李四 sees no read.
  json::value others = expect(city().call("GET", "/api/v1/me/data-access", li_));
  EXPECT_TRUE(others.at("items").as_array().empty());
  // Without consent nothing is read.
  json::value plain = expect(city().call("POST", "/api/v1/services/cases", zhang_,
                                         json::object{{"item_code", "MZ-DB-001"}}),
                             201);
  EXPECT_TRUE(plain.at("prefill").as_array().empty());

  // The applicant corrects a pre-filled value before submitting: the form holds their own
  // statement, the prefill entry says so and keeps the registry's value, department and time.
  EXPECT_EQ(prefill[0].at("edited"), false);
  EXPECT_FALSE(prefill[1].as_object().contains("edited"));
  upload(number, zhang_);
  json::value submitted =
      expect(act(number, "submit", zhang_, json::object{{"form", {{"name", "张三丰"}}}}));
  ASSERT_TRUE(submitted.is_object());
  EXPECT_EQ(submitted.at("state"), "submitted");
  EXPECT_EQ(submitted.at("form").at("name"), "张三丰");
  const json::value& entry = submitted.at("prefill").at(0);
  EXPECT_EQ(entry.at("edited"), true);
  EXPECT_EQ(entry.at("value"), "张三");
  EXPECT_EQ(entry.at("department"), "温州市大数据管理中心");
  EXPECT_EQ(entry.at("read_at"), prefill[0].at("read_at"));
  bool logged = false;
  for (const json::value& e : submitted.at("events").as_array()) {
    if (e.at("action") == "submit") {
      logged = true;
      EXPECT_EQ(e.at("detail").at("edited"), (json::array{"form.name"})) << json::serialize(e);
    }
  }
  EXPECT_TRUE(logged) << json::serialize(submitted.at("events"));
  // A wrong value is refused, and the draft stays as it was.
  const std::string draft(plain.at("number").as_string());
  EXPECT_TRUE(IsProblem(
      act(draft, "submit", zhang_, json::object{{"form", {{"name", "张三"}, {"phone", "12345"}}}}),
      400, "invalid_form"));
  EXPECT_EQ(get(draft, zhang_).at("state"), "draft");
  upload(draft, zhang_);
  json::value typed =
      expect(act(draft, "submit", zhang_,
                 json::object{{"form", {{"name", "张三"}, {"phone", "13812345678"}}}}));
  EXPECT_EQ(typed.at("form").at("phone"), "13812345678");
  EXPECT_TRUE(typed.at("prefill").as_array().empty());
}

// --- background work: reminders and stored deadlines (lease-claimed) ----------------------------

// The calendar by the weekday rule around today (a schedule with no holidays, test data), so the
// reminder tests count plain weeks; and the next Monday at least a day ahead.
class ServicesWorkerTest : public ServicesTest {
 protected:
  sys_days weekday_calendar() {
    json::array years;
    for (int y = int(year_month_day{today()}.year());
         y <= int(year_month_day{today() + days{60}}.year()); ++y) {
      years.push_back(
          json::object{{"year", y}, {"off", json::array{}}, {"working", json::array{}}});
    }
    expect(city().call("POST", "/api/v1/calendar/schedules", data_admin_,
                       json::object{{"source", "测试日历"}, {"years", years}}));
    sys_days m = today() + days{1};
    while (weekday{m} != Monday)
      m += days{1};
    return m;
  }

  // The reminders `token` sees on the server at `port` (0: this test's server).
  json::array reminders(const std::string& token, std::uint16_t port = 0,
                        const std::string& query = "") {
    City on(port ? port : this->port());
    json::value page = expect(on.call("GET", "/api/v1/services/reminders" + query, token));
    return page.is_object() ? page.at("items").as_array() : json::array{};
  }
  // Waits (up to 15 s) until `token` sees `n` reminders, then a second more (five passes of
  // the worker) so that a duplicate would show; the reminders then.
  json::array settled_reminders(const std::string& token, std::size_t n, std::uint16_t port = 0) {
    for (int attempt = 0; attempt < 150 && reminders(token, port).size() < n; ++attempt)
      std::this_thread::sleep_for(milliseconds(100));
    std::this_thread::sleep_for(seconds(1));
    return reminders(token, port);
  }
  static std::vector<std::string> kinds(const json::array& items) {
    std::vector<std::string> out;
    for (const json::value& r : items)
      out.emplace_back(r.at("kind").as_string());
    std::sort(out.begin(), out.end());
    return out;
  }
  // The audit records of `action` (the administrators' sessions end twelve hours after sign-in:
  // before the clock moves far).
  json::array audited(std::string_view action) {
    json::value page =
        expect(city().call("GET", fmt::format("/api/v1/audit/records?action={}&limit=100", action),
                           city().auditadmin()));
    return page.is_object() ? page.at("items").as_array() : json::array{};
  }
  json::value row_of(const std::string& token, const std::string& path) {
    json::value page = expect(city().call("GET", path, token));
    if (!page.is_object() || page.at("items").as_array().empty()) return nullptr;
    return page.at("items").at(0);
  }
};

TEST_F(ServicesWorkerTest, RemindersAreIssuedOnceAsTheDeadlinesNearAndPass) {
  const sys_days m = weekday_calendar();
  // At once, before the clock moves: a promised limit of one working day is within the warning
  // on acceptance — one reminder for 公安, issued and audited by the system.
  json::object quick = item("GA-HJ-009", "户籍证明", json::array{step("审查", {ga_})}, 2, 1);
  quick["department_id"] = ga_;
  expect(city().call("POST", "/api/v1/services/items", ga_admin_, quick), 201);
  expect(city().call("POST", "/api/v1/services/items/GA-HJ-009/publish", ga_admin_));
  const std::string soon = file(zhang_, "GA-HJ-009");
  expect(act(soon, "accept", clerk_));
  json::array first = settled_reminders(ga_officer_, 1);
  ASSERT_EQ(first.size(), 1u) << json::serialize(first);
  EXPECT_EQ(first[0].at("kind"), "warning");
  json::array records = audited("services.reminder.issue");
  ASSERT_EQ(records.size(), 1u) << json::serialize(records);
  EXPECT_EQ(records[0].at("object_id"), json::value(soon));
  EXPECT_EQ(records[0].at("actor_name"), "services");
  EXPECT_EQ(records[0].at("actor_kind"), "system");
  EXPECT_TRUE(reminders(mz_officer_).empty());
  expect(act(soon, "withdraw", zhang_, {{"reason", "不再申请"}}));

  publish_item(item("MZ-DB-001", "最低生活保障",
                    json::array{step("审查", {mz_}), step("决定", {mz_})},
                    /*statutory=*/8, /*promised=*/5));
  move_to(m, 10);
  const std::string number = file(zhang_, "MZ-DB-001");
  json::value c = expect(act(number, "accept", clerk_));
  // Accepted Monday M: promised deadline Monday M+7, statutory Thursday M+10.
  EXPECT_EQ(c.at("clock").at("promised_deadline"), json::value(iso(m + days{7})));
  EXPECT_EQ(c.at("clock").at("statutory_deadline"), json::value(iso(m + days{10})));
  EXPECT_TRUE(c.at("alert").is_null());

  // Wednesday M+2: three working days left (M+3, M+4, M+7), no 预警 yet.
  move_to(m + days{2}, 10);
  EXPECT_TRUE(settled_reminders(mz_officer_, 1).empty());
  // Thursday M+3: two left — one 预警 for the step's department, however often the worker runs.
  move_to(m + days{3}, 10);
  json::array issued = settled_reminders(mz_officer_, 1);
  ASSERT_EQ(issued.size(), 1u) << json::serialize(issued);
  EXPECT_EQ(issued[0].at("kind"), "warning");
  EXPECT_EQ(issued[0].at("number"), json::value(number));
  EXPECT_EQ(issued[0].at("step"), "审查");
  EXPECT_EQ(issued[0].at("step_index"), 0);
  EXPECT_EQ(issued[0].at("deadline"), json::value(iso(m + days{7})));
  EXPECT_EQ(row_of(mz_officer_, "/api/v1/services/worklists/department").at("alert"), "warning");
  EXPECT_EQ(get(number, mz_officer_).at("alert"), "warning");
  // The applicant is not told of the departments' warning; others see no reminder.
  EXPECT_TRUE(row_of(zhang_, "/api/v1/services/my-cases").at("alert").is_null());
  EXPECT_EQ(reminders(ga_officer_).size(), 1u);  // its own case's only
  EXPECT_TRUE(
      IsProblem(city().call("GET", "/api/v1/services/reminders", zhang_), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/reminders?kind=soon", mz_officer_),
                        400, "invalid_query"));

  // Tuesday M+8: the promised deadline passed. Friday M+11: the statutory one too (超期).
  move_to(m + days{8}, 10);
  issued = settled_reminders(mz_officer_, 2);
  EXPECT_EQ(kinds(issued), (std::vector<std::string>{"promised_overdue", "warning"}));
  move_to(m + days{11}, 10);
  issued = settled_reminders(mz_officer_, 3);
  EXPECT_EQ(kinds(issued), (std::vector<std::string>{"overdue", "promised_overdue", "warning"}));
  EXPECT_EQ(issued[0].at("kind"), "overdue");  // newest first
  EXPECT_EQ(issued[0].at("deadline"), json::value(iso(m + days{10})));
  EXPECT_EQ(reminders(mz_officer_, 0, "?kind=overdue").size(), 1u);
  EXPECT_EQ(row_of(mz_officer_, "/api/v1/services/worklists/department").at("alert"), "overdue");
  // 我的办件: the applicant's own overdue case says so.
  json::value mine = row_of(zhang_, "/api/v1/services/my-cases");
  EXPECT_EQ(mine.at("alert"), "overdue");
  EXPECT_NE(std::string(mine.at("progress").as_string()).find("已超过法定办结时限"),
            std::string::npos)
      << mine.at("progress");

  // The next step is a new stage: its department hears that the deadlines passed, once; so
  // does the decision, a stage of its own.
  pass_step(number, mz_officer_, mz_);
  issued = settled_reminders(mz_officer_, 5);
  EXPECT_EQ(kinds(issued), (std::vector<std::string>{"overdue", "overdue", "promised_overdue",
                                                     "promised_overdue", "warning"}));
  EXPECT_EQ(issued[0].at("step"), "决定");
  pass_step(number, mz_officer_, mz_);
  issued = settled_reminders(mz_officer_, 7);
  ASSERT_EQ(issued.size(), 7u);
  EXPECT_EQ(issued[0].at("step_index"), -1);
  // Decided cases are not reminded of any more.
  expect(act(number, "decide", mz_officer_, {{"decision", "approve"}, {"reason", "符合条件"}}));
  move_to(m + days{14}, 10);
  EXPECT_EQ(settled_reminders(mz_officer_, 7).size(), 7u);
}

TEST_F(ServicesWorkerTest, TheHandlingDepartmentSeesPrefilledValuesAsItsGrantSays) {
  // 人口基础库 of the 大数据管理中心 with 张三's record; 民政 granted id_number, name and phone
  // (masked), not the address; 公安 granted nothing.
  json::object golden = population("DSJ-RK01");
  golden["name"] = "人口基础库";
  ASSERT_TRUE(publish(golden, data_admin_));
  const std::string dsj_officer = city().staff("dsj_officer", dsj_, {"dept_officer"});
  const std::string dsj_admin = city().staff("dsj_dept_admin", dsj_, {"dept_admin"});
  ASSERT_FALSE(dsj_officer.empty());
  ASSERT_FALSE(dsj_admin.empty());
  auto ingested = city().send("POST", "/api/v1/resources/DSJ-RK01/records", dsj_officer,
                              json::serialize(json::object{{"id_number", zhang_id_},
                                                           {"name", "张三"},
                                                           {"phone", "13812345678"},
                                                           {"address", "温州市鹿城区五马街1号"}}) +
                                  "\n",
                              {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(ingested && ingested->status == 200) << (ingested ? ingested->body : "");
  json::value asked =
      expect(city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                         json::object{{"resource", "DSJ-RK01"},
                                      {"purpose", "最低生活保障审核"},
                                      {"legal_basis", "《社会救助暂行办法》"},
                                      {"fields", json::array{"id_number", "name", "phone"}},
                                      {"duration_days", 30}}),
             201);
  ASSERT_TRUE(asked.is_object());
  expect(city().call("POST",
                     fmt::format("/api/v1/sharing/requests/{}/approve", asked.at("id").as_int64()),
                     dsj_admin, json::object{}));

  json::object body = item("MZ-DB-003", "临时救助", json::array{step("联合审查", {mz_, ga_})});
  body["form"].as_array()[1].as_object()["prefill"] =
      json::object{{"resource", "DSJ-RK01"}, {"field", "phone"}};
  publish_item(body);
  auto file_with = [&](json::object form) {
    json::value c = expect(
        city().call(
            "POST", "/api/v1/services/cases", zhang_,
            json::object{{"item_code", "MZ-DB-003"}, {"consent", true}, {"form", std::move(form)}}),
        201);
    if (!c.is_object()) return std::string();
    const std::string number(c.at("number").as_string());
    upload(number, zhang_);
    expect(act(number, "submit", zhang_));
    expect(act(number, "accept", clerk_));
    return number;
  };
  auto prefilled = [](const json::value& c, std::string_view target) -> json::object {
    for (const json::value& p : c.at("prefill").as_array()) {
      if (p.at("target") == json::value(std::string(target))) return p.as_object();
    }
    ADD_FAILURE() << "no prefill " << target << " in " << json::serialize(c);
    return {};
  };
  const std::string number = file_with({{"household_size", 3}});

  // The applicant: their own values in full.
  json::value mine = get(number, zhang_);
  EXPECT_EQ(mine.at("form").at("name"), "张三");
  EXPECT_EQ(mine.at("form").at("phone"), "13812345678");
  EXPECT_EQ(prefilled(mine, "material.户口簿").at("value"), "温州市鹿城区五马街1号");
  EXPECT_EQ(prefilled(mine, "form.phone").at("disclosure"), "full");

  // 民政: masked as its grant says, the address withheld; what the applicant typed in full.
  json::value mz = get(number, mz_officer_);
  EXPECT_EQ(mz.at("form").at("name"), "张*");
  EXPECT_EQ(mz.at("form").at("phone"), "138****5678");
  EXPECT_EQ(mz.at("form").at("household_size"), 3);
  EXPECT_EQ(prefilled(mz, "form.name").at("disclosure"), "masked");
  EXPECT_EQ(prefilled(mz, "form.phone").at("value"), "138****5678");
  json::object address = prefilled(mz, "material.户口簿");
  EXPECT_EQ(address.at("disclosure"), "withheld");
  EXPECT_EQ(address.at("reason"), "field_not_granted");
  EXPECT_EQ(address.at("value"), "");
  EXPECT_EQ(mz.at("prefill").as_array().size(), 3u);

  // 公安 (routed by the 并联 step, no grant on the resource): every pre-filled value withheld.
  json::value ga = get(number, ga_officer_);
  EXPECT_TRUE(ga.at("form").at("name").is_null()) << json::serialize(ga.at("form"));
  EXPECT_TRUE(ga.at("form").at("phone").is_null());
  EXPECT_EQ(ga.at("form").at("household_size"), 3);
  for (const json::value& p : ga.at("prefill").as_array()) {
    EXPECT_EQ(p.at("disclosure"), "withheld") << json::serialize(p);
    EXPECT_EQ(p.at("reason"), "no_grant");
    EXPECT_EQ(p.at("value"), "");
  }
  // The provider's own officer would read the source in full; a transition's answer is the
  // same view as a read.
  json::value claimed = expect(city().call(
      "POST", fmt::format("/api/v1/services/cases/{}/steps/{}/claim", number, live_step(ga, ga_)),
      ga_officer_));
  EXPECT_TRUE(claimed.at("form").at("name").is_null());

  // A phone the applicant typed is their statement: in full; the registry's value beside it
  // is still masked.
  const std::string typed = file_with({{"phone", "13900001111"}});
  json::value mz2 = get(typed, mz_officer_);
  EXPECT_EQ(mz2.at("form").at("phone"), "13900001111");
  EXPECT_EQ(prefilled(mz2, "form.phone").at("applied"), false);
  EXPECT_EQ(prefilled(mz2, "form.phone").at("value"), "138****5678");
  EXPECT_EQ(mz2.at("form").at("name"), "张*");
}

// Two server processes on one PostgreSQL: each reminder once, and a day changed through node
// A's route moves node B's due_before filter once a worker (either node's) has run.
TEST_F(ServicesWorkerTest, TwoNodesIssueEachReminderOnceAndFollowACalendarChange) {
  const char* backend = std::getenv("ZT_TEST_DATABASE_URL");
  if (backend == nullptr || std::string_view(backend) != "postgresql") {
    GTEST_SKIP() << "two nodes share one PostgreSQL";
  }
  const sys_days m = weekday_calendar();
  publish_item(item("MZ-DB-001", "最低生活保障",
                    json::array{step("审查", {mz_}), step("决定", {mz_})}, 8, 5));
  move_to(m, 10);
  const std::string number = file(zhang_, "MZ-DB-001");
  expect(act(number, "accept", clerk_));

  std::string error;
  auto b = ServerProcess::start(
      {.controllable_clock = true, .services_worker_interval_ms = 200, .node_of = &server()},
      error);
  ASSERT_TRUE(b) << error;
  City on_b(b->port());
  auto now_at = [&](std::uint16_t at) {
    std::string e;
    auto r = zt::test::fetch(at, "GET", "/api/v1/debug/clock", e);
    const std::string now(r ? std::string(r->json().at("now").as_string()) : "");
    auto field = [&](std::size_t from, std::size_t n) { return std::stoi(now.substr(from, n)); };
    const sys_days day{year{field(0, 4)} / field(5, 2) / field(8, 2)};
    return day + hours{field(11, 2)} + minutes{field(14, 2)} + seconds{field(17, 2)} - hours{8};
  };
  auto advance_at = [&](std::uint16_t at, seconds by) {
    std::string e;
    auto r = zt::test::fetch(at, "POST", "/api/v1/debug/clock", e,
                             {{"Content-Type", "application/json"}},
                             fmt::format("{{\"advance_seconds\":{}}}", by.count()));
    ASSERT_TRUE(r && r->status == 200) << e;
  };
  // Node B's clock where node A's is, then both moved together (A while it runs).
  advance_at(b->port(), duration_cast<seconds>(now_at(port()) - now_at(b->port())));
  bool a_runs = true;
  auto move_both = [&](sys_days day, int hour) {
    const auto target = day + hours{hour} - hours{8};
    for (auto now = now_at(b->port()); now < target; now = now_at(b->port())) {
      const auto by = duration_cast<seconds>(
                          std::min<seconds>(duration_cast<seconds>(target - now), hours{20})) +
                      seconds{1};
      advance_at(b->port(), by);
      if (a_runs) advance_at(port(), by);
      for (const std::string* token : {&ga_admin_, &ga_officer_, &mz_admin_, &mz_officer_,
                                       &data_admin_, &clerk_, &zhang_, &li_}) {
        auto me = on_b.call("GET", "/api/v1/auth/me", *token);
        EXPECT_TRUE(me && me->status == 200);
      }
    }
  };
  auto listed_on_b = [&](sys_days due) {
    json::value page = expect(on_b.call(
        "GET", "/api/v1/services/worklists/department?due_before=" + iso(due), mz_officer_));
    return page.is_object() ? page.at("items").as_array().size() : 99u;
  };
  EXPECT_EQ(listed_on_b(m + days{10}), 1u);
  EXPECT_EQ(listed_on_b(m + days{9}), 0u);

  // Thursday M+3 closed through node A: the statutory deadline moves to Friday M+11 in the
  // store both nodes filter by.
  expect(city().call("PUT", "/api/v1/calendar/days/" + iso(m + days{3}), data_admin_,
                     json::object{{"working", false}, {"reason", "台风停工"}}));
  for (int attempt = 0; attempt < 150 && listed_on_b(m + days{10}) != 0u; ++attempt)
    std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(listed_on_b(m + days{10}), 0u);
  EXPECT_EQ(listed_on_b(m + days{11}), 1u);

  // Friday M+4: two working days to the promised Tuesday M+8 — one 预警 from the two nodes.
  move_both(m + days{4}, 10);
  json::array issued = settled_reminders(mz_officer_, 1, b->port());
  EXPECT_EQ(kinds(issued), (std::vector<std::string>{"warning"}));
  EXPECT_EQ(reminders(mz_officer_).size(), 1u);

  // Node A stops (its lease goes with it); node B carries on alone past both deadlines.
  server().terminate();
  ASSERT_TRUE(server().wait_exit());
  a_runs = false;
  move_both(m + days{14}, 10);
  issued = settled_reminders(mz_officer_, 3, b->port());
  EXPECT_EQ(kinds(issued), (std::vector<std::string>{"overdue", "promised_overdue", "warning"}));
}

}  // namespace
}  // namespace zt::test
