// CalendarService on both databases (the platform harness): the package imported at start and
// only once, administrators' changes (audited, epoch, listeners, precedence over the package),
// schedule files for a year the package lacks, and another node seeing a change by the epoch.
#include "calendar/service.h"

#include "identity/model.h"
#include "support/platform_harness.h"

#include <gtest/gtest.h>

namespace zt::calendar {
namespace {

using core::Date;
using core::format_iso_date;
using test::PlatformTest;

Date d(std::string_view text) {
  auto date = core::parse_iso_date(text);
  EXPECT_TRUE(date.has_value()) << text;
  return date.value_or(Date{});
}

// Next year's schedule, for a year the package does not cover (test data, not a real notice).
constexpr std::string_view kSchedule2027 = R"({"source": "测试通知 2027", "years": [{"year": 2027,
  "off": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-04", "name": "元旦"}],
  "working": [{"date": "2027-01-09", "name": "元旦"}]}]})";

class CalendarServiceTest : public PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    auto dsj = h().department("330300-DSJ", "温州市大数据发展管理局");
    ASSERT_OK(dsj);
    auto admin = h().staff("dsj_admin", *dsj, {std::string(identity::role::kDataAdmin)});
    ASSERT_OK(admin);
    admin_ = *admin;
    auto officer = h().staff("dsj_officer", *dsj, {std::string(identity::role::kDeptOfficer)});
    ASSERT_OK(officer);
    officer_ = *officer;
  }
  CalendarService& calendar() { return h().platform().calendar().service(); }
  std::vector<audit::AuditRecord> audit(std::string action) {
    audit::RecordFilter filter;
    filter.action = std::move(action);
    auto page = h().platform().audit().log().list(filter, std::nullopt, 100);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<audit::AuditRecord>{};
  }
  std::string deadline(std::string_view start, int n) {
    auto r = calendar().deadline(d(start), n);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
    if (!r.ok()) return "";
    return format_iso_date(r->deadline.date) +
           (r->deadline.calendar_incomplete ? " incomplete" : "");
  }

  core::Principal admin_;
  core::Principal officer_;
};

TEST_F(CalendarServiceTest, ThePackageIsImportedAtStartAndOnlyOnce) {
  ASSERT_OK_AND_ASSIGN(Coverage before, calendar().coverage());
  ASSERT_FALSE(before.years.empty());
  EXPECT_LE(before.years.front().year, 2024);
  EXPECT_EQ(before.last_covered_day, "2026-12-31");
  for (const CoveredYear& y : before.years) {
    EXPECT_EQ(y.kind, "package");
    EXPECT_EQ(y.source.rfind("chinese-days ", 0), 0u);
  }
  EXPECT_EQ(audit("calendar.package.import").size(), 1u);
  ASSERT_OK_AND_ASSIGN(bool again, calendar().import_package());
  EXPECT_FALSE(again);
  ASSERT_OK_AND_ASSIGN(Coverage after, calendar().coverage());
  EXPECT_EQ(after.epoch, before.epoch);
  EXPECT_EQ(audit("calendar.package.import").size(), 1u);

  ASSERT_OK_AND_ASSIGN(auto days, calendar().days(d("2024-09-29"), d("2024-10-01")));
  ASSERT_EQ(days.size(), 3u);
  EXPECT_TRUE(days[0].working);
  EXPECT_EQ(days[0].name, "国庆节");
  EXPECT_EQ(days[0].source, "package");
  EXPECT_TRUE(days[1].working);
  EXPECT_EQ(days[1].source, "weekdays");
  EXPECT_FALSE(days[2].working);
  EXPECT_EQ(deadline("2024-09-27", 3), "2024-10-08");
  EXPECT_EQ(deadline("2026-12-21", 10), "2027-01-04 incomplete");
}

TEST_F(CalendarServiceTest, AnAdministratorsChangeMovesDeadlinesAndIsAudited) {
  std::vector<CalendarChange> heard;
  calendar().on_change([&heard](const CalendarChange& c) { heard.push_back(c); });
  ASSERT_OK_AND_ASSIGN(Coverage before, calendar().coverage());
  EXPECT_EQ(deadline("2025-03-03", 5), "2025-03-10");

  // A typhoon day off (Wednesday 2025-03-05): the limit ends a working day later.
  ASSERT_OK_AND_ASSIGN(core::CalendarDay day, calendar().set_day(admin_, d("2025-03-05"), false,
                                                                 "台风停工", h().context()));
  EXPECT_FALSE(day.working);
  EXPECT_EQ(day.source, "override");
  EXPECT_EQ(day.name, "台风停工");
  EXPECT_EQ(deadline("2025-03-03", 5), "2025-03-11");
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].epoch, before.epoch + 1);
  EXPECT_EQ(format_iso_date(heard[0].first), "2025-03-05");
  EXPECT_EQ(format_iso_date(heard[0].last), "2025-03-05");
  ASSERT_OK_AND_ASSIGN(Coverage after, calendar().coverage());
  EXPECT_EQ(after.epoch, before.epoch + 1);

  const auto records = audit("calendar.day.set");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].entry.object_id, "2025-03-05");
  EXPECT_EQ(records[0].entry.actor_name, "dsj_admin");
  EXPECT_NE(records[0].entry.detail.find("台风停工"), std::string::npos);
  EXPECT_NE(records[0].entry.detail.find("\"was_working\":true"), std::string::npos);

  // A package holiday made working again (and back): the change wins over the package.
  ASSERT_OK(calendar().set_day(admin_, d("2024-10-07"), true, "测试", h().context()));
  EXPECT_TRUE(calendar().days(d("2024-10-07"), d("2024-10-07"))->front().working);

  EXPECT_ERROR(calendar().set_day(officer_, d("2025-03-06"), false, "x", h().context()),
               "forbidden");
  EXPECT_ERROR(calendar().set_day(admin_, d("2025-03-06"), false, "", h().context()),
               "invalid_body");
  EXPECT_EQ(heard.size(), 2u);
}

