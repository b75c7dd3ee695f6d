// A fresh, migrated database per test for the audit suites, on the backend the environment
// names (see support/test_database.h).
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
#include "support/test_database.h"

namespace zt::audit::testing {

class AuditDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(test_db_, test::TestDatabase::create("au"));
    backend_ = test_db_->backend();
    url_ = test_db_->url();
    sqlite_path_ = test_db_->sqlite_path();
    keys_ = test_keys(crypto_);
    open();
    auto migrations = db::foundation_migrations();
    for (auto& m : audit::migrations())
      migrations.push_back(std::move(m));
    ASSERT_OK(db::migrate(*db_, migrations));
  }

  void TearDown() override {
    log_.reset();
    db_.reset();
    test_db_.reset();
  }

  void open() {
    log_.reset();
    db_.reset();
    auto db =
        db::Database::open(url_, {.pool_size = 8, .acquire_timeout = std::chrono::seconds(30)});
    ASSERT_OK(db);
    db_ = std::move(db).value();
    log_ = std::make_unique<AuditLog>(*db_, crypto_, clock_, keys_);
  }

  void close() {
    log_.reset();
    db_.reset();
  }

  std::int64_t count(std::string_view where = "") {
    auto conn = db_->acquire(db::Access::kRead);
    if (!conn.ok()) return -1;
    auto rows = conn->query("SELECT COUNT(*) FROM audit_records " + std::string(where));
    if (!rows.ok()) return -1;
    return (*rows)[0].get<std::int64_t>(0);
  }

  // A fresh chain key and SM2 signing key pair, as app::load_audit_keys would make them.
  static AuditKeys test_keys(const core::CryptoProvider& crypto) {
    AuditKeys keys;
    keys.chain_key = *crypto.random_bytes(kChainKeySize);
    auto pair = crypto.generate_sm2_key();
    keys.signing_key_pem = pair->private_pem;
    keys.public_key_pem = pair->public_pem;
    return keys;
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
  std::string sqlite_path_;  // empty on PostgreSQL
  std::unique_ptr<test::TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
  core::OpenSslCryptoProvider crypto_;
  core::SystemClock clock_;
  AuditKeys keys_;
  std::unique_ptr<AuditLog> log_;
};

}  // namespace zt::audit::testing
