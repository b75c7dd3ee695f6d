#include "exchange/stats/api.h"

#include "http/handler.h"
#include "http/json_body.h"
#include "http/openapi.h"
#include "http/problem.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <charconv>

namespace zt::exchange {

namespace json = boost::json;
namespace schema = http::schema;

namespace {

json::object stats_schema() {
  return schema::object(
      {{"days", schema::integer()},
       {"resources", schema::array_of(schema::object(
                         {{"resource", schema::str()},
                          {"name", schema::str()},
                          {"department_id", schema::integer()},
                          {"department_name", schema::str()},
                          {"reads_by_day",
                           schema::array_of(schema::object({{"day", schema::str()},
                                                            {"reads", schema::integer()},
                                                            {"deliveries", schema::integer()}}))},
                          {"grants_active", schema::integer()},
                          {"grants_expiring_30d", schema::integer()},
                          {"open_corrections", schema::integer()},
                          {"record_count", schema::integer()}}))},
       {"departments",
        schema::array_of(schema::object({{"department_id", schema::integer()},
                                         {"department_name", schema::str()},
                                         {"reads", schema::integer()},
                                         {"deliveries", schema::integer()},
                                         {"grants_given", schema::integer()},
                                         {"grants_held", schema::integer()},
                                         {"open_corrections", schema::integer()}}))}});
}

json::object stats_json(const ExchangeStats& s) {
  json::array resources, departments;
  for (const ResourceFigures& r : s.resources) {
    json::array days;
    for (const DayFigures& d : r.reads_by_day) {
      days.push_back(
          json::object{{"day", d.day}, {"reads", d.reads}, {"deliveries", d.deliveries}});
    }
    resources.push_back(json::object{{"resource", r.resource_code},
                                     {"name", r.resource_name},
                                     {"department_id", r.department_id},
                                     {"department_name", r.department_name},
                                     {"reads_by_day", std::move(days)},
                                     {"grants_active", r.grants_active},
                                     {"grants_expiring_30d", r.grants_expiring_30d},
                                     {"open_corrections", r.open_corrections},
                                     {"record_count", r.record_count}});
  }
  for (const DepartmentFigures& d : s.departments) {
    departments.push_back(json::object{{"department_id", d.department_id},
                                       {"department_name", d.department_name},
                                       {"reads", d.reads},
                                       {"deliveries", d.deliveries},
                                       {"grants_given", d.grants_given},
                                       {"grants_held", d.grants_held},
                                       {"open_corrections", d.open_corrections}});
  }
  return json::object{{"days", s.days},
                      {"resources", std::move(resources)},
                      {"departments", std::move(departments)}};
}

// GET /api/v1/exchange/stats
http::Response get_stats(StatsService& stats, const http::Request& request) {
  int days = 30;
  if (auto text = request.query_param("days"); text && !text->empty()) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), days);
    if (ec != std::errc() || end != text->data() + text->size()) {
      return http::problem(400, "invalid_days", fmt::format("days is 1 to {}.", kMaxStatsDays));
    }
  }
  return http::respond(200, stats.stats(*request.principal(), days), stats_json);
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
          .responses = {{200, "Figures", stats_schema()}}};
}

}  // namespace

void add_stats_routes(http::Router& router, StatsService& stats) {
  router.add(http::Method::kGet, "/api/v1/exchange/stats", http::handler_of(get_stats, stats), {},
             get_stats_doc());
}

}  // namespace zt::exchange
