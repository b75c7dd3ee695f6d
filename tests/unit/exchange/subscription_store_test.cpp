// Webhook subscription storage on both databases: rows written and read back exactly, listing
// by department and page, which subscriptions are due, resume, the delivery history, and the
// lease — one claim at a time (also two workers racing on separate connections), writes that end
// an attempt refused without the lease, and a lease taken over once it expires.
//
// The database comes from the environment (support/test_database.h): ZT_TEST_BACKEND=postgresql
// → a schema per test in ZT_TEST_PG_URL; otherwise a SQLite file per test.
#include "exchange/subscriptions/store.h"

#include "db/database.h"
#include "db/migration.h"
#include "db/transaction.h"
#include "support/test_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

namespace zt::exchange {
namespace {

constexpr std::int64_t kNow = 1772413200000;  // 2026-03-02T09:00:00+08:00

Subscription sample(std::int64_t department, std::string_view code) {
  Subscription s;
  s.department_id = department;
  s.resource_id = 11;
  s.resource_code = std::string(code);
  s.url = "http://127.0.0.1:9000/hook";
  s.secret = "sm4:00";
  s.cursor = 5;
  s.next_attempt_at = kNow;
  s.created_by_kind = "user";
  s.created_by_id = 42;
  s.created_by_name = "ga_officer";
  s.created_at = s.updated_at = kNow - 1000;
  return s;
}

class SubscriptionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(test_db_, test::TestDatabase::create("sub"));
    ASSERT_OK_AND_ASSIGN(db_, test_db_->open_migrated({subscription_migrations()}));
  }

  void TearDown() override {
    db_.reset();
    test_db_.reset();
  }

  db::Connection writer() {
    auto conn = db_->acquire(db::Access::kWrite);
    EXPECT_TRUE(conn.ok());
    return std::move(conn).value();
  }

  std::int64_t add(const Subscription& s) {
    auto conn = writer();
    auto id = subscriptions::insert(conn, s);
    EXPECT_TRUE(id.ok()) << id.error().detail;
    return id.ok() ? *id : 0;
  }

  Subscription load(std::int64_t id) {
    auto conn = writer();
    auto found = subscriptions::find(conn, id);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : Subscription{};
  }

  bool claim(std::int64_t id, std::string_view owner, std::int64_t now) {
    auto conn = writer();
    auto claimed = subscriptions::claim(conn, id, owner, now, now + 60'000);
    EXPECT_TRUE(claimed.ok());
    return claimed.ok() && *claimed;
  }

  bool finish(const Subscription& s, std::string_view owner) {
    auto conn = writer();
    auto done = subscriptions::finish(conn, s, owner);
    EXPECT_TRUE(done.ok());
    return done.ok() && *done;
  }

  std::unique_ptr<test::TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
};

TEST_F(SubscriptionStoreTest, WritesReadsListsAndRemoves) {
  const std::int64_t a = add(sample(1, "330300-GA-0001"));
  const std::int64_t b = add(sample(1, "330300-GA-0002"));
  const std::int64_t c = add(sample(2, "330300-GA-0001"));
  ASSERT_LT(a, b);
  ASSERT_LT(b, c);
  {
    auto conn = writer();
    ASSERT_OK(subscriptions::set_secret(conn, a, "sm4:abcd"));
  }
  Subscription s = load(a);
  EXPECT_EQ(s.department_id, 1);
  EXPECT_EQ(s.resource_id, 11);
  EXPECT_EQ(s.resource_code, "330300-GA-0001");
  EXPECT_EQ(s.url, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(s.secret, "sm4:abcd");
  EXPECT_EQ(s.cursor, 5);
  EXPECT_EQ(s.status, "active");
  EXPECT_EQ(s.failures, 0);
  EXPECT_EQ(s.last_error, "");
  EXPECT_EQ(s.parked_reason, "");
  EXPECT_EQ(s.next_attempt_at, kNow);
  EXPECT_EQ(s.created_by_kind, "user");
  EXPECT_EQ(s.created_by_id, 42);
  EXPECT_EQ(s.created_by_name, "ga_officer");
  EXPECT_EQ(s.created_at, kNow - 1000);
  EXPECT_FALSE(s.last_success_at);
  EXPECT_FALSE(s.parked_at);

  auto conn = writer();
  auto own = subscriptions::list(conn, 1, 0, 10);
  ASSERT_OK(own);
  ASSERT_EQ(own->size(), 2u);
  EXPECT_EQ((*own)[0].id, b);  // newest first
  EXPECT_EQ((*own)[1].id, a);
  auto all = subscriptions::list(conn, std::nullopt, 0, 2);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, c);
  auto next = subscriptions::list(conn, std::nullopt, (*all)[1].id, 2);
  ASSERT_OK(next);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, a);

