// What the issue asks the audit log to show: a record edited or deleted behind the service's back
// is named by verify (SQLite, and the real `zhengtong audit verify` binary), and on PostgreSQL the
// database itself refuses to change or delete audit records.
#include <sqlite3.h>
#include <sys/wait.h>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>

#include "audit/verify.h"
#include "unit/audit/audit_fixture.h"

namespace zt::audit {
namespace {

class AuditTamperTest : public testing::AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    std::vector<AuditEntry> batch;
    for (int i = 1; i <= 10; ++i)
      batch.push_back(entry(i % 2 ? "auth.login" : "person.read", std::to_string(i)));
    ASSERT_OK(log_->append_batch(batch));
    auto report = verify_chain(*db_, crypto_);
    ASSERT_OK(report);
    ASSERT_TRUE(report->ok);
  }

  // Runs SQL on the SQLite file with the sqlite3 C API, bypassing Zhengtong altogether.
  void sqlite_exec(const std::string& sql) {
    ASSERT_EQ(backend_, db::Backend::kSqlite);
    close();  // the service's connections are gone: this is someone else editing the file
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(sqlite_path_.c_str(), &raw), SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> handle(raw, sqlite3_close);
    char* error = nullptr;
    const int rc = sqlite3_exec(handle.get(), sql.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    ASSERT_EQ(rc, SQLITE_OK) << message;
    ASSERT_EQ(sqlite3_changes(handle.get()), 1);
    handle.reset();
    open();
  }

  VerifyReport verify() {
    auto report = verify_chain(*db_, crypto_, /*page_size=*/3);
    EXPECT_TRUE(report.ok()) << report.error().detail;
    return report.ok() ? *report : VerifyReport{};
  }

  struct Cli {
    int exit_code = -1;
    std::string output;
  };
  // Runs the real binary: `zhengtong audit verify` against this test's SQLite file.
  Cli run_cli() {
    Cli cli;
    const std::filesystem::path dir = std::filesystem::path(sqlite_path_).parent_path();
    const std::string command = "cd '" + dir.string() +
                                "' && ZT_DATABASE_URL='sqlite:" + sqlite_path_ + "' '" + ZT_BINARY +
                                "' audit verify 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return cli;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
      cli.output.append(buffer, n);
    const int status = pclose(pipe);
    cli.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return cli;
  }

  void expect_cli_names(std::int64_t id, std::string_view reason) {
    close();  // nothing of this process holds the file while the binary reads it
    Cli cli = run_cli();
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    boost::system::error_code ec;
    auto json = boost::json::parse(cli.output, ec);
    ASSERT_FALSE(ec) << cli.output;
    EXPECT_EQ(json.at("ok"), false) << cli.output;
    EXPECT_EQ(json.at("first_broken_id"), id) << cli.output;
    EXPECT_EQ(json.at("reason").as_string(), reason) << cli.output;
    open();
  }

  Status pg_exec(const std::string& sql) {
    auto conn = db_->acquire(db::Access::kWrite);
    if (!conn.ok()) return std::move(conn).error();
    auto n = conn->exec(sql);
    if (!n.ok()) return std::move(n).error();
    return {};
  }
};

// Each check below belongs to one database; CMake lists it for that database only
// (zt_discover_on_both_databases). Run by hand on the other one, it skips.
#define SKIP_UNLESS(backend) \
  if (backend_ != (backend)) GTEST_SKIP() << "this check is for the other database"

TEST_F(AuditTamperTest, SqliteIntactChainVerifiesWithTheBinary) {
  SKIP_UNLESS(db::Backend::kSqlite);
  close();
  Cli cli = run_cli();
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(boost::json::parse(cli.output),
            boost::json::parse(R"({"records_checked":10,"ok":true,"first_broken_id":null,)"
                               R"("reason":null,"head_id":10})"));
}

TEST_F(AuditTamperTest, SqliteEditedRecordIsNamedAsHashMismatch) {
  SKIP_UNLESS(db::Backend::kSqlite);
  sqlite_exec("UPDATE audit_records SET action = 'nothing.happened' WHERE id = 5");
  VerifyReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, 5);
  EXPECT_EQ(report.reason, "hash_mismatch");
  EXPECT_EQ(report.records_checked, 5);
  expect_cli_names(5, "hash_mismatch");
}

