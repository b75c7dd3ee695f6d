#include "catalog/api.h"

#include "catalog/json.h"
#include "http/route_file.h"
#include "identity/api.h"

namespace zt::catalog {

namespace {

constexpr int kMaxPage = 200;
const std::string kTag = "catalog";

json::object field_schema() {
  return schema::object({{"name", schema::str()},
                         {"label", schema::str()},
                         {"type", schema::enumeration(kFieldTypeNames.names)},
                         {"required", schema::boolean()},
                         {"max_length", schema::ninteger()},
                         {"enum_values", schema::strings()},
                         {"key", schema::boolean()},
                         {"indexed", schema::boolean()},
                         {"personal", schema::boolean()},
                         {"mask", schema::enumeration(kMaskRuleNames.names)}},
                        {"name", "type"});
}

json::object input_properties() {
  return {{"code", schema::str()},
          {"name", schema::str()},
          {"department_id", schema::integer()},
          {"category", schema::enumeration(kCategoryNames.names)},
          {"summary", schema::str()},
          {"format", schema::str()},
          {"share_type", schema::enumeration(kShareTypeNames.names)},
          {"share_condition", schema::str()},
          {"share_mode", schema::enumeration(kShareModeNames.names)},
          {"open_type", schema::enumeration(kOpenTypeNames.names)},
          {"open_condition", schema::str()},
          {"update_cycle", schema::enumeration(kUpdateCycleNames.names)},
          {"related", schema::strings()},
          {"keywords", schema::strings()},
          {"fields", schema::array_of(field_schema())}};
}

json::object input_schema(bool update) {
  json::object props = input_properties();
  if (update) {
    props["version"] = schema::integer();
    return schema::object(std::move(props), {"name", "fields"});
  }
  return schema::object(std::move(props), {"code", "name", "fields"});
}

json::object facets_schema() {
  json::object count = schema::object(
      {{"value", schema::str()}, {"count", schema::integer()}, {"label", schema::str()}});
  json::object props;
  for (const char* f : {"department_id", "category", "share_type", "open_type", "update_cycle"}) {
    props[f] = schema::array_of(count);
  }
  return schema::object(std::move(props));
}

json::object version_schema() {
  return schema::object({{"version", schema::integer()},
                         {"action", schema::enumeration({"create", "update", "publish", "retire"})},
                         {"changes", schema::strings()},
                         {"changed_by", schema::integer()},
                         {"changed_at", schema::str()},
                         {"resource", resource_schema()}});
}

// A facet filter ?name= into `out` (absent or empty: no filter); false when the value is not
// one of `names`.
template <typename E, std::size_t N>
bool read_choice(const http::Request& request, std::string_view name, std::optional<E>& out,
                 const core::EnumNames<E, N>& names) {
  auto v = request.query_param(name);
  if (!v || v->empty()) return true;
  out = names.parse(*v);
  return out.has_value();
}

// The page (cursor, limit) and the text `q` of a catalog search into `q`; the problem to answer
// when one is malformed.
std::optional<http::Response> read_page_and_text(const http::Request& request, SearchQuery& q) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  q.after_id = page->after;
  q.limit = page->limit;
  if (auto text = request.query_param("q")) {
    if (text->size() > 200) {
      return http::problem(400, "invalid_query", "q is at most 200 bytes.");
    }
    q.text = *text;
  }
  return std::nullopt;
}

// {"items": [encode(resource)…], "next_cursor": …, "total": …} of a search result.
template <typename Encode>
json::object search_page(const SearchResult& result, Encode encode) {
  json::array items;
  for (const Resource& r : result.items)
    items.push_back(encode(r));
  json::object page = http::page_json(std::move(items), http::cursor_or_null(result.next_cursor));
  page["total"] = result.total;
  return page;
}

// The keyword and the paging parameters of both searches, around a search's own `filters`.
std::vector<http::ParamDoc> search_params(std::vector<http::ParamDoc> filters) {
  filters.insert(filters.begin(),
                 {.name = "q", .description = "Keywords, space-separated; all must match."});
  return http::with_paging(std::move(filters), kMaxPage);
}

// The body as a resource, or the problem to answer.
Result<Resource> body_resource(const http::Request& request) {
  const json::value* v = request.json();
  if (!v || !v->is_object())
    return Error::invalid("invalid_body", "The body must be a JSON object.");
  return resource_from_json(v->get_object());
}

// GET /api/v1/catalog/resources
http::Response search(CatalogService& service, const http::Request& request) {
  SearchQuery q;
  if (auto bad = read_page_and_text(request, q)) return std::move(*bad);
  if (auto d = request.query_param("department_id"); d && !d->empty()) {
    q.department_id = http::parse_id(*d);
    if (!q.department_id) {
      return http::problem(400, "invalid_query", "department_id must be a department's id.");
    }
  }
  if (!read_choice(request, "category", q.category, kCategoryNames) ||
      !read_choice(request, "share_type", q.share_type, kShareTypeNames) ||
      !read_choice(request, "open_type", q.open_type, kOpenTypeNames) ||
      !read_choice(request, "update_cycle", q.update_cycle, kUpdateCycleNames) ||
      !read_choice(request, "status", q.status, kResourceStatusNames)) {
    return http::problem(400, "invalid_query",
                         "A facet filter has a value the catalog does not know; see the API "
                         "document for the allowed values.");
  }
  auto result = service.search(*request.principal(), std::move(q));
  if (!result.ok()) return http::problem(result.error());
  json::object body =
      search_page(*result, [](const Resource& r) -> json::value { return to_json(r); });
  json::object facets;
  for (const auto& [name, counts] : result->facets) {
    json::array a;
    for (const FacetCount& c : counts) {
      json::object o{{"value", c.value}, {"count", c.count}};
      if (!c.label.empty()) o["label"] = c.label;
      a.push_back(std::move(o));
    }
    facets[name] = std::move(a);
  }
  body["facets"] = std::move(facets);
  return http::Response::json(200, std::move(body));
}

http::RouteDoc search_doc() {
  return {
      .summary = "Search the resource catalog",
      .description =
          "Keyword search (Chinese works: trigram index; terms of 1-2 characters match by "
          "substring) over code, name, summary, keywords and field labels, with facet "
          "counts. Each facet counts the matches without its own filter. Needs "
          "catalog.resources.read; a department sees its own resources and the others' that "
          "are not drafts and are shared (share_type not none), city-wide roles (scope.city) "
          "every resource. Errors: 400 invalid_query, invalid_paging; 403 forbidden.",
      .tag = kTag,
      .params = search_params({{.name = "department_id", .description = "Providing department."},
                               {.name = "category",
                                .description = "base, theme or department.",
                                .schema = schema::enumeration(kCategoryNames.names)},
                               {.name = "share_type",
                                .description = "unconditional, conditional or none.",
                                .schema = schema::enumeration(kShareTypeNames.names)},
                               {.name = "open_type",
                                .description = "open, conditional or closed.",
                                .schema = schema::enumeration(kOpenTypeNames.names)},
                               {.name = "update_cycle",
                                .description = "realtime, daily, weekly, …",
                                .schema = schema::enumeration(kUpdateCycleNames.names)},
                               {.name = "status",
                                .description = "draft, published or retired.",
                                .schema = schema::enumeration(kResourceStatusNames.names)}}),
      .responses = {{200, "Matching resources, newest first",
                     schema::page(resource_schema(),
                                  {{"total", schema::integer()}, {"facets", facets_schema()}})}}};
}

// What the public portal shows of a resource: its metadata and its fields' names, labels and
// types; nothing about sharing, masking or who changed it.
json::object open_json(const Resource& r) {
  json::array fields;
  for (const Field& f : r.fields) {
    fields.push_back(json::object{
        {"name", f.name}, {"label", f.label}, {"type", std::string(to_string(f.type))}});
  }
  return json::object{
      {"code", r.code},
      {"name", r.name},
      {"department_name", r.department_name},
      {"category", to_string(r.category)},
      {"summary", r.summary},
      {"format", r.format},
      {"open_type", to_string(r.open_type)},
      {"open_condition", r.open_condition},
      {"update_cycle", to_string(r.update_cycle)},
      {"publish_date", r.publish_date ? json::value(*r.publish_date) : json::value(nullptr)},
      {"keywords", http::string_array(r.keywords)},
      {"fields", std::move(fields)},
  };
}

// The open types a public reader may see and filter by.
constexpr std::string_view kOpenToPublic[] = {"open", "conditional"};

json::object open_resource_schema() {
  return schema::object({{"code", schema::str()},
                         {"name", schema::str()},
                         {"department_name", schema::str()},
                         {"category", schema::enumeration(kCategoryNames.names)},
                         {"summary", schema::str()},
                         {"format", schema::str()},
                         {"open_type", schema::enumeration(kOpenToPublic)},
                         {"open_condition", schema::str()},
                         {"update_cycle", schema::enumeration(kUpdateCycleNames.names)},
                         {"publish_date", schema::nstr()},
                         {"keywords", schema::strings()},
                         {"fields", schema::array_of(schema::object(
                                        {{"name", schema::str()},
                                         {"label", schema::str()},
                                         {"type", schema::enumeration(kFieldTypeNames.names)}}))}});
}

// GET /api/v1/catalog/open-resources
http::Response open_resources(CatalogService& service, const http::Request& request) {
  SearchQuery q;
  if (auto bad = read_page_and_text(request, q)) return std::move(*bad);
  if (!read_choice(request, "open_type", q.open_type, kOpenTypeNames) ||
      !read_choice(request, "category", q.category, kCategoryNames)) {
    return http::problem(400, "invalid_query",
                         "open_type is open or conditional; category is base, theme or "
                         "department.");
  }
  auto result = service.open_resources(std::move(q));
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200, search_page(*result, open_json));
}

