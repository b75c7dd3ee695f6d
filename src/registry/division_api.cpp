#include "registry/division_api.h"

#include "http/json_body.h"
#include "http/openapi.h"
#include "http/page.h"
#include "http/problem.h"

#include <boost/json.hpp>

namespace zt::registry {

namespace json = boost::json;
namespace schema = http::schema;

namespace {

json::object division_schema() {
  return schema::object({{"code", schema::str()},
                         {"name", schema::str()},
                         {"level", schema::enumeration(kDivisionLevelNames.names)},
                         {"parent_code", schema::nstr()},
                         {"current", schema::boolean()}},
                        {"code", "name", "level", "parent_code", "current"});
}

}  // namespace

json::object division_json(const Division& d) {
  return {{"code", d.code},
          {"name", d.name},
          {"level", to_string(d.level)},
          {"parent_code", d.parent_code ? json::value(*d.parent_code) : json::value(nullptr)},
          {"current", d.current}};
}

json::object division_lookup_json(const DivisionLookup& l) {
  json::array ancestors;
  for (const Division& a : l.ancestors)
    ancestors.push_back(division_json(a));
  return {
      {"code", l.code},
      {"level", to_string(l.level)},
      {"name", l.division ? json::value(l.division->name) : json::value(nullptr)},
      {"parent_code", l.division && l.division->parent_code ? json::value(*l.division->parent_code)
                                                            : json::value(nullptr)},
      {"known", l.known()},
      {"current", l.current()},
      {"full_name", l.full_name},
      {"ancestors", std::move(ancestors)},
      {"warning", l.warning ? json::value(*l.warning) : json::value(nullptr)}};
}

json::object division_lookup_schema() {
  return schema::object({{"code", schema::str()},
                         {"level", schema::enumeration(kDivisionLevelNames.names)},
                         {"name", schema::nstr()},
                         {"parent_code", schema::nstr()},
                         {"known", schema::boolean()},
                         {"current", schema::boolean()},
                         {"full_name", schema::str()},
                         {"ancestors", schema::array_of(division_schema())},
                         {"warning", schema::nstr()}},
                        {"code", "level", "known", "current", "full_name", "ancestors"});
}

void add_division_routes(http::Router& router, DivisionService& service) {
  const std::string tag = "registry";
  router.add(
      http::Method::kGet, "/api/v1/registry/divisions",
      [&service](const http::Request& request) {
        auto page = http::page_of(request, kMaxDivisionPage);
        if (!page) return http::bad_page(kMaxDivisionPage);
        std::optional<DivisionLevel> level;
        if (auto l = request.query_param("level"); l && !l->empty()) {
          level = parse_division_level(*l);
          if (!level) {
            return http::problem(Error::invalid(
                "invalid_level", "level must be province, city, county, town or village"));
          }
        }
        const std::optional<std::string> parent = request.query_param("parent");
        std::optional<std::string_view> parent_code;
        if (parent && !parent->empty()) parent_code = *parent;
        auto result = service.list(parent_code, level,
                                   page->after > 0 ? std::to_string(page->after) : std::string(),
                                   page->limit);
        if (!result.ok()) return http::problem(result.error());
        json::array items;
        for (const Division& d : result->items)
          items.push_back(division_json(d));
        return http::Response::json(
            200, http::page_json(std::move(items), http::cursor_or_null(result->next_cursor)));
      },
      {.access = http::Access::kPublic},
      {.summary = "Administrative divisions (行政区划, GB/T 2260)",
       .description =
           "Current divisions by code. With parent: its direct children, or with level as well "
           "every division of that level under it (e.g. the towns of a city). Without parent: "
           "every division of level (default province). Public reference data. Errors: 400 "
           "invalid_division_code (parent), invalid_level, invalid_paging.",
       .tag = tag,
       .params = http::with_paging(
           {{.name = "parent", .description = "A division code (6, 9 or 12 digits)."},
            {.name = "level", .description = "province, city, county, town or village."}},
           kMaxDivisionPage),
       .responses = {{200, "Divisions by code", schema::page(division_schema())}}});

  router.add(
      http::Method::kGet, "/api/v1/registry/divisions/{code}",
      [&service](const http::Request& request) {
        return http::respond(200, service.lookup(request.param("code")), division_lookup_json);
      },
      {.access = http::Access::kPublic},
      {.summary = "One division code with its ancestors",
       .description = "A well-formed code the table does not hold (abolished or merged counties, "
                      "as old identity numbers carry) answers 200 with known=false, the ancestors "
                      "that are known and a warning; a code no longer current likewise with "
                      "current=false. Public reference data. Errors: 400 invalid_division_code "
                      "for a malformed code.",
       .tag = tag,
       .responses = {{200, "The code as the division table knows it", division_lookup_schema()}}});
}

}  // namespace zt::registry
