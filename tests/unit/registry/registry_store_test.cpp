// The registry's conflict lookups on both databases (issue 16): migration 523 applied to a
// database of the previous version keeps its conflicts, and the person read's query — a key's
// open conflicts in id order — is one range of registry_conflict_by_key, not a walk of every open
// conflict of the registry through registry_conflict_status; migration 524 makes the stewards'
// list of a registry's conflicts (any status) one walk of registry_conflict_by_registry from the
// cursor, with no sort of the registry's conflicts, paging in id order.
#include "registry/registry_store.h"
#include "db/database.h"
#include "db/transaction.h"
#include "support/test_database.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace zt::registry {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string key_of(int n) {
  return fmt::format("3303021980{}", 10000000 + n);
}

// The plan of one statement, one line per step.
std::string plan_of(db::Connection& conn, const std::string& sql,
                    const std::vector<db::Param>& params) {
  const bool pg = conn.backend() == db::Backend::kPostgres;
  auto rows = conn.query((pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql, params);
  EXPECT_TRUE(rows.ok()) << rows.error().detail;
  std::string text;
  if (!rows.ok()) return text;
  for (std::size_t i = 0; i < rows->size(); ++i)
    text += (*rows)[i].get<std::string>(pg ? 0 : 3) + "\n";
  return text;
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
  EXPECT_EQ(report.applied, (std::vector<std::int64_t>{523, 524, 530}));

  ASSERT_OK_AND_ASSIGN(auto conn, database->acquire(db::Access::kWrite));
  ASSERT_OK(conn.execute("ANALYZE"));
  const bool pg = conn.backend() == db::Backend::kPostgres;
  // The statement store::conflicts runs for a key and a status.
  const std::string text = plan_of(
      conn,
      "SELECT id FROM registry_conflict WHERE registry = ? AND id "
      "> ? AND status = ? AND rkey = ? ORDER BY id LIMIT 100",
      {db::Param("person"), db::Param(std::int64_t{0}), db::Param("open"), db::Param(key_of(43))});
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

TEST(RegistryStoreTest, TheConflictListIsOneIndexWalkFromTheCursorInIdOrder) {
  ASSERT_OK_AND_ASSIGN(auto test_db, test::TestDatabase::create("regsl"));
  ASSERT_OK_AND_ASSIGN(auto database, test_db->open_migrated({registry_migrations()}));
  ASSERT_OK_AND_ASSIGN(auto conn, database->acquire(db::Access::kWrite));
  {
    // 4 000 conflicts: one in ten of the entity registry, one in nine resolved, one in
    // thirteen gone.
    ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
    for (int i = 0; i < 4000; ++i) {
      ASSERT_OK(conn.exec(
          "INSERT INTO registry_conflict (registry, rkey, attribute, digest, candidates, status, "
          "created_at, updated_at) VALUES (?, ?, 'name', 'd', '[]', ?, 1, 1)",
          i % 10 == 3 ? "entity" : "person", key_of(i),
          i % 9 == 0    ? "resolved"
          : i % 13 == 0 ? "gone"
                        : "open"));
    }
    ASSERT_OK(tx.commit());
  }
  ASSERT_OK(conn.execute("ANALYZE"));
  const bool pg = conn.backend() == db::Backend::kPostgres;
  // The statements store::conflicts runs for a page without a key: without a status (the
  // stewards' list as the sweep asks it) and with one, from the start and from a cursor.
  for (const std::string& registry : {std::string("person"), std::string("entity")}) {
    for (std::int64_t after : {std::int64_t{0}, std::int64_t{2500}}) {
      const std::string all = plan_of(conn,
                                      "SELECT id FROM registry_conflict WHERE registry = ? AND "
                                      "id > ? ORDER BY id LIMIT 51",
                                      {db::Param(registry), db::Param(after)});
      SCOPED_TRACE(all);
      if (pg) {
        // A walk of an index in id order that stops at the page: the new one, or the primary
        // key's when the planner judges the registry's rows common.
        EXPECT_THAT(all, testing::AnyOf(HasSubstr("registry_conflict_by_registry"),
                                        HasSubstr("registry_conflict_pkey")));
        EXPECT_THAT(all, Not(HasSubstr("Seq Scan")));
        EXPECT_THAT(all, Not(HasSubstr("Sort")));
      } else {
        EXPECT_THAT(all, HasSubstr("USING COVERING INDEX registry_conflict_by_registry"));
        EXPECT_THAT(all, Not(HasSubstr("TEMP B-TREE")));
      }
      const std::string open = plan_of(conn,
                                       "SELECT id FROM registry_conflict WHERE registry = ? AND "
                                       "id > ? AND status = ? ORDER BY id LIMIT 51",
                                       {db::Param(registry), db::Param(after), db::Param("gone")});
      SCOPED_TRACE(open);
      if (pg) {
        // With its statistics PostgreSQL walks the primary key when the status is common, and
        // sorts only what registry_conflict_status bounded (registry, status and id) when rare.
        EXPECT_THAT(open, Not(HasSubstr("Seq Scan")));
        if (open.find("Sort") != std::string::npos) {
          EXPECT_THAT(open, HasSubstr("Index Cond: ((registry = "));
        }
      } else {
        EXPECT_THAT(open, HasSubstr("USING COVERING INDEX registry_conflict_status"));
        EXPECT_THAT(open, Not(HasSubstr("TEMP B-TREE")));
      }
    }
  }

  // Paging the entity registry's conflicts by cursor, 7 a page, gives each of its 400
  // conflicts once in id order; with a status, only that status's.
  for (const std::optional<std::string>& status :
       {std::optional<std::string>(), std::optional<std::string>("gone")}) {
    std::vector<std::int64_t> want;
    ASSERT_OK_AND_ASSIGN(auto ids, conn.query(fmt::format("SELECT id FROM registry_conflict "
                                                          "WHERE registry = 'entity'{} ORDER BY "
                                                          "id",
                                                          status ? " AND status = 'gone'" : "")));
    for (std::size_t i = 0; i < ids.size(); ++i)
      want.push_back(ids[i].get<std::int64_t>(0));
    int expected = 0;  // entity conflicts are i % 10 == 3; gone ones i % 13 == 0, not i % 9
    for (int i = 0; i < 4000; ++i)
      expected += i % 10 == 3 && (!status || (i % 9 != 0 && i % 13 == 0));
    ASSERT_EQ(want.size(), static_cast<std::size_t>(expected));
    std::vector<std::int64_t> got;
    std::int64_t after = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      ASSERT_OK_AND_ASSIGN(auto page,
                           store::conflicts(conn, RegistryKind::kEntity, status, {}, after, 7));
      for (const store::Conflict& c : page) {
        EXPECT_EQ(c.status, status.value_or(c.status));
        got.push_back(c.id);
      }
      if (page.size() < 7) break;
      after = page.back().id;
    }
    EXPECT_EQ(got, want);
  }
}

}  // namespace
}  // namespace zt::registry
