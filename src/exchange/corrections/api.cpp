#include "exchange/corrections/api.h"

#include "http/json_body.h"
#include "http/openapi.h"
#include "http/problem.h"
#include "identity/api.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <charconv>

namespace zt::exchange {

namespace json = boost::json;
namespace schema = http::schema;

namespace {

using identity::context_of;

constexpr int kMaxPage = 200;

json::object to_json(const Correction& c) {
  return json::object{{"id", c.id},
                      {"resource", c.resource_code},
                      {"resource_name", c.resource_name},
                      {"record_key", c.record_key},
                      {"fields", http::string_array(c.fields)},
                      {"reason", c.reason},
                      {"status", c.status},
                      {"provider_department_id", c.provider_department_id},
                      {"reporter_department_id", c.reporter_department_id},
                      {"reported_by", c.reported_by_name},
                      {"reported_at", http::iso_time_or_null(c.reported_at)},
                      {"answered_by", c.answered_by_name},
                      {"answered_at", http::iso_time_or_null(c.answered_at)},
                      {"answer", c.answer}};
}

json::object correction_schema() {
  return schema::object({{"id", schema::integer()},
                         {"resource", schema::str()},
                         {"resource_name", schema::str()},
                         {"record_key", schema::str()},
                         {"fields", schema::strings()},
                         {"reason", schema::str()},
                         {"status", schema::enumeration({"open", "corrected", "answered"})},
                         {"provider_department_id", schema::integer()},
                         {"reporter_department_id", schema::integer()},
                         {"reported_by", schema::str()},
                         {"reported_at", schema::str()},
                         {"answered_by", schema::str()},
                         {"answered_at", schema::nstr()},
                         {"answer", schema::str()}});
}

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

}  // namespace

void add_correction_routes(http::Router& router, CorrectionService& corrections) {
  const std::string tag = "sharing";

  router.add(
      http::Method::kPost, "/api/v1/resources/{code}/records/{key}/corrections",
      [&corrections](const http::Request& request) {
        http::JsonBody body(request);
        CorrectionInput in;
        in.resource_code = std::string(request.param("code"));
        in.record_key = std::string(request.param("key"));
        in.reason = body.string("reason", true).value_or("");
        in.fields = body.strings("fields").value_or(std::vector<std::string>{});
        if (!body.ok()) return body.problem();
        auto c = corrections.report(*request.principal(), std::move(in), context_of(request));
        if (!c.ok()) return http::problem(c.error());
        return http::Response::json(201, to_json(*c));
      },
      {.body_limit = 16 * 1024, .accepts = {"application/json"}},
      {.summary = "Report a record as wrong (数据纠错/异议)",
       .description =
           "By a department that may read the record under the sharing rules (a none resource "
           "is 404, a conditional one without a grant 403 grant_required); the record must "
           "exist. fields names the fields thought wrong, among those you may read. The report "
           "keeps the key as given and never the record's values; nothing is read, so no "
           "X-Purpose is needed. The providing department sees it in its inbox.",
       .tag = tag,
       .request_schema =
           schema::object({{"reason", schema::str()}, {"fields", schema::strings()}}, {"reason"}),
       .responses = {{201, "The open report", correction_schema()}}});

  router.add(http::Method::kGet, "/api/v1/corrections",
             [&corrections](const http::Request& request) {
               auto page = http::page_of(request, kMaxPage);
               if (!page) return http::bad_page(kMaxPage);
               const std::string box = request.query_param("box").value_or("outbox");
               if (box != "inbox" && box != "outbox") {
                 return http::problem(400, "invalid_box", "box is inbox or outbox.");
               }
               std::optional<std::string> status = request.query_param("status");
               if (status && status->empty()) status.reset();
               auto list = corrections.list(*request.principal(), box == "inbox", std::move(status),
                                            page->after, page->limit);
               if (!list.ok()) return http::problem(list.error());
               json::array items;
               for (const Correction& c : *list)
                 items.push_back(to_json(c));
               json::value next = nullptr;
               if (static_cast<int>(list->size()) == page->limit) {
                 next = std::to_string(list->back().id);
               }
               return http::Response::json(
                   200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
             },
             {},
             {.summary = "Correction reports of your department",
              .description = "inbox: reports on resources your department provides; outbox "
                             "(default): reports your department filed, with their outcome.",
              .tag = tag,
              .params = {{.name = "box", .description = "inbox or outbox (default)."},
                         {.name = "status", .description = "open, corrected or answered."},
                         {.name = "limit", .description = "1 to 200 (default 50)."},
                         {.name = "cursor", .description = "next_cursor of the previous page."}},
              .responses = {{200, "Reports, newest first", schema::page(correction_schema())}}});

  router.add(http::Method::kGet, "/api/v1/corrections/{id}",
             [&corrections](const http::Request& request) {
               auto id = http::parse_id(request.param("id"));
               if (!id) return http::problem(404, "correction_not_found", "No such report.");
               auto c = corrections.get(*request.principal(), *id);
               if (!c.ok()) return http::problem(c.error());
               return http::Response::json(200, to_json(*c));
             },
             {},
             {.summary = "One correction report",
              .tag = tag,
              .responses = {{200, "The report", correction_schema()}}});

  router.add(
      http::Method::kPost, "/api/v1/corrections/{id}/answer",
      [&corrections](const http::Request& request) {
        auto id = http::parse_id(request.param("id"));
        if (!id) return http::problem(404, "correction_not_found", "No such report.");
        http::JsonBody body(request);
        auto outcome = body.string("outcome", true);
        auto answer = body.string("answer", true);
        if (!body.ok()) return body.problem();
        auto c = corrections.answer(*request.principal(), *id, std::move(*outcome),
                                    std::move(*answer), context_of(request));
        if (!c.ok()) return http::problem(c.error());
        return http::Response::json(200, to_json(*c));
      },
      {.body_limit = 16 * 1024, .accepts = {"application/json"}},
      {.summary = "Answer a correction report",
       .description =
           "By the providing department (exchange.grants.manage or exchange.ingest). The record "
           "itself is corrected by ingesting the fixed row through POST "
           "/api/v1/resources/{code}/records; then answer with outcome corrected. outcome "
           "answered keeps the record and says why. The reporter sees the outcome and answer.",
       .tag = tag,
       .request_schema = schema::object(
           {{"outcome", schema::enumeration({"corrected", "answered"})}, {"answer", schema::str()}},
           {"outcome", "answer"}),
       .responses = {{200, "The closed report", correction_schema()}}});
}

void add_stats_routes(http::Router& router, StatsService& stats) {
  router.add(
      http::Method::kGet, "/api/v1/exchange/stats",
      [&stats](const http::Request& request) {
        int days = 30;
        if (auto text = request.query_param("days"); text && !text->empty()) {
          auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), days);
          if (ec != std::errc() || end != text->data() + text->size()) {
            return http::problem(400, "invalid_days",
                                 fmt::format("days is 1 to {}.", kMaxStatsDays));
          }
        }
        auto s = stats.stats(*request.principal(), days);
        if (!s.ok()) return http::problem(s.error());
        return http::Response::json(200, stats_json(*s));
      },
      {},
      {.summary = "Exchange figures per resource and department (dashboards)",
       .description =
           "Over the last `days` days (Beijing time, today included): reads (key lookups, "
           "queries, exports) and change-feed deliveries (pages pulled, webhook batches "
           "delivered) per day, from the audit log; grants active and expiring within 30 days; "
           "open 纠错 reports; record counts. Resources of your department, or all with city "
           "scope; reads_by_day lists days with any activity.",
       .tag = "exchange",
       .params = {{.name = "days", .description = "1 to 366 (default 30)."}},
       .responses = {{200, "Figures", stats_schema()}}});
}

}  // namespace zt::exchange
