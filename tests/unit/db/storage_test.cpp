// Storage suite for zt::db, run once per backend.
//
// The database comes from the environment:
//   ZT_TEST_BACKEND=postgresql  -> the URL in ZT_TEST_PG_URL (required: the tests fail without it)
//   otherwise                   -> ZT_TEST_DATABASE_URL (sqlite:PATH or postgresql://...), or a
//                                  SQLite file in the test temp dir when unset.
// Each test gets a fresh database: a SQLite file of its own, or a PostgreSQL schema of its own
// (dropped afterwards), so reruns and parallel runs are clean.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "db/bulk_load.h"
#include "db/database.h"
#include "db/dialect.h"
#include "db/migration.h"
#include "db/read_snapshot.h"
#include "db/rows.h"
#include "db/transaction.h"
#include "db/url.h"
#include "db/worker_lease.h"
#include "support/test_database.h"

namespace zt::db {
namespace {

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(test_db_, test::TestDatabase::create("st"));
    backend_ = test_db_->backend();
    url_ = test_db_->url();
    auto db = Database::open(url_, options_);
    ASSERT_OK(db);
    db_ = std::move(db).value();
  }

  void TearDown() override {
    db_.reset();
    test_db_.reset();
  }

  // Reopens the database with other options.
  void reopen(const Options& options) {
    db_.reset();
    auto db = Database::open(url_, options);
    ASSERT_OK(db);
    db_ = std::move(db).value();
  }

  Connection writer() {
    auto c = db_->acquire(Access::kWrite);
    if (!c.ok()) throw std::runtime_error("acquire: " + c.error().detail);
    return std::move(c).value();
  }

  std::int64_t count(std::string_view table) {
    auto conn = db_->acquire(Access::kRead);
    if (!conn.ok()) return -1;
    auto rows = conn->query("SELECT COUNT(*) FROM " + std::string(table));
    if (!rows.ok()) return -1;
    return (*rows)[0].get<std::int64_t>(0);
  }

  std::string render(std::string_view sql) const { return Dialect::of(backend_).render(sql); }

  Backend backend_ = Backend::kSqlite;
  Options options_;
  std::string url_;
  std::unique_ptr<test::TestDatabase> test_db_;
  std::unique_ptr<Database> db_;
};

TEST_F(StorageTest, OpensWithTheRightBackendAndPings) {
  EXPECT_EQ(db_->backend(), backend_);
  ASSERT_OK(db_->ping());
  PoolStats s = db_->stats();
  EXPECT_GE(s.open, 1u);
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_EQ(s.waiting, 0u);

  if (backend_ == Backend::kPostgres) {  // the short scheme works too
    ASSERT_EQ(url_.rfind("postgresql://", 0), 0u);
    auto short_scheme = Database::open("postgres://" + url_.substr(13), options_);
    ASSERT_OK(short_scheme);
    ASSERT_OK((*short_scheme)->ping());
  } else {  // a private in-memory database: one connection serves reads and writes
    auto memory = Database::open("sqlite::memory:", options_);
    ASSERT_OK(memory);
    {
      auto w = (*memory)->acquire(Access::kWrite);
      ASSERT_OK(w);
      ASSERT_OK(w->execute("CREATE TABLE m (a TEXT)"));
      ASSERT_OK(w->exec("INSERT INTO m (a) VALUES (?)", "内存"));
    }
    auto r = (*memory)->acquire(Access::kRead);
    ASSERT_OK(r);
    auto rows = r->query("SELECT a FROM m");
    ASSERT_OK(rows);
    EXPECT_EQ((*rows)[0].get<std::string>(0), "内存");
  }
}

