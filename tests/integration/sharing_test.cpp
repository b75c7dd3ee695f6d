// Sharing and shared reads over real HTTP, on both databases: a conditional resource refused
// without a grant; a request approved for fewer fields than asked, then read with only those
// fields, masked as granted (one unmasked); revocation and expiry refused at once; a `none`
// resource invisible to others; an unconditional one readable by any department; filters on
// indexed fields and a 400 for an unindexed one; export; purpose and case id in the audit records.
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

// An ISO 8601 time with +08:00, as the API takes it.
std::string core_time(std::chrono::system_clock::time_point t) {
  const auto beijing = t + std::chrono::hours(8);
  const auto day = std::chrono::floor<std::chrono::days>(beijing);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(beijing - day)};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

class SharingTest : public HubTest {
 protected:
  // Publishes `code` as 公安 with `share_type` and three people in it.
  bool publish_people(const std::string& code, const char* share_type) {
    json::object r = population(code);
    r["share_type"] = share_type;
    if (!publish(r, ga_admin_)) return false;
    std::string rows;
    const char* names[] = {"张三", "李四", "王五"};
    const char* divisions[] = {"330302", "330303", "330302"};
    for (int i = 0; i < 3; ++i) {
      rows += json::serialize(json::object{{"id_number", id_number("19800101", i + 1)},
                                           {"name", names[i]},
                                           {"gender", i % 2 ? "女" : "男"},
                                           {"address", "浙江省温州市鹿城区五马街道1号"},
                                           {"division_code", divisions[i]},
                                           {"phone", "13857712345"}}) +
              "\n";
    }
    auto r2 = city().send("POST", "/api/v1/resources/" + code + "/records", ga_officer_, rows,
                          {{"Content-Type", "application/x-ndjson"}});
    return r2 && r2->status == 200;
  }

  std::optional<HttpResponse> read(const std::string& code, const std::string& key,
                                   const std::string& token, Headers headers = {},
                                   const std::string& query = "") {
    return city().call("GET", "/api/v1/resources/" + code + "/records/" + key + query, token,
                       nullptr, std::move(headers));
  }

  // The audit records of `action` (newest first), waiting up to 5 s for at least `n`.
  json::array audit_records(const std::string& action, std::size_t n) {
    for (int i = 0; i < 50; ++i) {
      auto r = city().call("GET", "/api/v1/audit/records?action=" + action, city().auditadmin());
      if (r && r->status == 200) {
        json::array items = r->json().at("items").as_array();
        if (items.size() >= n) return items;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {};
  }
};

TEST_F(SharingTest, RequestApprovedForFewerFieldsThenReadMaskedAuditedRevokedAndExpired) {
  ASSERT_TRUE(open_city());
  const std::string code = "330300-GA-0001";
  ASSERT_TRUE(publish_people(code, "conditional"));
  const std::string key = id_number("19800101", 1);

  // Without a grant: refused, with what to do.
  EXPECT_TRUE(IsProblem(read(code, key, mz_officer_), 403, "grant_required"));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/resources/" + code + "/changes", mz_officer_),
                        403, "grant_required"));

