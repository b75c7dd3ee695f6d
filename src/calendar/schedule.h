// The schedule file: a year's (or several years') public holidays and make-up working days, in
// the one format both the bundled package data (data/convert.mjs writes it from chinese-days) and
// an administrator's file for next year's State Council notice
// (国务院办公厅关于某年部分节假日安排的通知) use:
//
//   {"source": "国办发明电〔2026〕N号",
//    "years": [{"year": 2027,
//               "off":     [{"date": "2027-01-01", "name": "元旦"}, …],
//               "working": [{"date": "2027-02-06", "name": "春节"}, …]}]}
//
// "off": every day off of the year's holidays (weekend days inside a holiday may be listed too);
// "working": the 调休 make-up working days, each a Saturday or Sunday. Every other day follows the
// weekday rule. A year listed is then covered (core/working_calendar.h).
//
// Thread-safety: pure functions.
#pragma once

#include "core/result.h"
#include "core/working_calendar.h"

#include <string>
#include <string_view>
#include <vector>

namespace zt::calendar {

// The years the calendar accepts, in a schedule and in every route.
inline constexpr int kFirstYear = 1900;
inline constexpr int kLastYear = 2199;
inline constexpr std::size_t kMaxNameBytes = 120;

struct ScheduleDay {
  core::Date date;
  std::string name;
};

struct ScheduleYear {
  int year = 0;
  std::vector<ScheduleDay> off;
  std::vector<ScheduleDay> working;
};

struct Schedule {
  std::string source;  // where the days come from: the package and version, or the notice
  std::vector<ScheduleYear> years;
};

// Parses and checks a schedule file. Failure: invalid "invalid_schedule" naming the first
// problem — not JSON, a member missing or of the wrong type, no year or a year twice, a year
// outside kFirstYear..kLastYear, a date not of its year or listed twice (in off and working
// together too), a make-up working day on a weekday, a name empty, not UTF-8 or longer than
// kMaxNameBytes, a source empty or longer than 200 bytes.
Result<Schedule> parse_schedule(std::string_view text);

// The calendar a schedule alone gives: its years covered, its days listed with source `source`.
core::WorkingCalendar calendar_of(const Schedule& schedule, std::string_view source);

}  // namespace zt::calendar