TEST_F(StorageTest, TypesRoundTrip) {
  auto conn = writer();
  ASSERT_OK(conn.execute(
      render("CREATE TABLE types (id BIGINT PRIMARY KEY, b BOOLEAN, i BIGINT, d DOUBLE PRECISION, "
             "s TEXT, bl {{blob}}, n TEXT)")));
  const Blob zeros = {0x00, 0x01, 0x00, 0xff, 0x00, '\\', 'x'};
  const std::string chinese = "政通：数据多跑路，群众少跑腿 ✓";
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  ASSERT_OK(conn.exec("INSERT INTO types (id, b, i, d, s, bl, n) VALUES (?, ?, ?, ?, ?, ?, ?)", 1,
                      true, kMax, 3.25, chinese, zeros, std::nullopt));
  ASSERT_OK(conn.exec("INSERT INTO types (id, b, i, d, s, bl, n) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      std::int32_t{2}, false, kMin, -1e-300, std::string(), Blob{}, nullptr));
  std::optional<std::string> some_text = "有";
  std::optional<std::int64_t> no_int;
  ASSERT_OK(conn.exec("INSERT INTO types (id, i, s) VALUES (?, ?, ?)", 3, no_int, some_text));

  auto rows = conn.query("SELECT id, b, i, d, s, bl, n FROM types ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  ASSERT_EQ(rows->column_count(), 7u);
  EXPECT_EQ(rows->column_name(4), "s");
  Row r1 = (*rows)[0];
  EXPECT_EQ(r1.get<std::int32_t>("id"), 1);
  EXPECT_TRUE(r1.get<bool>("b"));
  EXPECT_EQ(r1.get<std::int64_t>("i"), kMax);
  EXPECT_EQ(r1.get<double>("d"), 3.25);
  EXPECT_EQ(r1.get<std::string>("s"), chinese);
  EXPECT_EQ(r1.get<std::string_view>(4), chinese);
  EXPECT_EQ(r1.get<Blob>("bl"), zeros);
  EXPECT_TRUE(r1.is_null("n"));
  EXPECT_EQ(r1.get<std::optional<std::string>>("n"), std::nullopt);
  EXPECT_EQ(r1.get<std::optional<std::int64_t>>("i"), kMax);

  Row r2 = (*rows)[1];
  EXPECT_FALSE(r2.get<bool>("b"));
  EXPECT_EQ(r2.get<std::int64_t>("i"), kMin);
  EXPECT_EQ(r2.get<double>("d"), -1e-300);
  EXPECT_EQ(r2.get<std::string>("s"), "");
  EXPECT_FALSE(r2.is_null("s"));
  EXPECT_EQ(r2.get<Blob>("bl"), Blob{});
  EXPECT_FALSE(r2.is_null("bl"));

  Row r3 = (*rows)[2];
  EXPECT_TRUE(r3.is_null("b"));
  EXPECT_EQ(r3.get<std::optional<bool>>("b"), std::nullopt);
  EXPECT_TRUE(r3.is_null("i"));
  EXPECT_EQ(r3.get<std::string>("s"), "有");
  EXPECT_THROW(r3.get<std::int64_t>("i"), std::logic_error);  // NULL into a non-optional
  EXPECT_THROW(r3.get<std::int64_t>("nope"), std::logic_error);

  // Aggregates: SUM is NUMERIC on PostgreSQL and still reads as an integer.
  auto agg = conn.query("SELECT COUNT(*) AS n, SUM(id) AS total FROM types WHERE id > ?", 0);
  ASSERT_OK(agg);
  EXPECT_EQ((*agg)[0].get<std::int64_t>("n"), 3);
  EXPECT_EQ((*agg)[0].get<std::int64_t>("total"), 6);

  int seen = 0;
  for (Row row : *rows)
    seen += row.get<int>("id");
  EXPECT_EQ(seen, 6);
}

TEST_F(StorageTest, PlaceholdersInsideLiteralsAndCommentsAreLeftAlone) {
  EXPECT_EQ(to_dollar_placeholders("SELECT ?, '?', 'it''s ?', \"a?\", ? -- ?\n, /* ? /* ? */ */ ?"),
            "SELECT $1, '?', 'it''s ?', \"a?\", $2 -- ?\n, /* ? /* ? */ */ $3");
  EXPECT_EQ(to_dollar_placeholders("SELECT E'\\'?', $$ ? $$, $f$ ? $f$, ?"),
            "SELECT E'\\'?', $$ ? $$, $f$ ? $f$, $1");
  std::size_t n = 0;
  to_dollar_placeholders("INSERT INTO t VALUES (?, ?, ?)", &n);
  EXPECT_EQ(n, 3u);

  auto conn = writer();
  ASSERT_OK(conn.execute("CREATE TABLE q (a TEXT, b TEXT)"));
  ASSERT_OK(conn.exec("INSERT INTO q (a, b) VALUES ('what?', ?) -- trailing ?", "答?"));
  auto rows = conn.query(
      "SELECT a, b, 'lit ?' AS l, 'it''s ?' AS m FROM q /* ? */ WHERE a = 'what?' AND b = ?",
      "答?");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].get<std::string>("a"), "what?");
  EXPECT_EQ((*rows)[0].get<std::string>("b"), "答?");
  EXPECT_EQ((*rows)[0].get<std::string>("l"), "lit ?");
  EXPECT_EQ((*rows)[0].get<std::string>("m"), "it's ?");
  EXPECT_ERROR(conn.query("SELECT a FROM q WHERE a = ?"), "database_error");  // missing param
}

TEST_F(StorageTest, UniqueViolationIsDuplicateAndOtherErrorsAreDatabaseErrors) {
  auto conn = writer();
  ASSERT_OK(conn.execute("CREATE TABLE u (id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE)"));
  ASSERT_OK(conn.exec("INSERT INTO u (id, code) VALUES (?, ?)", 1, "a"));
  auto dup_pk = conn.exec("INSERT INTO u (id, code) VALUES (?, ?)", 1, "b");
  EXPECT_ERROR(dup_pk, "duplicate");
  EXPECT_EQ(dup_pk.error().kind, ErrorKind::kConflict);
  EXPECT_ERROR(conn.exec("INSERT INTO u (id, code) VALUES (?, ?)", 2, "a"), "duplicate");
  auto not_null = conn.exec("INSERT INTO u (id, code) VALUES (?, ?)", 3, nullptr);
  EXPECT_ERROR(not_null, "database_error");
  EXPECT_EQ(not_null.error().kind, ErrorKind::kInternal);
  EXPECT_ERROR(conn.query("SELEC 1"), "database_error");
  EXPECT_ERROR(conn.query("SELECT * FROM no_such_table"), "database_error");
  // The connection is still good.
  ASSERT_OK(conn.exec("INSERT INTO u (id, code) VALUES (?, ?)", 2, "b"));
  EXPECT_EQ(count("u"), 2);
}

TEST_F(StorageTest, UpsertAndReturningWorkOnBoth) {
  auto conn = writer();
  ASSERT_OK(conn.execute(render("CREATE TABLE kv (id {{id}}, k TEXT NOT NULL UNIQUE, v TEXT)")));
  const char* upsert =
      "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v "
      "RETURNING id";
  auto first = conn.query(upsert, "区划", "一");
  ASSERT_OK(first);
  auto second = conn.query(upsert, "区划", "二");
  ASSERT_OK(second);
  EXPECT_EQ((*first)[0].get<std::int64_t>(0), (*second)[0].get<std::int64_t>(0));
  ASSERT_OK(
      conn.exec("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING", "区划", "三"));
  auto rows = conn.query("SELECT v FROM kv WHERE k = ?", "区划");
  ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].get<std::string>(0), "二");
  auto affected = conn.exec("UPDATE kv SET v = ? WHERE k = ?", "四", "区划");
  ASSERT_OK(affected);
  EXPECT_EQ(*affected, 1);
  auto ddl = conn.exec("CREATE TABLE other (x TEXT)");
  ASSERT_OK(ddl);
  EXPECT_EQ(*ddl, 0);
}

