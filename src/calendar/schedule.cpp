#include "calendar/schedule.h"

#include "core/utf8.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <set>

namespace zt::calendar {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxSourceBytes = 200;

Error bad(std::string detail) {
  return Error::invalid("invalid_schedule", std::move(detail));
}

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

Result<std::vector<ScheduleDay>> days_of(const json::object& year_object, std::string_view key,
                                         int year, std::set<core::Date>& seen) {
  const json::value* v = member(year_object, key);
  if (v == nullptr || !v->is_array()) {
    return bad(
        fmt::format("Year {}: \"{}\" must be an array of {{\"date\", \"name\"}}.", year, key));
  }
  std::vector<ScheduleDay> out;
  for (const json::value& item : v->get_array()) {
    const json::object* o = item.if_object();
    const json::value* date = o ? member(*o, "date") : nullptr;
    const json::value* name = o ? member(*o, "name") : nullptr;
    if (date == nullptr || !date->is_string() || name == nullptr || !name->is_string()) {
      return bad(
          fmt::format("Year {}: every \"{}\" day is {{\"date\": \"YYYY-MM-DD\", "
                      "\"name\": \"…\"}}.",
                      year, key));
    }
    const std::string_view date_text = date->get_string();
    auto parsed = core::parse_iso_date(date_text);
    if (!parsed) return bad(fmt::format("Year {}: \"{}\" is not a date.", year, date_text));
    if (int(std::chrono::year_month_day{*parsed}.year()) != year) {
      return bad(fmt::format("{} is listed under {}.", date_text, year));
    }
    if (!seen.insert(*parsed).second) return bad(fmt::format("{} is listed twice.", date_text));
    const std::string_view name_text = name->get_string();
    if (name_text.empty() || name_text.size() > kMaxNameBytes || !core::valid_utf8(name_text)) {
      return bad(fmt::format("{}: the name is 1 to {} bytes of UTF-8.", date_text, kMaxNameBytes));
    }
    out.push_back({*parsed, std::string(name_text)});
  }
  return out;
}

}  // namespace

Result<Schedule> parse_schedule(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return bad(fmt::format("The schedule is not JSON: {}.", ec.message()));
  const json::object* o = root.if_object();
  if (o == nullptr) return bad("The schedule is a JSON object {\"source\", \"years\"}.");
  Schedule out;
  const json::value* source = member(*o, "source");
  if (source == nullptr || !source->is_string() || source->get_string().empty() ||
      source->get_string().size() > kMaxSourceBytes || !core::valid_utf8(source->get_string())) {
    return bad(fmt::format("\"source\" (where the days come from) is 1 to {} bytes of UTF-8.",
                           kMaxSourceBytes));
  }
  out.source = std::string(source->get_string());
  const json::value* years = member(*o, "years");
  if (years == nullptr || !years->is_array() || years->get_array().empty()) {
    return bad("\"years\" is a non-empty array of {\"year\", \"off\", \"working\"}.");
  }
  std::set<int> seen_years;
  for (const json::value& item : years->get_array()) {
    const json::object* y = item.if_object();
    const json::value* year = y ? member(*y, "year") : nullptr;
    if (year == nullptr || !year->is_int64()) {
      return bad("Every year is {\"year\": YYYY, \"off\": […], \"working\": […]}.");
    }
    const std::int64_t n = year->get_int64();
    if (n < kFirstYear || n > kLastYear) {
      return bad(fmt::format("The year {} is outside {}..{}.", n, kFirstYear, kLastYear));
    }
    if (!seen_years.insert(int(n)).second) return bad(fmt::format("The year {} is twice.", n));
    ScheduleYear entry{.year = int(n)};
    std::set<core::Date> seen_days;
    ZT_ASSIGN_OR_RETURN(entry.off, days_of(*y, "off", entry.year, seen_days));
    ZT_ASSIGN_OR_RETURN(entry.working, days_of(*y, "working", entry.year, seen_days));
    for (const ScheduleDay& d : entry.working) {
      const std::chrono::weekday w{d.date};
      if (w != std::chrono::Saturday && w != std::chrono::Sunday) {
        return bad(
            fmt::format("{} is a weekday: make-up working days (调休) are Saturdays or "
                        "Sundays.",
                        core::format_iso_date(d.date)));
      }
    }
    out.years.push_back(std::move(entry));
  }
  return out;
}

core::WorkingCalendar calendar_of(const Schedule& schedule, std::string_view source) {
  std::vector<int> years;
  std::vector<core::ListedDay> days;
  for (const ScheduleYear& y : schedule.years) {
    years.push_back(y.year);
    for (const ScheduleDay& d : y.off)
      days.push_back({d.date, false, d.name, std::string(source)});
    for (const ScheduleDay& d : y.working)
      days.push_back({d.date, true, d.name, std::string(source)});
  }
  return core::WorkingCalendar(std::move(years), std::move(days));
}

}  // namespace zt::calendar
