// TestDatabase: a fresh, empty database for one test, on the backend the environment names —
// what every suite that runs on both databases starts from.
//   ZT_TEST_BACKEND=postgresql  → a schema of its own in the server at ZT_TEST_PG_URL (required:
//                                 without it the test fails with a message saying what to set)
//   otherwise                   → a SQLite file of its own, next to ZT_TEST_DATABASE_URL
//                                 (sqlite:PATH) or in the test temp directory
// The destructor drops the schema or removes the files.
//
// open_migrated() opens it with the foundation migrations and a suite's modules' migrations run.
//
// Also the assertion macros these suites share: ASSERT_OK(result), EXPECT_ERROR(result, code),
// ASSERT_OK_AND_ASSIGN(lhs, result).
#pragma once

#include "core/result.h"
#include "db/dialect.h"
#include "db/migration.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#define ASSERT_OK(expr)                                                           \
  do {                                                                            \
    const auto& zt_r_ = (expr);                                                   \
    ASSERT_TRUE(zt_r_.ok()) << #expr << " failed: " << zt_r_.error().code << ": " \
                            << zt_r_.error().detail;                              \
  } while (0)

#define EXPECT_ERROR(expr, want_code)                                            \
  do {                                                                           \
    const auto& zt_r_ = (expr);                                                  \
    ASSERT_FALSE(zt_r_.ok()) << #expr << " succeeded, expected " << (want_code); \
    EXPECT_EQ(zt_r_.error().code, (want_code)) << zt_r_.error().detail;          \
  } while (0)

// Moves the value of a successful Result into `lhs` (declared before); a failed one fails the test
// fatally with its code and detail, as ASSERT_OK does.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ZT_TEST_ASSIGN_IMPL_(ZT_TEST_CONCAT_(zt_result_, __LINE__), lhs, expr)
#define ZT_TEST_CONCAT_INNER_(a, b) a##b
#define ZT_TEST_CONCAT_(a, b) ZT_TEST_CONCAT_INNER_(a, b)
#define ZT_TEST_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                         \
  ASSERT_OK(tmp);                            \
  lhs = std::move(tmp).value()

namespace zt::db {
class Database;
}

namespace zt::test {

class TestDatabase {
 public:
  // Makes the database for the running test; `tag` (a few letters) goes into the schema or file
  // name so leftovers say which suite made them. Failure: Error with what to fix.
  static Result<std::unique_ptr<TestDatabase>> create(std::string_view tag);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Opens it (a pool of `pool_size`) and runs db::foundation_migrations() and then each list of
  // `modules` in order: what a store or service suite starts from. Failure: the open's or the
  // migration's error.
  Result<std::unique_ptr<db::Database>> open_migrated(
      std::initializer_list<std::vector<db::Migration>> modules, std::size_t pool_size = 4) const;

  // The URL to open it with (for PostgreSQL it sets search_path to the test's schema).
  const std::string& url() const { return url_; }
  db::Backend backend() const { return backend_; }
  // The SQLite file (empty on PostgreSQL), for tests that edit it behind the layer's back.
  const std::string& sqlite_path() const { return sqlite_path_; }
  // The PostgreSQL schema (empty on SQLite).
  const std::string& schema() const { return schema_; }

 private:
  TestDatabase() = default;
  void remove_sqlite_files() const;

  db::Backend backend_ = db::Backend::kSqlite;
  std::string url_;
  std::string sqlite_path_;
  std::string schema_;
  std::unique_ptr<db::Database> admin_;  // PostgreSQL: the connection that drops the schema
};

}  // namespace zt::test
