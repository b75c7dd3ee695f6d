// AuditLog and verify_chain on both databases: ids without gaps, the chain, transactions,
// concurrency, filters and paging.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "audit/verify.h"
#include "db/transaction.h"
#include "unit/audit/audit_fixture.h"

namespace zt::audit {
namespace {

using testing::AuditDbTest;
using namespace std::chrono_literals;

class AuditLogTest : public AuditDbTest {};

TEST_F(AuditLogTest, AppendsNumberedChainedRecordsThatVerify) {
  auto first = log_->append(entry("auth.login"));
  ASSERT_OK(first);
  EXPECT_EQ(*first, 1);
  auto second = log_->append(entry("user.password_change", "7"));
  ASSERT_OK(second);
  EXPECT_EQ(*second, 2);

  auto page = log_->list({}, std::nullopt, 10);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_FALSE(page->next_cursor);
  const AuditRecord& newest = page->items[0];
  const AuditRecord& oldest = page->items[1];
  EXPECT_EQ(newest.id, 2);
  EXPECT_EQ(oldest.id, 1);
  EXPECT_EQ(oldest.prev_hash, kGenesisHash);
  EXPECT_EQ(newest.prev_hash, oldest.hash);
  EXPECT_EQ(newest.entry.action, "user.password_change");
  EXPECT_EQ(newest.entry.object_id, "7");
  EXPECT_EQ(newest.entry.actor_id, 7);
  EXPECT_EQ(newest.entry.department_id, 3);
  EXPECT_EQ(newest.entry.actor_name, "zhangsan");
  auto recomputed = chain_mac(crypto_, keys_.chain_key, newest.prev_hash, newest);
  ASSERT_OK(recomputed);
  EXPECT_EQ(*recomputed, newest.hash);
  EXPECT_EQ(newest.hash.size(), 64u);

  auto report = verify_chain(*db_, crypto_, keys_);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records_checked, 2);
  EXPECT_EQ(report->head_id, 2);
  EXPECT_FALSE(report->first_broken_id);
}

TEST_F(AuditLogTest, EmptyLogVerifies) {
  auto report = verify_chain(*db_, crypto_, keys_);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records_checked, 0);
}

TEST_F(AuditLogTest, TimeIsKeptToTheMillisecondAndNullsRoundTrip) {
  AuditEntry e;  // anonymous: no actor id, no department
  e.action = "auth.login";
  e.outcome = "failure";
  e.actor_name = "nobody";
  e.time = core::TimePoint(std::chrono::milliseconds(1'795'000'000'123)) + 456us;
  ASSERT_OK(log_->append(e));
  auto page = log_->list({}, std::nullopt, 1);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 1u);
  const AuditRecord& r = page->items[0];
  EXPECT_EQ(r.time, core::TimePoint(std::chrono::milliseconds(1'795'000'000'123)));
  EXPECT_EQ(r.entry.actor_kind, "anonymous");
  EXPECT_FALSE(r.entry.actor_id);
  EXPECT_FALSE(r.entry.department_id);
  EXPECT_EQ(r.entry.outcome, "failure");
  ASSERT_OK(verify_chain(*db_, crypto_, keys_));
  EXPECT_TRUE(verify_chain(*db_, crypto_, keys_)->ok);
}

TEST_F(AuditLogTest, AppendInARolledBackTransactionLeavesNothing) {
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK(conn->execute("CREATE TABLE widgets (name TEXT)"));
    auto tx = db::Transaction::begin(*conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn->exec("INSERT INTO widgets (name) VALUES (?)", "w"));
    auto id = log_->append(*conn, entry("widget.create"));
    ASSERT_OK(id);
    EXPECT_EQ(*id, 1);
    ASSERT_OK(tx->rollback());
  }
  EXPECT_EQ(count(), 0);
  {
    auto conn = db_->acquire(db::Access::kRead);
    ASSERT_OK(conn);
    auto head = store::read_head(*conn, false);
    ASSERT_OK(head);
    EXPECT_EQ(head->last_id, 0);
    EXPECT_EQ(head->last_hash, kGenesisHash);
    auto widgets = conn->query("SELECT COUNT(*) FROM widgets");
    ASSERT_OK(widgets);
    EXPECT_EQ((*widgets)[0].get<std::int64_t>(0), 0);
  }
  // A transaction that commits keeps both; the rolled-back id is reused, so no gap.
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    auto tx = db::Transaction::begin(*conn);
    ASSERT_OK(tx);
    ASSERT_OK(conn->exec("INSERT INTO widgets (name) VALUES (?)", "w"));
    auto id = log_->append(*conn, entry("widget.create"));
    ASSERT_OK(id);
    EXPECT_EQ(*id, 1);
    ASSERT_OK(tx->commit());
  }
  EXPECT_EQ(count(), 1);
  EXPECT_TRUE(verify_chain(*db_, crypto_, keys_)->ok);
}

