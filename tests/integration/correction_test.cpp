// Correction reports (数据纠错/异议) and the exchange figures over real HTTP, on both databases: a
// consumer reports a record as wrong, the provider sees it in its inbox and in the resource's
// quality figures, ingests the fixed row and answers; the reporter sees the outcome. Reports on
// a `none` resource, on a conditional one without a grant and on a missing key are refused.
// GET /api/v1/exchange/stats counts reads, deliveries, grants and open reports.
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <chrono>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

// Today's date in Beijing time, as the figures name days.
std::string beijing_today() {
  const auto beijing = std::chrono::system_clock::now() + std::chrono::hours(8);
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(beijing)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

class CorrectionTest : public HubTest {
 protected:
  // Publishes `code` as 公安 with `share_type` and three people in it.
  bool publish_people(const std::string& code, const char* share_type) {
    json::object r = population(code);
    r["share_type"] = share_type;
    if (!publish(r, ga_admin_)) return false;
    std::string rows;
    const char* names[] = {"张三", "李四", "王五"};
    for (int i = 0; i < 3; ++i) {
      rows += json::serialize(json::object{{"id_number", id_number("19800101", i + 1)},
                                           {"name", names[i]},
                                           {"gender", i % 2 ? "女" : "男"},
                                           {"division_code", "330302"},
                                           {"phone", "13857712345"}}) +
              "\n";
    }
    return ingest(code, rows);
  }

  bool ingest(const std::string& code, const std::string& rows) {
    auto r = city().send("POST", "/api/v1/resources/" + code + "/records", ga_officer_, rows,
                         {{"Content-Type", "application/x-ndjson"}});
    if (!r || r->status != 200) {
      ADD_FAILURE() << "ingest: " << (r ? r->body : city().error());
      return false;
    }
    return true;
  }

  std::optional<HttpResponse> report(const std::string& code, const std::string& key,
                                     const std::string& token, const json::value& body) {
    return city().call("POST", "/api/v1/resources/" + code + "/records/" + key + "/corrections",
                       token, body);
  }

  std::int64_t open_corrections(const std::string& code) {
    auto q = city().call("GET", "/api/v1/resources/" + code + "/quality", ga_admin_);
    if (!q || q->status != 200) {
      ADD_FAILURE() << "quality: " << (q ? q->body : city().error());
      return -1;
    }
    return q->json().at("open_corrections").as_int64();
  }

  std::optional<HttpResponse> stats(const std::string& token, const std::string& query = "") {
    return city().call("GET", "/api/v1/exchange/stats" + query, token);
  }
};

TEST_F(CorrectionTest, ReportedSeenInTheInboxCorrectedAndAnswered) {
  ASSERT_TRUE(open_city());
  const std::string code = "330300-GA-0001";
  ASSERT_TRUE(publish_people(code, "unconditional"));
  const std::string key = id_number("19800101", 1);

  // 民政 reports the name as wrong; nothing is read, so no X-Purpose is needed.
  auto filed = report(code, key, mz_officer_,
                      json::object{{"reason", "姓名与婚姻登记档案不一致，应为张叁"},
                                   {"fields", json::array{"name"}}});
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  const json::object c = filed->json().as_object();
  const std::int64_t id = c.at("id").as_int64();
  EXPECT_EQ(c.at("status"), "open");
  EXPECT_EQ(c.at("resource"), code.c_str());
  EXPECT_EQ(c.at("record_key"), key.c_str());
  EXPECT_EQ(c.at("fields"), (json::array{"name"}));
  EXPECT_EQ(c.at("reporter_department_id"), mz_);
  EXPECT_EQ(c.at("provider_department_id"), ga_);
  EXPECT_FALSE(filed->body.find("张三") != std::string::npos);  // no record values kept

  // Bad reports: a reason is required, fields must be the resource's, the provider uses ingest.
  EXPECT_TRUE(IsProblem(report(code, key, mz_officer_, json::object{{"fields", json::array{}}}),
                        400, "invalid_body"));
  EXPECT_TRUE(IsProblem(report(code, key, mz_officer_,
                               json::object{{"reason", "x"}, {"fields", json::array{"salary"}}}),
                        400, "invalid_fields"));
  EXPECT_TRUE(
      IsProblem(report(code, "330302198001019999", mz_officer_, json::object{{"reason", "x"}}), 400,
                "invalid_key"));
  EXPECT_TRUE(IsProblem(report(code, key, ga_officer_, json::object{{"reason", "x"}}), 409,
                        "own_resource"));

  // 公安 sees it in its inbox; 民政 in its outbox; it counts in the quality figures.
  auto inbox = city().call("GET", "/api/v1/corrections?box=inbox&status=open", ga_admin_);
  ASSERT_TRUE(inbox);
  ASSERT_EQ(inbox->status, 200) << inbox->body;
  ASSERT_EQ(inbox->json().at("items").as_array().size(), 1u);
  EXPECT_EQ(inbox->json().at("items").at(0).at("id"), id);
  EXPECT_EQ(inbox->json().at("items").at(0).at("reason"), "姓名与婚姻登记档案不一致，应为张叁");
  auto outbox = city().call("GET", "/api/v1/corrections?box=outbox", mz_officer_);
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox->json().at("items").as_array().size(), 1u);
  auto mz_inbox = city().call("GET", "/api/v1/corrections?box=inbox", mz_admin_);
  ASSERT_TRUE(mz_inbox);
  EXPECT_TRUE(mz_inbox->json().at("items").as_array().empty());
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/corrections?status=closed", mz_officer_), 400,
                        "invalid_status"));
  EXPECT_EQ(open_corrections(code), 1);
  auto overview = city().call("GET", "/api/v1/exchange/quality", ga_admin_);
  ASSERT_TRUE(overview);
  EXPECT_EQ(overview->json().at("resources").at(0).at("open_corrections"), 1);

  // Only the provider answers.
  const std::string answer = fmt::format("/api/v1/corrections/{}/answer", id);
  const json::object corrected{{"outcome", "corrected"}, {"answer", "已按户籍档案更正姓名"}};
  EXPECT_TRUE(IsProblem(city().call("POST", answer, mz_admin_, corrected), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(
      city().call("POST", answer, ga_admin_, json::object{{"outcome", "fixed"}, {"answer", "x"}}),
      400, "invalid_body"));

  // 公安 ingests the fixed row through the normal route, then answers "corrected".
  ASSERT_TRUE(ingest(code, json::serialize(json::object{{"id_number", key},
                                                        {"name", "张叁"},
                                                        {"gender", "男"},
                                                        {"division_code", "330302"},
                                                        {"phone", "13857712345"}}) +
                               "\n"));
  auto answered = city().call("POST", answer, ga_admin_, corrected);
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->status, 200) << answered->body;
  EXPECT_EQ(answered->json().at("status"), "corrected");
  EXPECT_TRUE(IsProblem(city().call("POST", answer, ga_admin_, corrected), 409, "invalid_state"));

  // 民政 sees the outcome and the answer; the report no longer counts as open.
  auto seen = city().call("GET", fmt::format("/api/v1/corrections/{}", id), mz_officer_);
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->status, 200) << seen->body;
  EXPECT_EQ(seen->json().at("status"), "corrected");
  EXPECT_EQ(seen->json().at("answer"), "已按户籍档案更正姓名");
  EXPECT_EQ(seen->json().at("answered_by"), "ga_admin");
  EXPECT_TRUE(seen->json().at("answered_at").is_string());
  auto done = city().call("GET", "/api/v1/corrections?status=corrected", mz_officer_);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->json().at("items").as_array().size(), 1u);
  EXPECT_EQ(open_corrections(code), 0);
  auto read = city().call("GET", "/api/v1/resources/" + code + "/records/" + key, mz_officer_,
                          nullptr, {{"X-Purpose", "婚姻登记核验"}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->json().at("name"), "张*");
  auto own = city().call("GET", "/api/v1/resources/" + code + "/records/" + key, ga_officer_);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->json().at("name"), "张叁");

  // A second report, answered by an officer (exchange.ingest) without a change.
  auto second =
      report(code, id_number("19800101", 2), mz_officer_,
             json::object{{"reason", "性别疑似登记错误"}, {"fields", json::array{"gender"}}});
  ASSERT_TRUE(second && second->status == 201);
  auto kept = city().call(
      "POST", fmt::format("/api/v1/corrections/{}/answer", second->json().at("id").as_int64()),
      ga_officer_, json::object{{"outcome", "answered"}, {"answer", "经核对户籍档案，登记无误"}});
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->status, 200) << kept->body;
  EXPECT_EQ(kept->json().at("status"), "answered");

  // Another department's report stays invisible to a third one.
  EXPECT_TRUE(IsProblem(city().call("GET", fmt::format("/api/v1/corrections/{}", id),
                                    city().staff("other", dsj_, {"dept_officer"})),
                        404, "correction_not_found"));

  // Every change is audited.
  auto reports = city().call("GET", "/api/v1/audit/records?action=exchange.correction.report",
                             city().auditadmin());
  ASSERT_TRUE(reports);
  EXPECT_EQ(reports->json().at("items").as_array().size(), 2u);
  auto answers = city().call("GET", "/api/v1/audit/records?action=exchange.correction.answer",
                             city().auditadmin());
  ASSERT_TRUE(answers);
  EXPECT_EQ(answers->json().at("items").as_array().size(), 2u);
}

