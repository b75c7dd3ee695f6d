#include "registry/division_api.h"

#include "http/route_file.h"

namespace zt::registry {

namespace {

constexpr auto kDivisionShape =
    shape::of<Division>(shape::str("code", &Division::code), shape::str("name", &Division::name),
                        shape::named("level", &Division::level, kDivisionLevelNames),
                        shape::nstr("parent_code", &Division::parent_code),
                        shape::boolean("current", &Division::current));

constexpr auto kLookupShape = shape::of<DivisionLookup>(
    shape::str("code", &DivisionLookup::code),
    shape::named("level", &DivisionLookup::level, kDivisionLevelNames),
    shape::nstr("name",
                [](const DivisionLookup& l) {
                  return l.division ? std::optional(l.division->name) : std::nullopt;
                }),
    shape::nstr("parent_code",
                [](const DivisionLookup& l) {
                  return l.division ? l.division->parent_code : std::nullopt;
                }),
    shape::boolean("known", &DivisionLookup::known),
    shape::boolean("current", &DivisionLookup::current),
    shape::str("full_name", &DivisionLookup::full_name),
    shape::array_of("ancestors", &DivisionLookup::ancestors, kDivisionShape),
    shape::nstr("warning", &DivisionLookup::warning));

const std::string kTag = "registry";

// GET /api/v1/registry/divisions
http::Response list_divisions(DivisionService& service, const http::Request& request) {
  auto page = http::page_of(request, kMaxDivisionPage);
  if (!page) return http::bad_page(kMaxDivisionPage);
  std::optional<DivisionLevel> level;
  if (auto l = request.query_param("level"); l && !l->empty()) {
    level = parse_division_level(*l);
    if (!level) {
      return http::problem(
          Error::invalid("invalid_level", "level must be province, city, county, town or village"));
    }
  }
  const std::optional<std::string> parent = request.query_param("parent");
  std::optional<std::string_view> parent_code;
  if (parent && !parent->empty()) parent_code = *parent;
  auto result =
      service.list(parent_code, level,
                   page->after > 0 ? std::to_string(page->after) : std::string(), page->limit);
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200,
                              http::page_json(result->items, result->next_cursor, kDivisionShape));
}

http::RouteDoc list_divisions_doc() {
  return {.summary = "Administrative divisions (行政区划, GB/T 2260)",
          .description =
              "Current divisions by code. With parent: its direct children, or with level as "
              "well every division of that level under it (e.g. the towns of a city). Without "
              "parent: every division of level (default province). Public reference data. "
              "Errors: 400 invalid_division_code (parent), invalid_level, invalid_paging.",
          .tag = kTag,
          .params = http::with_paging(
              {{.name = "parent", .description = "A division code (6, 9 or 12 digits)."},
               {.name = "level", .description = "province, city, county, town or village."}},
              kMaxDivisionPage),
          .responses = {{200, "Divisions by code", schema::page(kDivisionShape.schema())}}};
}

// GET /api/v1/registry/divisions/{code}
http::Response get_division(DivisionService& service, const http::Request& request) {
  return http::respond(200, service.lookup(request.param("code")), kLookupShape);
}

http::RouteDoc get_division_doc() {
  return {.summary = "One division code with its ancestors",
          .description =
              "A well-formed code the table does not hold (abolished or merged counties, as old "
              "identity numbers carry) answers 200 with known=false, the ancestors that are "
              "known and a warning; a code no longer current likewise with current=false. "
              "Public reference data. Errors: 400 invalid_division_code for a malformed code.",
          .tag = kTag,
          .responses = {{200, "The code as the division table knows it", kLookupShape.schema()}}};
}

}  // namespace

void add_division_routes(http::Router& router, DivisionService& service) {
  router.add(http::Method::kGet, "/api/v1/registry/divisions",
             http::handler_of(list_divisions, service), {.access = http::Access::kPublic},
             list_divisions_doc());
  router.add(http::Method::kGet, "/api/v1/registry/divisions/{code}",
             http::handler_of(get_division, service), {.access = http::Access::kPublic},
             get_division_doc());
}

}  // namespace zt::registry
