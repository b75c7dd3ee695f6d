// The check every integration test's answers go through (api_schema_check.h): a 2xx JSON answer
// is validated against the running server's own /api/openapi.json, and an answer that
// disagrees — a wrong type, a missing required property, an undocumented 2xx status — fails
// the test with the route, the status and the JSON pointer. Also a tour of the routes no other
// suite calls with success, so their answers are checked too.
#include "integration/api_schema_check.h"
#include "integration/hub_test.h"
#include "integration/server_test.h"

#include <gtest/gtest-spi.h>

namespace zt::test {
namespace {

class ApiSchemaTest : public ServerTest {};

TEST_F(ApiSchemaTest, EveryJsonAnswerIsValidatedAgainstTheServersDocument) {
  ASSERT_TRUE(start());
  const std::size_t before = answers_validated();
  auto version = fetch("GET", "/api/v1/version");
  ASSERT_TRUE(version);
  ASSERT_EQ(version->status, 200);
  EXPECT_EQ(answers_validated(), before + 1);
  // Not looked at: a problem, a HEAD, a non-JSON body.
  ASSERT_TRUE(fetch("GET", "/api/v1/catalog/resources"));  // 401 problem+json
  ASSERT_TRUE(fetch("HEAD", "/api/v1/version"));
  ASSERT_TRUE(fetch("GET", "/metrics"));  // text/plain
  EXPECT_EQ(answers_validated(), before + 1);
}

TEST_F(ApiSchemaTest, AnAnswerThatDisagreesWithTheDocumentFails) {
  ASSERT_TRUE(start());
  auto version = fetch("GET", "/api/v1/version");
  ASSERT_TRUE(version);
  HttpResponse forged = *version;
  forged.body = R"({"name":"zhengtong","version":2,"commit":"abc","api":"v1"})";
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/version", forged),
                          "GET /api/v1/version (target /api/v1/version) answered 200: at "
                          "'/version': expected type \"string\", got integer 2");
  forged.body = R"({"name":"zhengtong","version":"1","commit":"abc"})";
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/version?x=1", forged),
                          "required property 'api' is missing");
  // A 2xx status the route does not document.
  forged = *version;
  forged.status = 203;
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/version", forged),
                          "status 203 is not documented");
  // A path or method the document does not have.
  forged.status = 200;
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "POST", "/api/v1/version", forged),
                          "the method is not documented for this path");
  EXPECT_NONFATAL_FAILURE(check_answer(port(), "GET", "/api/v1/versions", forged),
                          "no documented path matches");
}

class ApiSchemaTourTest : public HubTest {
 protected:
  // `method target` as `token` answers `status`; its JSON (checked against the document by the
  // client), or null and a failure.
  boost::json::value ok(std::string_view method, const std::string& target,
                        const std::string& token, const boost::json::value& body = {},
                        int status = 200) {
    auto r = city().call(method, target, token, body);
    EXPECT_TRUE(r) << method << " " << target << ": " << city().error();
    if (!r) return nullptr;
    EXPECT_EQ(r->status, status) << method << " " << target << ": " << r->body;
    return r->json();
  }
  // The id of the item of `page` whose `field` is `value` (0 when none).
  static std::int64_t id_of(const boost::json::value& page, std::string_view field,
                            std::string_view value) {
    if (!page.is_object() || !page.as_object().contains("items")) return 0;
    for (const auto& item : page.at("items").as_array()) {
      if (item.at(field) == boost::json::value(value)) return item.at("id").as_int64();
    }
    return 0;
  }
};