// The store helpers of rows.h: one mapper per struct (db::into), lists, find-by-key, counts,
// statements whose row count is not needed, and newest-first pages.
TEST_F(StorageTest, RowHelpersMapFindCountAndPage) {
  struct Item {
    std::int64_t id = 0;
    std::string name;
    std::size_t name_length = 0;
    std::optional<std::int64_t> score;
  };
  auto conn = writer();
  ASSERT_OK(
      conn.execute(render("CREATE TABLE item (id {{id}}, name TEXT NOT NULL, score BIGINT)")));
  for (int i = 1; i <= 5; ++i) {
    auto id = scalar<std::int64_t>(
        conn.query("INSERT INTO item (name, score) VALUES (?, ?) RETURNING id",
                   std::string(static_cast<std::size_t>(i), 'x'),
                   i % 2 ? std::optional<std::int64_t>(i * 10) : std::nullopt));
    ASSERT_OK(id);
    EXPECT_EQ(*id, i);
  }
  auto item_of = [](const Row& row) {
    Item it;
    into(row, it.id, it.name,
         parsed<std::string_view>(it.name_length, [](std::string_view s) { return s.size(); }),
         it.score);
    return it;
  };
  constexpr std::string_view kSelect = "SELECT id, name, name, score FROM item";

  auto found = first_row<Item>(conn.query(std::string(kSelect) + " WHERE id = ?", 3), item_of);
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "xxx");
  EXPECT_EQ((*found)->name_length, 3u);
  EXPECT_EQ((*found)->score, 30);
  auto missing = first_row<Item>(conn.query(std::string(kSelect) + " WHERE id = ?", 99), item_of);
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());

  // Newest first: before = 0 starts at the newest; the last id of a page is the next `before`.
  const NewestFirst first_page = newest_first(0, 2);
  auto page =
      map_rows<Item>(conn.query(std::string(kSelect) + " WHERE name <> '' AND " + first_page.sql,
                                first_page.bound),
                     item_of);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 5);
  EXPECT_EQ((*page)[1].id, 4);
  EXPECT_EQ((*page)[1].score, std::nullopt);
  const NewestFirst next_page = newest_first((*page)[1].id, 2);
  page = map_rows<Item>(
      conn.query(std::string(kSelect) + " WHERE " + next_page.sql, next_page.bound), item_of);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 3);
  EXPECT_EQ((*page)[1].id, 2);

  // A converter that returns Result: its first error is the answer.
  auto checked = map_rows<Item>(conn.query(std::string(kSelect) + " ORDER BY id"),
                                [&](const Row& row) -> Result<Item> {
                                  Item it = item_of(row);
                                  if (!it.score) return Error::internal("bad_row", "no score");
                                  return it;
                                });
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, "bad_row");

  auto count = scalar<std::int64_t>(conn.query("SELECT count(*) FROM item WHERE score > ?", 10));
  ASSERT_OK(count);
  EXPECT_EQ(*count, 2);
  EXPECT_TRUE(done(conn.exec("UPDATE item SET score = 0 WHERE id = ?", 1)).ok());
  EXPECT_FALSE(done(conn.exec("UPDATE no_such_table SET x = 1")).ok());
  auto failed = first_row<Item>(conn.query("SELECT * FROM no_such_table"), item_of);
  EXPECT_FALSE(failed.ok());
}

TEST_F(StorageTest, CachedStatementsSurviveSchemaChanges) {
  auto conn = writer();
  ASSERT_OK(conn.execute("CREATE TABLE s (a BIGINT)"));
  ASSERT_OK(conn.exec("INSERT INTO s (a) VALUES (?)", 1));
  auto before = conn.query("SELECT * FROM s");
  ASSERT_OK(before);
  EXPECT_EQ(before->column_count(), 1u);
  ASSERT_OK(conn.execute("ALTER TABLE s ADD COLUMN b TEXT"));
  auto after = conn.query("SELECT * FROM s");
  ASSERT_OK(after);
  EXPECT_EQ(after->column_count(), 2u);
}

TEST_F(StorageTest, FailedStepIsUndoneAloneAndTheTransactionCommits) {
  auto conn = writer();
  ASSERT_OK(conn.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT)"));
  ASSERT_OK(conn.exec("INSERT INTO t (id, name) VALUES (?, ?)", 1, "old"));
  auto tx = Transaction::begin(conn);
  ASSERT_OK(tx);
  ASSERT_OK(conn.exec("INSERT INTO t (id, name) VALUES (?, ?)", 2, "before"));
  // A bulk load that hits an existing key fails; its rows are undone, the rest stays.
  Status step = tx->try_step([&]() -> Status {
    auto bulk = BulkLoader::start(*tx, "t", {"id", "name"});
    if (!bulk.ok()) return std::move(bulk).error();
    ZT_TRY(bulk->add_row(3, "in the step"));
    ZT_TRY(bulk->add_row(1, "duplicate"));
    ZT_TRY(bulk->finish());
    return {};
  });
  EXPECT_ERROR(step, "duplicate");
  // A step that succeeds stays.
  ASSERT_OK(tx->try_step([&]() -> Status {
    ZT_TRY(conn.exec("INSERT INTO t (id, name) VALUES (?, ?)", 4, "after"));
    return {};
  }));
  ASSERT_OK(tx->commit());
  EXPECT_EQ(count("t"), 3);  // 1, 2 and 4; not 3
  auto rows = conn.query("SELECT id FROM t ORDER BY id");
  ASSERT_OK(rows);
  EXPECT_EQ((*rows)[2].get<std::int64_t>(0), 4);
}

