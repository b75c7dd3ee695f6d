// The audit log's queries at scale (issue 16.4), on both databases: every filter, time window and
// object lookup pages exactly like a naive filter of the whole log — with records late behind the
// latest time (a writer's backlog, a clock stepped back an hour), windows across pages, an empty
// day, and objects across level-1 runs, merged runs, runs being merged and spans not yet
// indexed — and each page's statements are index walks: no full scan, no sort (SQLite's TEMP
// B-TREE, PostgreSQL's Sort / Seq Scan), but the sort of a window's late records.
#include "unit/audit/audit_fixture.h"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <algorithm>
#include <limits>
#include <random>
#include <set>
#include <thread>

#include "audit/object_index.h"
#include "db/transaction.h"

namespace zt::audit {
namespace {

using testing::AuditDbTest;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
using Ids = std::vector<std::int64_t>;

const core::TimePoint kT0 = core::TimePoint(std::chrono::seconds(1'795'000'000));

std::vector<AuditRecord> all_records(db::Database& db) {
  auto conn = db.acquire(db::Access::kRead);
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return {};
  auto records = store::page(*conn, 0, std::numeric_limits<std::int64_t>::max(), 10'000'000);
  EXPECT_TRUE(records.ok());
  return records.ok() ? std::move(records).value() : std::vector<AuditRecord>{};
}

bool matches(const AuditRecord& r, const RecordFilter& f) {
  const AuditEntry& e = r.entry;
  if (f.from && r.time < *f.from) return false;
  if (f.to && r.time >= *f.to) return false;
  if (f.actor_id && e.actor_id != f.actor_id) return false;
  if (f.actor_name && e.actor_name != *f.actor_name) return false;
  if (f.department_id && e.department_id != f.department_id) return false;
  if (f.action && e.action != *f.action) return false;
  if (f.object_type && e.object_type != *f.object_type) return false;
  if (f.object_id && e.object_id != *f.object_id) return false;
  if (!f.object_ids.empty() &&
      std::find(f.object_ids.begin(), f.object_ids.end(), e.object_id) == f.object_ids.end()) {
    return false;
  }
  if (f.outcome && e.outcome != *f.outcome) return false;
  return true;
}

// The ids a naive filter of `records` gives, newest first.
Ids naive(const std::vector<AuditRecord>& records, const RecordFilter& f) {
  Ids out;
  for (const AuditRecord& r : records)
    if (matches(r, f)) out.push_back(r.id);
  std::sort(out.rbegin(), out.rend());
  return out;
}

Ids reversed(Ids ids) {
  std::reverse(ids.begin(), ids.end());
  return ids;
}

// Every page of the list, `limit` a page, following next_cursor.
Ids pages(const AuditLog& log, const RecordFilter& f, std::size_t limit) {
  Ids out;
  std::optional<std::int64_t> cursor;
  for (int n = 0; n < 100'000; ++n) {
    auto page = log.list(f, cursor, limit);
    if (!page.ok()) {
      ADD_FAILURE() << page.error().detail;
      return out;
    }
    for (const AuditRecord& r : page->items)
      out.push_back(r.id);
    cursor = page->next_cursor;
    if (!cursor) break;
  }
  return out;
}

// The export's walk: scan, oldest first, `page_size` at a time.
Ids scanned(const AuditLog& log, const RecordFilter& f, std::size_t page_size) {
  Ids out;
  auto last = log.scan(
      f, 0, std::numeric_limits<std::size_t>::max(),
      [&](const AuditRecord& r) {
        out.push_back(r.id);
        return true;
      },
      page_size);
  if (!last.ok()) ADD_FAILURE() << last.error().detail;
  return out;
}

// The ids of the records more than kLateAfter behind the latest time before them.
Ids naive_late(const std::vector<AuditRecord>& records) {
  Ids out;
  std::optional<core::TimePoint> latest;
  for (const AuditRecord& r : records) {
    if (latest && r.time < *latest - kLateAfter) out.push_back(r.id);
    if (!latest || r.time > *latest) latest = r.time;
  }
  return out;
}

Ids late_table(db::Database& db) {
  auto conn = db.acquire(db::Access::kRead);
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return {};
  auto rows = conn->query("SELECT id FROM audit_late_records ORDER BY id");
  EXPECT_TRUE(rows.ok());
  Ids out;
  if (!rows.ok()) return out;
  for (const db::Row row : *rows)
    out.push_back(row.get<std::int64_t>(0));
  return out;
}

std::string label(const RecordFilter& f) {
  std::string out;
  auto put = [&out](std::string_view name, const std::string& value) {
    out += fmt::format("{}={} ", name, value);
  };
  if (f.from) put("from", core::format_iso8601(*f.from));
  if (f.to) put("to", core::format_iso8601(*f.to));
  if (f.actor_id) put("actor_id", std::to_string(*f.actor_id));
  if (f.actor_name) put("actor_name", *f.actor_name);
  if (f.department_id) put("department_id", std::to_string(*f.department_id));
  if (f.action) put("action", *f.action);
  if (f.object_type) put("object_type", *f.object_type);
  if (f.object_id) put("object_id", *f.object_id);
  for (const auto& id : f.object_ids)
    put("object_ids", id);
  if (f.outcome) put("outcome", *f.outcome);
  return out;
}

// A log of 2 400 records appended as the service does, stamped 700 ms apart with up to 4 s of
// jitter (not late), with every 97th record 30 s to 2 h behind (late), records 1 500–1 599
// stamped an hour behind (a clock stepped back), and a day without records after record 1 799.
class AuditWindowTest : public AuditDbTest {
 protected:
  static constexpr int kRecords = 2400;

  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    std::mt19937 random(7);
    std::vector<AuditEntry> batch;
    const char* names[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};
    const char* actions[] = {"auth.login", "person.read", "department.update", "user.create"};
    for (int i = 0; i < kRecords; ++i) {
      core::TimePoint base = kT0 + i * 700ms + (i >= 1800 ? std::chrono::hours(24) : 0h);
      AuditEntry e;
      e.time = base - std::chrono::milliseconds(random() % 4000);
      if (i % 97 == 13) e.time = base - 30s - std::chrono::seconds(random() % 7200);
      if (i >= 1500 && i < 1600) e.time = base - 1h;
      e.actor_kind = "user";
      e.actor_id = i % 211 == 5 ? 99 : i % 7;
      e.actor_name = i % 211 == 5 ? "rare" : names[i % 7];
      e.department_id = i % 5;
      e.action = actions[i % 4];
      e.outcome = i % 31 == 0 ? "failure" : i % 53 == 0 ? "denied" : "success";
      e.object_type = i % 3 == 0 ? "person" : i % 3 == 1 ? "user" : "department";
      e.object_id = i % 600 == 17 ? "330302rare" : fmt::format("{}", 330300 + i % 11);
      batch.push_back(std::move(e));
      if (batch.size() == 500 || i + 1 == kRecords) {
        ASSERT_OK(log_->append_batch(batch));
        batch.clear();
      }
    }
    records_ = all_records(*db_);
    ASSERT_EQ(records_.size(), static_cast<std::size_t>(kRecords));
  }

  core::TimePoint time_of(int i) const { return records_[static_cast<std::size_t>(i)].time; }

  std::vector<AuditRecord> records_;
};

TEST_F(AuditWindowTest, LateRecordsAreTheOnesMoreThanTenSecondsBehindTheLatest) {
  const Ids late = naive_late(records_);
  EXPECT_EQ(late_table(*db_), late);
  EXPECT_GT(late.size(), 120u);  // the hour stepped back, and every 97th
  ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kRead));
  ASSERT_OK_AND_ASSIGN(auto head, store::read_head(conn, false));
  core::TimePoint latest = records_.front().time;
  for (const AuditRecord& r : records_)
    latest = std::max(latest, r.time);
  EXPECT_EQ(head.max_time, latest);
  // One record appended on its own, an hour behind, is late too.
  AuditEntry behind = entry("auth.login");
  behind.time = latest - 1h;
  ASSERT_OK_AND_ASSIGN(auto id, log_->append(behind));
  EXPECT_EQ(late_table(*db_).back(), id);
}

TEST_F(AuditWindowTest, EveryFilterAndWindowPagesLikeANaiveFilterOfTheLog) {
  const core::TimePoint gap = time_of(1799) + 1h;  // inside the day without records
  std::vector<RecordFilter> windows = {
      {},
      {.from = kT0 - 24h, .to = kT0 + 72h},            // the whole log
      {.from = kT0 + 300s, .to = kT0 + 600s},          // a stretch in the middle
      {.from = kT0 - 2600s, .to = kT0 - 2400s},        // only records of the stepped-back hour
      {.from = gap, .to = gap + 1h},                   // an empty hour inside the log
      {.from = kT0 + 30 * 24h, .to = kT0 + 31 * 24h},  // after the log
      {.to = kT0 + 500s},
      {.from = kT0 + 1200s},
      {.from = kT0 + 600s, .to = kT0 + 300s},  // from after to
  };
  std::vector<RecordFilter> filters = {
      {},
      {.outcome = "failure"},
      {.outcome = "denied"},
      {.actor_name = "bob"},
      {.actor_name = "rare"},
      {.actor_id = 3},
      {.department_id = 2},
      {.action = "person.read", .outcome = "success"},
      {.object_type = "person", .object_id = "330303"},
      {.object_id = "330302rare"},
      {.object_type = "person", .object_ids = {"330300", "330309"}},
  };
  for (const RecordFilter& w : windows) {
    for (RecordFilter f : filters) {
      f.from = w.from;
      f.to = w.to;
      SCOPED_TRACE(label(f));
      const Ids want = naive(records_, f);
      EXPECT_EQ(pages(*log_, f, 7), want);
      EXPECT_EQ(pages(*log_, f, 50), want);
      EXPECT_EQ(scanned(*log_, f, 13), reversed(want));
    }
  }
}

TEST_F(AuditWindowTest, AWindowIsARangeOfIdsWithinTheToleranceOfItsEdges) {
  ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kRead));
  // Records 400–899 (apart from late ones): the range reaches at most the records stamped within
  // kLateAfter plus the jitter of its edges (~20 records each side), and holds the window.
  const RecordFilter mid{.from = time_of(400), .to = time_of(900)};
  ASSERT_OK_AND_ASSIGN(auto b, store::time_bounds(conn, mid));
  ASSERT_TRUE(b.lo && b.hi);
  const Ids in = reversed(naive(records_, mid));
  const Ids late = naive_late(records_);
  std::int64_t first = 0, last = 0;  // the window's first and last record that is not late
  for (std::int64_t id : in) {
    if (std::binary_search(late.begin(), late.end(), id)) continue;
    if (first == 0) first = id;
    last = id;
  }
  EXPECT_LE(*b.lo, first);
  EXPECT_GE(*b.lo, first - 25);
  EXPECT_GE(*b.hi, last);
  EXPECT_LE(*b.hi, last + 25);
  EXPECT_EQ(b.late_above, b.hi);
  // An empty hour inside the log: a handful of ids at most.
  const core::TimePoint gap = time_of(1799) + 1h;
  ASSERT_OK_AND_ASSIGN(auto empty, store::time_bounds(conn, {.from = gap, .to = gap + 1h}));
  ASSERT_TRUE(empty.lo && empty.hi);
  EXPECT_LE(*empty.hi - *empty.lo, 25);
  ASSERT_OK_AND_ASSIGN(auto backwards, store::time_bounds(conn, {.from = gap, .to = gap - 1s}));
  EXPECT_TRUE(backwards.empty);
  ASSERT_OK_AND_ASSIGN(auto all, store::time_bounds(conn, {.from = kT0 - 24h, .to = kT0 + 72h}));
  EXPECT_FALSE(all.lo);
  EXPECT_FALSE(all.hi);
}