TEST_F(ApiSchemaTourTest, RoutesNoOtherSuiteCallsAnswerAsDocumented) {
  namespace json = boost::json;
  ASSERT_TRUE(open_city());
  const std::string& sys = city().sysadmin();
  const std::string dept = fmt::format("/api/v1/departments/{}", ga_);
  ok("GET", dept, sys);
  ok("PUT", dept, sys,
     json::object{{"code", "330300-GA"}, {"name", "温州市公安局"}, {"division_code", "330300"}});
  ok("GET", dept + "/history", sys);

  const std::int64_t officer =
      id_of(ok("GET", "/api/v1/users?limit=200", sys), "username", "ga_officer");
  ASSERT_NE(officer, 0);
  const std::string user = fmt::format("/api/v1/users/{}", officer);
  ok("GET", user, sys);
  ok("PATCH", user, sys, json::object{{"display_name", "公安局办事员"}});
  ok("POST", user + "/password-reset", sys);
  ok("POST", user + "/disable", sys);

  ASSERT_FALSE(city().api_client("ga-sync", ga_, {"exchange.query"}).empty()) << city().error();
  const std::int64_t client = id_of(ok("GET", "/api/v1/api-clients", sys), "name", "ga-sync");
  ASSERT_NE(client, 0);
  ok("PUT", fmt::format("/api/v1/api-clients/{}/permissions", client), city().secadmin(),
     json::object{{"permissions", json::array{"exchange.query", "exchange.export"}}});
  ok("POST", fmt::format("/api/v1/api-clients/{}/revoke", client), sys);
  const json::value verified = ok("GET", "/api/v1/audit/verify", city().auditadmin());
  EXPECT_EQ(verified.at("ok"), true) << verified;
  // The signed checkpoints, as the checkpoint file's lines (the server signed its head at start).
  auto checkpoints = city().call("GET", "/api/v1/audit/checkpoints", city().auditadmin());
  ASSERT_TRUE(checkpoints) << city().error();
  EXPECT_EQ(checkpoints->status, 200) << checkpoints->body;
  EXPECT_EQ(checkpoints->header("content-type"), "application/x-ndjson");
  ASSERT_FALSE(checkpoints->body.empty());
  for (std::string_view rest = checkpoints->body; !rest.empty();) {
    const std::size_t end = rest.find('\n');
    ASSERT_NE(end, std::string_view::npos) << checkpoints->body;
    const json::value line = json::parse(rest.substr(0, end));
    for (const char* key : {"record_id", "record_hash", "keyed_from", "time", "signature"})
      EXPECT_TRUE(line.as_object().contains(key)) << key << " in " << line;
    rest.remove_prefix(end + 1);
  }

  // A sharing request withdrawn, another approved, and the grant it made.
  ASSERT_TRUE(publish(population("330300-GA-0001"), ga_admin_));
  const json::object asked{{"resource", "330300-GA-0001"},
                           {"purpose", "最低生活保障资格核查"},
                           {"legal_basis", "《社会救助暂行办法》"},
                           {"fields", json::array{"name"}},
                           {"duration_days", 30}};
  const json::value first = ok("POST", "/api/v1/sharing/requests", mz_officer_, asked, 201);
  ASSERT_TRUE(first.is_object());
  const std::string request = fmt::format("/api/v1/sharing/requests/{}", first.at("id").as_int64());
  ok("GET", request, mz_officer_);
  ok("POST", request + "/withdraw", mz_officer_);
  const json::value second = ok("POST", "/api/v1/sharing/requests", mz_officer_, asked, 201);
  ASSERT_TRUE(second.is_object());
  ok("POST", fmt::format("/api/v1/sharing/requests/{}/approve", second.at("id").as_int64()),
     ga_admin_, json::object{{"fields", json::array{"name"}}});
  const json::value grants = ok("GET", "/api/v1/sharing/grants", mz_officer_);
  ASSERT_TRUE(grants.is_object());
  ASSERT_FALSE(grants.at("items").as_array().empty()) << json::serialize(grants);
  ok("GET",
     fmt::format("/api/v1/sharing/grants/{}", grants.at("items").as_array()[0].at("id").as_int64()),
     mz_officer_);
}

}  // namespace
}  // namespace zt::test
