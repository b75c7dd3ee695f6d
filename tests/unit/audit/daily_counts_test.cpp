// AuditLog::daily_counts on both databases: days cut at Beijing midnight, "<code>/<key>" counted
// under <code>, outcomes apart, other actions and older days left out — read from the daily counts
// kept as records are appended (daily_counts.h), which equal a recount of the log whatever path
// appended the records (append in a transaction, in its own, append_batch, the group-commit
// writer), stay untouched by a rolled-back append, and are backfilled by migration 120 from a log
// of the previous version.
#include "unit/audit/audit_fixture.h"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <array>
#include <map>
#include <random>

#include "audit/daily_counts.h"
#include "audit/writer.h"
#include "db/transaction.h"

namespace zt::audit {
namespace {

using testing::AuditDbTest;
using namespace std::chrono_literals;

const std::vector<std::string> kAll(kDailyCountedActions.begin(), kDailyCountedActions.end());

std::chrono::year_month_day day(int y, unsigned m, unsigned d) {
  return std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                     std::chrono::day(d)};
}

std::vector<std::string> lines(const std::vector<DailyActionCount>& counts) {
  std::vector<std::string> out;
  for (const DailyActionCount& c : counts) {
    out.push_back(c.day + " " + c.action + " " + c.object_key + " " + c.outcome + " " +
                  std::to_string(c.count));
  }
  return out;
}

class DailyCountsTest : public AuditDbTest {
 protected:
  void add(std::string action, std::string object_id, std::string_view time,
           std::string outcome = "success") {
    AuditEntry e = entry(std::move(action), std::move(object_id));
    auto t = parse_time(time);
    ASSERT_OK(t);
    e.time = *t;
    e.outcome = std::move(outcome);
    ASSERT_OK(log_->append(std::move(e)));
  }

  // What the figures were before the rollup: every record of the log read back and counted
  // here, per Beijing day, action, object key and outcome, for the days from `first` on.
  std::vector<std::string> recount(AuditLog& log, std::chrono::year_month_day first) {
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> sums;
    const std::string since = fmt::format("{:04}-{:02}-{:02}", int(first.year()),
                                          unsigned(first.month()), unsigned(first.day()));
    auto scanned = log.scan({}, 0, 10'000'000, [&](const AuditRecord& r) {
      if (!is_daily_counted(r.entry.action)) return true;
      const auto d = core::china_date(r.time);
      std::string text =
          fmt::format("{:04}-{:02}-{:02}", int(d.year()), unsigned(d.month()), unsigned(d.day()));
      if (text < since) return true;
      const std::string& id = r.entry.object_id;
      ++sums[{text, r.entry.action, id.substr(0, id.find('/')), r.entry.outcome}];
      return true;
    });
    EXPECT_TRUE(scanned.ok());
    std::vector<std::string> out;
    for (const auto& [k, n] : sums) {
      out.push_back(std::get<0>(k) + " " + std::get<1>(k) + " " + std::get<2>(k) + " " +
                    std::get<3>(k) + " " + std::to_string(n));
    }
    return out;
  }

  // A mixed log: reads of 4 resources by 5 departments (and none) over 10 days, around Beijing
  // midnight, with failures and actions that are not counted.
  static std::vector<AuditEntry> mixed_entries(int n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    const std::array<std::string, 7> actions = {
        "exchange.record.read",   "exchange.records.query",   "exchange.records.export",
        "exchange.changes.read",  "exchange.webhook.deliver", "auth.login",
        "catalog.resource.update"};
    const std::array<std::string, 4> codes = {"330300-GA-0001", "330300-MZ-0002", "330300-RS-0003",
                                              "330300-SC-0004"};
    // 2026-11-20T15:30:00Z: 23:30 in Beijing; steps of ~6 h cross midnights.
    const core::TimePoint start = *parse_time("2026-11-20T15:30:00Z");
    std::vector<AuditEntry> out;
    for (int i = 0; i < n; ++i) {
      AuditEntry e = entry(actions[rng() % actions.size()]);
      const std::string& code = codes[rng() % codes.size()];
      e.object_id =
          rng() % 2 ? code + "/33030219800101" + std::to_string(1000 + rng() % 9000) : code;
      const std::uint32_t d = rng() % 6;
      e.department_id = d == 5 ? std::nullopt : std::optional<std::int64_t>(d + 1);
      e.outcome = rng() % 5 == 0 ? "failure" : "success";
      e.time = start + std::chrono::minutes(rng() % (10 * 24 * 60)) +
               std::chrono::milliseconds(rng() % 1000);
      out.push_back(std::move(e));
    }
    return out;
  }
};

TEST_F(DailyCountsTest, CountsPerBeijingDayActionObjectAndOutcome) {
  add("exchange.record.read", "R1/330302198001010011", "2026-11-22T15:59:59.999Z");  // 11-22
  add("exchange.record.read", "R1/330302198001010011", "2026-11-22T16:00:00Z");      // 11-23 00:00
  add("exchange.record.read", "R1/330302198001010011", "2026-11-23T15:59:59.999Z");  // 11-23 23:59
  add("exchange.record.read", "R1/330302198001010020", "2026-11-23T16:00:00Z");      // 11-24 00:00
  add("exchange.record.read", "R1/330302198001010038", "2026-11-24T01:00:00Z");
  add("exchange.record.read", "R2/1,2", "2026-11-24T01:00:00Z");
  add("exchange.records.query", "R1", "2026-11-24T02:00:00Z");
  add("exchange.webhook.deliver", "R1", "2026-11-24T02:00:00Z", "failure");
  add("auth.login", "R1", "2026-11-24T02:00:00Z");  // not counted

  const std::vector<std::string> actions = {"exchange.record.read", "exchange.records.query",
                                            "exchange.webhook.deliver"};
  auto counts = log_->daily_counts(actions, day(2026, 11, 23));
  ASSERT_OK(counts);
  EXPECT_EQ(lines(*counts), (std::vector<std::string>{
                                "2026-11-23 exchange.record.read R1 success 2",
                                "2026-11-24 exchange.record.read R1 success 2",
                                "2026-11-24 exchange.record.read R2 success 1",
                                "2026-11-24 exchange.records.query R1 success 1",
                                "2026-11-24 exchange.webhook.deliver R1 failure 1",
                            }));
  auto none = log_->daily_counts({}, day(2026, 11, 23));
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  const std::vector<std::string> login = {"auth.login"};
  auto refused = log_->daily_counts(login, day(2026, 11, 23));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "action_not_counted");
}

