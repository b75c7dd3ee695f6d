#include "calendar/api.h"

#include "http/route_file.h"
#include "identity/permissions.h"

#include <array>
#include <charconv>
#include <string_view>

namespace zt::calendar {

namespace {

const std::string kTag = "calendar";

constexpr std::array<std::string_view, 5> kDaySources{
    kPackageKind, kScheduleKind, kOverrideSource, core::kWeekdayRuleSource, core::kUncoveredSource};
constexpr std::array<std::string_view, 2> kYearKinds{kPackageKind, kScheduleKind};

constexpr auto kDayShape = shape::of<core::CalendarDay>(
    shape::str("date", [](const core::CalendarDay& d) { return core::format_iso_date(d.date); }),
    shape::boolean("working", &core::CalendarDay::working),
    shape::str_or_null("name", &core::CalendarDay::name,
                       "The holiday's name (国庆节), or the reason of an administrator's change; "
                       "null for an ordinary day."),
    shape::one_of("source", &core::CalendarDay::source, kDaySources,
                  "package: chinese-days; schedule: a file an administrator loaded; override: "
                  "an administrator's change; weekdays: an ordinary day of a covered year; "
                  "uncovered: a year no schedule covers (the weekday rule is assumed)."));

constexpr auto kDeadlineShape = shape::of<DeadlineAnswer>(
    shape::str("start", [](const DeadlineAnswer& a) { return core::format_iso_date(a.start); }),
    shape::integer("working_days", &DeadlineAnswer::working_days),
    shape::str("deadline",
               [](const DeadlineAnswer& a) { return core::format_iso_date(a.deadline.date); }),
    shape::boolean(
        "calendar_incomplete",
        [](const DeadlineAnswer& a) { return a.deadline.calendar_incomplete; },
        "Some day of the limit lies in a year no schedule covers: computed on weekdays there."));

constexpr auto kYearShape = shape::of<CoveredYear>(
    shape::integer("year", &CoveredYear::year),
    shape::one_of("kind", &CoveredYear::kind, kYearKinds),
    shape::str("source", &CoveredYear::source), shape::time("loaded_at", &CoveredYear::loaded_at));

constexpr auto kCoverageShape = shape::of<Coverage>(
    shape::integer("epoch", &Coverage::epoch,
                   "Raised by every change of the calendar: a deadline computed under an older "
                   "epoch may have moved."),
    shape::nstr("last_covered_day", &Coverage::last_covered_day),
    shape::array_of("years", &Coverage::years, kYearShape));

Result<int> working_days_of(const std::optional<std::string>& text) {
  int n = 0;
  if (text && !text->empty()) {
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, n);
    if (ec == std::errc() && ptr == end && n >= 1 && n <= core::kMaxWorkingDays) return n;
  }
  return Error::invalid("invalid_working_days",
                        fmt::format("working_days is an integer 1 to {}.", core::kMaxWorkingDays));
}

// GET /api/v1/calendar
http::Response get_coverage(CalendarService& calendar, const http::Request&) {
  return http::respond(200, calendar.coverage(), kCoverageShape);
}

http::RouteDoc get_coverage_doc() {
  return {.summary = "The working-day calendar's coverage (工作日历)",
          .description =
              "The years whose holidays and make-up working days (调休) are known, where each "
              "came from (the npm package chinese-days, or a schedule file an administrator "
              "loaded), the last covered day, and the epoch, which every change raises.\n\n"
              "Who: public.\n\n"
              "Errors: none of its own.",
          .tag = kTag,
          .responses = {{200, "The coverage", kCoverageShape.schema()}}};
}

// GET /api/v1/calendar/deadline
http::Response get_deadline(CalendarService& calendar, const http::Request& request) {
  auto start = parse_date(request.query_param("start").value_or(""), "start");
  if (!start.ok()) return http::problem(start.error());
  auto n = working_days_of(request.query_param("working_days"));
  if (!n.ok()) return http::problem(n.error());
  return http::respond(200, calendar.deadline(*start, *n), kDeadlineShape);
}

http::RouteDoc get_deadline_doc() {
  return {.summary = "The deadline of a limit in working days (法定/承诺办结时限)",
          .description =
              "The working_days-th working day after start, in Beijing time: the start day never "
              "counts (行政许可法 第八十二条: limits count from the day after acceptance); public "
              "holidays are skipped and make-up working days (调休) count. A limit that runs past "
              "the last covered day is computed on weekdays there and flagged "
              "calendar_incomplete.\n\n"
              "Who: public.\n\n"
              "Errors: 400 invalid_date, invalid_working_days.",
          .tag = kTag,
          .params = {{.name = "start",
                      .description = "The day of acceptance, YYYY-MM-DD (1900-2199).",
                      .required = true,
                      .schema = json::object{{"type", "string"}, {"format", "date"}}},
                     {.name = "working_days",
                      .description = "The limit in working days, 1 to 1000.",
                      .required = true,
                      .schema = json::object{{"type", "integer"},
                                             {"minimum", 1},
                                             {"maximum", core::kMaxWorkingDays}}}},
          .responses = {{200, "The deadline", kDeadlineShape.schema()}}};
}

// GET /api/v1/calendar/days
http::Response list_days(CalendarService& calendar, const http::Request& request) {
  auto from = parse_date(request.query_param("from").value_or(""), "from");
  if (!from.ok()) return http::problem(from.error());
  auto to = parse_date(request.query_param("to").value_or(""), "to");
  if (!to.ok()) return http::problem(to.error());
  auto days = calendar.days(*from, *to);
  if (!days.ok()) return http::problem(days.error());
  json::array items;
  items.reserve(days->size());
  for (const core::CalendarDay& d : *days)
    items.emplace_back(kDayShape.encode(d));
  return http::Response::json(200, json::object{{"items", std::move(items)}});
}

http::RouteDoc list_days_doc() {
  const json::object date{{"type", "string"}, {"format", "date"}};
  return {.summary = "Days of the calendar: working or not, and why",
          .description =
              "Every day from..to (both included, at most 366), each working or not, with the "
              "holiday's name and where the answer comes from.\n\n"
              "Who: public.\n\n"
              "Errors: 400 invalid_date, invalid_range, range_too_large.",
          .tag = kTag,
          .params = {{.name = "from",
                      .description = "The first day, YYYY-MM-DD.",
                      .required = true,
                      .schema = date},
                     {.name = "to",
                      .description = "The last day, YYYY-MM-DD.",
                      .required = true,
                      .schema = date}},
          .responses = {{200, "The days", schema::list_of(kDayShape.schema())}}};
}

// PUT /api/v1/calendar/days/{date}
http::Response put_day(CalendarService& calendar, const http::Request& request) {
  auto date = parse_date(request.param("date"), "The path's date");
  if (!date.ok()) return http::problem(date.error());
  http::JsonBody body(request);
  auto working = body.boolean("working");
  auto reason = body.string("reason", true);
  if (!body.ok()) return body.problem();
  if (!working)
    return http::problem(400, "invalid_body", "\"working\" (true or false) is required.");
  return http::respond(200,
                       calendar.set_day(*request.principal(), *date, *working, std::move(*reason),
                                        request.context()),
                       kDayShape);
}

http::RouteDoc put_day_doc() {
  return {.summary = "Mark a day working or not (administrator's change)",
          .description =
              "Sets one day working or not, with a reason, over whatever the package or a loaded "
              "schedule says; audited as calendar.day.set (with the day's previous state). The "
              "epoch rises, so deadlines computed before may move: cases recompute theirs.\n\n"
              "Who: calendar.manage (the data administrator).\n\n"
              "Errors: 400 invalid_date, invalid_body; 403 forbidden.",
          .tag = kTag,
          .params = {{.name = "date",
                      .in = "path",
                      .description = "The day, YYYY-MM-DD.",
                      .schema = json::object{{"type", "string"}, {"format", "date"}}}},
          .request_schema = schema::object(
              {{"working", schema::boolean()}, {"reason", schema::str()}}, {"working", "reason"}),
          .responses = {{200, "The day as the calendar now has it", kDayShape.schema()}}};
}

// POST /api/v1/calendar/schedules
http::Response load_schedule(CalendarService& calendar, const http::Request& request) {
  auto schedule = parse_schedule(request.body());
  if (!schedule.ok()) return http::problem(schedule.error());
  return http::respond(200,
                       calendar.load_schedule(*request.principal(), *schedule, request.context()),
                       kCoverageShape);
}

http::RouteDoc load_schedule_doc() {
  const json::object day = schema::object(
      {{"date", json::object{{"type", "string"}, {"format", "date"}}}, {"name", schema::str()}},
      {"date", "name"});
  return {
      .summary = "Load a year's holiday schedule from a file",
      .description =
          "For a year the package does not have yet (the State Council's notice comes out "
          "late in the year before): every day off of the year's holidays and every make-up "
          "working day (a Saturday or Sunday). Each year listed replaces that year's days and is "
          "covered from then on; later package versions never overwrite it. Administrators' "
          "changes of single days stay. Audited as calendar.schedule.load.\n\n"
          "Who: calendar.manage (the data administrator).\n\n"
          "Errors: 400 invalid_schedule (naming the first problem); 403 forbidden.",
      .tag = kTag,
      .request_schema = schema::object(
          {{"source", schema::str()},
           {"years", schema::array_of(schema::object({{"year", schema::integer()},
                                                      {"off", schema::array_of(day)},
                                                      {"working", schema::array_of(day)}},
                                                     {"year", "off", "working"}))}},
          {"source", "years"}),
      .responses = {{200, "The coverage after loading", kCoverageShape.schema()}}};
}

}  // namespace

void add_routes(http::Router& router, CalendarService& service) {
  const http::RouteOptions pub{.access = http::Access::kPublic};
  router.add(http::Method::kGet, "/api/v1/calendar", http::handler_of(get_coverage, service), pub,
             get_coverage_doc());
  router.add(http::Method::kGet, "/api/v1/calendar/deadline",
             http::handler_of(get_deadline, service), pub, get_deadline_doc());
  router.add(http::Method::kGet, "/api/v1/calendar/days", http::handler_of(list_days, service), pub,
             list_days_doc());
  const std::string manage(identity::permission::kCalendarManage);
  router.add(http::Method::kPut, "/api/v1/calendar/days/{date}", http::handler_of(put_day, service),
             {.permission = manage, .body_limit = 16 * 1024, .accepts = {"application/json"}},
             put_day_doc());
  router.add(http::Method::kPost, "/api/v1/calendar/schedules",
             http::handler_of(load_schedule, service),
             {.permission = manage, .body_limit = 256 * 1024, .accepts = {"application/json"}},
             load_schedule_doc());
}

}  // namespace zt::calendar