// A log of sparse ids (store::insert_many, a record every 1 009 ids up to ~2.2 M), so that the
// object index has level-1 runs, two level-2 runs and spans, indexed step by step.
class AuditObjectIndexTest : public AuditDbTest {
 protected:
  static constexpr int kRecords = 2200;
  static constexpr std::int64_t kStep = 1009;

  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kWrite));
    ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
    std::vector<AuditRecord> records;
    for (int k = 0; k < kRecords; ++k) {
      AuditRecord r;
      r.id = 1 + k * kStep;
      r.time = kT0 + k * 1s;
      r.entry = entry(k % 4 == 0 ? "person.read" : "auth.login");
      r.entry.object_type = k % 2 == 0 ? "person" : "user";
      r.entry.object_id = (k == 5 || k == 1000 || k == 2150) ? "rare" : std::to_string(k % 13);
      r.entry.outcome = k % 7 == 0 ? "failure" : "success";
      r.entry.time = r.time;
      r.prev_hash = r.hash = std::string(kGenesisHash);
      records.push_back(std::move(r));
    }
    ASSERT_OK(store::insert_many(tx, records));
    last_id_ = records.back().id + 5000;
    ASSERT_OK(
        store::write_head(conn, {last_id_, std::string(kGenesisHash), 1, records.back().time}));
    ASSERT_OK(tx.commit());
    records_ = all_records(*db_);
  }

  const std::vector<RecordFilter> kLookups = {
      {.object_type = "person", .object_id = "rare"},
      {.object_type = "user", .object_id = "3"},
      {.object_id = "4"},
      {.object_type = "person", .object_ids = {"0", "rare"}},
      {.object_type = "user", .object_id = "3", .outcome = "failure"},
      {.from = kT0 + 700s, .to = kT0 + 1500s, .object_type = "person", .object_id = "6"},
  };

  void expect_lookups() {
    for (const RecordFilter& f : kLookups) {
      SCOPED_TRACE(label(f));
      const Ids want = naive(records_, f);
      EXPECT_EQ(pages(*log_, f, 5), want);
      EXPECT_EQ(scanned(*log_, f, 11), reversed(want));
    }
  }

  object_store::Coverage coverage() {
    auto conn = db_->acquire(db::Access::kRead);
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    auto c = object_store::coverage(*conn);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : object_store::Coverage{};
  }

  std::int64_t runs(std::string_view where = "") {
    auto conn = db_->acquire(db::Access::kRead);
    if (!conn.ok()) return -1;
    auto rows = conn->query("SELECT COUNT(*) FROM audit_object_runs " + std::string(where));
    if (!rows.ok()) return -1;
    return (*rows)[0].get<std::int64_t>(0);
  }

  std::int64_t last_id_ = 0;
  std::vector<AuditRecord> records_;
};