TEST_F(AuditLogTest, AppendOnAReadConnectionIsRefused) {
  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  auto id = log_->append(*conn, entry("x"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, "audit_needs_write_connection");
}

TEST_F(AuditLogTest, ConcurrentAppendsFormOneChainWithoutGaps) {
  constexpr int kThreads = 8;
  constexpr int kEach = 200;
  std::atomic<int> failures{0};
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AuditEntry e = entry("load.append", std::to_string(t * 1000 + i));
        Result<std::int64_t> id = Error{};
        if (i % 2 == 0) {
          id = log_->append(std::move(e));
        } else {  // inside a transaction of the caller's
          auto conn = db_->acquire(db::Access::kWrite);
          if (!conn.ok()) {
            ++failures;
            continue;
          }
          auto tx = db::Transaction::begin(*conn);
          if (!tx.ok()) {
            ++failures;
            continue;
          }
          id = log_->append(*conn, std::move(e));
          if (id.ok() && !tx->commit().ok()) id = Error{};
        }
        if (id.ok()) {
          ids[t].push_back(*id);
        } else {
          ++failures;
          ADD_FAILURE() << id.error().code << ": " << id.error().detail;
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::int64_t> all;
  for (const auto& list : ids) {
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));  // each thread's appends in order
    all.insert(list.begin(), list.end());
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);
  EXPECT_EQ(count(), kThreads * kEach);
  auto report =
      verify_chain(*db_, crypto_, keys_, {}, /*page_size=*/97);  // pages that do not divide it
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok) << report->reason << " at " << report->first_broken_id.value_or(0);
  EXPECT_EQ(report->records_checked, kThreads * kEach);
  EXPECT_EQ(report->head_id, kThreads * kEach);
}

TEST_F(AuditLogTest, AppendBatchChainsInOrder) {
  std::vector<AuditEntry> batch;
  for (int i = 0; i < 300; ++i)
    batch.push_back(entry("person.read", std::to_string(i)));
  auto last = log_->append_batch(batch);
  ASSERT_OK(last);
  EXPECT_EQ(*last, 300);
  auto none = log_->append_batch({});
  ASSERT_OK(none);
  EXPECT_EQ(*none, 300);
  ASSERT_OK(log_->append(entry("after")));
  auto report = verify_chain(*db_, crypto_, keys_, {}, 64);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records_checked, 301);
  std::vector<std::string> objects;
  ASSERT_OK(log_->scan({.action = "person.read"}, 0, 1000, [&](const AuditRecord& r) {
    objects.push_back(r.entry.object_id);
    return true;
  }));
  ASSERT_EQ(objects.size(), 300u);
  EXPECT_EQ(objects.front(), "0");
  EXPECT_EQ(objects.back(), "299");
}

TEST_F(AuditLogTest, TextIsMadeStorableBeforeHashing) {
  AuditEntry e = entry("auth.login");
  e.outcome = "failure";
  e.actor_name = std::string("bad\xff\xfe name\0x", 12);  // invalid UTF-8 and a NUL
  e.object_id = std::string(3000, 'a') + "张";
  e.detail = R"({"reason":"口令错误"})";
  ASSERT_OK(log_->append(e));
  auto page = log_->list({}, std::nullopt, 1);
  ASSERT_OK(page);
  const AuditRecord& r = page->items.at(0);
  EXPECT_EQ(r.entry.actor_name, "bad\xEF\xBF\xBD\xEF\xBF\xBD name\xEF\xBF\xBDx");
  EXPECT_EQ(r.entry.object_id, std::string(kMaxFieldBytes, 'a'));
  EXPECT_EQ(r.entry.detail, R"({"reason":"口令错误"})");
  EXPECT_TRUE(verify_chain(*db_, crypto_, keys_)->ok);
}