http::RouteDoc open_resources_doc() {
  return {.summary = "The open resources of the catalog (数据开放, no sign-in)",
          .description =
              "Published resources whose open_type is open (无条件开放) or conditional "
              "(有条件开放), with their metadata and their fields' names, labels and types: never "
              "records. Keyword search as in the catalog search. Public. Errors: 400 "
              "invalid_query, invalid_paging.",
          .tag = kTag,
          .params = search_params({{.name = "open_type",
                                    .description = "open or conditional.",
                                    .schema = schema::enumeration(kOpenToPublic)},
                                   {.name = "category",
                                    .description = "base, theme or department.",
                                    .schema = schema::enumeration(kCategoryNames.names)}}),
          .responses = {{200, "Open resources, newest first",
                         schema::page(open_resource_schema(), {{"total", schema::integer()}})}}};
}

// POST /api/v1/catalog/resources
http::Response create_resource(CatalogService& service, const http::Request& request) {
  auto input = body_resource(request);
  if (!input.ok()) return http::problem(input.error());
  return http::respond(
      201, service.create(*request.principal(), std::move(*input), request.context()), to_json);
}

http::RouteDoc create_resource_doc() {
  return {.summary = "Create a resource (draft)",
          .description =
              "A new resource in status draft, at version 1, with its metadata (GB/T 21063) and "
              "typed fields. By the providing department's dept_admin "
              "(catalog.resources.publish; department_id defaults to theirs) or a data_admin "
              "(catalog.manage, who may name any department_id). Audited. Errors: 400 "
              "invalid_body, invalid_resource_code, invalid_fields, invalid_department; 403 "
              "forbidden; 409 resource_exists.",
          .tag = kTag,
          .request_schema = input_schema(false),
          .responses = {{201, "The new draft", resource_schema()}}};
}

