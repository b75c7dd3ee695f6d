#include "core/working_calendar.h"

#include <fmt/format.h>

#include <algorithm>

namespace zt::core {

namespace {

using namespace std::chrono;

bool weekend(Date date) {
  const weekday w{date};
  return w == Saturday || w == Sunday;
}

int year_of(Date date) {
  return int(year_month_day{date}.year());
}

}  // namespace

WorkingCalendar::WorkingCalendar(std::vector<int> covered_years, std::vector<ListedDay> days)
    : years_(std::move(covered_years)), days_(std::move(days)) {
  std::sort(years_.begin(), years_.end());
  years_.erase(std::unique(years_.begin(), years_.end()), years_.end());
  // Stable, so that of two entries for one date the later stays last; then keep the last.
  std::stable_sort(days_.begin(), days_.end(),
                   [](const ListedDay& a, const ListedDay& b) { return a.date < b.date; });
  std::vector<ListedDay> unique;
  unique.reserve(days_.size());
  for (auto& d : days_) {
    if (!unique.empty() && unique.back().date == d.date) {
      unique.back() = std::move(d);
    } else {
      unique.push_back(std::move(d));
    }
  }
  days_ = std::move(unique);
}

const ListedDay* WorkingCalendar::find(Date date) const {
  auto it = std::lower_bound(days_.begin(), days_.end(), date,
                             [](const ListedDay& d, Date x) { return d.date < x; });
  return it != days_.end() && it->date == date ? &*it : nullptr;
}

bool WorkingCalendar::covered(Date date) const {
  return std::binary_search(years_.begin(), years_.end(), year_of(date));
}

bool WorkingCalendar::working(Date date) const {
  if (const ListedDay* listed = find(date)) return listed->working;
  return !weekend(date);
}

CalendarDay WorkingCalendar::day(Date date) const {
  CalendarDay out{.date = date, .covered = covered(date)};
  if (const ListedDay* listed = find(date)) {
    out.working = listed->working;
    out.name = listed->name;
    out.source = listed->source;
  } else {
    out.working = !weekend(date);
    out.source = out.covered ? kWeekdayRuleSource : kUncoveredSource;
  }
  return out;
}

bool WorkingCalendar::paused(Date date, std::span<const Pause> pauses) const {
  return std::any_of(pauses.begin(), pauses.end(),
                     [date](const Pause& p) { return p.first <= date && date <= p.last; });
}

Result<Deadline> WorkingCalendar::deadline(Date start, int working_days,
                                           std::span<const Pause> pauses) const {
  if (working_days < 1 || working_days > kMaxWorkingDays) {
    return Error::invalid("invalid_working_days",
                          fmt::format("working_days is 1 to {}.", kMaxWorkingDays));
  }
  for (const Pause& p : pauses) {
    if (p.last < p.first) {
      return Error::invalid("invalid_pause",
                            fmt::format("A pause ends ({}) before it begins ({}).",
                                        format_iso_date(p.last), format_iso_date(p.first)));
    }
  }
  Deadline out{.date = start};
  int counted = 0;
  while (counted < working_days) {
    out.date += days{1};
    if (!covered(out.date)) out.calendar_incomplete = true;
    if (!working(out.date)) continue;
    if (paused(out.date, pauses)) {
      ++out.paused_working_days;
      continue;
    }
    ++counted;
  }
  return out;
}

int WorkingCalendar::working_days_between(Date from, Date to, std::span<const Pause> pauses) const {
  int n = 0;
  for (Date d = from + days{1}; d <= to; d += days{1}) {
    if (working(d) && !paused(d, pauses)) ++n;
  }
  return n;
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = starts[i]; j < starts[i] + lengths[i]; ++j) {
      if (text[j] < '0' || text[j] > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (text[j] - '0');
    }
  }
  const year_month_day ymd{year{parts[0]}, month{unsigned(parts[1])}, day{unsigned(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_iso_date(Date date) {
  const year_month_day ymd{date};
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

}  // namespace zt::core