  // 民政 asks for five fields.
  auto filed = city().call(
      "POST", "/api/v1/sharing/requests", mz_officer_,
      json::object{{"resource", code},
                   {"purpose", "婚姻登记核验"},
                   {"legal_basis", "《婚姻登记条例》第七条"},
                   {"fields", json::array{"id_number", "name", "gender", "address", "phone"}},
                   {"duration_days", 180}});
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::int64_t request_id = filed->json().at("id").as_int64();
  EXPECT_EQ(filed->json().at("status"), "pending");
  // Both sides see it: 公安's inbox, 民政's outbox.
  auto inbox = city().call("GET", "/api/v1/sharing/requests?box=inbox", ga_admin_);
  ASSERT_TRUE(inbox);
  ASSERT_EQ(inbox->json().at("items").as_array().size(), 1u);
  auto outbox = city().call("GET", "/api/v1/sharing/requests?box=outbox", mz_officer_);
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox->json().at("items").as_array().size(), 1u);
  // Both departments by id and by name, in either box.
  for (const auto* box : {&*inbox, &*outbox}) {
    const json::value item = box->json().at("items").at(0);
    EXPECT_EQ(item.at("consumer_department_name"), "温州市民政局") << box->body;
    EXPECT_EQ(item.at("provider_department_name"), "温州市公安局") << box->body;
    EXPECT_NE(item.at("consumer_department_id"), item.at("provider_department_id"));
  }
  // Officers do not decide; another department cannot either.
  const std::string approve = fmt::format("/api/v1/sharing/requests/{}/approve", request_id);
  EXPECT_TRUE(
      IsProblem(city().call("POST", approve, ga_officer_, json::object{}), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("POST", approve, mz_admin_, json::object{}), 403, "forbidden"));
  // Granting a field not asked for is refused.
  EXPECT_TRUE(IsProblem(
      city().call("POST", approve, ga_admin_, json::object{{"fields", json::array{"birth_date"}}}),
      400, "invalid_fields"));
  // So is granting for longer than asked, by days or by an end date.
  EXPECT_TRUE(
      IsProblem(city().call("POST", approve, ga_admin_, json::object{{"duration_days", 181}}), 400,
                "duration_exceeds_request"));
  EXPECT_TRUE(IsProblem(city().call("POST", approve, ga_admin_,
                                    json::object{{"expires_at", "2099-01-01T00:00:00+08:00"}}),
                        400, "duration_exceeds_request"));

  // 公安 grants three of the five, the phone unmasked.
  auto approved = city().call("POST", approve, ga_admin_,
                              json::object{{"fields", json::array{"id_number", "name", "phone"}},
                                           {"unmasked", json::array{"phone"}}});
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->status, 200) << approved->body;
  EXPECT_EQ(approved->json().at("status"), "approved");
  const std::int64_t grant_id = approved->json().at("grant_id").as_int64();

  auto r = read(code, key, mz_officer_, {{"X-Case-Id", "MZ-2026-000123"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json::object record = r->json().as_object();
  EXPECT_EQ(record.size(), 3u) << r->body;  // only the granted fields
  EXPECT_EQ(record.at("id_number").as_string(), "330302********" + key.substr(14));
  EXPECT_EQ(record.at("name"), "张*");
  EXPECT_EQ(record.at("phone"), "13857712345");  // unmasked by the grant
  EXPECT_FALSE(record.contains("gender"));
  EXPECT_FALSE(record.contains("address"));
  // The provider itself sees everything unmasked.
  auto own = read(code, key, ga_officer_);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->json().at("name"), "张三");
  EXPECT_EQ(own->json().as_object().size(), 10u);
  // fields= narrows; a purpose of its own goes into the audit record.
  auto narrowed = read(code, key, mz_officer_, {{"X-Purpose", "离婚登记材料核对"}}, "?fields=name");
  ASSERT_TRUE(narrowed);
  EXPECT_EQ(narrowed->json().as_object().size(), 1u);
  // The purpose in the two ASCII-only forms clients without raw UTF-8 headers send: RFC 8187
  // and percent-encoded.
  ASSERT_TRUE(read(code, key, mz_officer_,
                   {{"X-Purpose*", "UTF-8''%E6%88%B7%E7%B1%8D%E6%A0%B8%E5%AF%B9"}}));
  ASSERT_TRUE(read(code, key, mz_officer_, {{"X-Purpose", "%E5%85%BB%E8%80%81%E9%87%91"}}));
  EXPECT_TRUE(IsProblem(read(code, "330302198001019999", mz_officer_), 400, "invalid_key"));
  EXPECT_TRUE(
      IsProblem(read(code, id_number("19990101", 9), mz_officer_), 404, "record_not_found"));
  // The change feed: projected the same way.
  auto feed = city().call("GET", "/api/v1/resources/" + code + "/changes?after=0", mz_officer_);
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->status, 200) << feed->body;
  EXPECT_EQ(feed->json().at("items").at(0).at("data").as_object().size(), 3u);

  // Every read is in the audit log with its purpose and case.
  json::array reads = audit_records("exchange.record.read", 5);
  ASSERT_GE(reads.size(), 5u);
  bool with_case = false, with_header_purpose = false, with_rfc8187 = false, with_escaped = false;
  for (const auto& a : reads) {
    if (a.at("object_id") != (code + "/" + key).c_str()) continue;
    if (a.at("case_id") == "MZ-2026-000123") {
      with_case = true;
      EXPECT_EQ(a.at("purpose"), "婚姻登记核验");  // the grant's purpose
    }
    if (a.at("purpose") == "离婚登记材料核对") with_header_purpose = true;
    if (a.at("purpose") == "户籍核对") with_rfc8187 = true;
    if (a.at("purpose") == "养老金") with_escaped = true;
  }
  EXPECT_TRUE(with_case);
  EXPECT_TRUE(with_header_purpose);
  EXPECT_TRUE(with_rfc8187);
  EXPECT_TRUE(with_escaped);

  // Revoked: refused at once (the cached decision does not outlive it).
  auto revoked = city().call("POST", fmt::format("/api/v1/sharing/grants/{}/revoke", grant_id),
                             ga_admin_, json::object{{"reason", "用途已完成"}});
  ASSERT_TRUE(revoked);
  ASSERT_EQ(revoked->status, 200) << revoked->body;
  EXPECT_EQ(revoked->json().at("status"), "revoked");
  EXPECT_TRUE(IsProblem(read(code, key, mz_officer_), 403, "grant_required"));
  auto held = city().call("GET", "/api/v1/sharing/grants?box=outbox", mz_officer_);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->json().at("items").at(0).at("status"), "revoked");
  auto given = city().call("GET", "/api/v1/sharing/grants?box=inbox", ga_admin_);
  ASSERT_TRUE(given);
  ASSERT_EQ(given->status, 200) << given->body;
  for (const auto* box : {&*held, &*given}) {
    const json::value item = box->json().at("items").at(0);
    EXPECT_EQ(item.at("id"), grant_id) << box->body;
    EXPECT_EQ(item.at("consumer_department_name"), "温州市民政局") << box->body;
    EXPECT_EQ(item.at("provider_department_name"), "温州市公安局") << box->body;
    EXPECT_GT(item.at("consumer_department_id").as_int64(), 0);
  }

  // A grant that expires: readable, then refused.
  auto again = city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                           json::object{{"resource", code},
                                        {"purpose", "婚姻登记核验"},
                                        {"legal_basis", "《婚姻登记条例》"},
                                        {"fields", json::array{"name"}}});
  ASSERT_TRUE(again && again->status == 201);
  const auto soon = std::chrono::system_clock::now() + std::chrono::seconds(2);
  const std::string expires = core_time(soon);
  auto short_grant = city().call(
      "POST", fmt::format("/api/v1/sharing/requests/{}/approve", again->json().at("id").as_int64()),
      ga_admin_, json::object{{"expires_at", expires}});
  ASSERT_TRUE(short_grant);
  ASSERT_EQ(short_grant->status, 200) << short_grant->body;
  auto before = read(code, key, mz_officer_);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200) << before->body;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_TRUE(IsProblem(read(code, key, mz_officer_), 403, "grant_required"));

  // A request can be rejected with a reason, which the requester sees.
  auto third =
      city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                  json::object{{"resource", code}, {"purpose", "统计"}, {"legal_basis", "无"}});
  ASSERT_TRUE(third && third->status == 201);
  auto rejected = city().call(
      "POST", fmt::format("/api/v1/sharing/requests/{}/reject", third->json().at("id").as_int64()),
      ga_admin_, json::object{{"reason", "缺少法定依据"}});
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->json().at("status"), "rejected");
  EXPECT_EQ(rejected->json().at("decision_reason"), "缺少法定依据");
}

