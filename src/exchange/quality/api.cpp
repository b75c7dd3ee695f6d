#include "exchange/quality/api.h"

#include "http/handler.h"
#include "http/json_body.h"
#include "http/openapi.h"
#include "http/problem.h"

#include <boost/json.hpp>

#include <map>

namespace zt::exchange {

namespace json = boost::json;
namespace schema = http::schema;

namespace {

json::object quality_schema() {
  return schema::object(
      {{"resource", schema::str()},
       {"name", schema::str()},
       {"department_id", schema::integer()},
       {"department_name", schema::str()},
       {"record_count", schema::integer()},
       {"last_seq", schema::integer()},
       {"last_update_at", schema::nstr()},
       {"update_cycle", schema::str()},
       {"stale", schema::boolean()},
       {"rows_read_30d", schema::integer()},
       {"rejected_30d", schema::integer()},
       {"duplicate_keys_30d", schema::integer()},
       {"open_corrections", schema::integer()},
       {"fields", schema::array_of(schema::object({{"field", schema::str()},
                                                   {"completeness", schema::number()},
                                                   {"validity", schema::number()},
                                                   {"invalid", schema::integer()}}))},
       {"daily", schema::array_of(schema::object({{"day", schema::str()},
                                                  {"ingested", schema::integer()},
                                                  {"rejected", schema::integer()}}))}});
}

json::object quality_json(const QualityReport& q) {
  json::array fields, daily;
  for (const FieldQuality& f : q.fields) {
    fields.push_back(json::object{{"field", f.field},
                                  {"completeness", f.completeness},
                                  {"validity", f.validity},
                                  {"invalid", f.invalid}});
  }
  for (const DailyCount& d : q.daily) {
    daily.push_back(
        json::object{{"day", d.day}, {"ingested", d.ingested}, {"rejected", d.rejected}});
  }
  return json::object{{"resource", q.resource_code},
                      {"name", q.resource_name},
                      {"department_id", q.department_id},
                      {"department_name", q.department_name},
                      {"record_count", q.record_count},
                      {"last_seq", q.last_seq},
                      {"last_update_at", http::iso_time_or_null(q.last_update_at)},
                      {"update_cycle", q.update_cycle},
                      {"stale", q.stale},
                      {"rows_read_30d", q.rows_read_30d},
                      {"rejected_30d", q.rejected_30d},
                      {"duplicate_keys_30d", q.duplicate_keys_30d},
                      {"open_corrections", q.open_corrections},
                      {"fields", std::move(fields)},
                      {"daily", std::move(daily)}};
}

// GET /api/v1/resources/{code}/quality
http::Response get_quality(QualityService& service, const http::Request& request) {
  return http::respond(200, service.quality(*request.principal(), request.param("code")),
                       quality_json);
}

http::RouteDoc get_quality_doc() {
  return {.summary = "Data-quality report of a resource",
          .description =
              "Record count, freshness against the update cycle (stale), completeness and "
              "validity per field, duplicate keys rejected and rows per day over the last 30 "
              "days, and open 纠错 reports (open_corrections).\n\n"
              "Who: the providing department and city-scope principals (data_admin).\n\n"
              "Errors: 403 not_granted (another department); 404 resource_not_found; 409 "
              "resource_not_published.",
          .tag = "exchange",
          .responses = {{200, "The report", quality_schema()}}};
}

// GET /api/v1/exchange/quality
http::Response quality_overview(QualityService& service, const http::Request& request) {
  auto list = service.quality_overview(*request.principal());
  if (!list.ok()) return http::problem(list.error());
  json::array resources;
  struct Totals {
    std::string name;
    std::int64_t resources = 0, records = 0, stale = 0, read = 0, rejected = 0;
  };
  std::map<std::int64_t, Totals> departments;
  for (const QualityReport& q : *list) {
    json::object o = quality_json(q);
    o.erase("fields");
    resources.push_back(std::move(o));
    Totals& t = departments[q.department_id];
    t.name = q.department_name;
    ++t.resources;
    t.records += q.record_count;
    t.stale += q.stale ? 1 : 0;
    t.read += q.rows_read_30d;
    t.rejected += q.rejected_30d;
  }
  json::array depts;
  for (const auto& [id, t] : departments) {
    depts.push_back(json::object{{"department_id", id},
                                 {"department_name", t.name},
                                 {"resources", t.resources},
                                 {"records", t.records},
                                 {"stale_resources", t.stale},
                                 {"rows_read_30d", t.read},
                                 {"rejected_30d", t.rejected}});
  }
  return http::Response::json(
      200, json::object{{"resources", std::move(resources)}, {"departments", std::move(depts)}});
}

http::RouteDoc quality_overview_doc() {
  return {.summary = "Data-quality figures per resource and department",
          .description =
              "The quality report of every published resource without its per-field part, and "
              "totals per providing department.\n\n"
              "Who: any signed-in principal; it sees its own department's resources (all with "
              "city scope), an empty list otherwise.\n\n"
              "Errors: only the platform's (401 unauthenticated, 503 when the database is "
              "unavailable).",
          .tag = "exchange",
          .responses = {
              {200, "Figures",
               schema::object({{"resources", schema::array_of(quality_schema())},
                               {"departments", schema::array_of(schema::object(
                                                   {{"department_id", schema::integer()},
                                                    {"department_name", schema::str()},
                                                    {"resources", schema::integer()},
                                                    {"records", schema::integer()},
                                                    {"stale_resources", schema::integer()},
                                                    {"rows_read_30d", schema::integer()},
                                                    {"rejected_30d", schema::integer()}}))}})}}};
}

}  // namespace

void add_quality_routes(http::Router& router, QualityService& service) {
  router.add(http::Method::kGet, "/api/v1/resources/{code}/quality",
             http::handler_of(get_quality, service), {}, get_quality_doc());
  router.add(http::Method::kGet, "/api/v1/exchange/quality",
             http::handler_of(quality_overview, service), {}, quality_overview_doc());
}

}  // namespace zt::exchange