TEST_F(StorageTest, TransactionRollsBackOnScopeExitAndCommitPersists) {
  auto conn = writer();
  ASSERT_OK(conn.execute("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn.exec("INSERT INTO t (id) VALUES (?)", 1));
    EXPECT_TRUE(tx->active());
  }  // no commit: rolled back
  EXPECT_EQ(count("t"), 0);
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn.exec("INSERT INTO t (id) VALUES (?)", 2));
    ASSERT_OK(tx->commit());
    EXPECT_FALSE(tx->active());
    EXPECT_ERROR(tx->commit(), "transaction_closed");
  }
  EXPECT_EQ(count("t"), 1);
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn.exec("INSERT INTO t (id) VALUES (?)", 3));
    ASSERT_OK(tx->rollback());
  }
  EXPECT_EQ(count("t"), 1);
  {
    // A failed statement dooms the whole transaction on both backends.
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn.exec("INSERT INTO t (id) VALUES (?)", 4));
    EXPECT_ERROR(conn.exec("INSERT INTO t (id) VALUES (?)", 2), "duplicate");
    EXPECT_ERROR(tx->commit(), "transaction_aborted");
  }
  EXPECT_EQ(count("t"), 1);
  {
    // A lease given back with a transaction open is rolled back, not left to the next user.
    Connection last = std::move(conn);
    ASSERT_OK(last.execute("BEGIN"));
    ASSERT_OK(last.exec("INSERT INTO t (id) VALUES (?)", 5));
  }
  EXPECT_EQ(count("t"), 1);
  auto again = writer();
  ASSERT_OK(again.exec("INSERT INTO t (id) VALUES (?)", 5));  // no transaction left open
  EXPECT_EQ(count("t"), 2);
}

TEST_F(StorageTest, ConcurrentAcquireFrom8Threads) {
  Options options;
  options.pool_size = 4;
  reopen(options);
  {
    auto conn = writer();
    ASSERT_OK(conn.execute("CREATE TABLE c (thread BIGINT, i BIGINT, PRIMARY KEY (thread, i))"));
  }
  constexpr int kThreads = 8;
  constexpr int kIterations = 25;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        {
          auto conn = db_->acquire(Access::kWrite, std::chrono::seconds(30));
          if (!conn.ok()) {
            errors[t] = conn.error().detail;
            ++failures;
            return;
          }
          auto tx = Transaction::begin(*conn);
          auto ins = conn->exec("INSERT INTO c (thread, i) VALUES (?, ?)", t, i);
          if (!tx.ok() || !ins.ok() || !tx->commit().ok()) {
            errors[t] = ins.ok() ? "tx" : ins.error().detail;
            ++failures;
            return;
          }
        }
        auto conn = db_->acquire(Access::kRead, std::chrono::seconds(30));
        if (!conn.ok()) {
          ++failures;
          return;
        }
        auto rows = conn->query("SELECT COUNT(*) FROM c WHERE thread = ?", t);
        if (!rows.ok() || (*rows)[0].get<std::int64_t>(0) != i + 1) {
          errors[t] = "read back";
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0) << errors[0] << errors[1];
  EXPECT_EQ(count("c"), kThreads * kIterations);
  PoolStats s = db_->stats();
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_LE(s.open, backend_ == Backend::kSqlite ? 5u : 4u);  // SQLite: 4 readers + writer
}