// A page's next_cursor holds the last record's key: sealed, it reveals nothing of a masked key,
// opens only for the resource it was made for, and refuses any change.
TEST_F(SharingTest, CursorsAreSealedAndRevealNothing) {
  ASSERT_TRUE(open_city());
  const std::string code = "330300-GA-0001";
  ASSERT_TRUE(publish_people(code, "conditional"));
  auto filed = city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                           json::object{{"resource", code},
                                        {"purpose", "婚姻登记核验"},
                                        {"legal_basis", "《婚姻登记条例》"},
                                        {"fields", json::array{"id_number", "name"}}});
  ASSERT_TRUE(filed && filed->status == 201);
  auto approved = city().call(
      "POST", fmt::format("/api/v1/sharing/requests/{}/approve", filed->json().at("id").as_int64()),
      ga_admin_, json::object{});
  ASSERT_TRUE(approved && approved->status == 200) << (approved ? approved->body : "");
  const Headers purpose{{"X-Purpose", "婚姻登记核验"}};
  const std::string records = "/api/v1/resources/" + code + "/records";
  auto first = city().call("GET", records + "?limit=1", mz_officer_, nullptr, purpose);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const std::string cursor(first->json().at("next_cursor").as_string());
  const std::string key(first->json().at("items").as_array()[0].at("id_number").as_string());
  EXPECT_NE(key.find('*'), std::string::npos) << "the grant masks id_number: " << key;
  for (int i = 1; i <= 3; ++i) {
    const std::string full = id_number("19800101", i);
    std::string hex;
    for (unsigned char c : full)
      hex += fmt::format("{:02x}", c);
    EXPECT_EQ(cursor.find(full), std::string::npos);
    EXPECT_EQ(cursor.find(hex), std::string::npos) << cursor;
    EXPECT_EQ(cursor.find(hex.substr(0, 12)), std::string::npos) << cursor;
  }
  auto second =
      city().call("GET", records + "?limit=1&cursor=" + cursor, mz_officer_, nullptr, purpose);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->status, 200) << second->body;
  EXPECT_NE(second->json().at("items").as_array()[0].at("id_number"),
            first->json().at("items").as_array()[0].at("id_number"));
  std::string tampered = cursor;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_TRUE(IsProblem(
      city().call("GET", records + "?limit=1&cursor=" + tampered, mz_officer_, nullptr, purpose),
      400, "invalid_cursor"));
  // The provider's own copy under another code does not accept it either.
  ASSERT_TRUE(publish_people("330300-GA-0002", "conditional"));
  EXPECT_TRUE(IsProblem(
      city().call("GET", "/api/v1/resources/330300-GA-0002/records?limit=1&cursor=" + cursor,
                  ga_officer_),
      400, "invalid_cursor"));
}