TEST_F(AuditObjectIndexTest, LookupsMatchANaiveFilterAtEveryStageOfTheIndex) {
  expect_lookups();  // spans only
  std::map<object_store::Step, int> steps;
  for (int n = 0;; ++n) {
    // Seven rows a chunk: merges and clean-ups take many steps, each leaving a state between.
    ASSERT_OK_AND_ASSIGN(auto did, object_store::step(*db_, 7));
    if (did == object_store::Step::kNone) break;
    ++steps[did];
    if (n % 150 == 0 || (n < 40 && n % 10 == 0)) {
      ASSERT_NO_FATAL_FAILURE(expect_lookups());
    }
  }
  expect_lookups();
  const std::int64_t blocks = (last_id_ + 1) / object_block(1);
  EXPECT_EQ(steps[object_store::Step::kBuilt], blocks);
  EXPECT_GT(steps[object_store::Step::kMerged], 2 * 1000 / 16);
  EXPECT_GT(steps[object_store::Step::kCleaned], 32);
  const auto c = coverage();
  EXPECT_EQ(c[0], blocks * object_block(1));
  EXPECT_EQ(c[1], 2 * object_block(2));
  EXPECT_EQ(c[2], 0);
  // The level-1 runs the two level-2 runs replaced are gone; each record is in one live run.
  EXPECT_EQ(runs("WHERE level = 1 AND start < " + std::to_string(c[1])), 0);
  EXPECT_EQ(runs(), static_cast<std::int64_t>(
                        std::count_if(records_.begin(), records_.end(),
                                      [&](const AuditRecord& r) { return r.id < c[0]; })));
}

