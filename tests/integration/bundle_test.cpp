// Bundles (一件事一次办) over real HTTP, on both databases: a bundle defined, refused at
// publication while a member is unpublished or two members define one key differently, then
// published, searched and shown as one guide with its merged form (a shared field asked once) and
// materials; one application making one child case per member, each in its own department's
// worklist after the window accepts it; each registry resource read once under the application's
// number, as the applicant's /api/v1/me/data-access shows; the one progress as the children move
// (补正 asked, done); withdrawing the whole bundle; another citizen never seeing it; wrong input
// answered with problem+json.
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <chrono>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

class BundleTest : public HubTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(open_city());
    auto zw = city().department("330300-ZW", "温州市政务服务中心");
    ASSERT_TRUE(zw);
    clerk_ = city().staff("clerk", *zw, {"window_clerk"});
    ASSERT_FALSE(clerk_.empty()) << city().error();
    zhang_id_ = id_number("19800101", 21);
    li_id_ = id_number("19850505", 22);
    zhang_ = citizen("zhangsan", zhang_id_);
    li_ = citizen("lisi", li_id_);
  }

  static json::object text_field(const std::string& name, const std::string& label,
                                 const std::string& type, bool required,
                                 const std::string& prefill = "") {
    json::object f{{"name", name}, {"label", label}, {"type", type}, {"required", required}};
    if (!prefill.empty()) f["prefill"] = json::object{{"resource", "DSJ-RK01"}, {"field", prefill}};
    return f;
  }

  // An item of `department` with `form` and `materials`, one step; published by `admin`.
  void publish_item(const std::string& admin, std::int64_t department, const std::string& code,
                    const std::string& name, json::array form, json::array materials) {
    json::object body{{"code", code},
                      {"name", name},
                      {"type", "public_service"},
                      {"applicant", "person"},
                      {"kind", "promised"},
                      {"statutory_limit", 10},
                      {"promised_limit", 5},
                      {"channels", json::array{"online", "window"}},
                      {"deliveries", json::array{"window"}},
                      {"life_events", json::array{"出生"}},
                      {"form", std::move(form)},
                      {"materials", std::move(materials)},
                      {"steps", json::array{json::object{{"name", "审核"},
                                                         {"departments", json::array{department}},
                                                         {"share_percent", 100}}}}};
    expect(city().call("POST", "/api/v1/services/items", admin, body), 201);
    expect(city().call("POST", "/api/v1/services/items/" + code + "/publish", admin));
  }

  static json::object registry_material(const std::string& name, const std::string& field) {
    return json::object{{"name", name},
                        {"required", true},
                        {"source", "registry"},
                        {"prefill", {{"resource", "DSJ-RK01"}, {"field", field}}}};
  }

  // 民政's MZ-CS-01 and 公安's GA-CS-02: both ask the applicant's name from the population
  // registry (under two keys) and a phone; 公安 also a new address; both take 户口簿 from the
  // registry.
  void publish_members() {
    publish_item(
        mz_admin_, mz_, "MZ-CS-01", "出生医学证明",
        json::array{text_field("name", "姓名", "string", true, "name"),
                    text_field("phone", "联系电话", "phone", false),
                    text_field("baby_name", "新生儿姓名", "string", true)},
        json::array{registry_material("户口簿", "address"),
                    json::object{{"name", "分娩记录"}, {"required", false}, {"source", "upload"}}});
    publish_item(ga_admin_, ga_, "GA-CS-02", "出生登记",
                 json::array{text_field("applicant_name", "申报人姓名", "string", true, "name"),
                             text_field("phone", "联系电话", "phone", true),
                             text_field("baby_name", "新生儿姓名", "string", true)},
                 json::array{registry_material("居民户口簿", "address")});
  }

  json::object bundle_body(json::array members) {
    return json::object{{"code", "YJS-CS"},
                        {"name", "新生儿出生一件事"},
                        {"description", "出生医学证明、出生登记一次办"},
                        {"life_events", json::array{"出生", "新生儿"}},
                        {"members", std::move(members)}};
  }

  void publish_bundle() {
    publish_members();
    expect(city().call("POST", "/api/v1/services/bundles", mz_admin_,
                       bundle_body(json::array{"MZ-CS-01", "GA-CS-02"})),
           201);
    expect(city().call("POST", "/api/v1/services/bundles/YJS-CS/publish", mz_admin_));
  }

  // Applies as `token`; the application.
  json::value apply(const std::string& token, json::object form, bool consent = false) {
    return expect(city().call("POST", "/api/v1/services/bundle-applications", token,
                              json::object{{"bundle_code", "YJS-CS"},
                                           {"consent", consent},
                                           {"form", std::move(form)}}),
                  201);
  }
  std::optional<HttpResponse> on(const std::string& number, const std::string& action,
                                 const std::string& token, json::object body = {}) {
    return city().call("POST", "/api/v1/services/bundle-applications/" + number + "/" + action,
                       token, body);
  }
  json::value get(const std::string& number, const std::string& token) {
    return expect(city().call("GET", "/api/v1/services/bundle-applications/" + number, token));
  }
  std::optional<HttpResponse> act(const std::string& number, const std::string& action,
                                  const std::string& token, json::object body = {}) {
    return city().call("POST", "/api/v1/services/cases/" + number + "/" + action, token, body);
  }
  // Claims and approves the waiting step of case `number` as `officer`.
  void pass_step(const std::string& number, const std::string& officer) {
    json::value c = expect(city().call("GET", "/api/v1/services/cases/" + number, officer));
    ASSERT_TRUE(c.is_object());
    std::int64_t id = 0;
    for (const json::value& s : c.at("steps").as_array()) {
      if (s.at("state") == "waiting") id = s.at("id").as_int64();
    }
    ASSERT_NE(id, 0) << json::serialize(c);
    const std::string base = fmt::format("/api/v1/services/cases/{}/steps/{}", number, id);
    expect(city().call("POST", base + "/claim", officer));
    expect(city().call("POST", base + "/complete", officer, json::object{{"approve", true}}));
  }
  static std::string child(const json::value& a, std::size_t i) {
    return std::string(a.at("children").at(i).at("number").as_string());
  }
  static std::string state(const json::value& v) {
    return v.is_object() ? std::string(v.at("state").as_string()) : "";
  }

  std::string clerk_, zhang_, li_, zhang_id_, li_id_;
};

