// core::WorkingCalendar on a small hand-made calendar: the weekday rule, listed days, the
// statutory clock (the day after the start counts first), pauses and calendar_incomplete.
#include "core/working_calendar.h"

#include <gtest/gtest.h>

#include <vector>

namespace zt::core {
namespace {

// The value of a successful Result; a failure fails the test (and gives a default value).
template <typename T>
T ok(Result<T> r) {
  if (!r.ok()) {
    ADD_FAILURE() << r.error().code << ": " << r.error().detail;
    return T{};
  }
  return std::move(r).value();
}

// The error code of a failed Result, "ok" for a success.
template <typename T>
std::string code_of(const Result<T>& r) {
  return r.ok() ? "ok" : r.error().code;
}

Date d(std::string_view text) {
  auto date = parse_iso_date(text);
  EXPECT_TRUE(date.has_value()) << text;
  return date.value_or(Date{});
}

// 2024 as covered, with National Day (10-01..07 off) and its make-up days (09-29 Sunday, 10-12
// Saturday); 2025 not covered.
WorkingCalendar national_day_2024() {
  std::vector<ListedDay> days;
  for (int i = 1; i <= 7; ++i)
    days.push_back({d("2024-10-01") + std::chrono::days{i - 1}, false, "国庆节", "package"});
  days.push_back({d("2024-09-29"), true, "国庆节", "package"});
  days.push_back({d("2024-10-12"), true, "国庆节", "package"});
  return WorkingCalendar({2024}, std::move(days));
}

TEST(WorkingCalendar, WeekdayRuleWhereNothingIsListed) {
  const WorkingCalendar empty;
  EXPECT_TRUE(empty.working(d("2024-05-06")));   // Monday
  EXPECT_FALSE(empty.working(d("2024-05-11")));  // Saturday
  EXPECT_FALSE(empty.working(d("2024-05-12")));  // Sunday
  const CalendarDay day = empty.day(d("2024-05-06"));
  EXPECT_FALSE(day.covered);
  EXPECT_EQ(day.source, kUncoveredSource);
  EXPECT_EQ(day.name, "");
}

TEST(WorkingCalendar, ListedDaysDecide) {
  const WorkingCalendar c = national_day_2024();
  EXPECT_FALSE(c.working(d("2024-10-01")));  // Tuesday, holiday
  EXPECT_TRUE(c.working(d("2024-09-29")));   // Sunday, make-up
  EXPECT_TRUE(c.working(d("2024-10-12")));   // Saturday, make-up
  EXPECT_TRUE(c.working(d("2024-10-08")));
  const CalendarDay holiday = c.day(d("2024-10-03"));
  EXPECT_EQ(holiday.name, "国庆节");
  EXPECT_EQ(holiday.source, "package");
  EXPECT_TRUE(holiday.covered);
  const CalendarDay ordinary = c.day(d("2024-10-09"));
  EXPECT_EQ(ordinary.source, kWeekdayRuleSource);
  EXPECT_TRUE(ordinary.covered);
  EXPECT_FALSE(c.covered(d("2025-01-02")));
}

TEST(WorkingCalendar, TheLaterEntryForADateWins) {
  const WorkingCalendar c({2024}, {{d("2024-10-08"), true, "", "package"},
                                   {d("2024-10-08"), false, "台风", "override"},
                                   {d("2024-10-07"), false, "国庆节", "package"}});
  EXPECT_FALSE(c.working(d("2024-10-08")));
  EXPECT_EQ(c.day(d("2024-10-08")).source, "override");
  EXPECT_EQ(c.listed_days().size(), 2u);
}

TEST(WorkingCalendar, TheStartDayNeverCounts) {
  const WorkingCalendar c = national_day_2024();
  // Accepted on Monday 2024-05-06: the first working day of the limit is Tuesday.
  const Deadline one = ok(c.deadline(d("2024-05-06"), 1));
  EXPECT_EQ(format_iso_date(one.date), "2024-05-07");
  // Accepted on Friday: Monday.
  const Deadline friday = ok(c.deadline(d("2024-05-10"), 1));
  EXPECT_EQ(format_iso_date(friday.date), "2024-05-13");
  EXPECT_FALSE(friday.calendar_incomplete);
}

TEST(WorkingCalendar, DeadlineAcrossAHolidayAndAMakeUpDay) {
  const WorkingCalendar c = national_day_2024();
  // From Friday 09-27: Sunday 09-29 (make-up) and Monday 09-30, then 10-08 after the holiday.
  const Deadline three = ok(c.deadline(d("2024-09-27"), 3));
  EXPECT_EQ(format_iso_date(three.date), "2024-10-08");
  // 10-08 .. 10-11 are four, Saturday 10-12 (make-up) is the fifth.
  const Deadline five = ok(c.deadline(d("2024-10-07"), 5));
  EXPECT_EQ(format_iso_date(five.date), "2024-10-12");
}

TEST(WorkingCalendar, PausesMoveTheDeadlineByThePausedWorkingDays) {
  const WorkingCalendar c = national_day_2024();
  const Deadline plain = ok(c.deadline(d("2024-09-02"), 20));
  EXPECT_EQ(format_iso_date(plain.date), "2024-09-29");  // the make-up Sunday is the 20th
  // A 补正 pause over 09-10 .. 09-16 (Tue .. Mon): five working days stop.
  const std::vector<Pause> correction{{d("2024-09-10"), d("2024-09-16")}};
  const Deadline paused = ok(c.deadline(d("2024-09-02"), 20, correction));
  EXPECT_EQ(paused.paused_working_days, 5);
  EXPECT_EQ(c.working_days_between(plain.date, paused.date), 5);
  // 09-30, then the holiday, then 10-08 .. 10-11 = the five days.
  EXPECT_EQ(format_iso_date(paused.date), "2024-10-11");
  // A pause over a weekend and the holiday stops no working day: nothing moves.
  const std::vector<Pause> holiday{{d("2024-10-01"), d("2024-10-07")}};
  const Deadline same = ok(c.deadline(d("2024-09-02"), 20, holiday));
  EXPECT_EQ(same.date, plain.date);
  EXPECT_EQ(same.paused_working_days, 0);
  // Two pauses (补正 and 专家评审), one overlapping the other: each working day counts once.
  const std::vector<Pause> two{{d("2024-09-10"), d("2024-09-16")},
                               {d("2024-09-16"), d("2024-09-18")}};
  const Deadline both = ok(c.deadline(d("2024-09-02"), 20, two));
  EXPECT_EQ(both.paused_working_days, 7);
  EXPECT_EQ(c.working_days_between(plain.date, both.date), 7);
}

TEST(WorkingCalendar, PastTheCoveredYearsTheDeadlineIsFlagged) {
  const WorkingCalendar c = national_day_2024();
  const Deadline inside = ok(c.deadline(d("2024-12-02"), 20));
  EXPECT_EQ(format_iso_date(inside.date), "2024-12-30");
  EXPECT_FALSE(inside.calendar_incomplete);
  // Into 2025: weekdays assumed (2025-01-01 counts as a Wednesday), flagged.
  const Deadline outside = ok(c.deadline(d("2024-12-30"), 3));
  EXPECT_EQ(format_iso_date(outside.date), "2025-01-02");
  EXPECT_TRUE(outside.calendar_incomplete);
}

TEST(WorkingCalendar, BadArguments) {
  const WorkingCalendar c;
  EXPECT_EQ(code_of(c.deadline(d("2024-01-01"), 0)), "invalid_working_days");
  EXPECT_EQ(code_of(c.deadline(d("2024-01-01"), kMaxWorkingDays + 1)), "invalid_working_days");
  const std::vector<Pause> backwards{{d("2024-01-05"), d("2024-01-04")}};
  EXPECT_EQ(code_of(c.deadline(d("2024-01-01"), 3, backwards)), "invalid_pause");
  const Deadline longest = ok(c.deadline(d("2024-01-01"), kMaxWorkingDays));
  EXPECT_EQ(c.working_days_between(d("2024-01-01"), longest.date), kMaxWorkingDays);
  EXPECT_EQ(c.working_days_between(d("2024-01-05"), d("2024-01-01")), 0);
}

TEST(IsoDate, ParsesOnlyRealDays) {
  EXPECT_EQ(format_iso_date(d("2024-02-29")), "2024-02-29");
  for (std::string_view bad : {"2023-02-29", "2024-13-01", "2024-1-01", "2024/01/01", "20240101",
                               "2024-01-01T00", "", "abcd-ef-gh", "2024-00-10", "2024-04-31"}) {
    EXPECT_FALSE(parse_iso_date(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace zt::core