TEST_F(AuditTamperTest, SqliteEditedTimeIsNamed) {
  SKIP_UNLESS(db::Backend::kSqlite);
  sqlite_exec("UPDATE audit_records SET time = '2020-01-01T00:00:00.000Z' WHERE id = 7");
  VerifyReport report = verify();
  EXPECT_EQ(report.first_broken_id, 7);
  EXPECT_EQ(report.reason, "hash_mismatch");
}

TEST_F(AuditTamperTest, SqliteRehashedRecordBreaksTheNextLink) {
  SKIP_UNLESS(db::Backend::kSqlite);
  // A forger who edits record 5 and recomputes its own hash still breaks record 6's prev_hash.
  auto page = log_->list({}, 6, 1);  // the record before id 6
  ASSERT_OK(page);
  AuditRecord forged = page->items.at(0);
  ASSERT_EQ(forged.id, 5);
  forged.entry.action = "nothing.happened";
  auto hash = chain_hash(crypto_, forged.prev_hash, forged);
  ASSERT_OK(hash);
  sqlite_exec("UPDATE audit_records SET action = 'nothing.happened', hash = '" + *hash +
              "' WHERE id = 5");
  VerifyReport report = verify();
  EXPECT_EQ(report.first_broken_id, 6);
  EXPECT_EQ(report.reason, "prev_hash_mismatch");
}

TEST_F(AuditTamperTest, SqliteDeletedMiddleRecordIsNamedAsGap) {
  SKIP_UNLESS(db::Backend::kSqlite);
  sqlite_exec("DELETE FROM audit_records WHERE id = 4");
  VerifyReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, 4);
  EXPECT_EQ(report.reason, "gap");
  expect_cli_names(4, "gap");
}

TEST_F(AuditTamperTest, SqliteDeletedFirstRecordIsNamedAsGap) {
  SKIP_UNLESS(db::Backend::kSqlite);
  sqlite_exec("DELETE FROM audit_records WHERE id = 1");
  VerifyReport report = verify();
  EXPECT_EQ(report.first_broken_id, 1);
  EXPECT_EQ(report.reason, "gap");
}

TEST_F(AuditTamperTest, SqliteDeletedLastRecordIsNamedAsHeadMismatch) {
  SKIP_UNLESS(db::Backend::kSqlite);
  sqlite_exec("DELETE FROM audit_records WHERE id = 10");
  VerifyReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, 10);
  EXPECT_EQ(report.reason, "head_mismatch");
  EXPECT_EQ(report.records_checked, 9);
  expect_cli_names(10, "head_mismatch");
}

TEST_F(AuditTamperTest, PostgresRefusesUpdateDeleteAndTruncate) {
  SKIP_UNLESS(db::Backend::kPostgres);
  auto update = pg_exec("UPDATE audit_records SET action = 'nothing.happened' WHERE id = 5");
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, "database_error");
  EXPECT_NE(update.error().detail.find("append-only: UPDATE on audit_records refused"),
            std::string::npos)
      << update.error().detail;
  EXPECT_NE(update.error().detail.find("42501"), std::string::npos) << update.error().detail;

  auto remove = pg_exec("DELETE FROM audit_records WHERE id = 4");
  ASSERT_FALSE(remove.ok());
  EXPECT_NE(remove.error().detail.find("append-only: DELETE on audit_records refused"),
            std::string::npos)
      << remove.error().detail;

  auto truncate = pg_exec("TRUNCATE audit_records");
  ASSERT_FALSE(truncate.ok());
  EXPECT_NE(truncate.error().detail.find("append-only: TRUNCATE"), std::string::npos)
      << truncate.error().detail;

  auto head = pg_exec("DELETE FROM audit_chain_head");
  ASSERT_FALSE(head.ok());
  EXPECT_NE(head.error().detail.find("append-only: DELETE on audit_chain_head"), std::string::npos)
      << head.error().detail;

  EXPECT_EQ(count(), 10);
  VerifyReport report = verify();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.records_checked, 10);
  // Appending still works (the head may be updated).
  ASSERT_OK(log_->append(entry("after")));
  EXPECT_TRUE(verify().ok);
}

}  // namespace
}  // namespace zt::audit