TEST_F(BundleTest, ABundleIsPublishedOnlyWhenItsMembersMergeAndIsSearchedAsOneGuide) {
  publish_members();
  // Who may define it, and a bad definition.
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundles", mz_officer_,
                                    bundle_body(json::array{"MZ-CS-01", "GA-CS-02"})),
                        403, "forbidden"));
  json::object other = bundle_body(json::array{"MZ-CS-01", "GA-CS-02"});
  other["department_id"] = mz_;
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundles", ga_admin_, other), 403,
                        "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundles", mz_admin_,
                                    bundle_body(json::array{"MZ-CS-01"})),
                        400, "invalid_bundle"));
  // A member that is no published item: refused at publication, with a clear code.
  json::value draft = expect(city().call("POST", "/api/v1/services/bundles", mz_admin_,
                                         bundle_body(json::array{"MZ-CS-01", "GA-CS-02", "NOPE"})),
                             201);
  EXPECT_EQ(draft.at("status"), "draft");
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundles", mz_admin_,
                                    bundle_body(json::array{"MZ-CS-01", "GA-CS-02"})),
                        409, "bundle_exists"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundles/YJS-CS/publish", mz_admin_),
                        409, "bundle_member_not_published"));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/bundles/YJS-CS", ""), 404,
                        "bundle_not_found"));
  // A member defining "phone" as another type: refused.
  publish_item(ga_admin_, ga_, "GA-CS-03", "出生登记（旧）",
               json::array{text_field("phone", "联系电话", "string", true)}, json::array{});
  expect(city().call("PUT", "/api/v1/services/bundles/YJS-CS", mz_admin_,
                     bundle_body(json::array{"MZ-CS-01", "GA-CS-03"})));
  auto conflict = city().call("POST", "/api/v1/services/bundles/YJS-CS/publish", mz_admin_);
  EXPECT_TRUE(IsProblem(conflict, 409, "bundle_form_conflict"));
  EXPECT_NE(conflict->body.find("'phone' of MZ-CS-01 and of GA-CS-03"), std::string::npos)
      << conflict->body;

  expect(city().call("PUT", "/api/v1/services/bundles/YJS-CS", mz_admin_,
                     bundle_body(json::array{"MZ-CS-01", "GA-CS-02"})));
  json::value published =
      expect(city().call("POST", "/api/v1/services/bundles/YJS-CS/publish", mz_admin_));
  EXPECT_EQ(published.at("status"), "published");
  EXPECT_EQ(published.at("version"), 1);
  auto audited = city().call("GET", "/api/v1/audit/records?action=services.bundle.publish",
                             city().auditadmin());
  ASSERT_TRUE(audited);
  EXPECT_EQ(audited->json().at("items").as_array().size(), 1u) << audited->body;

  // The guide: members with their departments and limits; one merged form — the name (two keys,
  // one registry attribute) and the phone asked once, required since one member requires it —
  // and one set of materials.
  json::value guide = expect(city().call("GET", "/api/v1/services/bundles/YJS-CS", ""));
  ASSERT_TRUE(guide.is_object());
  EXPECT_EQ(guide.at("department"), "温州市民政局");
  ASSERT_EQ(guide.at("members").as_array().size(), 2u);
  EXPECT_EQ(guide.at("members").at(1).at("department"), "温州市公安局");
  EXPECT_EQ(guide.at("members").at(1).at("promised_limit"), 5);
  std::vector<std::string> keys;
  for (const json::value& f : guide.at("form").as_array())
    keys.emplace_back(f.at("name").as_string());
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "phone", "baby_name"}));
  EXPECT_EQ(guide.at("form").at(0).at("items"), (json::array{"MZ-CS-01", "GA-CS-02"}));
  EXPECT_EQ(guide.at("form").at(1).at("required"), true);
  ASSERT_EQ(guide.at("materials").as_array().size(), 2u);
  EXPECT_EQ(guide.at("materials").at(0).at("name"), "户口簿");
  EXPECT_EQ(guide.at("materials").at(0).at("items"), (json::array{"MZ-CS-01", "GA-CS-02"}));
  EXPECT_EQ(guide.at("applicant"), "person");

  // Search by life event, by a member's name; nothing for other words.
  for (const std::string q : {"%E6%96%B0%E7%94%9F%E5%84%BF",              // 新生儿
                              "%E5%87%BA%E7%94%9F%E7%99%BB%E8%AE%B0"}) {  // 出生登记
    json::value found = expect(city().call("GET", "/api/v1/services/bundles?q=" + q, ""));
    ASSERT_EQ(found.at("items").as_array().size(), 1u) << q;
    EXPECT_EQ(found.at("items").at(0).at("code"), "YJS-CS");
  }
  EXPECT_TRUE(expect(city().call("GET", "/api/v1/services/bundles?q=%E5%A9%9A%E5%A7%BB", ""))
                  .at("items")
                  .as_array()
                  .empty());  // 婚姻
  // A new version is a draft; the published one stays in force; retire ends it.
  json::value v2 = expect(city().call("PUT", "/api/v1/services/bundles/YJS-CS", mz_admin_,
                                      bundle_body(json::array{"MZ-CS-01", "GA-CS-02"})));
  EXPECT_EQ(v2.at("version"), 2);
  EXPECT_EQ(expect(city().call("GET", "/api/v1/services/bundles/YJS-CS", "")).at("version"), 1);
  EXPECT_EQ(
      expect(city().call("GET", "/api/v1/services/bundles/YJS-CS/latest", mz_admin_)).at("status"),
      "draft");
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/bundles/YJS-CS/latest", ga_admin_),
                        404, "bundle_not_found"));
  expect(city().call("POST", "/api/v1/services/bundles/YJS-CS/retire", mz_admin_));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/bundles/YJS-CS", ""), 404,
                        "bundle_not_found"));
}