// Waiters are served first come, first served: a thread that gives its lease back and takes
// another at once (a background worker running step after step, as the audit object indexer does
// while it catches up) never takes it from under one that waits. With the pool that put a
// returned connection idle, the returning thread took it again before the woken waiter ran, so
// a session's last-seen write waited seconds for SQLite's one writer (issue 16).
TEST_F(StorageTest, AWaiterIsServedBeforeAThreadThatGivesBackAndTakesAgain) {
  Options options;
  options.pool_size = 1;
  reopen(options);
  std::atomic<bool> stop{false};
  std::atomic<int> leases{0};
  std::thread busy([&] {
    while (!stop) {
      auto conn = db_->acquire(Access::kWrite, std::chrono::seconds(10));
      if (!conn.ok()) return;
      ++leases;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  while (leases < 3)
    std::this_thread::yield();
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the busy thread's again
    const int before = leases;
    auto conn = db_->acquire(Access::kWrite, std::chrono::seconds(5));
    const int after = leases;  // while this lease is held
    ASSERT_OK(conn);
    // The lease the busy thread held when this one began waiting, and at most the one it was
    // taking just then: never a third.
    EXPECT_LE(after - before, 1) << "round " << i;
  }
  stop = true;
  busy.join();
  EXPECT_EQ(db_->stats().waiting, 0u);
}

TEST_F(StorageTest, PoolExhaustionIsDatabaseBusy) {
  Options options;
  options.pool_size = 2;
  options.acquire_timeout = std::chrono::milliseconds(50);
  reopen(options);
  auto w = db_->acquire(Access::kWrite);
  ASSERT_OK(w);
  if (backend_ == Backend::kSqlite) {
    // One writer: a second write lease waits, then fails.
    auto busy = db_->acquire(Access::kWrite);
    EXPECT_ERROR(busy, "database_busy");
    EXPECT_EQ(busy.error().kind, ErrorKind::kUnavailable);
  }
  auto r1 = db_->acquire(Access::kRead);
  ASSERT_OK(r1);
  Result<Connection> r2 = Error{};
  if (backend_ == Backend::kSqlite) {
    r2 = db_->acquire(Access::kRead);
    ASSERT_OK(r2);
    EXPECT_ERROR(db_->acquire(Access::kRead, std::chrono::milliseconds(20)), "database_busy");
    EXPECT_EQ(db_->stats().in_use, 3u);
  } else {
    EXPECT_ERROR(db_->acquire(Access::kRead), "database_busy");
    EXPECT_ERROR(db_->acquire(Access::kWrite), "database_busy");
    EXPECT_EQ(db_->stats().in_use, 2u);
  }
  // A waiter gets the connection given back while it waits.
  std::thread giver([conn = std::move(r1).value()]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Connection drop = std::move(conn);
  });
  auto waited = db_->acquire(Access::kRead, std::chrono::seconds(10));
  giver.join();
  ASSERT_OK(waited);
  ASSERT_OK(waited->query("SELECT 1"));
}

TEST_F(StorageTest, BrokenPostgresConnectionIsReplaced) {
  if (backend_ != Backend::kPostgres) {
    SUCCEED() << "PostgreSQL only: SQLite connections do not break";
    return;
  }
  Options options;
  options.pool_size = 1;
  reopen(options);
  std::int64_t pid;
  {
    auto conn = db_->acquire(Access::kRead);
    ASSERT_OK(conn);
    auto rows = conn->query("SELECT pg_backend_pid()");
    ASSERT_OK(rows);
    pid = (*rows)[0].get<std::int64_t>(0);
  }
  {
    auto other = Database::open(url_, {.pool_size = 1});  // a connection of its own
    ASSERT_OK(other);
    auto admin = (*other)->acquire(Access::kWrite);
    ASSERT_OK(admin);
    ASSERT_OK(admin->query("SELECT pg_terminate_backend(?::int)", pid));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    auto conn = db_->acquire(Access::kRead);
    ASSERT_OK(conn);
    EXPECT_ERROR(conn->query("SELECT 1"), "database_unavailable");
  }
  auto conn = db_->acquire(Access::kRead);  // a fresh connection replaced the broken one
  ASSERT_OK(conn);
  ASSERT_OK(conn->query("SELECT 1"));
  EXPECT_EQ(db_->stats().open, 1u);
}

std::vector<Migration> module_migrations() {
  return {
      Migration{.version = 100,
                .name = "create_people",
                .sql = "CREATE TABLE people (id {{id}}, name TEXT NOT NULL, photo {{blob}},\n"
                       "  created_at {{timestamptz}} NOT NULL DEFAULT ({{now}}));\n"
                       "CREATE INDEX people_name ON people (name);"},
      Migration{
          .version = 101,
          .name = "people_active",
          .sqlite_sql = "ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1;",
          .postgres_sql = "ALTER TABLE people ADD COLUMN active BOOLEAN NOT NULL DEFAULT true;"},
  };
}

TEST_F(StorageTest, MigrationsFromEmptyAndRerunIsANoOp) {
  auto v0 = schema_version(*db_);
  ASSERT_OK(v0);
  EXPECT_EQ(*v0, 0);

  std::vector<Migration> all = foundation_migrations();
  auto more = module_migrations();
  all.insert(all.end(), more.rbegin(), more.rend());  // order given does not matter
  auto report = migrate(*db_, all);
  ASSERT_OK(report);
  EXPECT_EQ(report->from_version, 0);
  EXPECT_EQ(report->to_version, 101);
  EXPECT_EQ(report->applied, (std::vector<std::int64_t>{1, 2, 100, 101}));
  auto v = schema_version(*db_);
  ASSERT_OK(v);
  EXPECT_EQ(*v, 101);

  auto conn = writer();  // SQLite has one writer: given back before migrate() runs again
  auto info = conn.query("SELECT value FROM system_info WHERE key = ?", "instance_id");
  ASSERT_OK(info);
  ASSERT_EQ(info->size(), 1u);
  std::string id = (*info)[0].get<std::string>(0);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  auto recorded = conn.query(
      "SELECT version, name, applied_at, checksum FROM schema_migrations "
      "ORDER BY version");
  ASSERT_OK(recorded);
  ASSERT_EQ(recorded->size(), 4u);
  EXPECT_EQ((*recorded)[2].get<std::string>("name"), "create_people");
  EXPECT_FALSE((*recorded)[2].get<std::string>("applied_at").empty());
  EXPECT_EQ((*recorded)[2].get<std::string>("checksum").size(), 16u);
  ASSERT_OK(conn.exec("INSERT INTO people (name) VALUES (?)", "张三"));
  auto person = conn.query("SELECT id, active, created_at FROM people");
  ASSERT_OK(person);
  EXPECT_EQ((*person)[0].get<std::int64_t>("id"), 1);
  EXPECT_TRUE((*person)[0].get<bool>("active"));
  EXPECT_FALSE((*person)[0].is_null("created_at"));
  { Connection done = std::move(conn); }

  auto again = migrate(*db_, all);
  ASSERT_OK(again);
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, 101);
  EXPECT_EQ(again->to_version, 101);

  // From the previous version: only the new one runs.
  all.push_back(Migration{
      .version = 102, .name = "people_phone", .sql = "ALTER TABLE people ADD COLUMN phone TEXT;"});
  auto next = migrate(*db_, all);
  ASSERT_OK(next);
  EXPECT_EQ(next->applied, (std::vector<std::int64_t>{102}));
  EXPECT_EQ(next->from_version, 101);
  EXPECT_EQ(count("people"), 1);
}

