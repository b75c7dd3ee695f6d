// The holidays and make-up working days of the npm package chinese-days as the build converted
// them (calendar/package_data.h), against the State Council's schedules for 2024-2026, and the
// schedule file's checks.
#include "calendar/package_data.h"
#include "calendar/schedule.h"

#include <gtest/gtest.h>

#include <string>

namespace zt::calendar {
namespace {

using core::Date;
using core::format_iso_date;

Date d(std::string_view text) {
  auto date = core::parse_iso_date(text);
  EXPECT_TRUE(date.has_value()) << text;
  return date.value_or(Date{});
}

const core::WorkingCalendar& package() {
  static const core::WorkingCalendar calendar = [] {
    auto schedule = parse_schedule(package_schedule_text());
    EXPECT_TRUE(schedule.ok()) << schedule.error().detail;
    return schedule.ok() ? calendar_of(*schedule, "package") : core::WorkingCalendar();
  }();
  return calendar;
}

// Every day of first..last is off, named `name`.
void expect_off(std::string_view first, std::string_view last, std::string_view name) {
  for (Date day = d(first); day <= d(last); day += std::chrono::days{1}) {
    const core::CalendarDay c = package().day(day);
    EXPECT_FALSE(c.working) << format_iso_date(day);
    EXPECT_EQ(c.name, name) << format_iso_date(day);
    EXPECT_EQ(c.source, "package") << format_iso_date(day);
  }
}

void expect_make_up(std::string_view day, std::string_view name) {
  const core::CalendarDay c = package().day(d(day));
  EXPECT_TRUE(c.working) << day;
  EXPECT_EQ(c.name, name) << day;
  EXPECT_EQ(c.source, "package") << day;
}

std::string deadline(std::string_view start, int n) {
  auto r = package().deadline(d(start), n);
  EXPECT_TRUE(r.ok());
  return r.ok() ? format_iso_date(r->date) + (r->calendar_incomplete ? " incomplete" : "") : "";
}

TEST(PackageData, NamesItsSourceAndCoversTwoThousandFourToTwentyTwentySix) {
  auto schedule = parse_schedule(package_schedule_text());
  ASSERT_TRUE(schedule.ok()) << schedule.error().detail;
  EXPECT_EQ(schedule->source.rfind("chinese-days ", 0), 0u) << schedule->source;
  const auto& years = package().covered_years();
  ASSERT_FALSE(years.empty());
  EXPECT_LE(years.front(), 2024);
  EXPECT_GE(years.back(), 2026);
  for (int y : {2024, 2025, 2026})
    EXPECT_TRUE(package().covered(d(std::to_string(y) + "-06-01"))) << y;
}

// 国办发明电〔2023〕7号.
TEST(PackageData, TwentyTwentyFour) {
  expect_off("2024-10-01", "2024-10-07", "国庆节");
  expect_make_up("2024-09-29", "国庆节");  // Sunday
  expect_make_up("2024-10-12", "国庆节");  // Saturday
  expect_off("2024-02-10", "2024-02-17", "春节");
  expect_make_up("2024-02-04", "春节");
  expect_make_up("2024-02-18", "春节");
  expect_off("2024-05-01", "2024-05-05", "劳动节");
  expect_make_up("2024-04-28", "劳动节");
  expect_make_up("2024-05-11", "劳动节");
  EXPECT_TRUE(package().working(d("2024-09-30")));
  EXPECT_TRUE(package().working(d("2024-10-08")));
  EXPECT_FALSE(package().working(d("2024-10-13")));  // an ordinary Sunday
  EXPECT_EQ(package().day(d("2024-10-13")).source, core::kWeekdayRuleSource);
}

// 国办发明电〔2024〕12号: the first year with eight days of Spring Festival.
TEST(PackageData, TwentyTwentyFive) {
  expect_off("2025-01-28", "2025-02-04", "春节");
  expect_make_up("2025-01-26", "春节");  // Sunday
  expect_make_up("2025-02-08", "春节");  // Saturday
  expect_off("2025-10-01", "2025-10-05", "国庆节");
  expect_off("2025-10-06", "2025-10-06", "中秋");  // 中秋 falls inside National Day
  expect_off("2025-10-07", "2025-10-08", "国庆节");
  expect_make_up("2025-09-28", "国庆节");
  expect_make_up("2025-10-11", "国庆节");
  expect_off("2025-05-01", "2025-05-05", "劳动节");
  expect_make_up("2025-04-27", "劳动节");
}

TEST(PackageData, TwentyTwentySix) {
  expect_off("2026-01-01", "2026-01-03", "元旦");
  expect_make_up("2026-01-04", "元旦");
  expect_off("2026-02-15", "2026-02-23", "春节");
  expect_make_up("2026-02-14", "春节");
  expect_make_up("2026-02-28", "春节");
  expect_off("2026-05-01", "2026-05-05", "劳动节");
  expect_make_up("2026-05-09", "劳动节");
  expect_off("2026-10-01", "2026-10-07", "国庆节");
  expect_make_up("2026-09-20", "国庆节");
  expect_make_up("2026-10-10", "国庆节");
}

TEST(PackageData, DeadlinesAcrossHolidaysAndMakeUpDays) {
  // Accepted Friday 2024-09-27: Sunday 09-29 and Monday 09-30 count, then the holiday.
  EXPECT_EQ(deadline("2024-09-27", 3), "2024-10-08");
  // Accepted Friday 2024-10-11: Saturday 10-12 is the first working day.
  EXPECT_EQ(deadline("2024-10-11", 1), "2024-10-12");
  // Accepted Monday 2025-01-27 (Spring Festival eve's eve): 02-05 .. 02-07, Saturday 02-08.
  EXPECT_EQ(deadline("2025-01-27", 4), "2025-02-08");
  // A 20-working-day limit from 2026-09-21 crosses the Mid-autumn and National Day holidays.
  EXPECT_EQ(deadline("2026-09-21", 20), "2026-10-26");
}

TEST(PackageData, PastTheLastCoveredDayIsFlagged) {
  const int last = package().covered_years().back();
  const std::string dec = std::to_string(last) + "-12-";
  EXPECT_FALSE(package().covered(d(std::to_string(last + 1) + "-01-04")));
  auto inside = package().deadline(d(dec + "01"), 5);
  ASSERT_TRUE(inside.ok());
  EXPECT_FALSE(inside->calendar_incomplete);
  auto outside = package().deadline(d(dec + "28"), 10);
  ASSERT_TRUE(outside.ok());
  EXPECT_TRUE(outside->calendar_incomplete);
  EXPECT_GT(outside->date, d(dec + "31"));
  EXPECT_EQ(package().day(d(std::to_string(last + 1) + "-01-01")).source, core::kUncoveredSource);
}

std::string problem_of(std::string_view text) {
  auto r = parse_schedule(text);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().code, "invalid_schedule");
  return r.error().detail;
}

TEST(Schedule, ParsesAFile) {
  auto r = parse_schedule(R"({"source": "国办发明电", "years": [{"year": 2027,
      "off": [{"date": "2027-01-01", "name": "元旦"}],
      "working": [{"date": "2027-01-09", "name": "元旦"}]}]})");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  ASSERT_EQ(r->years.size(), 1u);
  EXPECT_EQ(r->years[0].year, 2027);
  EXPECT_EQ(format_iso_date(r->years[0].off[0].date), "2027-01-01");
  EXPECT_EQ(r->years[0].working[0].name, "元旦");
  const core::WorkingCalendar c = calendar_of(*r, "schedule");
  EXPECT_FALSE(c.working(d("2027-01-01")));
  EXPECT_TRUE(c.working(d("2027-01-09")));
  EXPECT_TRUE(c.covered(d("2027-07-01")));
}

