// The registry's conflict lookups by key on both databases (issue 16, point 1): migration 523
// applied to a database of the previous version keeps its conflicts, and the person read's
// query — a key's open conflicts in id order — is one range of registry_conflict_by_key, not a
// walk of every open conflict of the registry through registry_conflict_status.
#include "registry/registry_store.h"
#include "db/database.h"
#include "db/transaction.h"
#include "support/test_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zt::registry {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string key_of(int n) {
  return "3303021980" + std::to_string(10000000 + n);
}

TEST(RegistryStoreTest, AKeysOpenConflictsAreOneIndexRangeAfterMigration523) {
  ASSERT_OK_AND_ASSIGN(auto test_db, test::TestDatabase::create("regst"));
  // The registry's migrations before 523.
  std::vector<db::Migration> before = registry_migrations();
  std::erase_if(before, [](const db::Migration& m) { return m.version >= 523; });
  ASSERT_EQ(before.back().version, 522);
  ASSERT_OK_AND_ASSIGN(auto database, test_db->open_migrated({before}));
  {
    // A registry of the previous version with 3 000 open conflicts over 1 000 keys.
    ASSERT_OK_AND_ASSIGN(auto conn, database->acquire(db::Access::kWrite));
    ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
    for (int i = 0; i < 3000; ++i) {
      ASSERT_OK(conn.exec(
          "INSERT INTO registry_conflict (registry, rkey, attribute, digest, candidates, status, "
          "created_at, updated_at) VALUES ('person', ?, ?, 'd', '[]', ?, 1, 1)",
          key_of(i % 1000), i < 1000 ? "name" : "household_address",
          i % 7 == 0 ? "resolved" : "open"));
    }
    ASSERT_OK(tx.commit());
  }
  ASSERT_OK_AND_ASSIGN(auto report, db::migrate(*database, registry_migrations()));
  EXPECT_EQ(report.applied, (std::vector<std::int64_t>{523, 530}));

  ASSERT_OK_AND_ASSIGN(auto conn, database->acquire(db::Access::kWrite));
  ASSERT_OK(conn.execute("ANALYZE"));
  const bool pg = conn.backend() == db::Backend::kPostgres;
  // The statement store::conflicts runs for a key and a status.
  ASSERT_OK_AND_ASSIGN(auto plan,
                       conn.query(std::string(pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") +
                                      "SELECT id FROM registry_conflict WHERE registry = ? AND id "
                                      "> ? AND status = ? AND rkey = ? ORDER BY id LIMIT 100",
                                  "person", std::int64_t{0}, "open", key_of(43)));
  std::string text;
  for (std::size_t i = 0; i < plan.size(); ++i)
    text += plan[i].get<std::string>(pg ? 0 : 3) + "\n";
  SCOPED_TRACE(text);
  EXPECT_THAT(text, HasSubstr("registry_conflict_by_key"));
  EXPECT_THAT(text, Not(HasSubstr("registry_conflict_status")));
  EXPECT_THAT(text, Not(HasSubstr(pg ? "Sort" : "TEMP B-TREE")));

  // Key 43's conflicts: the name (#43, open) and two addresses (#1043 resolved, #2043 open).
  ASSERT_OK_AND_ASSIGN(auto open, store::conflicts(conn, RegistryKind::kPerson, std::string("open"),
                                                   key_of(43), 0, 100));
  std::vector<std::string> attributes;
  for (const store::Conflict& c : open)
    attributes.push_back(c.attribute);
  EXPECT_EQ(attributes, (std::vector<std::string>{"name", "household_address"}));
  ASSERT_OK_AND_ASSIGN(auto resolved, store::conflicts(conn, RegistryKind::kPerson,
                                                       std::string("resolved"), key_of(43), 0, 9));
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].attribute, "household_address");
}

}  // namespace
}  // namespace zt::registry