TEST_F(StorageTest, MigrationChecksumMismatchAndBadListsAreErrors) {
  std::vector<Migration> list = foundation_migrations();
  const std::size_t t = list.size();
  list.push_back(Migration{.version = 7, .name = "t", .sql = "CREATE TABLE mt (a TEXT);"});
  ASSERT_OK(migrate(*db_, list));
  list[t].sql = "CREATE TABLE mt (a TEXT, b TEXT);";
  EXPECT_ERROR(migrate(*db_, list), "migration_checksum_mismatch");

  list[t].sql = "CREATE TABLE mt (a TEXT);";
  list.push_back(Migration{.version = 7, .name = "again", .sql = "SELECT 1;"});
  EXPECT_ERROR(migrate(*db_, list), "invalid_migration");
  list.pop_back();
  list.push_back(Migration{.version = 8, .name = "empty"});
  EXPECT_ERROR(migrate(*db_, list), "invalid_migration");
  list.pop_back();

  // A failing migration is rolled back entirely and not recorded; the ones before it stay.
  list.push_back(Migration{.version = 8, .name = "ok", .sql = "CREATE TABLE m8 (a TEXT);"});
  list.push_back(Migration{.version = 9,
                           .name = "bad",
                           .sql = "CREATE TABLE m9 (a TEXT); INSERT INTO nowhere VALUES (1);"});
  auto failed = migrate(*db_, list);
  EXPECT_ERROR(failed, "migration_failed");
  EXPECT_NE(failed.error().detail.find("migration 9 (bad)"), std::string::npos);
  auto v = schema_version(*db_);
  ASSERT_OK(v);
  EXPECT_EQ(*v, 8);
  auto conn = writer();
  auto exists = conn.query(Dialect::of(backend_).table_exists_sql(), "m9");
  ASSERT_OK(exists);
  EXPECT_TRUE(exists->empty());
}

TEST_F(StorageTest, AMigrationsCodeStepRunsInItsTransaction) {
  std::vector<Migration> list = foundation_migrations();
  list.push_back(Migration{.version = 7,
                           .name = "filled",
                           .sql = "CREATE TABLE m7 (a TEXT);",
                           .run = [](Connection& conn) -> Status {
                             return done(conn.exec("INSERT INTO m7 (a) VALUES ('from code')"));
                           }});
  ASSERT_OK(migrate(*db_, list));
  EXPECT_EQ(count("m7"), 1);
  // A failing step rolls its migration back, SQL included, and it is not recorded.
  list.push_back(Migration{.version = 8,
                           .name = "failing",
                           .sql = "CREATE TABLE m8 (a TEXT);",
                           .run = [](Connection&) -> Status {
                             return Error::internal("step_failed", "the step failed");
                           }});
  auto failed = migrate(*db_, list);
  EXPECT_ERROR(failed, "migration_failed");
  EXPECT_NE(failed.error().detail.find("the step failed"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto v, schema_version(*db_));
  EXPECT_EQ(v, 7);
  auto conn = writer();
  auto exists = conn.query(Dialect::of(backend_).table_exists_sql(), "m8");
  ASSERT_OK(exists);
  EXPECT_TRUE(exists->empty());
}

TEST_F(StorageTest, ConcurrentMigrateAppliesEachOnce) {
  std::vector<Migration> list = foundation_migrations();
  auto more = module_migrations();
  list.insert(list.end(), more.begin(), more.end());
  auto second = Database::open(url_, options_);
  ASSERT_OK(second);
  Result<MigrationReport> a = Error{}, b = Error{};
  std::thread ta([&] { a = migrate(*db_, list); });
  std::thread tb([&] { b = migrate(**second, list); });
  ta.join();
  tb.join();
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(a->applied.size() + b->applied.size(), 4u);
  EXPECT_EQ(count("schema_migrations"), 4);
  EXPECT_EQ(count("system_info"), 2);
}

TEST_F(StorageTest, BulkLoad10000RowsAndAnAwkwardRowRoundTripExactly) {
  auto conn = writer();
  ASSERT_OK(conn.execute(render(
      "CREATE TABLE bulk (id BIGINT PRIMARY KEY, name TEXT, note TEXT, score DOUBLE PRECISION, "
      "flag BOOLEAN, data {{blob}})")));
  const std::string awkward = "tab\there\nnew line\\back\\slash\r\\N 政通 \\t";
  const Blob awkward_blob = {0x00, '\\', '\t', '\n', 0xff, 0x00, 'N'};
  auto tx = Transaction::begin(conn);
  ASSERT_OK(tx);
  auto bulk = BulkLoader::start(*tx, "bulk", {"id", "name", "note", "score", "flag", "data"});
  ASSERT_OK(bulk);
  for (int i = 0; i < 10000; ++i) {
    std::string name = "居民" + std::to_string(i);
    ASSERT_OK(bulk->add_row(i, name, i % 3 == 1 ? Param(nullptr) : Param("note"), i * 0.5,
                            i % 2 == 0, Blob{static_cast<std::uint8_t>(i & 0xff)}));
  }
  ASSERT_OK(bulk->add_row(10000, awkward, "\\N", -0.0, true, awkward_blob));
  ASSERT_OK(bulk->add_row(10001, nullptr, "", nullptr, nullptr, nullptr));
  auto n = bulk->finish();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 10002);
  ASSERT_OK(tx->commit());

  EXPECT_EQ(count("bulk"), 10002);
  auto rows = conn.query(
      "SELECT id, name, note, score, flag, data FROM bulk WHERE id >= ? ORDER BY id", 9999);
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  Row last = (*rows)[0];
  EXPECT_EQ(last.get<std::string>("name"), "居民9999");
  EXPECT_EQ(last.get<std::optional<std::string>>("note"), "note");
  EXPECT_EQ(last.get<double>("score"), 4999.5);
  EXPECT_FALSE(last.get<bool>("flag"));
  EXPECT_EQ(last.get<Blob>("data"), Blob{0x0f});
  Row odd = (*rows)[1];
  EXPECT_EQ(odd.get<std::string>("name"), awkward);
  EXPECT_EQ(odd.get<std::string>("note"), "\\N");
  EXPECT_FALSE(odd.is_null("note"));
  EXPECT_TRUE(odd.get<bool>("flag"));
  EXPECT_EQ(odd.get<Blob>("data"), awkward_blob);
  Row nulls = (*rows)[2];
  EXPECT_TRUE(nulls.is_null("name"));
  EXPECT_EQ(nulls.get<std::string>("note"), "");
  EXPECT_TRUE(nulls.is_null("score"));
  EXPECT_TRUE(nulls.is_null("flag"));
  EXPECT_TRUE(nulls.is_null("data"));
  auto nulls_count = conn.query("SELECT COUNT(*) FROM bulk WHERE note IS NULL");
  ASSERT_OK(nulls_count);
  EXPECT_EQ((*nulls_count)[0].get<std::int64_t>(0), 3333);
}