TEST(Schedule, RefusesWhatIsWrong) {
  EXPECT_NE(problem_of("not json"), "ok");
  EXPECT_NE(problem_of("[]"), "ok");
  EXPECT_NE(problem_of(R"({"years": [{"year": 2027, "off": [], "working": []}]})"), "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": []})"), "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027, "off": []}]})"), "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 1800, "off": [], "working": []}]})"),
            "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027, "off": [], "working": []},
                                                     {"year": 2027, "off": [], "working": []}]})"),
            "ok");
  // A date of another year, a date twice, a date off and working, a make-up day on a weekday.
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027,
      "off": [{"date": "2028-01-01", "name": "元旦"}], "working": []}]})"),
            "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027,
      "off": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-01", "name": "元旦"}],
      "working": []}]})"),
            "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027,
      "off": [{"date": "2027-01-09", "name": "元旦"}],
      "working": [{"date": "2027-01-09", "name": "元旦"}]}]})"),
            "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027, "off": [],
      "working": [{"date": "2027-01-06", "name": "元旦"}]}]})"),
            "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027,
      "off": [{"date": "2027-02-30", "name": "春节"}], "working": []}]})"),
            "ok");
  EXPECT_NE(problem_of(R"({"source": "x", "years": [{"year": 2027,
      "off": [{"date": "2027-02-01", "name": ""}], "working": []}]})"),
            "ok");
}

}  // namespace
}  // namespace zt::calendar