TEST_F(CalendarServiceTest, AScheduleFileCoversNextYear) {
  EXPECT_EQ(deadline("2026-12-28", 5), "2027-01-04 incomplete");
  ASSERT_OK_AND_ASSIGN(Schedule schedule, parse_schedule(kSchedule2027));
  EXPECT_ERROR(calendar().load_schedule(officer_, schedule, h().context()), "forbidden");
  ASSERT_OK_AND_ASSIGN(Coverage coverage,
                       calendar().load_schedule(admin_, schedule, h().context()));
  EXPECT_EQ(coverage.last_covered_day, "2027-12-31");
  EXPECT_EQ(coverage.years.back().kind, "schedule");
  EXPECT_EQ(coverage.years.back().source, "测试通知 2027");
  // 12-29, 12-30, 12-31, then 01-01 and 01-04 off: 01-05, 01-06.
  EXPECT_EQ(deadline("2026-12-28", 5), "2027-01-06");
  // Saturday 2027-01-09 counts.
  EXPECT_EQ(deadline("2027-01-08", 1), "2027-01-09");
  EXPECT_EQ(audit("calendar.schedule.load").size(), 1u);

  // A later package that has 2027 leaves the loaded year as it is; an administrator's change of a
  // package day survives the package's import.
  ASSERT_OK(calendar().set_day(admin_, d("2026-10-08"), false, "测试", h().context()));
  ASSERT_OK_AND_ASSIGN(Schedule newer, parse_schedule(R"({"source": "chinese-days 9.9.9",
    "years": [{"year": 2026, "off": [], "working": []},
              {"year": 2027, "off": [{"date": "2027-02-10", "name": "春节"}], "working": []}]})"));
  ASSERT_OK_AND_ASSIGN(bool imported, calendar().import_package(newer, "newer"));
  EXPECT_TRUE(imported);
  ASSERT_OK_AND_ASSIGN(auto days, calendar().days(d("2026-10-01"), d("2026-10-08")));
  EXPECT_TRUE(days[0].working);  // 9.9.9 says 2026 has no holiday
  EXPECT_EQ(days[0].source, "weekdays");
  EXPECT_FALSE(days[7].working);
  EXPECT_EQ(days[7].source, "override");
  ASSERT_OK_AND_ASSIGN(auto kept, calendar().days(d("2027-01-01"), d("2027-02-10")));
  EXPECT_FALSE(kept.front().working);
  EXPECT_EQ(kept.front().source, "schedule");
  EXPECT_TRUE(kept.back().working);  // the package's 2027-02-10 was not taken
}

TEST_F(CalendarServiceTest, AnotherNodeSeesAChangeByTheEpoch) {
  CalendarService other(h().platform().database(), h().platform().audit().log(), h().clock());
  ASSERT_OK_AND_ASSIGN(DeadlineAnswer first, other.deadline(d("2025-03-03"), 5));
  EXPECT_EQ(format_iso_date(first.deadline.date), "2025-03-10");
  ASSERT_OK(calendar().set_day(admin_, d("2025-03-04"), false, "停电", h().context()));
  ASSERT_OK_AND_ASSIGN(DeadlineAnswer second, other.deadline(d("2025-03-03"), 5));
  EXPECT_EQ(format_iso_date(second.deadline.date), "2025-03-11");
  ASSERT_OK_AND_ASSIGN(CalendarSnapshot a, calendar().snapshot());
  ASSERT_OK_AND_ASSIGN(CalendarSnapshot b, other.snapshot());
  EXPECT_EQ(a.epoch, b.epoch);
}

TEST_F(CalendarServiceTest, PausesThroughTheService) {
  // 补正 from Tuesday 2024-09-10 to Monday 09-16: five working days; the deadline moves by five.
  ASSERT_OK_AND_ASSIGN(DeadlineAnswer plain, calendar().deadline(d("2024-09-02"), 20));
  const std::vector<core::Pause> pauses{{d("2024-09-10"), d("2024-09-16")}};
  ASSERT_OK_AND_ASSIGN(DeadlineAnswer paused, calendar().deadline(d("2024-09-02"), 20, pauses));
  EXPECT_EQ(paused.deadline.paused_working_days, 5);
  ASSERT_OK_AND_ASSIGN(CalendarSnapshot s, calendar().snapshot());
  EXPECT_EQ(s.calendar->working_days_between(plain.deadline.date, paused.deadline.date), 5);
}

TEST_F(CalendarServiceTest, RangesAndDates) {
  EXPECT_ERROR(calendar().days(d("2024-02-01"), d("2024-01-01")), "invalid_range");
  EXPECT_ERROR(calendar().days(d("2024-01-01"), d("2025-01-01")), "range_too_large");
  ASSERT_OK_AND_ASSIGN(auto leap, calendar().days(d("2024-01-01"), d("2024-12-31")));
  EXPECT_EQ(leap.size(), 366u);
  EXPECT_ERROR(parse_date("2024-02-30", "from"), "invalid_date");
  EXPECT_ERROR(parse_date("1899-12-31", "from"), "invalid_date");
  EXPECT_ERROR(parse_date("", "from"), "invalid_date");
  EXPECT_ERROR(calendar().deadline(d("2024-01-01"), 0), "invalid_working_days");
}

}  // namespace
}  // namespace zt::calendar