// Expiry on the server's own clock, moved by the test (a test build's controllable clock): a
// 30-day grant reads on day 29 and is refused on day 31, without waiting. The consumer reads with
// an API key, which does not time out as a session would over a month.
TEST_F(SharingTest, AGrantExpiresOnTheServersClock) {
  ServerOptions options;
  options.controllable_clock = true;
  ASSERT_TRUE(open_city(options));
  const std::string code = "330300-GA-0001";
  ASSERT_TRUE(publish_people(code, "conditional"));
  const std::string key = id_number("19800101", 1);
  auto filed = city().call("POST", "/api/v1/sharing/requests", mz_officer_,
                           json::object{{"resource", code},
                                        {"purpose", "最低生活保障资格核查"},
                                        {"legal_basis", "《社会救助暂行办法》"},
                                        {"fields", json::array{"name"}},
                                        {"duration_days", 30}});
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  auto approved = city().call(
      "POST", fmt::format("/api/v1/sharing/requests/{}/approve", filed->json().at("id").as_int64()),
      ga_admin_, json::object{});
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->status, 200) << approved->body;
  const std::string mz_system = city().api_client("mz-dibao", mz_, {"exchange.query"});
  ASSERT_FALSE(mz_system.empty()) << city().error();
  auto read_as_system = [&] {
    return city().call("GET", "/api/v1/resources/" + code + "/records/" + key, "", nullptr,
                       {{"X-API-Key", mz_system}, {"X-Purpose", "最低生活保障资格核查"}});
  };
  auto fresh = read_as_system();
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200) << fresh->body;

  ASSERT_FALSE(advance_clock(std::chrono::days(29)).empty());
  auto day29 = read_as_system();
  ASSERT_TRUE(day29);
  EXPECT_EQ(day29->status, 200) << day29->body;
  EXPECT_EQ(day29->json().at("name"), "张*");  // masked as the grant says

  ASSERT_FALSE(advance_clock(std::chrono::days(2)).empty());
  EXPECT_TRUE(IsProblem(read_as_system(), 403, "grant_required"));
  // The grant lists show it expired by the same clock.
  auto held = city().call("GET", "/api/v1/sharing/grants?box=outbox", "", nullptr,
                          {{"X-API-Key", mz_system}});
  ASSERT_TRUE(held);
  ASSERT_EQ(held->status, 200) << held->body;
  EXPECT_EQ(held->json().at("items").at(0).at("status"), "expired");
}