TEST_F(AuditObjectIndexTest, ALookupProbesABoundedNumberOfSegments) {
  ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kRead));
  const RecordFilter rare{.object_type = "person", .object_id = "rare"};
  ASSERT_OK_AND_ASSIGN(auto before,
                       store::plan_page(conn, rare, std::nullopt, 50, Order::kNewestFirst));
  EXPECT_EQ(before.statements.size(), static_cast<std::size_t>(last_id_ / object_block(0) + 1));
  ObjectIndexer indexer(*db_, clock_, {});
  ASSERT_OK(indexer.run(100'000));
  ASSERT_OK_AND_ASSIGN(auto after,
                       store::plan_page(conn, rare, std::nullopt, 50, Order::kNewestFirst));
  // The spans after the last level-1 run, one level-1 run, two level-2 runs.
  EXPECT_LE(after.statements.size(), 16u + 1 + 1 + 2);
  EXPECT_EQ(pages(*log_, rare, 50), naive(records_, rare));
}

TEST_F(AuditObjectIndexTest, TwoIndexersOnOneDatabaseBuildEachRunOnce) {
  // As two nodes would after one's lease expired under a slow pass: each step locks the levels
  // first, so they take turns and neither writes a run twice (that would be a "duplicate").
  std::vector<Status> failures;
  std::mutex mutex;
  auto run = [&] {
    for (;;) {
      auto did = object_store::step(*db_, 11);
      if (!did.ok()) {
        std::lock_guard lock(mutex);
        failures.push_back(std::move(did).error());
        return;
      }
      if (*did == object_store::Step::kNone) return;
    }
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  for (const Status& s : failures)
    ADD_FAILURE() << s.error().code << ": " << s.error().detail;
  EXPECT_EQ(coverage()[1], 2 * object_block(2));
  expect_lookups();
}

TEST_F(AuditObjectIndexTest, TheIndexerWorkerRunsUnderItsLease) {
  // Another node holds the lease: this node's worker skips its passes.
  ASSERT_OK(db::WorkerLease(*db_, clock_, "audit-object-index", "other", 1h).claim());
  ObjectIndexer indexer(*db_, clock_, {.node_id = "this", .period = 10ms});
  indexer.worker().start();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(indexer.worker().passes(), 0u);
  EXPECT_EQ(coverage()[0], 0);
  indexer.worker().stop();
  // Once free, it indexes everything due in its passes.
  ASSERT_OK(db::WorkerLease(*db_, clock_, "audit-object-index", "other", 1h).release());
  ObjectIndexer second(*db_, clock_, {.node_id = "this", .period = 10ms});
  second.worker().start();
  for (int i = 0; i < 3000 && coverage()[1] != 2 * object_block(2); ++i)
    std::this_thread::sleep_for(10ms);
  second.worker().stop();
  EXPECT_EQ(coverage()[1], 2 * object_block(2));
  EXPECT_FALSE(second.last_error()) << second.last_error()->detail;
  expect_lookups();
}

// Plans, on a log of 20 000 appended records (and 3 000 more at ids past 200 000, so that the
// object index has level-1 runs and spans), with PostgreSQL's statistics gathered.
class AuditQueryPlanTest : public AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    std::mt19937 random(11);
    std::vector<AuditEntry> batch;
    for (int i = 0; i < 20'000; ++i) {
      AuditEntry e;
      e.time = kT0 + i * 200ms;
      e.actor_kind = "user";
      e.actor_id = static_cast<std::int64_t>(random() % 40);
      e.actor_name = fmt::format("officer{}", *e.actor_id);
      e.department_id = *e.actor_id % 8;
      e.action = fmt::format("action.{}", random() % 8);
      e.outcome = i % 33 == 0 ? "failure" : i % 101 == 0 ? "denied" : "success";
      e.object_type = fmt::format("type{}", i % 4);
      e.object_id = fmt::format("{}", random() % 5000);
      batch.push_back(std::move(e));
      if (batch.size() == 5000) {
        ASSERT_OK(log_->append_batch(batch));
        batch.clear();
      }
    }
    {
      ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kWrite));
      ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
      std::vector<AuditRecord> far;
      for (int k = 0; k < 3000; ++k) {
        AuditRecord r;
        r.id = 200'000 + k;
        r.time = kT0 + 4001s + k * 200ms;
        r.entry = entry("action.1", fmt::format("{}", k % 5000));
        r.entry.object_type = "type1";
        r.entry.time = r.time;
        r.prev_hash = r.hash = std::string(kGenesisHash);
        far.push_back(std::move(r));
      }
      ASSERT_OK(store::insert_many(tx, far));
      ASSERT_OK(store::write_head(conn, {270'000, std::string(kGenesisHash), 1, far.back().time}));
      ASSERT_OK(tx.commit());
    }
    ObjectIndexer indexer(*db_, clock_, {});
    ASSERT_OK(indexer.run(1000));
    if (pg()) {
      ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kWrite));
      ASSERT_OK(conn.execute("ANALYZE"));
    }
  }

  bool pg() const { return backend_ == db::Backend::kPostgres; }

  // The plan of one statement, one line per step.
  std::string explain(db::Connection& conn, const Statement& st) {
    auto rows = conn.query((pg() ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + st.sql, st.params());
    EXPECT_TRUE(rows.ok()) << rows.error().detail;
    std::string out;
    if (!rows.ok()) return out;
    for (std::size_t i = 0; i < rows->size(); ++i)
      out += (*rows)[i].get<std::string>(pg() ? 0 : 3) + "\n";
    return out;
  }

  // Every statement of the page (and the time probes) walks an index. SQLite (no statistics,
  // as in production): a SEARCH (or, for the unfiltered walk, a SCAN of the primary key that
  // stops at the page), never a TEMP B-TREE but for the window's late records (the ones in the
  // window only). PostgreSQL (with statistics): no Seq Scan of the records or runs; a Sort only
  // of what an Index Cond bounded (its planner sorts a few hundred rows found by a bitmap scan
  // rather than walk an index backwards; the id range keeps that set small). An empty plan is
  // right when the cursor is before the window's range.
  // `want`: what some statement of the page uses (any of each list), SQLite's then PostgreSQL's.
  struct Want {
    std::vector<std::string> sqlite;
    std::vector<std::string> pg;
  };
  void expect_walks(const RecordFilter& f, Order order, std::optional<std::int64_t> cursor,
                    const Want& want) {
    SCOPED_TRACE(label(f));
    auto conn = db_->acquire(db::Access::kRead);
    ASSERT_OK(conn);
    std::vector<Statement> probes;
    ASSERT_OK_AND_ASSIGN(auto bounds, store::time_bounds(*conn, f, &probes));
    (void)bounds;
    for (const Statement& probe : probes) {
      const std::string p = explain(*conn, probe);
      SCOPED_TRACE(p);
      if (pg()) {
        EXPECT_THAT(p, HasSubstr("audit_records_time"));
        EXPECT_THAT(p, Not(HasSubstr("Seq Scan on audit_records")));
        EXPECT_THAT(p, Not(HasSubstr("Sort")));
      } else {
        EXPECT_THAT(p, HasSubstr("SEARCH a USING COVERING INDEX audit_records_time"));
        EXPECT_THAT(p, HasSubstr("SEARCH l USING PRIMARY KEY"));
        EXPECT_THAT(p, Not(HasSubstr("TEMP B-TREE")));
      }
    }
    ASSERT_OK_AND_ASSIGN(auto plan, store::plan_page(*conn, f, cursor, 51, order));
    if (plan.statements.empty() && cursor && (f.from || f.to)) return;
    ASSERT_FALSE(plan.statements.empty());
    bool used = false;
    for (const Statement& st : plan.statements) {
      const std::string p = explain(*conn, st);
      SCOPED_TRACE(st.sql + "\n" + p);
      const bool late = st.sql.find("audit_late_records l") != std::string::npos;
      if (late) {  // PostgreSQL scans the (here empty) late table rather than its index
        if (!pg()) {
          EXPECT_THAT(p, HasSubstr("SEARCH l USING PRIMARY KEY"));
        }
        EXPECT_THAT(p, Not(HasSubstr("Seq Scan on audit_records")));
        continue;
      }
      for (const std::string& w : pg() ? want.pg : want.sqlite)
        used = used || p.find(w) != std::string::npos;
      if (pg()) {
        EXPECT_THAT(p, Not(HasSubstr("Seq Scan")));
        if (p.find("Sort") != std::string::npos) {
          EXPECT_THAT(p, HasSubstr("Index Cond"));
        }
      } else {
        EXPECT_THAT(p, Not(HasSubstr("TEMP B-TREE")));
        if (p.find("SCAN") != std::string::npos) {
          EXPECT_EQ(p, "SCAN r\n");
        }
      }
    }
    EXPECT_TRUE(used) << "no statement uses " << (pg() ? want.pg : want.sqlite).front();
  }
};