TEST_F(BundleTest, OneApplicationMakesAChildCasePerMemberAndShowsOneProgress) {
  // The population registry, with 张三's record.
  json::object golden = population("DSJ-RK01");
  golden["name"] = "人口基础库";
  ASSERT_TRUE(publish(golden, data_admin_));
  const std::string dsj_officer = city().staff("dsj_officer", dsj_, {"dept_officer"});
  auto ingested = city().send(
      "POST", "/api/v1/resources/DSJ-RK01/records", dsj_officer,
      json::serialize(json::object{
          {"id_number", zhang_id_}, {"name", "张三"}, {"address", "温州市鹿城区五马街1号"}}) +
          "\n",
      {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(ingested && ingested->status == 200) << (ingested ? ingested->body : "");
  publish_bundle();

  // One application: the name comes from the registry once for both members.
  json::value a = apply(zhang_, {{"phone", "13812345678"}, {"baby_name", "张小宝"}}, true);
  ASSERT_TRUE(a.is_object());
  const std::string number(a.at("number").as_string());
  EXPECT_EQ(number.substr(0, 4), "YJS-");
  EXPECT_EQ(state(a), "draft");
  EXPECT_EQ(a.at("form").at("name"), "张三");
  ASSERT_EQ(a.at("children").as_array().size(), 2u);
  const std::string mz_case = child(a, 0), ga_case = child(a, 1);
  json::value mz_child = expect(city().call("GET", "/api/v1/services/cases/" + mz_case, zhang_));
  json::value ga_child = expect(city().call("GET", "/api/v1/services/cases/" + ga_case, zhang_));
  EXPECT_EQ(mz_child.at("form").at("name"), "张三");
  EXPECT_EQ(ga_child.at("form").at("applicant_name"), "张三");
  EXPECT_EQ(ga_child.at("form").at("phone"), "13812345678");
  EXPECT_EQ(ga_child.at("item_version"), 1);
  EXPECT_EQ(ga_child.at("prefill").at(1).at("target"), "material.居民户口簿");
  EXPECT_EQ(ga_child.at("prefill").at(1).at("value"), "温州市鹿城区五马街1号");
  EXPECT_EQ(a.at("prefill").at(0).at("department"), "温州市大数据管理中心");

  // 谁用了我的数据: one read of DSJ-RK01 for the two members, under the 一件事 number.
  int reads = 0;
  for (int attempt = 0; attempt < 50 && reads == 0; ++attempt) {
    json::value seen = expect(city().call("GET", "/api/v1/me/data-access", zhang_));
    ASSERT_TRUE(seen.is_object());
    reads = 0;
    for (const json::value& e : seen.at("items").as_array()) {
      EXPECT_NE(e.at("case_id"), json::value(mz_case));
      EXPECT_NE(e.at("case_id"), json::value(ga_case));
      if (e.at("case_id") == json::value(number)) {
        ++reads;
        EXPECT_EQ(e.at("purpose"), "办理新生儿出生一件事");
        EXPECT_EQ(e.at("resource_code"), "DSJ-RK01");
      }
    }
    if (reads == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(reads, 1);

  // Submitted together; the window accepts each; each lands in its own department's worklist.
  EXPECT_EQ(state(expect(on(number, "submit", zhang_))), "in_progress");
  EXPECT_TRUE(IsProblem(on(number, "submit", zhang_), 409, "invalid_transition"));
  json::value window = expect(city().call("GET", "/api/v1/services/worklists/window", clerk_));
  EXPECT_EQ(window.at("items").as_array().size(), 2u);
  expect(act(mz_case, "accept", clerk_));
  expect(act(ga_case, "accept", clerk_));
  json::value mz_work =
      expect(city().call("GET", "/api/v1/services/worklists/department", mz_officer_));
  ASSERT_EQ(mz_work.at("items").as_array().size(), 1u);
  EXPECT_EQ(mz_work.at("items").at(0).at("number"), json::value(mz_case));
  json::value ga_work =
      expect(city().call("GET", "/api/v1/services/worklists/department", ga_officer_));
  ASSERT_EQ(ga_work.at("items").as_array().size(), 1u);
  EXPECT_EQ(ga_work.at("items").at(0).at("number"), json::value(ga_case));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/cases/" + mz_case, ga_officer_), 404,
                        "case_not_found"));

  // The one progress as the children move: 民政 concludes, 公安 asks for 补正.
  pass_step(mz_case, mz_officer_);
  expect(act(mz_case, "decide", mz_officer_,
             {{"decision", "approve"}, {"reason", "符合条件"}, {"result_text", "准予签发"}}));
  expect(act(mz_case, "conclude", mz_officer_));
  json::value now = get(number, zhang_);
  EXPECT_EQ(state(now), "in_progress");
  EXPECT_EQ(now.at("progress"), "共 2 项，已办结 1 项，1 项办理中");
  EXPECT_EQ(now.at("children").at(0).at("state"), "concluded");
  EXPECT_EQ(now.at("children").at(1).at("department"), "温州市公安局");
  expect(act(ga_case, "request-correction", ga_officer_,
             {{"reason", "材料不全"}, {"missing", json::array{"出生医学证明复印件"}}}));
  json::value mine = expect(city().call("GET", "/api/v1/services/my-bundle-applications", zhang_));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").at(0).at("number"), json::value(number));
  EXPECT_EQ(state(mine.at("items").at(0)), "correction");
  EXPECT_EQ(mine.at("items").at(0).at("asked"), (json::array{"出生登记：出生医学证明复印件"}));
  // The children are under their bundle, not listed again in my-cases.
  EXPECT_TRUE(expect(city().call("GET", "/api/v1/services/my-cases", zhang_))
                  .at("items")
                  .as_array()
                  .empty());
  expect(act(ga_case, "answer-correction", zhang_));
  pass_step(ga_case, ga_officer_);
  expect(act(ga_case, "decide", ga_officer_, {{"decision", "approve"}, {"reason", "符合条件"}}));
  expect(act(ga_case, "conclude", ga_officer_));
  now = get(number, zhang_);
  EXPECT_EQ(state(now), "done");
  EXPECT_TRUE(now.at("asked").as_array().empty());
  // After the decisions it cannot be withdrawn.
  EXPECT_TRUE(IsProblem(on(number, "withdraw", zhang_), 409, "invalid_transition"));
}

TEST_F(BundleTest, TheWholeBundleIsWithdrawnAndNobodyElseSeesIt) {
  publish_bundle();
  // Wrong input: problem+json, nothing written.
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundle-applications", zhang_,
                                    json::object{{"bundle_code", "YJS-CS"}, {"form", {{"x", 1}}}}),
                        400, "invalid_form"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundle-applications", zhang_,
                                    json::object{{"bundle_code", "YJS-CS"}, {"form", "x"}}),
                        400, "invalid_body"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundle-applications", zhang_,
                                    json::object{{"bundle_code", "YJS-NONE"}}),
                        404, "bundle_not_found"));
  EXPECT_TRUE(
      IsProblem(city().call("POST", "/api/v1/services/bundle-applications", zhang_,
                            json::object{{"bundle_code", "YJS-CS"}, {"form", {{"phone", "12"}}}}),
                400, "invalid_form"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundle-applications", clerk_,
                                    json::object{{"bundle_code", "YJS-CS"}}),
                        400, "invalid_body"));
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/services/bundle-applications", mz_officer_,
                                    json::object{{"bundle_code", "YJS-CS"}}),
                        403, "forbidden"));
  EXPECT_TRUE(expect(city().call("GET", "/api/v1/services/my-bundle-applications", zhang_))
                  .at("items")
                  .as_array()
                  .empty());

  // A form not complete: nothing is submitted.
  json::value part = apply(zhang_, {{"name", "张三"}, {"baby_name", "张小宝"}});
  ASSERT_TRUE(part.is_object());
  const std::string partial(part.at("number").as_string());
  EXPECT_TRUE(IsProblem(on(partial, "submit", zhang_), 400, "invalid_form"));
  json::value still = get(partial, zhang_);
  EXPECT_EQ(still.at("children").at(0).at("state"), "draft");
  EXPECT_EQ(still.at("children").at(1).at("state"), "draft");

  json::value a =
      apply(zhang_, {{"name", "张三"}, {"phone", "13812345678"}, {"baby_name", "张小宝"}});
  ASSERT_TRUE(a.is_object());
  const std::string number(a.at("number").as_string());
  // Another citizen: 404 on reads and transitions, nothing in their 我的办件.
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/bundle-applications/" + number, li_),
                        404, "bundle_application_not_found"));
  EXPECT_TRUE(IsProblem(on(number, "withdraw", li_), 404, "bundle_application_not_found"));
  EXPECT_TRUE(IsProblem(on(number, "submit", li_), 404, "bundle_application_not_found"));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/services/cases/" + child(a, 0), li_), 404,
                        "case_not_found"));
  EXPECT_TRUE(expect(city().call("GET", "/api/v1/services/my-bundle-applications", li_))
                  .at("items")
                  .as_array()
                  .empty());
  // The window does not see a draft; an officer never sees the application itself.
  EXPECT_TRUE(
      IsProblem(city().call("GET", "/api/v1/services/bundle-applications/" + number, clerk_), 404,
                "bundle_application_not_found"));
  expect(on(number, "submit", zhang_));
  get(number, clerk_);
  EXPECT_TRUE(
      IsProblem(city().call("GET", "/api/v1/services/bundle-applications/" + number, mz_officer_),
                404, "bundle_application_not_found"));
  expect(act(child(a, 0), "accept", clerk_));

  // Withdrawn whole: each child, audited.
  json::value withdrawn = expect(on(number, "withdraw", zhang_, {{"reason", "不再申请"}}));
  EXPECT_EQ(state(withdrawn), "withdrawn");
  EXPECT_EQ(withdrawn.at("children").at(0).at("state"), "withdrawn");
  EXPECT_EQ(withdrawn.at("children").at(1).at("state"), "withdrawn");
  EXPECT_TRUE(IsProblem(on(number, "withdraw", zhang_), 409, "invalid_transition"));
  auto bundle_audit = city().call("GET", "/api/v1/audit/records?action=services.bundle.withdraw",
                                  city().auditadmin());
  ASSERT_TRUE(bundle_audit);
  ASSERT_EQ(bundle_audit->json().at("items").as_array().size(), 1u) << bundle_audit->body;
  EXPECT_EQ(bundle_audit->json().at("items").at(0).at("object_id"), json::value(number));
  auto case_audit = city().call("GET", "/api/v1/audit/records?action=services.case.withdraw",
                                city().auditadmin());
  ASSERT_TRUE(case_audit);
  EXPECT_EQ(case_audit->json().at("items").as_array().size(), 2u) << case_audit->body;

  // At a window, for 李四: in 李四's 我的办件 as one entry, not in 张三's.
  json::value at_window = expect(
      city().call(
          "POST", "/api/v1/services/bundle-applications", clerk_,
          json::object{
              {"bundle_code", "YJS-CS"},
              {"applicant", {{"kind", "person"}, {"name", "lisi"}, {"key", li_id_}}},
              {"form", {{"name", "李四"}, {"phone", "13900001111"}, {"baby_name", "李小宝"}}}}),
      201);
  ASSERT_TRUE(at_window.is_object());
  EXPECT_EQ(at_window.at("channel"), "window");
  json::value lis = expect(city().call("GET", "/api/v1/services/my-bundle-applications", li_));
  ASSERT_EQ(lis.at("items").as_array().size(), 1u);
  EXPECT_EQ(lis.at("items").at(0).at("number"), at_window.at("number"));
  EXPECT_EQ(expect(city().call("GET", "/api/v1/services/my-bundle-applications", zhang_))
                .at("items")
                .as_array()
                .size(),
            2u);
}

}  // namespace
}  // namespace zt::test
