#include "registry/registry_api.h"

#include "core/time.h"
#include "exchange/records/api.h"
#include "http/route_file.h"
#include "identity/api.h"
#include "identity/permissions.h"

#include <array>
#include <string_view>

namespace zt::registry {

namespace {

constexpr int kMaxPage = 200;
const std::string kTag = "registry";
constexpr http::NotFound kConflictNotFound{"conflict_not_found", "No such conflict."};
const std::string kReadNote =
    " Read as any shared record of the registry's golden resource: your department needs "
    "access to it (a grant for a conditional one); fields outside it are absent, personal "
    "fields masked unless the grant unmasks them; the read is audited with X-Purpose and "
    "X-Case-Id, and the citizen sees it under 谁用了我的数据.";

Result<RegistryKind> kind_of(std::string_view text) {
  if (auto kind = registry_kind_from(text)) return *kind;
  return Error::invalid("invalid_registry", "The registry is person or entity.");
}

constexpr auto kMappingShape = shape::of<Mapping>(
    shape::str("attribute", &Mapping::attribute),
    shape::str("resource_code", &Mapping::resource_code), shape::str("field", &Mapping::field),
    shape::integer("priority", &Mapping::priority));

// encode(config, kind): a stored config does not know which registry it is.
constexpr auto kConfigShape = shape::of<store::Config>(
    shape::named(
        "registry", [](const store::Config&, RegistryKind kind) { return kind; },
        kRegistryKindNames),
    shape::str("resource_code", &store::Config::resource_code),
    shape::array_of("mappings", &store::Config::mappings, kMappingShape),
    shape::time("updated_at", &store::Config::updated_at));

json::object config_json(RegistryKind kind, const store::Config& c) {
  return kConfigShape.encode(c, kind);
}

// A time of this API: an ISO 8601 string in Beijing time (+08:00).
json::object time_schema() {
  json::object s = schema::str();
  s["format"] = "date-time";
  return s;
}

json::object ntime_schema() {
  json::object s = schema::nstr();
  s["format"] = "date-time";
  return s;
}

// The stored candidates, or [] when they do not parse — or, for a resolved conflict, when its
// resolution does not (as this answer has always been). Each candidate's changed_at is kept in
// milliseconds and answered as ISO 8601 (+08:00) like every time of the API.
json::value candidates_json(const store::Conflict& c) {
  boost::system::error_code ec;
  json::value candidates = json::parse(c.candidates, ec);
  if (c.resolution) json::parse(*c.resolution, ec);
  if (ec || !candidates.is_array()) return json::array{};
  for (json::value& candidate : candidates.get_array()) {
    json::object* o = candidate.if_object();
    json::value* changed = o ? o->if_contains("changed_at") : nullptr;
    if (changed && changed->is_number()) {
      *changed = core::format_iso8601(core::from_millis(changed->to_number<std::int64_t>()));
    }
  }
  return candidates;
}

json::object candidates_schema() {
  return schema::array_of(schema::object({{"resource_code", schema::str()},
                                          {"value", json::object{}},
                                          {"priority", schema::integer()},
                                          {"changed_at", time_schema()}},
                                         {"resource_code", "value"}));
}

// A golden record's provenance: per attribute, the source that won (resource, batch, time) or
// the steward's resolution (its id; resource "" and batch 0).
json::object provenance_schema() {
  json::object s{{"type", "object"}};
  s["additionalProperties"] = schema::object({{"resource_code", schema::str()},
                                              {"batch_id", schema::integer()},
                                              {"changed_at", time_schema()},
                                              {"resolution_id", schema::integer()}},
                                             {"resource_code", "batch_id", "changed_at"});
  return s;
}

json::value resolution_json(const store::Conflict& c) {
  if (!c.resolution) return nullptr;
  boost::system::error_code ec;
  json::value resolution = json::parse(*c.resolution, ec);
  return ec ? json::value(nullptr) : resolution;
}

json::object any_schema() {
  return json::object{};
}

constexpr std::array<std::string_view, 3> kConflictStatuses{"open", "resolved", "gone"};

constexpr auto kConflictShape = shape::of<store::Conflict>(
    shape::integer("id", &store::Conflict::id),
    shape::one_of("registry", &store::Conflict::registry, kRegistryKindNames.names),
    shape::str("key", &store::Conflict::key), shape::str("attribute", &store::Conflict::attribute),
    shape::raw("candidates", candidates_json, candidates_schema),
    shape::one_of("status", &store::Conflict::status, kConflictStatuses),
    shape::raw("resolution", resolution_json, any_schema),
    shape::str("note", &store::Conflict::note),
    shape::str("resolved_by", &store::Conflict::resolved_by_name),
    shape::ntime("resolved_at", &store::Conflict::resolved_at),
    shape::time("created_at", &store::Conflict::created_at));

constexpr auto kSyncShape =
    shape::of<SyncReport>(shape::integer("changes", &SyncReport::changes),
                          shape::integer("published", &SyncReport::published),
                          shape::integer("conflicts_opened", &SyncReport::conflicts_opened));

constexpr std::array<std::string_view, 5> kReadKinds{"lookup", "query", "export", "changes",
                                                     "other"};

constexpr auto kDataAccessShape = shape::of<DataAccessEntry>(
    shape::integer("id", &DataAccessEntry::audit_id), shape::time("time", &DataAccessEntry::time),
    shape::str("department", &DataAccessEntry::department),
    shape::one_of("kind", &DataAccessEntry::kind, kReadKinds,
                  "lookup: one record by key; query: a filtered page (the registries' search "
                  "too); export; changes: a change-feed page"),
    shape::str("resource_code", &DataAccessEntry::resource_code),
    shape::str("resource_name", &DataAccessEntry::resource_name),
    shape::str("purpose", &DataAccessEntry::purpose),
    shape::str("case_id", &DataAccessEntry::case_id));

json::object golden_schema() {
  return schema::object(
      {{"registry", schema::enumeration(kRegistryKindNames.names)},
       {"resource_code", schema::str()},
       {"record", json::object{{"type", "object"}}},
       {"provenance", provenance_schema()},
       {"open_conflicts", schema::array_of(schema::object({{"id", schema::integer()},
                                                           {"attribute", schema::str()},
                                                           {"sources", schema::strings()}},
                                                          {"id", "attribute", "sources"}))},
       {"warnings", schema::array_of(schema::str())},
       {"id_number_place", json::object{}}},
      {"registry", "resource_code", "record", "provenance", "open_conflicts", "warnings"});
}

// GET /api/v1/registry/persons/{key} and /entities/{key}
http::Response read_golden(RegistryService& service, RegistryKind kind,
                           const http::Request& request) {
  auto r = service.read(*request.principal(), kind, request.param("key"),
                        exchange::read_context(request));
  if (!r.ok()) return http::problem(r.error());
  return http::Response::text(200, std::move(*r), "application/json");
}

http::Response read_person(RegistryService& service, const http::Request& request) {
  return read_golden(service, RegistryKind::kPerson, request);
}

http::Response read_entity(RegistryService& service, const http::Request& request) {
  return read_golden(service, RegistryKind::kEntity, request);
}

http::RouteDoc read_golden_doc(RegistryKind kind) {
  const bool person = kind == RegistryKind::kPerson;
  auto params = exchange::read_headers();
  params.insert(params.begin(),
                {.name = "key",
                 .in = "path",
                 .description = person ? "The person's 身份证号 (GB 11643)."
                                       : "The entity's 统一社会信用代码 (GB 32100)."});
  return {.summary = person ? "A person of the population registry (人口库) by 身份证号"
                            : "An entity of the legal-entity registry (法人库) by 统一社会信用代码",
          .description = fmt::format(
              "The golden record merged from the departments' resources, with each shown "
              "attribute's provenance (resource, batch, time; or the steward's resolution), the "
              "open conflicts' attributes and warnings (a division code the division table does "
              "not hold).{}{} Needs exchange.query. Errors: 400 invalid_key, purpose_required, "
              "invalid_purpose; 403 forbidden, grant_required; 404 record_not_found, "
              "registry_not_configured.",
              kReadNote,
              person ? " id_number_place names the county of the number's first six digits." : ""),
          .tag = kTag,
          .params = std::move(params),
          .responses = {{200, "The golden record", golden_schema()}}};
}

// GET /api/v1/registry/persons and /entities
http::Response search_golden(RegistryService& service, RegistryKind kind,
                             const http::Request& request) {
  int limit = 50;
  if (auto l = request.query_param("limit"); l && !l->empty()) {
    auto n = http::parse_id(*l);
    if (!n || *n > kMaxPage) return http::bad_page(kMaxPage);
    limit = static_cast<int>(*n);
  }
  auto r =
      service.search(*request.principal(), kind, request.query_param("name").value_or(""),
                     request.query_param("division").value_or(""), limit,
                     request.query_param("cursor").value_or(""), exchange::read_context(request));
  if (!r.ok()) return http::problem(r.error());
  return http::raw_page_response(r->items, r->next_cursor);
}

http::Response search_persons(RegistryService& service, const http::Request& request) {
  return search_golden(service, RegistryKind::kPerson, request);
}

http::Response search_entities(RegistryService& service, const http::Request& request) {
  return search_golden(service, RegistryKind::kEntity, request);
}

http::RouteDoc search_golden_doc(RegistryKind kind) {
  const bool person = kind == RegistryKind::kPerson;
  auto params = exchange::read_headers();
  params.push_back({.name = "name", .description = "Exact name."});
  params.push_back({.name = "division", .description = "Division code prefix."});
  return {.summary = person ? "Search the population registry by name within a division"
                            : "Search the legal-entity registry by name within a division",
          .description =
              "name: the exact name (姓名 / 名称); division: a division code prefix "
              "(330302 = 鹿城区, or a town's 9 digits). At least one. Pages in key "
              "order, or by division code then key when only the division is given." +
              kReadNote +
              " Needs exchange.query. Errors: 400 invalid_search, invalid_paging, "
              "field_not_filterable, purpose_required, invalid_purpose; 403 forbidden, "
              "grant_required; 404 registry_not_configured.",
          .tag = kTag,
          .params = http::with_paging(std::move(params), kMaxPage),
          .responses = {{200, "Golden records (masked as the access says)",
                         schema::page(json::object{{"type", "object"}})}}};
}

// GET /api/v1/registry/figures/{registry}
http::Response figures(RegistryService& service, const http::Request& request) {
  auto kind = kind_of(request.param("registry"));
  if (!kind.ok()) return http::problem(kind.error());
  auto f = service.figures(*request.principal(), *kind);
  if (!f.ok()) return http::problem(f.error());
  return http::Response::json(200, json::object{{"registry", to_string(*kind)},
                                                {"records", f->records},
                                                {"open_conflicts", f->open_conflicts},
                                                {"by_county", f->by_county}});
}

http::RouteDoc figures_doc() {
  return {.summary = "Registry figures by county",
          .description =
              "person: living people per county, by age band (0-17, 18-34, 35-59, "
              "60+) and gender; entity: entities per county by industry (GB/T 4754 "
              "section) and status. County \"\" holds records without a division "
              "code. For staff (registry.read, analytics.read or exchange.query). "
              "Errors: 400 invalid_registry; 403 forbidden.",
          .tag = kTag,
          .responses = {{200, "Counts",
                         schema::object({{"registry", schema::str()},
                                         {"records", schema::integer()},
                                         {"open_conflicts", schema::integer()},
                                         {"by_county", json::object{{"type", "object"}}}},
                                        {"registry", "records", "open_conflicts", "by_county"})}}};
}

// GET /api/v1/registry/conflicts
http::Response list_conflicts(RegistryService& service, const http::Request& request) {
  auto kind = kind_of(request.query_param("registry").value_or("person"));
  if (!kind.ok()) return http::problem(kind.error());
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  auto status = request.query_param("status");
  if (status && status->empty()) status.reset();
  auto key = request.query_param("key");
  if (key && key->empty()) key.reset();
  auto r = service.conflicts(*request.principal(), *kind, status, key, page->after, page->limit);
  if (!r.ok()) return http::problem(r.error());
  return http::Response::json(200, http::page_json(r->items, r->next_cursor, kConflictShape));
}

http::RouteDoc list_conflicts_doc() {
  return {.summary = "Conflicts between sources (for data stewards)",
          .description =
              "Two sources holding different values for one attribute of a person or "
              "entity. status: open (default all), resolved, gone (the sources "
              "changed since). Needs registry.manage (the data administrator). "
              "Errors: 400 invalid_registry, invalid_status, invalid_paging; 403 "
              "forbidden.",
          .tag = kTag,
          .params =
              http::with_paging({{.name = "registry", .description = "person (default) or entity."},
                                 {.name = "status", .description = "open, resolved or gone."},
                                 {.name = "key", .description = "One id_number or uscc."}},
                                kMaxPage),
          .responses = {{200, "Conflicts by id", schema::page(kConflictShape.schema())}}};
}

// POST /api/v1/registry/conflicts/{id}/resolve
http::Response resolve_conflict(RegistryService& service, std::int64_t id,
                                const http::Request& request) {
  http::JsonBody body(request);
  const json::value* value =
      body.object() != nullptr ? body.object()->if_contains("value") : nullptr;
  if (value == nullptr) {
    return http::problem(Error::invalid("invalid_value", "Give the value to keep."));
  }
  auto note = body.string("note");
  if (!body.ok()) return body.problem();
  return http::respond(
      200, service.resolve(*request.principal(), id, *value, note.value_or(""), request.context()),
      kConflictShape);
}

http::RouteDoc resolve_conflict_doc() {
  return {.summary = "Resolve a conflict: keep a value",
          .description =
              "The value stands for the attribute while the sources hold what they "
              "held when it was chosen; when they change, a new conflict opens. The "
              "golden record is merged again and published at once. Needs "
              "registry.manage (the data administrator). Audited. Errors: 400 "
              "invalid_value, invalid_note, invalid_body; 403 forbidden; 404 "
              "conflict_not_found; 409 conflict_not_open.",
          .tag = kTag,
          .request_schema =
              schema::object({{"value", json::object{}}, {"note", schema::str()}}, {"value"}),
          .responses = {{200, "The resolved conflict", kConflictShape.schema()}}};
}

// GET /api/v1/registry/configs/{registry}
http::Response get_config(RegistryService& service, const http::Request& request) {
  auto kind = kind_of(request.param("registry"));
  if (!kind.ok()) return http::problem(kind.error());
  auto c = service.config(*request.principal(), *kind);
  if (!c.ok()) return http::problem(c.error());
  return http::Response::json(200, config_json(*kind, *c));
}

http::RouteDoc get_config_doc() {
  return {.summary = "A registry's golden resource and attribute mappings",
          .description =
              "The catalog resource the registry's golden records are published "
              "as, and which source resource's field feeds each attribute, at "
              "what priority. Needs registry.read or registry.manage. Errors: 400 "
              "invalid_registry; 403 forbidden; 404 registry_not_configured.",
          .tag = kTag,
          .responses = {{200, "The configuration", kConfigShape.schema()}}};
}

// PUT /api/v1/registry/configs/{registry}
http::Response put_config(RegistryService& service, const http::Request& request) {
  auto kind = kind_of(request.param("registry"));
  if (!kind.ok()) return http::problem(kind.error());
  http::JsonBody body(request);
  store::Config config;
  config.resource_code = body.string("resource_code", true).value_or("");
  if (!body.ok()) return body.problem();
  const json::value* mappings = body.object()->if_contains("mappings");
  if (mappings == nullptr || !mappings->is_array()) {
    return http::problem(Error::invalid("invalid_mapping", "mappings is an array."));
  }
  for (const json::value& m : mappings->get_array()) {
    const json::object* o = m.if_object();
    const json::value* a = o ? o->if_contains("attribute") : nullptr;
    const json::value* r = o ? o->if_contains("resource_code") : nullptr;
    const json::value* f = o ? o->if_contains("field") : nullptr;
    const json::value* p = o ? o->if_contains("priority") : nullptr;
    if (!a || !a->is_string() || !r || !r->is_string() || !f || !f->is_string() ||
        (p && !p->is_int64())) {
      return http::problem(
          Error::invalid("invalid_mapping",
                         "Each mapping is {attribute, resource_code, field, priority (integer)}."));
    }
    config.mappings.push_back({std::string(a->get_string()), std::string(r->get_string()),
                               std::string(f->get_string()),
                               p ? static_cast<int>(p->get_int64()) : 0});
  }
  auto c = service.configure(*request.principal(), *kind, std::move(config), request.context());
  if (!c.ok()) return http::problem(c.error());
  return http::Response::json(200, config_json(*kind, *c));
}

http::RouteDoc put_config_doc() {
  return {.summary = "Set a registry's golden resource and attribute mappings",
          .description =
              "resource_code: the catalog resource the golden records are published "
              "as (key field id_number or uscc, an indexed name field, the attributes "
              "as its fields). mappings: attribute ← resource_code.field with a "
              "priority (higher wins; equal: the latest change wins). Each source "
              "maps the key attribute from its own single key field, and grants the "
              "registry's department its mapped fields unmasked. Needs "
              "registry.manage (the data administrator). Audited. Errors: 400 "
              "invalid_registry, invalid_mapping, invalid_body; 403 forbidden.",
          .tag = kTag,
          .request_schema = schema::object({{"resource_code", schema::str()},
                                            {"mappings", schema::array_of(kMappingShape.schema())}},
                                           {"resource_code", "mappings"}),
          .responses = {{200, "The configuration", kConfigShape.schema()}}};
}

// POST /api/v1/registry/configs/{registry}/sync
http::Response sync_registry(RegistryService& service, const http::Request& request) {
  auto kind = kind_of(request.param("registry"));
  if (!kind.ok()) return http::problem(kind.error());
  return http::respond(200, service.sync(*kind), kSyncShape);
}

http::RouteDoc sync_registry_doc() {
  return {.summary = "Consume the sources' change feeds now",
          .description =
              "Merges what the sources' change feeds hold since the last sync into "
              "the golden records and publishes them; the server also does this "
              "every few seconds. Needs registry.manage (the data administrator). An "
              "unconfigured registry reports zero. Errors: 400 invalid_registry; 403 "
              "forbidden; 503 registry_publish_failed.",
          .tag = kTag,
          .responses = {{200, "What was done", kSyncShape.schema()}}};
}

// POST /api/v1/registry/configs/{registry}/rebuild
http::Response rebuild_registry(RegistryService& service, const http::Request& request) {
  auto kind = kind_of(request.param("registry"));
  if (!kind.ok()) return http::problem(kind.error());
  return http::respond(200, service.rebuild(*request.principal(), *kind, request.context()),
                       kSyncShape);
}

http::RouteDoc rebuild_registry_doc() {
  return {.summary = "Rebuild a registry from the change feeds",
          .description =
              "Empties the registry (resolutions stay) and merges every source's feed "
              "from its beginning. Needs registry.manage (the data administrator). "
              "Audited. An unconfigured registry reports zero. Errors: 400 "
              "invalid_registry; 403 forbidden; 503 registry_publish_failed.",
          .tag = kTag,
          .responses = {{200, "What was done", kSyncShape.schema()}}};
}

// GET /api/v1/me/record
http::Response own_record(RegistryService& service, const http::Request& request) {
  auto r = service.own_record(*request.principal(), request.context());
  if (!r.ok()) return http::problem(r.error());
  return http::Response::text(200, std::move(*r), "application/json");
}

http::RouteDoc own_record_doc() {
  return {.summary = "My own registry record (一人一档 / 一企一档)",
          .description =
              "For a signed-in citizen: their golden record of the population "
              "registry (by the account's 身份证号); for an enterprise: of the "
              "legal-entity registry (统一社会信用代码). Unmasked — it is theirs — "
              "each field with its source resource and time. Any signed-in citizen "
              "or enterprise; no permission. Audited. Errors: 403 forbidden (staff, "
              "or no number on the account); 404 record_not_found, "
              "registry_not_configured.",
          .tag = kTag,
          .responses = {
              {200, "My record",
               schema::object(
                   {{"registry", schema::enumeration(kRegistryKindNames.names)},
                    {"resource_code", schema::str()},
                    {"fields", schema::array_of(schema::object({{"name", schema::str()},
                                                                {"label", schema::str()},
                                                                {"value", json::object{}},
                                                                {"source", schema::nstr()},
                                                                {"changed_at", ntime_schema()}},
                                                               {"name", "label", "value"}))}},
                   {"registry", "resource_code", "fields"})}}};
}

// GET /api/v1/me/data-access
http::Response data_access(RegistryService& service, const http::Request& request) {
  auto limit = http::page_of(request, kMaxPage);
  if (!limit) return http::bad_page(kMaxPage);
  std::optional<std::int64_t> cursor;
  if (limit->after > 0) cursor = limit->after;
  auto r = service.data_access(*request.principal(), cursor, limit->limit);
  if (!r.ok()) return http::problem(r.error());
  return http::Response::json(200, http::page_json(r->items, r->next_cursor, kDataAccessShape));
}

http::RouteDoc data_access_doc() {
  return {.summary = "谁用了我的数据: every read of my records",
          .description =
              "For a signed-in citizen (by the account's 身份证号) or enterprise (统一"
              "社会信用代码): from the audit log's per-subject index, every read that "
              "returned a record of a resource keyed by it — key lookups, filtered "
              "queries, exports, change-feed pages, the registries' reads and searches — "
              "newest first: which department, when, how (kind), for what purpose and "
              "case. Any signed-in citizen or enterprise; "
              "no permission. Errors: 400 invalid_paging; 403 forbidden (staff, or no "
              "number on the account).",
          .tag = kTag,
          .params = http::paging_params(kMaxPage),
          .responses = {{200, "Reads, newest first", schema::page(kDataAccessShape.schema())}}};
}

}  // namespace

void add_registry_routes(http::Router& router, RegistryService& service) {
  using http::handler_of;
  const http::RouteOptions query{.permission = std::string(identity::permission::kExchangeQuery)};
  const http::RouteOptions manage{.permission = std::string(identity::permission::kRegistryManage)};
  const http::RouteOptions manage_json{
      .permission = std::string(identity::permission::kRegistryManage),
      .accepts = {"application/json"}};
  router.add(http::Method::kGet, "/api/v1/registry/persons/{key}", handler_of(read_person, service),
             query, read_golden_doc(RegistryKind::kPerson));
  router.add(http::Method::kGet, "/api/v1/registry/persons", handler_of(search_persons, service),
             query, search_golden_doc(RegistryKind::kPerson));
  router.add(http::Method::kGet, "/api/v1/registry/entities/{key}",
             handler_of(read_entity, service), query, read_golden_doc(RegistryKind::kEntity));
  router.add(http::Method::kGet, "/api/v1/registry/entities", handler_of(search_entities, service),
             query, search_golden_doc(RegistryKind::kEntity));
  router.add(http::Method::kGet, "/api/v1/registry/figures/{registry}",
             handler_of(figures, service), {}, figures_doc());
  router.add(http::Method::kGet, "/api/v1/registry/conflicts", handler_of(list_conflicts, service),
             manage, list_conflicts_doc());
  router.add(http::Method::kPost, "/api/v1/registry/conflicts/{id}/resolve",
             handler_of(resolve_conflict, service, kConflictNotFound), manage_json,
             resolve_conflict_doc());
  router.add(http::Method::kGet, "/api/v1/registry/configs/{registry}",
             handler_of(get_config, service), {}, get_config_doc());
  router.add(http::Method::kPut, "/api/v1/registry/configs/{registry}",
             handler_of(put_config, service), manage_json, put_config_doc());
  router.add(http::Method::kPost, "/api/v1/registry/configs/{registry}/sync",
             handler_of(sync_registry, service), manage, sync_registry_doc());
  router.add(http::Method::kPost, "/api/v1/registry/configs/{registry}/rebuild",
             handler_of(rebuild_registry, service), manage, rebuild_registry_doc());
  router.add(http::Method::kGet, "/api/v1/me/record", handler_of(own_record, service), {},
             own_record_doc());
  router.add(http::Method::kGet, "/api/v1/me/data-access", handler_of(data_access, service), {},
             data_access_doc());
}

}  // namespace zt::registry