TEST_F(AuditQueryPlanTest, EveryFilterAndWindowPageIsAnIndexWalk) {
  const RecordFilter whole{.from = kT0 - 24h, .to = kT0 + 24h};
  const RecordFilter hour{.from = kT0 + 1000s, .to = kT0 + 2000s};
  const RecordFilter empty_day{.from = kT0 + 4000s, .to = kT0 + 4001s};  // between the two parts
  const Want pkey{{"USING INTEGER PRIMARY KEY"}, {"audit_records_pkey"}};
  const Want walk{{"SCAN r", "USING INTEGER PRIMARY KEY"}, {"audit_records_pkey"}};
  // A rare value: its index. A common one may be walked by the primary key on PostgreSQL.
  const Want outcome{{"INDEX audit_records_outcome"}, {"audit_records_outcome"}};
  const Want actor_name{{"INDEX audit_records_actor_name"},
                        {"audit_records_actor_name", "audit_records_pkey"}};
  const Want action{{"INDEX audit_records_action"}, {"audit_records_action", "audit_records_pkey"}};
  for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
    for (std::optional<std::int64_t> cursor :
         {std::optional<std::int64_t>(), {std::int64_t{9000}}}) {
      expect_walks({}, order, cursor, walk);
      expect_walks(whole, order, cursor, walk);
      expect_walks(hour, order, cursor, pkey);
      expect_walks(empty_day, order, cursor, pkey);
      expect_walks({.outcome = "failure"}, order, cursor, outcome);
      expect_walks({.actor_name = "officer7"}, order, cursor, actor_name);
      expect_walks({.action = "action.3"}, order, cursor, action);
      RecordFilter f = hour;
      f.outcome = "denied";
      expect_walks(f, order, cursor, outcome);
      f = hour;
      f.actor_name = "officer7";
      expect_walks(f, order, cursor, actor_name);
      f = empty_day;
      f.actor_name = "officer7";
      expect_walks(f, order, cursor, actor_name);
    }
  }
}