// GET /api/v1/catalog/resources/{code}
http::Response get_resource(CatalogService& service, const http::Request& request) {
  return http::respond(200, service.get(*request.principal(), request.param("code")), to_json);
}

http::RouteDoc get_resource_doc() {
  return {.summary = "One resource",
          .description =
              "The resource's metadata and fields. Needs catalog.resources.read for another "
              "department's resource, which must be published or retired and shared "
              "(share_type not none); the providing department and city-wide roles "
              "(scope.city) see every state. Errors: 404 resource_not_found (also for a "
              "resource you may not see).",
          .tag = kTag,
          .responses = {{200, "The resource", resource_schema()}}};
}

// PUT /api/v1/catalog/resources/{code}
http::Response update_resource(CatalogService& service, const http::Request& request) {
  auto input = body_resource(request);
  if (!input.ok()) return http::problem(input.error());
  std::optional<std::int64_t> version;
  if (const json::value* v = request.json()->get_object().if_contains("version")) {
    if (!v->is_null() && !v->is_int64()) {
      return http::problem(400, "invalid_body", "\"version\" must be an integer.");
    }
    if (v->is_int64()) version = v->get_int64();
  }
  return http::respond(200,
                       service.update(*request.principal(), request.param("code"),
                                      std::move(*input), version, request.context()),
                       to_json);
}

http::RouteDoc update_resource_doc() {
  return {.summary = "Change a resource",
          .description =
              "Replaces metadata and fields. A published resource takes only compatible field "
              "changes (add an optional field, widen a length, add enum values, index a field); "
              "anything else is 409 incompatible_change. Send the version you read to detect "
              "concurrent edits (409 version_conflict). The code and the providing department "
              "never change. By the providing department's dept_admin "
              "(catalog.resources.publish) or a data_admin (catalog.manage). Audited. Errors: "
              "400 invalid_body, invalid_fields; 403 forbidden; 404 resource_not_found; 409 "
              "incompatible_change, version_conflict, resource_retired.",
          .tag = kTag,
          .request_schema = input_schema(true),
          .responses = {{200, "The resource after the change", resource_schema()}}};
}