TEST_F(SharingTest, UnconditionalNoneFiltersAndExport) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish_people("330300-GA-0002", "unconditional"));
  ASSERT_TRUE(publish_people("330300-GA-0003", "none"));
  const std::string key = id_number("19800101", 2);
  const Headers purpose{{"X-Purpose", "低保资格核查"}};

  // Unconditional: any department reads every field, personal ones masked; a purpose is needed.
  EXPECT_TRUE(IsProblem(read("330300-GA-0002", key, mz_officer_), 400, "purpose_required"));
  auto r = read("330300-GA-0002", key, mz_officer_, purpose);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->json().at("name"), "李*");
  EXPECT_EQ(r->json().at("phone"), "138****2345");
  EXPECT_EQ(r->json().at("gender"), "女");
  // none: invisible to other departments, in reads and in the catalog.
  EXPECT_TRUE(
      IsProblem(read("330300-GA-0003", key, mz_officer_, purpose), 404, "resource_not_found"));
  EXPECT_TRUE(IsProblem(city().call("GET", "/api/v1/catalog/resources/330300-GA-0003", mz_officer_),
                        404, "resource_not_found"));
  EXPECT_TRUE(IsProblem(
      city().call(
          "POST", "/api/v1/sharing/requests", mz_officer_,
          json::object{{"resource", "330300-GA-0003"}, {"purpose", "x"}, {"legal_basis", "y"}}),
      404, "resource_not_found"));

  // Filters on indexed fields, paged by cursor; an unindexed field is a 400.
  const std::string base = "/api/v1/resources/330300-GA-0002/records";
  auto eq = city().call("GET", base + "?division_code=330302", mz_officer_, nullptr, purpose);
  ASSERT_TRUE(eq);
  ASSERT_EQ(eq->status, 200) << eq->body;
  EXPECT_EQ(eq->json().at("items").as_array().size(), 2u);
  auto prefix = city().call("GET", base + "?division_code__prefix=33030&limit=2", mz_officer_,
                            nullptr, purpose);
  ASSERT_TRUE(prefix);
  ASSERT_EQ(prefix->json().at("items").as_array().size(), 2u);
  ASSERT_TRUE(prefix->json().at("next_cursor").is_string());
  auto rest = city().call("GET",
                          base + "?division_code__prefix=33030&limit=2&cursor=" +
                              std::string(prefix->json().at("next_cursor").as_string()),
                          mz_officer_, nullptr, purpose);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->json().at("items").as_array().size(), 1u);
  auto range =
      city().call("GET", base + "?id_number__gte=" + id_number("19800101", 2), ga_officer_);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->json().at("items").as_array().size(), 2u);
  EXPECT_TRUE(
      IsProblem(city().call("GET", base + "?gender=%E7%94%B7", mz_officer_, nullptr, purpose), 400,
                "field_not_filterable"));
  EXPECT_TRUE(
      IsProblem(city().call("GET", base + "?division_code=33", mz_officer_, nullptr, purpose), 400,
                "invalid_filter"));

  // Export: CSV with the header and masked values, NDJSON a line per record.
  // (the export is exchange.export: 民政's administrator's, not its officer's)
  EXPECT_TRUE(IsProblem(
      city().call("GET", "/api/v1/resources/330300-GA-0002/export", mz_officer_, nullptr, purpose),
      403, "forbidden"));
  auto csv = city().call("GET", "/api/v1/resources/330300-GA-0002/export?format=csv", mz_admin_,
                         nullptr, purpose);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_TRUE(
      csv->body.starts_with("id_number,name,gender,birth_date,address,division_code,"
                            "phone,registered_at,household_size,income\r\n"))
      << csv->body;
  EXPECT_NE(csv->body.find("王*"), std::string::npos);
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'), 4);
  auto ndjson =
      city().call("GET", "/api/v1/resources/330300-GA-0002/export?format=ndjson", ga_admin_);
  ASSERT_TRUE(ndjson);
  EXPECT_EQ(std::count(ndjson->body.begin(), ndjson->body.end(), '\n'), 3);
  EXPECT_NE(ndjson->body.find("张三"), std::string::npos);  // the provider: unmasked
  json::array exports = audit_records("exchange.records.export", 2);
  ASSERT_GE(exports.size(), 2u);
}