TEST_F(AuditQueryPlanTest, AnObjectLookupWalksSpansAndRunsByTheirKeys) {
  const RecordFilter object{.object_type = "type1", .object_id = "17"};
  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  ASSERT_OK_AND_ASSIGN(auto plan,
                       store::plan_page(*conn, object, std::nullopt, 51, Order::kNewestFirst));
  int spans = 0, runs = 0;
  for (const Statement& st : plan.statements) {
    const std::string p = explain(*conn, st);
    SCOPED_TRACE(st.sql + "\n" + p);
    const bool run = st.sql.find("audit_object_runs o") != std::string::npos;
    (run ? runs : spans)++;
    if (pg()) {
      EXPECT_THAT(p, HasSubstr(run ? "audit_object_runs_pkey" : "audit_records_object_span"));
      EXPECT_THAT(p, Not(HasSubstr("Seq Scan")));
      EXPECT_THAT(p, Not(HasSubstr("Sort")));
    } else {
      EXPECT_THAT(p, HasSubstr(run ? "SEARCH o USING PRIMARY KEY"
                                   : "SEARCH r USING INDEX audit_records_object_span"));
      EXPECT_THAT(p, Not(HasSubstr("TEMP B-TREE")));
      EXPECT_THAT(p, Not(HasSubstr("SCAN")));
    }
  }
  EXPECT_EQ(runs, 4);   // the level-1 runs of the four blocks below 262 144
  EXPECT_EQ(spans, 2);  // 262 144 … 270 000
  RecordFilter windowed = object;
  windowed.from = kT0 + 4001s;
  windowed.outcome = "success";
  expect_walks(windowed, Order::kNewestFirst, std::nullopt,
               {{"SEARCH o USING PRIMARY KEY"}, {"audit_object_runs_pkey"}});
}