// POST /api/v1/catalog/resources/{code}/publish
http::Response publish_resource(CatalogService& service, const http::Request& request) {
  return http::respond(
      200, service.publish(*request.principal(), request.param("code"), request.context()),
      to_json);
}

http::RouteDoc publish_resource_doc() {
  return {.summary = "Publish a draft resource",
          .description =
              "draft → published: creates the resource's typed record table, after which "
              "records can be ingested and shared as its share type says. By the providing "
              "department's dept_admin (catalog.resources.publish) or a data_admin "
              "(catalog.manage). Audited. Errors: 403 forbidden; 404 resource_not_found; 409 "
              "invalid_state (not a draft).",
          .tag = kTag,
          .responses = {{200, "The resource", resource_schema()}}};
}

// POST /api/v1/catalog/resources/{code}/retire
http::Response retire_resource(CatalogService& service, const http::Request& request) {
  return http::respond(
      200, service.retire(*request.principal(), request.param("code"), request.context()), to_json);
}

http::RouteDoc retire_resource_doc() {
  return {.summary = "Retire a published resource",
          .description =
              "published → retired: no more ingest; the records and the catalog entry stay. By "
              "the providing department's dept_admin (catalog.resources.publish) or a "
              "data_admin (catalog.manage). Audited. Errors: 403 forbidden; 404 "
              "resource_not_found; 409 invalid_state (not published).",
          .tag = kTag,
          .responses = {{200, "The resource", resource_schema()}}};
}

json::object version_json(const ResourceVersion& v) {
  boost::system::error_code ec;
  json::value snapshot = json::parse(v.snapshot, ec);
  return json::object{{"version", v.version},
                      {"action", v.action},
                      {"changes", http::string_array(v.changes)},
                      {"changed_by", v.changed_by},
                      {"changed_at", core::format_iso8601(core::from_millis(v.changed_at))},
                      {"resource", ec ? json::value(nullptr) : std::move(snapshot)}};
}

// GET /api/v1/catalog/resources/{code}/versions
http::Response resource_history(CatalogService& service, const http::Request& request) {
  auto result = service.history(*request.principal(), request.param("code"));
  if (!result.ok()) return http::problem(result.error());
  json::array items;
  for (const ResourceVersion& v : *result)
    items.push_back(version_json(v));
  return http::Response::json(200, json::object{{"items", std::move(items)}});
}

http::RouteDoc resource_history_doc() {
  return {.summary = "A resource's version history",
          .description =
              "Every version of the resource, newest first: the action (create, update, "
              "publish, retire), what changed, who and when, and the resource as it was. "
              "Visible to whoever may read the resource (see GET "
              "/api/v1/catalog/resources/{code}). Errors: 404 resource_not_found.",
          .tag = kTag,
          .responses = {{200, "Every version, newest first", schema::list_of(version_schema())}}};
}

}  // namespace

json::object resource_schema() {
  json::object props = input_properties();
  props["id"] = schema::integer();
  props["department_name"] = schema::str();
  props["publish_date"] = schema::nstr();
  props["status"] = schema::enumeration(kResourceStatusNames.names);
  props["version"] = schema::integer();
  props["created_by"] = schema::integer();
  props["created_at"] = schema::str();
  props["updated_at"] = schema::str();
  props["published_at"] = schema::nstr();
  props["retired_at"] = schema::nstr();
  return schema::object(std::move(props));
}

void add_routes(http::Router& router, CatalogService& service) {
  const http::RouteOptions json_body{.body_limit = 1 << 20, .accepts = {"application/json"}};
  const std::string resource = "/api/v1/catalog/resources/{code}";
  router.add(http::Method::kGet, "/api/v1/catalog/resources", http::handler_of(search, service), {},
             search_doc());
  router.add(http::Method::kGet, "/api/v1/catalog/open-resources",
             http::handler_of(open_resources, service), {.access = http::Access::kPublic},
             open_resources_doc());
  router.add(http::Method::kPost, "/api/v1/catalog/resources",
             http::handler_of(create_resource, service), json_body, create_resource_doc());
  router.add(http::Method::kGet, resource, http::handler_of(get_resource, service), {},
             get_resource_doc());
  router.add(http::Method::kPut, resource, http::handler_of(update_resource, service), json_body,
             update_resource_doc());
  router.add(http::Method::kPost, resource + "/publish",
             http::handler_of(publish_resource, service), {}, publish_resource_doc());
  router.add(http::Method::kPost, resource + "/retire", http::handler_of(retire_resource, service),
             {}, retire_resource_doc());
  router.add(http::Method::kGet, resource + "/versions",
             http::handler_of(resource_history, service), {}, resource_history_doc());
}

}  // namespace zt::catalog