// Filter values are percent-decoded like every other query parameter (issue 16, point 7): a
// Chinese name matches the records holding it, and a percent-encoded division code is the code,
// not its 36 escaped characters; a prefix and a range filter page by cursor in the field's order.
TEST_F(SharingTest, FilterValuesArePercentDecoded) {
  ASSERT_TRUE(open_city());
  json::object r = population("330300-GA-0004");
  for (json::value& f : r.at("fields").as_array()) {
    if (f.at("name") == "name") f.as_object()["indexed"] = true;
  }
  ASSERT_TRUE(publish(r, ga_admin_));
  std::string rows;
  const char* names[] = {"王俊", "王俊杰", "李四", "王俊", "张三"};
  const char* divisions[] = {"330302001001", "330302001002", "330303001001", "330302001001",
                             "330302002001"};
  for (int i = 0; i < 5; ++i) {
    rows += json::serialize(json::object{{"id_number", id_number("19800101", i + 1)},
                                         {"name", names[i]},
                                         {"division_code", divisions[i]}}) +
            "\n";
  }
  auto loaded = city().send("POST", "/api/v1/resources/330300-GA-0004/records", ga_officer_, rows,
                            {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->status, 200) << loaded->body;
  const std::string base = "/api/v1/resources/330300-GA-0004/records";
  auto ids = [](const HttpResponse& page) {
    std::vector<std::string> out;
    const json::value body = page.json();  // json() parses: keep it for the loop
    for (const json::value& item : body.at("items").as_array())
      out.emplace_back(item.at("id_number").as_string());
    return out;
  };

  // name=王俊 (as every client sends it: UTF-8, percent-encoded): the two records, not 王俊杰.
  auto named = city().call("GET", base + "?name=%E7%8E%8B%E4%BF%8A", ga_officer_);
  ASSERT_TRUE(named);
  ASSERT_EQ(named->status, 200) << named->body;
  EXPECT_EQ(ids(*named),
            (std::vector<std::string>{id_number("19800101", 1), id_number("19800101", 4)}));
  auto prefixed = city().call("GET", base + "?name__prefix=%E7%8E%8B&limit=2", ga_officer_);
  ASSERT_TRUE(prefixed);
  ASSERT_EQ(prefixed->status, 200) << prefixed->body;
  EXPECT_EQ(prefixed->json().at("items").as_array().size(), 2u);

  // division_code=330302001001 with every digit escaped (%33%33…, 36 characters).
  std::string escaped;
  for (char c : std::string("330302001001"))
    escaped += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  auto coded = city().call("GET", base + "?division_code=" + escaped, ga_officer_);
  ASSERT_TRUE(coded);
  ASSERT_EQ(coded->status, 200) << coded->body;
  EXPECT_EQ(ids(*coded),
            (std::vector<std::string>{id_number("19800101", 1), id_number("19800101", 4)}));
  // An escaped filter name too, and '+' in a query value is a space (no match here).
  auto escaped_name =
      city().call("GET", base + "?division%5Fcode__prefix=%33%33%30%33%30%32", ga_officer_);
  ASSERT_TRUE(escaped_name);
  ASSERT_EQ(escaped_name->status, 200) << escaped_name->body;
  EXPECT_EQ(escaped_name->json().at("items").as_array().size(), 4u);
  auto spaced = city().call("GET", base + "?name=%E7%8E%8B+%E4%BF%8A", ga_officer_);
  ASSERT_TRUE(spaced);
  ASSERT_EQ(spaced->status, 200) << spaced->body;
  EXPECT_TRUE(spaced->json().at("items").as_array().empty());

  // A prefix pages in division order, then key order, one record a page, each once.
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto p = city().call("GET",
                         base + "?division_code__prefix=%33%33%30%33%30%32&limit=1" +
                             (cursor.empty() ? "" : "&cursor=" + cursor),
                         ga_officer_);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->status, 200) << p->body;
    for (const std::string& id : ids(*p))
      seen.push_back(id);
    if (!p->json().at("next_cursor").is_string()) break;
    cursor = std::string(p->json().at("next_cursor").as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{id_number("19800101", 1), id_number("19800101", 4),
                                            id_number("19800101", 2), id_number("19800101", 5)}));
  // That cursor is for a query in division order: in key order it is refused.
  EXPECT_TRUE(
      IsProblem(city().call("GET", base + "?name=%E7%8E%8B%E4%BF%8A&cursor=" + cursor, ga_officer_),
                400, "invalid_cursor"));
}

