// WorkingCalendar: which days are working days (工作日) in China, and the statutory clock on them —
// the N-th working day after a date, with pauses that stop the clock (补正, 特别程序). The one
// engine that cases (一网通办), supervision and 12345 compute their limits with.
//
// A calendar is the weekday rule (Monday to Friday work, Saturday and Sunday rest) plus listed
// days for the years it covers: public holidays (法定节假日, with the weekend days inside a
// holiday) and make-up working days (调休上班, usually a Saturday or Sunday), and any day an
// administrator changed. A day of a year the calendar does not cover follows the weekday rule and
// is reported as not covered, so a limit computed across it is flagged calendar_incomplete,
// never silently wrong.
//
// Rules (行政许可法): a limit counts working days from the day after the start (第八十二条: the
// day of acceptance never counts); a pause (补正 until the applicant answers, 听证 / 检验检测 /
// 专家评审 / 公示 until they end, 第四十五条) stops the clock: the working days inside it do
// not count, so the deadline moves later by exactly the paused working days.
//
// Dates are civil dates in Beijing time (core::china_date for an instant). No I/O: the owner of
// the data (the calendar module) builds a calendar from its tables.
//
// Thread-safety: immutable after construction; share one as std::shared_ptr<const
// WorkingCalendar> between threads.
#pragma once

#include "core/result.h"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zt::core {

using Date = std::chrono::sys_days;

// The source label of a day that is not listed: an ordinary weekday or weekend of a covered year,
// or any day of a year the calendar does not cover.
inline constexpr std::string_view kWeekdayRuleSource = "weekdays";
inline constexpr std::string_view kUncoveredSource = "uncovered";

// The longest limit the engine computes, in working days (about four years).
inline constexpr int kMaxWorkingDays = 1000;

// A listed day: a holiday, a make-up working day or an administrator's change.
struct ListedDay {
  Date date;
  bool working = false;
  std::string name;    // "国庆节"; may be empty
  std::string source;  // who said so; the owner's label ("package", "schedule", "override")
};

// What the calendar says of one day.
struct CalendarDay {
  Date date;
  bool working = false;
  std::string name;    // the listed day's name; empty for an ordinary day
  std::string source;  // the listed day's source, or kWeekdayRuleSource / kUncoveredSource
  bool covered = false;
};

// Days first..last (both included) during which the clock stands still.
struct Pause {
  Date first;
  Date last;
};

struct Deadline {
  Date date;  // the last day of the limit
  // Some day from the day after the start to the deadline lies in a year the calendar does not
  // cover: the deadline assumes the weekday rule there.
  bool calendar_incomplete = false;
  // Working days skipped because a pause covered them (the deadline moved by this many).
  int paused_working_days = 0;
};

class WorkingCalendar {
 public:
  // Covers no year: the weekday rule everywhere, every day uncovered.
  WorkingCalendar() = default;
  // `covered_years`: the years whose holidays and make-up days are all listed. `days`: the listed
  // days; a date listed twice takes the later entry (so a base schedule followed by
  // administrators' changes gives the changes). A listed day outside the covered years still
  // decides that day (an administrator may mark a day before its year's schedule is known), but
  // the day stays uncovered.
  WorkingCalendar(std::vector<int> covered_years, std::vector<ListedDay> days);

  bool covered(Date date) const;
  bool working(Date date) const;
  CalendarDay day(Date date) const;
  // The covered years, ascending.
  const std::vector<int>& covered_years() const { return years_; }
  // The listed days, by date.
  const std::vector<ListedDay>& listed_days() const { return days_; }

  // The `working_days`-th working day after `start`, not counting working days inside a pause
  // (pauses may overlap and may lie anywhere; only days after `start` matter). Success: the
  // deadline, whether it crossed an uncovered year, and how many working days the pauses took.
  // Failure: invalid "invalid_working_days" unless 1 <= working_days <= kMaxWorkingDays; invalid
  // "invalid_pause" for a pause whose last day is before its first.
  Result<Deadline> deadline(Date start, int working_days, std::span<const Pause> pauses = {}) const;

  // Working days in (from, to] not inside a pause: how much of a limit is used by `to`. 0 when
  // `to` is not after `from`.
  int working_days_between(Date from, Date to, std::span<const Pause> pauses = {}) const;

 private:
  const ListedDay* find(Date date) const;
  bool paused(Date date, std::span<const Pause> pauses) const;

  std::vector<int> years_;       // sorted, unique
  std::vector<ListedDay> days_;  // sorted by date, unique
};

// "2024-10-01" → the date; nullopt unless exactly YYYY-MM-DD naming a real day.
std::optional<Date> parse_iso_date(std::string_view text);
// The date as "2024-10-01".
std::string format_iso_date(Date date);

}  // namespace zt::core
