// The audit routes: documented for /api/openapi.json with the audit.read permission, and the
// JSON and CSV forms of a record.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit/api.h"
#include "core/crypto_openssl.h"
#include "db/database.h"
#include "http/openapi.h"

namespace zt::audit {
namespace {

TEST(AuditApi, RoutesNeedAuditReadAndAreDocumented) {
  auto db = db::Database::open("sqlite::memory:", {});
  ASSERT_TRUE(db.ok());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  AuditLog log(**db, crypto, clock, {.chain_key = std::string(kChainKeySize, 'a')});
  AuditWriter writer(log);
  AuditCheckpointer checkpointer(log, {});
  http::Router router;
  add_routes(router, log, writer, checkpointer);
  ASSERT_EQ(router.routes().size(), 4u);
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(route->pattern);
    EXPECT_EQ(route->method, http::Method::kGet);
    EXPECT_EQ(route->options.permission, "audit.read");
    EXPECT_EQ(route->options.access, http::Access::kSignedIn);
    EXPECT_EQ(route->options.execution, http::Execution::kBlocking);
    EXPECT_FALSE(route->doc.summary.empty());
    EXPECT_FALSE(route->doc.responses.empty());
  }
  auto doc = http::openapi_document(router, {.version = "1"});
  const auto& paths = doc.at("paths").as_object();
  ASSERT_TRUE(paths.contains("/api/v1/audit/records"));
  ASSERT_TRUE(paths.contains("/api/v1/audit/records/export"));
  ASSERT_TRUE(paths.contains("/api/v1/audit/verify"));
  ASSERT_TRUE(paths.contains("/api/v1/audit/checkpoints"));
  std::set<std::string> names;
  for (const auto& p : paths.at("/api/v1/audit/records").at("get").at("parameters").as_array())
    names.insert(std::string(p.at("name").as_string()));
  EXPECT_EQ(names, (std::set<std::string>{"from", "to", "actor_id", "actor_name", "department_id",
                                          "action", "object_type", "object_id", "outcome", "limit",
                                          "cursor"}));
}

AuditRecord sample() {
  AuditRecord r;
  r.id = 3;
  r.time = core::TimePoint(std::chrono::milliseconds(1'795'000'000'123));
  r.entry.actor_kind = "anonymous";
  r.entry.actor_name = "=HYPERLINK(\"http://x\")";
  r.entry.source_address = "10.0.0.8";
  r.entry.action = "auth.login";
  r.entry.object_type = "user";
  r.entry.outcome = "failure";
  r.entry.purpose = "核查, \"复核\"";
  r.entry.detail = "line1\nline2";
  r.prev_hash = "aa";
  r.hash = "bb";
  return r;
}

TEST(AuditApi, CsvLineQuotesAndDefusesFormulas) {
  EXPECT_EQ(csv_header(),
            "id,time,actor_kind,actor_id,actor_name,department_id,source_address,action,"
            "object_type,object_id,outcome,request_id,purpose,case_id,detail,prev_hash,hash\r\n");
  EXPECT_EQ(
      csv_line(sample()),
      "3,2026-11-18T19:06:40.123+08:00,anonymous,,\"'=HYPERLINK(\"\"http://x\"\")\",,"
      "10.0.0.8,auth.login,user,,failure,,\"核查, \"\"复核\"\"\",,\"line1\nline2\",aa,bb\r\n");
}

TEST(AuditApi, JsonForms) {
  auto record = to_json(sample());
  EXPECT_EQ(record.at("id"), 3);
  EXPECT_EQ(record.at("time"), "2026-11-18T19:06:40.123+08:00");
  EXPECT_TRUE(record.at("actor_id").is_null());
  EXPECT_TRUE(record.at("department_id").is_null());
  EXPECT_EQ(record.at("purpose"), "核查, \"复核\"");
  EXPECT_EQ(record.size(), 17u);

  VerifyReport broken{.records_checked = 7,
                      .ok = false,
                      .first_broken_id = 8,
                      .reason = "records_missing",
                      .head_id = 7,
                      .keyed_from = 1,
                      .checkpoints_checked = 2,
                      .last_checkpoint_id = 10};
  EXPECT_EQ(boost::json::serialize(to_json(broken)),
            R"({"records_checked":7,"ok":false,"first_broken_id":8,"reason":"records_missing",)"
            R"("head_id":7,"keyed_from":1,"checkpoints_checked":2,"last_checkpoint_id":10})");
  EXPECT_EQ(boost::json::serialize(to_json(VerifyReport{.records_checked = 2, .head_id = 2})),
            R"({"records_checked":2,"ok":true,"first_broken_id":null,"reason":null,"head_id":2,)"
            R"("keyed_from":1,"checkpoints_checked":0,"last_checkpoint_id":null})");
}

}  // namespace
}  // namespace zt::audit