// The export over more pages than it reads at a time (5 000 records), with values CSV must quote
// or guard as text (a formula), nulls and integers (negative ones unguarded): its CSV is exactly
// the records query's items, page after page, written as CSV, and its NDJSON exactly those items.
TEST_F(SharingTest, ExportOfManyPagesIsTheRecordsQueryAsCsvAndNdjson) {
  ASSERT_TRUE(open_city());
  const std::string code = "330300-GA-0004";
  json::object resource = population(code);
  resource["share_type"] = "unconditional";
  ASSERT_TRUE(publish(resource, ga_admin_));
  constexpr int kRecords = 12001;
  const char* names[] = {"张三", "欧阳娜娜", "李"};
  std::string rows;
  for (int i = 0; i < kRecords; ++i) {
    json::object row{{"id_number", id_number(fmt::format("198001{:02}", 1 + i / 1000), i % 1000)},
                     {"name", names[i % 3]},
                     {"gender", i % 2 ? "女" : "男"},
                     {"birth_date", "1980-01-01"},
                     {"address", i % 8 == 1   ? fmt::format("=HYPERLINK(\"http://x/{}\")", i)
                                 : i % 8 == 5 ? std::string("-鹿城区")
                                 : i % 4 ? fmt::format("温州市鹿城区\"五马\"街道,{}号", i)
                                         : std::string("浙江省温州市鹿城区五马街道1号")},
                     {"division_code", "330302"},
                     {"household_size", i % 7 - 3}};
    if (i % 3) row["phone"] = fmt::format("138{:08}", i);
    rows += json::serialize(row) + "\n";
  }
  auto ingested = city().send("POST", "/api/v1/resources/" + code + "/records", ga_officer_, rows,
                              {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(ingested);
  ASSERT_EQ(ingested->status, 200) << ingested->body;

  // The records query, page by page, as 民政 (masked), turned into CSV here.
  const Headers purpose{{"X-Purpose", "低保资格核查"}};
  const std::vector<std::string> header{
      "id_number",     "name",  "gender",        "birth_date",     "address",
      "division_code", "phone", "registered_at", "household_size", "income"};
  std::string expected =
      "id_number,name,gender,birth_date,address,division_code,phone,"
      "registered_at,household_size,income\r\n";
  std::vector<json::value> items;
  std::string cursor;
  do {
    auto page = city().call("GET",
                            "/api/v1/resources/" + code + "/records?limit=1000" +
                                (cursor.empty() ? "" : "&cursor=" + cursor),
                            mz_officer_, nullptr, purpose);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200) << page->body;
    const json::value body = page->json();
    for (const json::value& item : body.at("items").as_array())
      items.push_back(item);
    const json::value& next = body.at("next_cursor");
    cursor = next.is_string() ? std::string(next.as_string()) : "";
  } while (!cursor.empty());
  ASSERT_EQ(items.size(), static_cast<std::size_t>(kRecords));
  for (const json::value& item : items) {
    for (std::size_t f = 0; f < header.size(); ++f) {
      if (f > 0) expected += ',';
      const json::value* v = item.as_object().if_contains(header[f]);
      if (!v || v->is_null()) continue;
      if (v->is_int64()) {
        expected += std::to_string(v->as_int64());
        continue;
      }
      const std::string text(v->as_string());
      const bool formula = text.find_first_of("=+-@\t\r") == 0;  // guarded as text
      if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) {
        expected += text;
        continue;
      }
      expected += formula ? "\"'" : "\"";
      for (char c : text)
        expected += c == '"' ? std::string("\"\"") : std::string(1, c);
      expected += '"';
    }
    expected += "\r\n";
  }
  EXPECT_NE(expected.find("欧**"), std::string::npos);
  EXPECT_NE(expected.find("\"温州市鹿城区\"\"五马\"\"街道,2号\""), std::string::npos);
  EXPECT_NE(expected.find(",\"'=HYPERLINK(\"\"http://x/1\"\")\","), std::string::npos);
  EXPECT_NE(expected.find(",\"'-鹿城区\","), std::string::npos);

  auto csv = city().call("GET", "/api/v1/resources/" + code + "/export?format=csv", mz_admin_,
                         nullptr, purpose);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body.substr(0, 1000);
  ASSERT_EQ(csv->body.size(), expected.size());
  EXPECT_TRUE(csv->body == expected);

  auto ndjson = city().call("GET", "/api/v1/resources/" + code + "/export?format=ndjson", mz_admin_,
                            nullptr, purpose);
  ASSERT_TRUE(ndjson);
  ASSERT_EQ(ndjson->status, 200) << ndjson->body.substr(0, 1000);
  std::size_t line = 0, at = 0;
  while (at < ndjson->body.size()) {
    const std::size_t end = ndjson->body.find('\n', at);
    ASSERT_NE(end, std::string::npos);
    ASSERT_LT(line, items.size());
    EXPECT_EQ(json::parse(ndjson->body.substr(at, end - at)), items[line]) << "line " << line;
    ++line;
    at = end + 1;
  }
  EXPECT_EQ(line, items.size());
}

}  // namespace
}  // namespace zt::test