TEST_F(CorrectionTest, RefusedWhereTheReporterMayNotRead) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish_people("330300-GA-0002", "none"));
  ASSERT_TRUE(publish_people("330300-GA-0003", "conditional"));
  ASSERT_TRUE(publish_people("330300-GA-0004", "unconditional"));
  const std::string key = id_number("19800101", 1);
  const json::object body{{"reason", "地址有误"}};
  EXPECT_TRUE(
      IsProblem(report("330300-GA-0002", key, mz_officer_, body), 404, "resource_not_found"));
  EXPECT_TRUE(IsProblem(report("330300-GA-0003", key, mz_officer_, body), 403, "grant_required"));
  EXPECT_TRUE(IsProblem(report("330300-GA-0004", id_number("19990101", 9), mz_officer_, body), 404,
                        "record_not_found"));
  EXPECT_TRUE(
      IsProblem(report("330300-GA-9999", key, mz_officer_, body), 404, "resource_not_found"));

  // Under a grant of fewer fields, only granted fields can be named.
  auto filed = city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                           json::object{{"resource", "330300-GA-0003"},
                                        {"purpose", "婚姻登记核验"},
                                        {"legal_basis", "《婚姻登记条例》"},
                                        {"fields", json::array{"id_number", "name"}}});
  ASSERT_TRUE(filed && filed->status == 201);
  auto approved = city().call(
      "POST", fmt::format("/api/v1/sharing/requests/{}/approve", filed->json().at("id").as_int64()),
      ga_admin_, json::object{});
  ASSERT_TRUE(approved && approved->status == 200);
  EXPECT_TRUE(IsProblem(report("330300-GA-0003", key, mz_officer_,
                               json::object{{"reason", "x"}, {"fields", json::array{"phone"}}}),
                        400, "invalid_fields"));
  auto ok = report("330300-GA-0003", key, mz_officer_,
                   json::object{{"reason", "姓名有误"}, {"fields", json::array{"name"}}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
}

TEST_F(CorrectionTest, StatsCountReadsDeliveriesGrantsAndOpenReports) {
  ASSERT_TRUE(open_city());
  const std::string conditional = "330300-GA-0001", open = "330300-GA-0002";
  ASSERT_TRUE(publish_people(conditional, "conditional"));
  ASSERT_TRUE(publish_people(open, "unconditional"));
  const std::string key = id_number("19800101", 1);
  const Headers purpose{{"X-Purpose", "低保资格核查"}};

  // A grant to 民政, two reads under it; one read, one change-feed page and a 纠错 report on
  // the unconditional resource.
  auto filed = city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                           json::object{{"resource", conditional},
                                        {"purpose", "低保资格核查"},
                                        {"legal_basis", "《社会救助暂行办法》"}});
  ASSERT_TRUE(filed && filed->status == 201);
  auto approved = city().call(
      "POST", fmt::format("/api/v1/sharing/requests/{}/approve", filed->json().at("id").as_int64()),
      ga_admin_, json::object{});
  ASSERT_TRUE(approved && approved->status == 200) << (approved ? approved->body : "");
  for (int i = 0; i < 2; ++i) {
    auto r = city().call("GET", "/api/v1/resources/" + conditional + "/records/" + key, mz_officer_,
                         nullptr);
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  }
  auto r = city().call("GET", "/api/v1/resources/" + open + "/records/" + key, mz_officer_, nullptr,
                       purpose);
  ASSERT_TRUE(r && r->status == 200);
  auto feed = city().call("GET", "/api/v1/resources/" + open + "/changes?after=0", mz_officer_,
                          nullptr, purpose);
  ASSERT_TRUE(feed && feed->status == 200);
  ASSERT_TRUE(report(open, key, mz_officer_, json::object{{"reason", "电话号码已停用"}}));

  // Reads reach the audit log through the group-commit writer: wait for them.
  std::optional<HttpResponse> ga;
  for (int i = 0; i < 50; ++i) {
    ga = stats(ga_admin_, "?days=7");
    ASSERT_TRUE(ga);
    ASSERT_EQ(ga->status, 200) << ga->body;
    if (ga->json().at("departments").at(0).at("reads") == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const json::object s = ga->json().as_object();
  EXPECT_EQ(s.at("days"), 7);
  const json::array& resources = s.at("resources").as_array();
  ASSERT_EQ(resources.size(), 2u) << ga->body;
  const json::value& first = resources[0];
  EXPECT_EQ(first.at("resource"), conditional.c_str());
  EXPECT_EQ(first.at("department_id"), ga_);
  EXPECT_EQ(first.at("department_name"), "温州市公安局");
  EXPECT_EQ(first.at("record_count"), 3);
  EXPECT_EQ(first.at("grants_active"), 1);
  EXPECT_EQ(first.at("grants_expiring_30d"), 0);
  EXPECT_EQ(first.at("open_corrections"), 0);
  EXPECT_EQ(first.at("reads_by_day"),
            (json::array{json::object{{"day", beijing_today()}, {"reads", 2}, {"deliveries", 0}}}))
      << ga->body;
  const json::value& second = resources[1];
  EXPECT_EQ(second.at("resource"), open.c_str());
  EXPECT_EQ(second.at("grants_active"), 0);
  EXPECT_EQ(second.at("open_corrections"), 1);
  EXPECT_EQ(second.at("reads_by_day"),
            (json::array{json::object{{"day", beijing_today()}, {"reads", 1}, {"deliveries", 1}}}))
      << ga->body;
  ASSERT_EQ(s.at("departments").as_array().size(), 1u) << ga->body;
  EXPECT_EQ(s.at("departments").at(0), (json::object{{"department_id", ga_},
                                                     {"department_name", "温州市公安局"},
                                                     {"reads", 3},
                                                     {"deliveries", 1},
                                                     {"grants_given", 1},
                                                     {"grants_held", 0},
                                                     {"open_corrections", 1}}))
      << ga->body;

  // 民政 provides nothing: no resources, and its department holds the grant.
  auto mz = stats(mz_officer_);
  ASSERT_TRUE(mz);
  ASSERT_EQ(mz->status, 200) << mz->body;
  EXPECT_EQ(mz->json().at("days"), 30);
  EXPECT_TRUE(mz->json().at("resources").as_array().empty());
  ASSERT_EQ(mz->json().at("departments").as_array().size(), 1u);
  EXPECT_EQ(mz->json().at("departments").at(0).at("department_name"), "温州市民政局");
  EXPECT_EQ(mz->json().at("departments").at(0).at("grants_held"), 1);
  EXPECT_EQ(mz->json().at("departments").at(0).at("reads"), 0);

  // City scope sees both departments.
  auto city_wide = stats(data_admin_);
  ASSERT_TRUE(city_wide);
  ASSERT_EQ(city_wide->status, 200) << city_wide->body;
  EXPECT_EQ(city_wide->json().at("resources").as_array().size(), 2u);
  ASSERT_EQ(city_wide->json().at("departments").as_array().size(), 2u) << city_wide->body;

  for (const char* bad : {"?days=0", "?days=367", "?days=abc"}) {
    EXPECT_TRUE(IsProblem(stats(ga_admin_, bad), 400, "invalid_days")) << bad;
  }
}

}  // namespace
}  // namespace zt::test
