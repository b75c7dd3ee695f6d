// A fresh, migrated database per test for the audit suites, on the backend the environment
// names (the pattern of tests/unit/db/storage_test.cpp):
//   ZT_TEST_BACKEND=postgresql  -> a schema of its own in ZT_TEST_PG_URL (required)
//   otherwise                   -> ZT_TEST_DATABASE_URL (sqlite:PATH), a file per test
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "audit/service.h"
#include "audit/store.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"
#include "db/url.h"

#define ASSERT_OK(expr)                                                           \
  do {                                                                            \
    const auto& zt_r_ = (expr);                                                   \
    ASSERT_TRUE(zt_r_.ok()) << #expr << " failed: " << zt_r_.error().code << ": " \
                            << zt_r_.error().detail;                              \
  } while (0)

namespace zt::audit::testing {

inline const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

class AuditDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base;
    const char* backend = env("ZT_TEST_BACKEND");
    if (backend != nullptr && std::string_view(backend) == "postgresql") {
      const char* pg = env("ZT_TEST_PG_URL");
      ASSERT_NE(pg, nullptr) << "ZT_TEST_PG_URL is not set: the PostgreSQL run needs a server, "
                                "e.g. ZT_TEST_PG_URL=$(scripts/pg_temp.sh start /tmp/zt-pg)";
      base = pg;
    } else if (const char* url = env("ZT_TEST_DATABASE_URL")) {
      base = url;
    } else {
      base =
          "sqlite:" + (std::filesystem::path(::testing::TempDir()) / "zt_audit_test.db").string();
    }
    auto parsed = db::parse_database_url(base);
    ASSERT_OK(parsed);
    backend_ = parsed->backend;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string test = std::string(info->test_suite_name()) + "_" + info->name();
    if (backend_ == db::Backend::kSqlite) {
      sqlite_path_ = parsed->sqlite_path + "." + test;
      remove_sqlite_files();
      url_ = "sqlite:" + sqlite_path_;
    } else {
      auto admin = db::Database::open(base, {.pool_size = 1});
      ASSERT_OK(admin);
      admin_ = std::move(admin).value();
      std::random_device rd;
      schema_ = "zt_a_";
      for (int i = 0; i < 10; ++i)
        schema_ += "0123456789abcdef"[rd() % 16];
      schema_ += "_";
      for (char c : test.substr(0, 40))
        schema_ += std::isalnum(static_cast<unsigned char>(c))
                       ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                       : '_';
      auto conn = admin_->acquire(db::Access::kWrite);
      ASSERT_OK(conn);
      ASSERT_OK(conn->execute("CREATE SCHEMA " + schema_));
      url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
             schema_;
    }
    open();
    auto migrations = db::foundation_migrations();
    for (auto& m : audit::migrations())
      migrations.push_back(std::move(m));
    ASSERT_OK(db::migrate(*db_, migrations));
  }

  void TearDown() override {
    log_.reset();
    db_.reset();
    if (admin_) {
      auto conn = admin_->acquire(db::Access::kWrite);
      if (conn.ok()) (void)conn->execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
    if (!sqlite_path_.empty()) remove_sqlite_files();
  }

  void open() {
    log_.reset();
    db_.reset();
    auto db =
        db::Database::open(url_, {.pool_size = 8, .acquire_timeout = std::chrono::seconds(30)});
    ASSERT_OK(db);
    db_ = std::move(db).value();
    log_ = std::make_unique<AuditLog>(*db_, crypto_, clock_);
  }

  void close() {
    log_.reset();
    db_.reset();
  }

  void remove_sqlite_files() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(sqlite_path_ + suffix, ec);
  }

  std::int64_t count(std::string_view where = "") {
    auto conn = db_->acquire(db::Access::kRead);
    if (!conn.ok()) return -1;
    auto rows = conn->query("SELECT COUNT(*) FROM audit_records " + std::string(where));
    if (!rows.ok()) return -1;
    return (*rows)[0].get<std::int64_t>(0);
  }

  static AuditEntry entry(std::string action, std::string object_id = "") {
    AuditEntry e;
    e.actor_kind = "user";
    e.actor_id = 7;
    e.actor_name = "zhangsan";
    e.department_id = 3;
    e.source_address = "10.0.0.8";
    e.action = std::move(action);
    e.object_type = "user";
    e.object_id = std::move(object_id);
    e.request_id = "req-1";
    return e;
  }

  db::Backend backend_ = db::Backend::kSqlite;
  std::string url_;
  std::string sqlite_path_;
  std::string schema_;
  std::unique_ptr<db::Database> admin_;
  std::unique_ptr<db::Database> db_;
  core::OpenSslCryptoProvider crypto_;
  core::SystemClock clock_;
  std::unique_ptr<AuditLog> log_;
};

}  // namespace zt::audit::testing