// SQLite: the WAL is copied back into the database file while writes go on (by the
// checkpointer's thread, and by the writer past 64 MiB), so it stays bounded; without any
// checkpoint it would hold all 96 MiB written here.
TEST_F(StorageTest, SqliteWalStaysBoundedUnderSustainedWrites) {
  if (backend_ != Backend::kSqlite) GTEST_SKIP() << "SQLite's WAL";
  auto url = parse_database_url(url_);
  ASSERT_OK(url);
  const std::filesystem::path wal = url->sqlite_path + "-wal";
  std::uintmax_t largest = 0;
  {
    auto conn = writer();  // given back before the database is reopened below
    ASSERT_OK(conn.execute("CREATE TABLE wal_load (id INTEGER PRIMARY KEY, data BLOB NOT NULL)"));
    const Blob chunk(64 * 1024, 0x5a);
    for (int tx_index = 0; tx_index < 96; ++tx_index) {  // 96 transactions of 1 MiB
      auto tx = Transaction::begin(conn);
      ASSERT_OK(tx);
      for (int i = 0; i < 16; ++i) {
        ASSERT_OK(
            conn.exec("INSERT INTO wal_load (id, data) VALUES (?, ?)", tx_index * 16 + i, chunk));
      }
      ASSERT_OK(tx->commit());
      largest = std::max(largest, std::filesystem::file_size(wal));
    }
  }
  EXPECT_LT(largest, 72u * 1024 * 1024) << "the WAL grew to " << largest << " bytes";
  EXPECT_EQ(count("wal_load"), 96 * 16);
  reopen(options_);
  EXPECT_EQ(count("wal_load"), 96 * 16);
}

// Under a ReadSnapshot this thread's reads share one connection: on SQLite one read
// transaction, so a commit made meanwhile on another thread is not seen until a write lease is
// given back on this thread (reads after a write see it) or the snapshot ends; on PostgreSQL
// every statement sees the latest commit. A snapshot opened inside another does nothing.
TEST_F(StorageTest, ReadSnapshotSharesOneTransactionUntilAWriteOnThisThread) {
  ASSERT_OK(writer().execute("CREATE TABLE snap (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)"));
  ASSERT_OK(writer().exec("INSERT INTO snap (id, v) VALUES (1, 1)"));
  auto read_v = [&] {
    auto conn = db_->acquire(Access::kRead);
    EXPECT_TRUE(conn.ok());
    auto rows = conn->query("SELECT v FROM snap WHERE id = 1");
    EXPECT_TRUE(rows.ok());
    return (*rows)[0].get<std::int64_t>(0);
  };
  auto set_v_elsewhere = [&](std::int64_t v) {  // a commit on another thread
    std::thread([&] { ASSERT_OK(writer().exec("UPDATE snap SET v = ? WHERE id = 1", v)); }).join();
  };
  const bool sqlite = backend_ == Backend::kSqlite;
  {
    ReadSnapshot snapshot(*db_);
    EXPECT_EQ(read_v(), 1);
    set_v_elsewhere(2);
    EXPECT_EQ(read_v(), sqlite ? 1 : 2);
    {
      ReadSnapshot nested(*db_);  // does nothing: the outer one goes on
      EXPECT_EQ(read_v(), sqlite ? 1 : 2);
    }
    EXPECT_EQ(read_v(), sqlite ? 1 : 2);
    ASSERT_OK(writer().exec("UPDATE snap SET v = 3 WHERE id = 1"));  // a write on this thread
    EXPECT_EQ(read_v(), 3);
    set_v_elsewhere(4);
    EXPECT_EQ(read_v(), sqlite ? 3 : 4);
    // Leases taken at once share the one connection (the pool is not drawn on).
    auto a = db_->acquire(Access::kRead);
    auto b = db_->acquire(Access::kRead);
    ASSERT_OK(a);
    ASSERT_OK(b);
    EXPECT_EQ(db_->stats().in_use, 1u);
  }
  EXPECT_EQ(db_->stats().in_use, 0u);  // given back when the snapshot ended
  EXPECT_EQ(read_v(), 4);
}