// A database of the previous version (migrations to 103, 110, 120) with a log whose times go
// back now and then; migrations 104–106 find its late records and its latest time, and the
// queries page it exactly.
TEST_F(AuditDbTest, MigrationsOfIssue16FindTheLateRecordsOfALogOfThePreviousVersion) {
  close();
  ASSERT_OK_AND_ASSIGN(auto fresh, test::TestDatabase::create("aq"));
  ASSERT_OK_AND_ASSIGN(auto db, db::Database::open(fresh->url(), {.pool_size = 4}));
  auto before = db::foundation_migrations();
  auto all = before;
  for (auto& m : audit::migrations()) {
    if (m.version < 104 || m.version > 106) before.push_back(m);
    all.push_back(m);
  }
  ASSERT_OK(db::migrate(*db, before));
  std::mt19937 random(3);
  {
    ASSERT_OK_AND_ASSIGN(auto conn, db->acquire(db::Access::kWrite));
    for (std::int64_t id = 1; id <= 600; ++id) {
      AuditRecord r;
      r.id = id;
      r.time = kT0 + id * 1s - std::chrono::milliseconds(random() % 9000);
      if (id % 41 == 0) r.time = kT0 + id * 1s - 11s - std::chrono::seconds(random() % 600);
      r.entry = entry(id % 3 == 0 ? "person.read" : "auth.login", std::to_string(id % 9));
      r.entry.outcome = id % 10 == 0 ? "failure" : "success";
      r.prev_hash = r.hash = std::string(kGenesisHash);
      ASSERT_OK(store::insert(conn, r));  // the previous version's INSERT: the same columns
    }
    ASSERT_OK(conn.exec("UPDATE audit_chain_head SET last_id = 600 WHERE id = 1"));
  }
  ASSERT_OK_AND_ASSIGN(auto report, db::migrate(*db, all));
  EXPECT_THAT(report.applied, ::testing::ElementsAre(104, 105, 106));
  const auto records = all_records(*db);
  EXPECT_EQ(late_table(*db), naive_late(records));
  EXPECT_GT(naive_late(records).size(), 10u);
  ASSERT_OK_AND_ASSIGN(auto conn, db->acquire(db::Access::kRead));
  ASSERT_OK_AND_ASSIGN(auto head, store::read_head(conn, false));
  core::TimePoint latest = records.front().time;
  for (const AuditRecord& r : records)
    latest = std::max(latest, r.time);
  EXPECT_EQ(head.max_time, latest);
  AuditLog log(*db, crypto_, clock_, keys_);
  for (const RecordFilter& f :
       {RecordFilter{.from = kT0 + 100s, .to = kT0 + 300s},
        RecordFilter{.from = kT0 + 100s, .to = kT0 + 300s, .outcome = "failure"},
        RecordFilter{.to = kT0 + 50s, .actor_name = "zhangsan"}}) {
    SCOPED_TRACE(label(f));
    EXPECT_EQ(pages(log, f, 9), naive(records, f));
  }
}

}  // namespace
}  // namespace zt::audit