  ASSERT_OK(subscriptions::insert_delivery(
      conn, {.subscription_id = a, .first_seq = 6, .last_seq = 6, .count = 1, .started_at = kNow}));
  auto removed = subscriptions::remove(conn, a);
  ASSERT_OK(removed);
  EXPECT_TRUE(*removed);
  auto again = subscriptions::remove(conn, a);
  ASSERT_OK(again);
  EXPECT_FALSE(*again);
  auto gone = subscriptions::find(conn, a);
  ASSERT_OK(gone);
  EXPECT_FALSE(gone->has_value());
  auto history = subscriptions::deliveries(conn, a, 0, 10);
  ASSERT_OK(history);
  EXPECT_TRUE(history->empty());
}

TEST_F(SubscriptionStoreTest, OneLeaseAtATimeAndOnlyItsHolderFinishes) {
  const std::int64_t id = add(sample(1, "330300-GA-0001"));
  EXPECT_FALSE(claim(id, "node-a", kNow - 1));  // not due yet
  EXPECT_TRUE(claim(id, "node-a", kNow));
  EXPECT_FALSE(claim(id, "node-b", kNow + 1));  // held
  EXPECT_FALSE(claim(id, "node-a", kNow + 1));  // even by its holder: one attempt at a time

  Subscription s = load(id);
  s.cursor = 9;
  s.last_success_at = kNow + 5;
  s.next_attempt_at = kNow + 5;
  s.updated_at = kNow + 5;
  EXPECT_FALSE(finish(s, "node-b"));  // not the holder: nothing written
  EXPECT_EQ(load(id).cursor, 5);
  EXPECT_TRUE(finish(s, "node-a"));
  Subscription after = load(id);
  EXPECT_EQ(after.cursor, 9);
  EXPECT_EQ(after.last_success_at, kNow + 5);
  EXPECT_FALSE(finish(s, "node-a"));  // the lease is freed by finishing

  // A worker that stops holding a lease loses it when it expires (60 s here).
  EXPECT_TRUE(claim(id, "node-a", kNow + 10));
  EXPECT_FALSE(claim(id, "node-b", kNow + 10 + 59'999));
  EXPECT_TRUE(claim(id, "node-b", kNow + 10 + 60'001));
  s.cursor = 12;
  EXPECT_FALSE(finish(s, "node-a"));  // too late: node-b has it
  EXPECT_EQ(load(id).cursor, 9);
  EXPECT_TRUE(finish(s, "node-b"));
  EXPECT_EQ(load(id).cursor, 12);
}

TEST_F(SubscriptionStoreTest, TwoWorkersRacingForTheSameSubscriptionNeverBothWin) {
  const std::int64_t id = add(sample(1, "330300-GA-0001"));
  for (int round = 0; round < 20; ++round) {
    const std::int64_t now = kNow + round * 100'000;
    std::atomic<int> winners{0};
    std::latch start(2);
    auto worker = [&](std::string owner) {
      start.arrive_and_wait();
      // PostgreSQL: two connections at once. SQLite: the second waits for the single writer.
      auto conn = db_->acquire(db::Access::kWrite);
      ASSERT_TRUE(conn.ok());
      auto claimed = subscriptions::claim(*conn, id, owner, now, now + 60'000);
      ASSERT_TRUE(claimed.ok()) << claimed.error().detail;
      if (*claimed) winners.fetch_add(1);
    };
    std::thread a(worker, "node-a");
    std::thread b(worker, "node-b");
    a.join();
    b.join();
    ASSERT_EQ(winners.load(), 1) << "round " << round;
    // Free it for the next round whoever won.
    auto conn = writer();
    ASSERT_OK(conn.exec("UPDATE exchange_subscription SET lease_owner = NULL, lease_until = 0"));
  }
}

TEST_F(SubscriptionStoreTest, DueListsActiveFreeSubscriptionsWhoseTimeHasCome) {
  const std::int64_t due1 = add(sample(1, "A"));
  Subscription later = sample(1, "B");
  later.next_attempt_at = kNow + 1000;
  add(later);
  Subscription parked = sample(1, "C");
  parked.status = "parked";
  parked.parked_reason = "too_many_failures";
  const std::int64_t parked_id = add(parked);
  const std::int64_t leased = add(sample(1, "D"));
  ASSERT_TRUE(claim(leased, "node-a", kNow));
  const std::int64_t due2 = add(sample(2, "E"));

  auto conn = writer();
  auto due = subscriptions::due(conn, kNow, 0, 10);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, due1);
  EXPECT_EQ((*due)[1].id, due2);
  auto page = subscriptions::due(conn, kNow, due1, 1);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, due2);

  // Resume: only a parked one, failures reset, due at once.
  auto active = subscriptions::resume(conn, due1, kNow + 50);
  ASSERT_OK(active);
  EXPECT_FALSE(*active);
  auto resumed = subscriptions::resume(conn, parked_id, kNow + 50);
  ASSERT_OK(resumed);
  EXPECT_TRUE(*resumed);
  auto found = subscriptions::find(conn, parked_id);
  ASSERT_OK(found);
  EXPECT_EQ((*found)->status, "active");
  EXPECT_EQ((*found)->parked_reason, "");
  EXPECT_EQ((*found)->failures, 0);
  EXPECT_EQ((*found)->next_attempt_at, kNow + 50);
}

TEST_F(SubscriptionStoreTest, DeliveryHistoryNewestFirstWithInterruptedAttempts) {
  const std::int64_t id = add(sample(1, "A"));
  auto conn = writer();
  Delivery first{.subscription_id = id,
                 .attempt = 1,
                 .first_seq = 6,
                 .last_seq = 8,
                 .count = 3,
                 .started_at = kNow};
  auto d1 = subscriptions::insert_delivery(conn, first);
  ASSERT_OK(d1);
  ASSERT_OK(subscriptions::interrupt_pending(conn, id));  // its worker stopped
  Delivery second = first;
  second.started_at = kNow + 1000;
  auto d2 = subscriptions::insert_delivery(conn, second);
  ASSERT_OK(d2);
  second.id = *d2;
  second.outcome = "failed";
  second.http_status = 503;
  second.error = "http_error";
  second.error_detail = "The receiver answered HTTP 503.";
  second.duration_ms = 12;
  ASSERT_OK(subscriptions::update_delivery(conn, second));
  Delivery third = first;
  third.attempt = 2;
  third.outcome = "delivered";
  third.http_status = 204;
  third.duration_ms = 3;
  third.started_at = kNow + 3000;
  auto d3 = subscriptions::insert_delivery(conn, third);
  ASSERT_OK(d3);

  auto history = subscriptions::deliveries(conn, id, 0, 10);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 3u);
  const Delivery& newest = (*history)[0];
  EXPECT_EQ(newest.id, *d3);
  EXPECT_EQ(newest.attempt, 2);
  EXPECT_EQ(newest.outcome, "delivered");
  EXPECT_EQ(newest.http_status, 204);
  EXPECT_EQ(newest.duration_ms, 3);
  EXPECT_EQ(newest.error, "");
  const Delivery& failed = (*history)[1];
  EXPECT_EQ(failed.outcome, "failed");
  EXPECT_EQ(failed.http_status, 503);
  EXPECT_EQ(failed.error, "http_error");
  EXPECT_EQ(failed.error_detail, "The receiver answered HTTP 503.");
  EXPECT_EQ(failed.first_seq, 6);
  EXPECT_EQ(failed.last_seq, 8);
  EXPECT_EQ(failed.count, 3);
  EXPECT_EQ(failed.started_at, kNow + 1000);
  const Delivery& oldest = (*history)[2];
  EXPECT_EQ(oldest.outcome, "interrupted");
  EXPECT_FALSE(oldest.http_status);
  EXPECT_FALSE(oldest.duration_ms);
  auto older = subscriptions::deliveries(conn, id, *d2, 10);
  ASSERT_OK(older);
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].id, *d1);
}

}  // namespace
}  // namespace zt::exchange
