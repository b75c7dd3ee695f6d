#include "exchange/stats/api.h"

#include "http/route_file.h"

#include <charconv>

namespace zt::exchange {

namespace {

constexpr auto kDayShape = shape::of<DayFigures>(
    shape::str("day", &DayFigures::day), shape::integer("reads", &DayFigures::reads),
    shape::integer("deliveries", &DayFigures::deliveries));

constexpr auto kResourceFiguresShape = shape::of<ResourceFigures>(
    shape::str("resource", &ResourceFigures::resource_code),
    shape::str("name", &ResourceFigures::resource_name),
    shape::integer("department_id", &ResourceFigures::department_id),
    shape::str("department_name", &ResourceFigures::department_name),
    shape::array_of("reads_by_day", &ResourceFigures::reads_by_day, kDayShape),
    shape::integer("grants_active", &ResourceFigures::grants_active),
    shape::integer("grants_expiring_30d", &ResourceFigures::grants_expiring_30d),
    shape::integer("open_corrections", &ResourceFigures::open_corrections),
    shape::integer("record_count", &ResourceFigures::record_count));

constexpr auto kDepartmentFiguresShape = shape::of<DepartmentFigures>(
    shape::integer("department_id", &DepartmentFigures::department_id),
    shape::str("department_name", &DepartmentFigures::department_name),
    shape::integer("reads", &DepartmentFigures::reads),
    shape::integer("deliveries", &DepartmentFigures::deliveries),
    shape::integer("grants_given", &DepartmentFigures::grants_given),
    shape::integer("grants_held", &DepartmentFigures::grants_held),
    shape::integer("open_corrections", &DepartmentFigures::open_corrections));

constexpr auto kStatsShape = shape::of<ExchangeStats>(
    shape::integer("days", &ExchangeStats::days),
    shape::array_of("resources", &ExchangeStats::resources, kResourceFiguresShape),
    shape::array_of("departments", &ExchangeStats::departments, kDepartmentFiguresShape));

// GET /api/v1/exchange/stats
http::Response get_stats(StatsService& stats, const http::Request& request) {
  int days = 30;
  if (auto text = request.query_param("days"); text && !text->empty()) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), days);
    if (ec != std::errc() || end != text->data() + text->size()) {
      return http::problem(400, "invalid_days", fmt::format("days is 1 to {}.", kMaxStatsDays));
    }
  }
  return http::respond(200, stats.stats(*request.principal(), days), kStatsShape);
}

http::RouteDoc get_stats_doc() {
  return {.summary = "Exchange figures per resource and department (dashboards)",
          .description =
              "Over the last `days` days (Beijing time, today included): reads (key lookups, "
              "queries, exports) and change-feed deliveries (pages pulled, webhook batches "
              "delivered) per day, from the audit log; grants active and expiring within 30 "
              "days; open 纠错 reports; record counts. reads_by_day lists days with any "
              "activity.\n\n"
              "Who: any signed-in principal; it sees the resources of its own department, or "
              "every published resource with city scope (data_admin, leader).\n\n"
              "Errors: 400 invalid_days (not 1 to 366).",
          .tag = "exchange",
          .params = {{.name = "days", .description = "1 to 366 (default 30)."}},
          .responses = {{200, "Figures", kStatsShape.schema()}}};
}

}  // namespace

void add_stats_routes(http::Router& router, StatsService& stats) {
  router.add(http::Method::kGet, "/api/v1/exchange/stats", http::handler_of(get_stats, stats), {},
             get_stats_doc());
}

}  // namespace zt::exchange
