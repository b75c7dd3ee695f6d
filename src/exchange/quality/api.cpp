#include "exchange/quality/api.h"

#include "http/route_file.h"

#include <map>

namespace zt::exchange {

namespace {

constexpr auto kFieldQualityShape =
    shape::of<FieldQuality>(shape::str("field", &FieldQuality::field),
                            shape::number("completeness", &FieldQuality::completeness),
                            shape::number("validity", &FieldQuality::validity),
                            shape::integer("invalid", &FieldQuality::invalid));

constexpr auto kDailyShape = shape::of<DailyCount>(
    shape::str("day", &DailyCount::day), shape::integer("ingested", &DailyCount::ingested),
    shape::integer("rejected", &DailyCount::rejected));

constexpr auto kQualityShape = shape::of<QualityReport>(
    shape::str("resource", &QualityReport::resource_code),
    shape::str("name", &QualityReport::resource_name),
    shape::integer("department_id", &QualityReport::department_id),
    shape::str("department_name", &QualityReport::department_name),
    shape::integer("record_count", &QualityReport::record_count),
    shape::integer("last_seq", &QualityReport::last_seq),
    shape::ntime("last_update_at", &QualityReport::last_update_at),
    shape::str("update_cycle", &QualityReport::update_cycle),
    shape::boolean("stale", &QualityReport::stale),
    shape::integer("rows_read_30d", &QualityReport::rows_read_30d),
    shape::integer("rejected_30d", &QualityReport::rejected_30d),
    shape::integer("duplicate_keys_30d", &QualityReport::duplicate_keys_30d),
    shape::integer("open_corrections", &QualityReport::open_corrections),
    shape::array_of("fields", &QualityReport::fields, kFieldQualityShape),
    shape::array_of("daily", &QualityReport::daily, kDailyShape));

// GET /api/v1/resources/{code}/quality
http::Response get_quality(QualityService& service, const http::Request& request) {
  return http::respond(200, service.quality(*request.principal(), request.param("code")),
                       kQualityShape);
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
          .responses = {{200, "The report", kQualityShape.schema()}}};
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
    json::object o = kQualityShape.encode(q);
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

// A report of the overview: every member but "fields".
json::object overview_item_schema() {
  json::object s = kQualityShape.schema();
  s["properties"].as_object().erase("fields");
  json::array& required = s["required"].as_array();
  for (auto it = required.begin(); it != required.end(); ++it) {
    if (*it == "fields") {
      required.erase(it);
      break;
    }
  }
  return s;
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
               schema::object({{"resources", schema::array_of(overview_item_schema())},
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