class AuditQueryTest : public AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    // id: time (minutes after t0), actor, department, action, object, outcome
    std::vector<AuditEntry> batch;
    auto add = [&](int minute, std::int64_t actor, const char* name, std::int64_t dept,
                   const char* action, const char* type, const char* object, const char* outcome) {
      AuditEntry e;
      e.time = t0_ + std::chrono::minutes(minute);
      e.actor_kind = "user";
      e.actor_id = actor;
      e.actor_name = name;
      e.department_id = dept;
      e.action = action;
      e.object_type = type;
      e.object_id = object;
      e.outcome = outcome;
      batch.push_back(e);
    };
    add(0, 1, "alice", 10, "auth.login", "user", "1", "success");                // 1
    add(1, 2, "bob", 20, "auth.login", "user", "2", "failure");                  // 2
    add(2, 1, "alice", 10, "person.read", "person", "330302", "success");        // 3
    add(3, 3, "carol", 10, "department.update", "department", "10", "success");  // 4
    add(4, 1, "alice", 10, "person.read", "person", "330303", "success");        // 5
    add(5, 2, "bob", 20, "person.read", "person", "330302", "denied");           // 6
    ASSERT_OK(log_->append_batch(batch));
  }

  std::vector<std::int64_t> ids(const RecordFilter& filter) {
    auto page = log_->list(filter, std::nullopt, 100);
    if (!page.ok()) {
      ADD_FAILURE() << page.error().detail;
      return {};
    }
    std::vector<std::int64_t> out;
    for (const auto& r : page->items)
      out.push_back(r.id);
    return out;
  }

  using V = std::vector<std::int64_t>;
  core::TimePoint t0_ = core::TimePoint(std::chrono::seconds(1'795'000'000));
};

TEST_F(AuditQueryTest, EachFilterNarrows) {
  EXPECT_EQ(ids({}), (V{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(ids({.actor_id = 1}), (V{5, 3, 1}));
  EXPECT_EQ(ids({.actor_name = "bob"}), (V{6, 2}));
  EXPECT_EQ(ids({.department_id = 10}), (V{5, 4, 3, 1}));
  EXPECT_EQ(ids({.action = "person.read"}), (V{6, 5, 3}));
  EXPECT_EQ(ids({.object_type = "person", .object_id = "330302"}), (V{6, 3}));
  EXPECT_EQ(ids({.outcome = "failure"}), (V{2}));
  EXPECT_EQ(ids({.from = t0_ + std::chrono::minutes(2), .to = t0_ + std::chrono::minutes(4)}),
            (V{4, 3}));  // from inclusive, to exclusive
  EXPECT_EQ(ids({.from = t0_ + std::chrono::minutes(5)}), (V{6}));
  EXPECT_EQ(ids({.to = t0_ + std::chrono::seconds(1)}), (V{1}));
  EXPECT_EQ(ids({.actor_id = 1, .action = "person.read", .outcome = "success"}), (V{5, 3}));
  EXPECT_EQ(ids({.actor_name = "nobody"}), (V{}));
}

TEST_F(AuditQueryTest, CursorPagingVisitsEveryRecordOnce) {
  std::vector<std::int64_t> seen;
  std::optional<std::int64_t> cursor;
  int pages = 0;
  do {
    auto page = log_->list({}, cursor, 4);
    ASSERT_OK(page);
    for (const auto& r : page->items)
      seen.push_back(r.id);
    cursor = page->next_cursor;
    ++pages;
  } while (cursor);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, (V{6, 5, 4, 3, 2, 1}));

  auto filtered = log_->list({.department_id = 10}, std::nullopt, 2);
  ASSERT_OK(filtered);
  ASSERT_EQ(filtered->items.size(), 2u);
  EXPECT_EQ(filtered->next_cursor, 4);
  auto rest = log_->list({.department_id = 10}, filtered->next_cursor, 2);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->items.size(), 2u);
  EXPECT_EQ(rest->items[0].id, 3);
  EXPECT_EQ(rest->items[1].id, 1);
  EXPECT_FALSE(rest->next_cursor);

  auto clamped = log_->list({}, std::nullopt, 0);  // limit clamps to 1..500
  ASSERT_OK(clamped);
  EXPECT_EQ(clamped->items.size(), 1u);
}

// The object index is kept per span of 4 096 ids: asking by object goes span by span, in
// the order asked, and pages across spans. Records far apart in id (spans 0, 17, 32 and 48) are
// placed directly with ids of their own.
TEST_F(AuditQueryTest, ObjectQueriesFindRecordsInEverySpanInOrder) {
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    for (auto [id, object] : {std::pair<std::int64_t, const char*>{70'000, "330302"},
                              {70'001, "330303"},
                              {131'072, "330399"},
                              {200'000, "330302"}}) {
      AuditRecord r;
      r.id = id;
      r.time = t0_ + std::chrono::minutes(10);
      r.entry.actor_kind = "user";
      r.entry.actor_name = "alice";
      r.entry.action = "person.read";
      r.entry.object_type = "person";
      r.entry.object_id = object;
      r.entry.outcome = "success";
      r.prev_hash = r.hash = std::string(64, '0');
      ASSERT_OK(store::insert(*conn, r));
    }
    ASSERT_OK(store::write_head(*conn, {200'000, std::string(64, '0')}));
  }
  EXPECT_EQ(ids({.object_type = "person", .object_id = "330302"}), (V{200'000, 70'000, 6, 3}));
  EXPECT_EQ(ids({.object_type = "person", .object_ids = {"330302", "330303"}}),
            (V{200'000, 70'001, 70'000, 6, 5, 3}));
  EXPECT_EQ(ids({.object_type = "person", .object_id = "330302", .outcome = "denied"}), (V{6}));

  std::vector<std::int64_t> seen;  // one a page, newest first, across the spans
  std::optional<std::int64_t> cursor;
  do {
    auto page = log_->list({.object_type = "person", .object_id = "330302"}, cursor, 1);
    ASSERT_OK(page);
    ASSERT_EQ(page->items.size(), 1u);
    seen.push_back(page->items[0].id);
    cursor = page->next_cursor;
  } while (cursor);
  EXPECT_EQ(seen, (V{200'000, 70'000, 6, 3}));

  seen.clear();  // oldest first, after id 5
  ASSERT_OK(log_->scan({.object_type = "person", .object_id = "330302"}, 5, 100,
                       [&](const AuditRecord& r) {
                         seen.push_back(r.id);
                         return true;
                       }));
  EXPECT_EQ(seen, (V{6, 70'000, 200'000}));
}

TEST_F(AuditQueryTest, ScanGoesOldestFirstInPages) {
  std::vector<std::int64_t> seen;
  auto last = log_->scan(
      {.outcome = "success"}, 0, 100,
      [&](const AuditRecord& r) {
        seen.push_back(r.id);
        return true;
      },
      /*page_size=*/2);
  ASSERT_OK(last);
  EXPECT_EQ(seen, (V{1, 3, 4, 5}));
  EXPECT_EQ(*last, 5);
  seen.clear();
  ASSERT_OK(log_->scan({}, 2, 3, [&](const AuditRecord& r) {
    seen.push_back(r.id);
    return true;
  }));
  EXPECT_EQ(seen, (V{3, 4, 5}));
  seen.clear();
  ASSERT_OK(log_->scan({}, 0, 100, [&](const AuditRecord& r) {
    seen.push_back(r.id);
    return r.id < 2;  // stop early
  }));
  EXPECT_EQ(seen, (V{1, 2}));
}

}  // namespace
}  // namespace zt::audit
