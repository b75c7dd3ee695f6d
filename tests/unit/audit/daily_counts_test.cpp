// AuditLog::daily_counts on both databases: days cut at Beijing midnight, "<code>/<key>" counted
// under <code>, outcomes apart, other actions and older records left out.
#include "unit/audit/audit_fixture.h"

#include <array>

namespace zt::audit {
namespace {

using testing::AuditDbTest;

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
};

TEST_F(DailyCountsTest, CountsPerBeijingDayActionObjectAndOutcome) {
  add("exchange.record.read", "R1/330302198001010011", "2026-11-22T23:00:00Z");  // before `from`
  add("exchange.record.read", "R1/330302198001010011", "2026-11-23T15:59:59.999Z");  // 11-23 23:59
  add("exchange.record.read", "R1/330302198001010020", "2026-11-23T16:00:00Z");      // 11-24 00:00
  add("exchange.record.read", "R1/330302198001010038", "2026-11-24T01:00:00Z");
  add("exchange.record.read", "R2/1,2", "2026-11-24T01:00:00Z");
  add("exchange.records.query", "R1", "2026-11-24T02:00:00Z");
  add("exchange.webhook.deliver", "R1", "2026-11-24T02:00:00Z", "failure");
  add("auth.login", "R1", "2026-11-24T02:00:00Z");  // not asked for

  const std::array<std::string, 3> actions = {"exchange.record.read", "exchange.records.query",
                                              "exchange.webhook.deliver"};
  auto from = parse_time("2026-11-23T00:00:00Z");
  ASSERT_OK(from);
  auto counts = log_->daily_counts(actions, *from);
  ASSERT_OK(counts);
  std::vector<std::string> got;
  for (const DailyActionCount& c : *counts) {
    got.push_back(c.day + " " + c.action + " " + c.object_key + " " + c.outcome + " " +
                  std::to_string(c.count));
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "2026-11-23 exchange.record.read R1 success 1",
                     "2026-11-24 exchange.record.read R1 success 2",
                     "2026-11-24 exchange.record.read R2 success 1",
                     "2026-11-24 exchange.records.query R1 success 1",
                     "2026-11-24 exchange.webhook.deliver R1 failure 1",
                 }));
  auto none = log_->daily_counts({}, *from);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace zt::audit