// A worker lease: one holder at a time, renewed by its holder, taken over once expired or
// released — what keeps a background task on one node when several share one PostgreSQL.
TEST_F(StorageTest, AWorkerLeaseHasOneHolderUntilItExpiresOrIsReleased) {
  ASSERT_OK(migrate(*db_, foundation_migrations()));
  core::FakeClock clock(core::from_millis(1'800'000'000'000));
  WorkerLease a(*db_, clock, "sync", "node-a", std::chrono::seconds(30));
  WorkerLease b(*db_, clock, "sync", "node-b", std::chrono::seconds(30));
  WorkerLease other(*db_, clock, "reminders", "node-b", std::chrono::seconds(30));
  auto claim = [](const WorkerLease& lease) {
    auto held = lease.claim();
    EXPECT_TRUE(held.ok()) << held.error().detail;
    return held.ok() && *held;
  };
  EXPECT_TRUE(claim(a));
  EXPECT_FALSE(claim(b));
  EXPECT_TRUE(claim(other));  // another name is another lease
  clock.advance(std::chrono::seconds(20));
  EXPECT_TRUE(claim(a));  // renewed: 30 s from now
  clock.advance(std::chrono::seconds(20));
  EXPECT_FALSE(claim(b));  // 40 s after the first claim, but renewed at 20 s
  clock.advance(std::chrono::seconds(11));
  EXPECT_TRUE(claim(b));  // a's lease ran out
  EXPECT_FALSE(claim(a));
  ASSERT_OK(a.release());  // not a's to release: no effect
  EXPECT_FALSE(claim(a));
  ASSERT_OK(b.release());
  EXPECT_TRUE(claim(a));
}

// Two nodes claiming at once from many threads: at every instant one holder.
TEST_F(StorageTest, ConcurrentWorkerLeaseClaimsHaveOneWinner) {
  ASSERT_OK(migrate(*db_, foundation_migrations()));
  core::FakeClock clock(core::from_millis(1'800'000'000'000));
  auto second = Database::open(url_, options_);
  ASSERT_OK(second);
  std::atomic<int> won = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      WorkerLease lease(i % 2 ? **second : *db_, clock, "once", "node-" + std::to_string(i),
                        std::chrono::seconds(30));
      auto held = lease.claim();
      if (held.ok() && *held) ++won;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(won, 1);
}

TEST_F(StorageTest, BulkLoadErrorRollsBackFully) {
  auto conn = writer();
  ASSERT_OK(conn.execute("CREATE TABLE b (id BIGINT PRIMARY KEY, v TEXT NOT NULL)"));
  ASSERT_OK(conn.exec("INSERT INTO b (id, v) VALUES (?, ?)", 5000, "existing"));
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn.exec("INSERT INTO b (id, v) VALUES (?, ?)", -1, "before the load"));
    auto bulk = BulkLoader::start(*tx, "b", {"id", "v"});
    ASSERT_OK(bulk);
    Status failure;
    for (int i = 0; i < 10000 && failure.ok(); ++i)
      failure = bulk->add_row(i, "v");
    Result<std::int64_t> end =
        failure.ok() ? bulk->finish() : Result<std::int64_t>(failure.error());
    // SQLite finds the duplicate while inserting a batch; PostgreSQL when COPY ends.
    EXPECT_ERROR(end, "duplicate");
    EXPECT_ERROR(tx->commit(), "transaction_aborted");
  }
  EXPECT_EQ(count("b"), 1);
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    auto bulk = BulkLoader::start(*tx, "b", {"id", "v"});
    ASSERT_OK(bulk);
    ASSERT_OK(bulk->add_row(1, "one"));
    EXPECT_ERROR(bulk->add_row(2), "bulk_row_width");
    EXPECT_ERROR(bulk->finish(), "bulk_load_closed");
    EXPECT_ERROR(tx->commit(), "transaction_aborted");
  }
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    auto bulk = BulkLoader::start(*tx, "b", {"id", "v"});
    ASSERT_OK(bulk);
    ASSERT_OK(bulk->add_row(1, "one"));
    // Abandoned without finish(): the load ends, the transaction cannot commit.
  }
  EXPECT_EQ(count("b"), 1);
  {
    auto tx = Transaction::begin(conn);
    ASSERT_OK(tx);
    EXPECT_ERROR(BulkLoader::start(*tx, "b; DROP TABLE b", {"id"}), "invalid_identifier");
    EXPECT_ERROR(BulkLoader::start(*tx, "b", {"v\""}), "invalid_identifier");
  }
  // The connection is clean and usable afterwards.
  ASSERT_OK(conn.exec("INSERT INTO b (id, v) VALUES (?, ?)", 1, "after"));
  EXPECT_EQ(count("b"), 2);
}

TEST_F(StorageTest, BadUrlsAreInvalidAndUnreachableIsUnavailable) {
  for (const char* url : {"", "mysql://root@localhost/db", "sqlite:", "sqlite://",
                          "postgresql://user@host/db?no_such_option=1", "postgres://a b@host/db"}) {
    auto db = Database::open(url, Options{});
    EXPECT_ERROR(db, "invalid_database_url");
    EXPECT_EQ(db.error().kind, ErrorKind::kInvalidInput) << url;
  }
  auto secret = Database::open("postgresql://u:hunter2@host/db?no_such_option=1", Options{});
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().detail.find("hunter2"), std::string::npos) << secret.error().detail;

  Options quick;
  quick.connect_timeout = std::chrono::seconds(2);
  auto unreachable = Database::open("postgresql://nobody@127.0.0.1:1/none", quick);
  EXPECT_ERROR(unreachable, "database_unavailable");
  EXPECT_EQ(unreachable.error().kind, ErrorKind::kUnavailable);
  auto not_a_dir = Database::open("sqlite:/proc/zt/no/such.db", quick);
  EXPECT_ERROR(not_a_dir, "database_unavailable");
}

}  // namespace
}  // namespace zt::db