TEST_F(DailyCountsTest, EqualARecountOfTheLogWhateverPathAppended) {
  const auto entries = mixed_entries(3000, 16);
  // A third one by one (half in the caller's transaction, half in their own), a third in
  // batches, a third through the group-commit writer.
  std::size_t i = 0;
  for (; i < 1000; ++i) {
    if (i % 2) {
      ASSERT_OK(log_->append(entries[i]));
      continue;
    }
    ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kWrite));
    ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
    ASSERT_OK(log_->append(conn, entries[i]));
    ASSERT_OK(tx.commit());
  }
  for (; i < 2000; i += 250) {
    ASSERT_OK(log_->append_batch(std::span<const AuditEntry>(entries).subspan(i, 250)));
  }
  {
    AuditWriter writer(*log_, {.batch_size = 300, .flush_interval = 1000ms});
    for (; i < entries.size(); ++i)
      writer.submit(entries[i]);
    ASSERT_OK(writer.flush());
  }
  for (const auto first : {day(2026, 11, 1), day(2026, 11, 21), day(2026, 11, 27)}) {
    ASSERT_OK_AND_ASSIGN(auto counts, log_->daily_counts(kAll, first));
    EXPECT_EQ(lines(counts), recount(*log_, first));
    EXPECT_FALSE(counts.empty());
  }
}

TEST_F(DailyCountsTest, ARolledBackAppendCountsNothing) {
  add("exchange.record.read", "R1/1", "2026-11-24T01:00:00Z");
  {
    ASSERT_OK_AND_ASSIGN(auto conn, db_->acquire(db::Access::kWrite));
    ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
    AuditEntry e = entry("exchange.record.read", "R1/2");
    e.time = *parse_time("2026-11-24T02:00:00Z");
    ASSERT_OK(log_->append(conn, e));
  }  // not committed
  ASSERT_OK_AND_ASSIGN(auto counts, log_->daily_counts(kAll, day(2026, 11, 1)));
  EXPECT_EQ(lines(counts),
            (std::vector<std::string>{"2026-11-24 exchange.record.read R1 success 1"}));
}

TEST_F(DailyCountsTest, MigrationBackfillsALogOfThePreviousVersion) {
  // A fresh database migrated to 110, with a mixed log; then 120 on top, then more records.
  close();
  ASSERT_OK_AND_ASSIGN(auto fresh, test::TestDatabase::create("ad"));
  ASSERT_OK_AND_ASSIGN(auto db, db::Database::open(fresh->url(), {.pool_size = 2}));
  auto before = db::foundation_migrations();
  auto all = before;
  for (auto& m : audit::migrations()) {
    if (m.version < 120) before.push_back(m);
    all.push_back(m);
  }
  ASSERT_OK(db::migrate(*db, before));
  const auto entries = mixed_entries(2000, 7);
  {
    // The previous version's append: the records only (its AuditLog knew no counts), written
    // here through the store as that version did.
    ASSERT_OK_AND_ASSIGN(auto conn, db->acquire(db::Access::kWrite));
    ASSERT_OK_AND_ASSIGN(auto tx, db::Transaction::begin(conn));
    std::vector<AuditRecord> records;
    for (std::size_t i = 0; i < 1500; ++i) {
      AuditRecord r;
      r.id = static_cast<std::int64_t>(i) + 1;
      r.time = std::chrono::floor<std::chrono::milliseconds>(*entries[i].time);
      r.entry = entries[i];
      r.prev_hash = std::string(kGenesisHash);
      r.hash = std::string(kGenesisHash);
      records.push_back(std::move(r));
    }
    ASSERT_OK(store::insert_many(tx, records));
    ASSERT_OK(store::write_head(conn, {1500, std::string(kGenesisHash)}));
    ASSERT_OK(tx.commit());
  }
  ASSERT_OK_AND_ASSIGN(auto report, db::migrate(*db, all));
  EXPECT_THAT(report.applied, ::testing::Contains(120));
  AuditLog log(*db, crypto_, clock_, keys_);
  ASSERT_OK_AND_ASSIGN(auto backfilled, log.daily_counts(kAll, day(2026, 11, 1)));
  EXPECT_EQ(lines(backfilled), recount(log, day(2026, 11, 1)));
  ASSERT_OK(log.append_batch(std::span<const AuditEntry>(entries).subspan(1500)));
  ASSERT_OK_AND_ASSIGN(auto counts, log.daily_counts(kAll, day(2026, 11, 1)));
  EXPECT_EQ(lines(counts), recount(log, day(2026, 11, 1)));
  EXPECT_NE(lines(counts), lines(backfilled));
}

}  // namespace
}  // namespace zt::audit
