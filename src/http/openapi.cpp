#include "http/openapi.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace zt::http {

namespace json = boost::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "GET /api/v1/catalog/resources/{code}" → "get_api_v1_catalog_resources_code"
std::string operation_id(const Route& route) {
  std::string id = lower(method_name(route.method));
  for (char c : route.pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id.push_back(c);
    } else if (c == '/' || c == '-' || c == '.') {
      if (id.back() != '_') id.push_back('_');
    }
  }
  while (id.back() == '_')
    id.pop_back();
  return id;
}

json::object problem_schema() {
  return {
      {"type", "object"},
      {"description", "RFC 9457 problem details"},
      {"required", json::array{"type", "title", "status", "code"}},
      {"properties",
       json::object{
           {"type", json::object{{"type", "string"}}},
           {"title", json::object{{"type", "string"}}},
           {"status", json::object{{"type", "integer"}}},
           {"detail", json::object{{"type", "string"}}},
           {"code", json::object{{"type", "string"},
                                 {"description", "stable machine-readable error code"}}},
       }},
  };
}

// The tags, in the order the document lists them; one line each of what the group is about.
constexpr TagDoc kTags[] = {
    {"system", "Liveness, readiness, metrics, the version and this document: no sign-in."},
    {"identifiers",
     "Checks of 身份证号 (GB 11643), 统一社会信用代码 (GB 32100) and 行政区划代码 (GB/T 2260)."},
    {"auth", "Sign-in, sessions, password changes and TOTP second factors (统一身份认证)."},
    {"departments", "The departments (部门) and their tree, managed by the system admin."},
    {"users", "Citizens, enterprises and staff, and the roles staff hold."},
    {"api-clients", "Department systems that call the API with an X-API-Key."},
    {"security", "The security policy in force and its history, set by the security admin."},
    {"audit", "The SM3-chained audit log (安全审计): records, CSV export, chain verification."},
    {"catalog",
     "The resource catalog (政务信息资源目录, GB/T 21063): resources, fields, lifecycle, versions, "
     "search."},
    {"exchange",
     "Ingest of records (NDJSON, CSV), batches, reads, exports, the change feed and quality "
     "figures (共享交换)."},
    {"sharing", "Sharing requests and grants between departments (共享申请与授权)."},
    {"corrections",
     "Correction reports (数据纠错): a consumer reports a wrong value, the provider answers."},
    {"subscriptions",
     "Webhook subscriptions that push a resource's changes, signed with HMAC-SM3."},
    {"registry",
     "The base registries (基础库): divisions (GB/T 2260), the population and legal-entity "
     "registries, their conflicts and what citizens can see of their own data."},
    {"calendar",
     "The working-day calendar (工作日历): public holidays, 调休 make-up working days and "
     "deadlines in working days, in Beijing time."},
    {"services",
     "One-stop services (一网通办): service items and their guides, the power list, cases and "
     "their workflow on the statutory clock, worklists and 我的办件."},
};

std::string_view tag_description(std::string_view name) {
  for (const TagDoc& t : kTags) {
    if (t.name == name) return t.description;
  }
  return {};
}

json::object ref(std::string_view target) {
  return {{"$ref", target}};
}

json::object problem_response(std::string_view description) {
  return {
      {"description", description},
      {"content", json::object{{"application/problem+json",
                                json::object{{"schema", ref("#/components/schemas/Problem")}}}}}};
}

json::object operation(const Route& route) {
  json::object op;
  op["operationId"] = operation_id(route);
  op["summary"] = route.doc.summary;
  if (!route.doc.description.empty()) op["description"] = route.doc.description;
  if (!route.doc.tag.empty()) op["tags"] = json::array{json::string(route.doc.tag)};

  json::array params;
  for (const auto& name : route.param_names) {
    json::object param{{"name", name}, {"in", "path"}, {"required", true}};
    json::value schema = json::object{{"type", "string"}};
    for (const auto& p : route.doc.params) {
      if (p.in != "path" || p.name != name) continue;
      if (!p.description.empty()) param["description"] = p.description;
      schema = p.schema;
    }
    param["schema"] = std::move(schema);
    params.push_back(std::move(param));
  }
  for (const auto& p : route.doc.params) {
    if (p.in == "path") continue;  // above, with the pattern's parameters
    json::object param{
        {"name", p.name}, {"in", p.in}, {"required", p.required}, {"schema", p.schema}};
    if (!p.description.empty()) param["description"] = p.description;
    params.push_back(std::move(param));
  }
  if (!params.empty()) op["parameters"] = std::move(params);

  if (!route.options.accepts.empty()) {
    json::object content;
    for (const auto& type : route.options.accepts) {
      json::object media;
      if (type == "application/json" && !route.doc.request_schema.is_null()) {
        media["schema"] = route.doc.request_schema;
      } else {
        media["schema"] = json::object{{"type", "string"}};
      }
      content[type] = std::move(media);
    }
    op["requestBody"] = json::object{{"required", true}, {"content", std::move(content)}};
  }

  json::object responses;
  for (const auto& r : route.doc.responses) {
    json::object response{{"description", r.description}};
    if (!r.schema.is_null()) {
      response["content"] = json::object{{r.content_type, json::object{{"schema", r.schema}}}};
    }
    responses[std::to_string(r.status)] = std::move(response);
  }
  if (route.options.access == Access::kPublic) {
    op["security"] = json::array{};  // anyone may call it
  } else {
    op["security"] = json::array{json::object{{"bearer", json::array{}}},
                                 json::object{{"api_key", json::array{}}}};
    if (!route.options.permission.empty()) op["x-permission"] = route.options.permission;
    if (!responses.contains("401"))
      responses["401"] = ref("#/components/responses/Unauthenticated");
    if (!responses.contains("403")) responses["403"] = ref("#/components/responses/Forbidden");
  }
  responses["4XX"] = ref("#/components/responses/ClientError");
  responses["default"] = ref("#/components/responses/Error");
  op["responses"] = std::move(responses);
  return op;
}

}  // namespace

std::span<const TagDoc> api_tags() {
  return kTags;
}

json::value openapi_document(const Router& router, const ApiInfo& info) {
  json::object paths;
  std::vector<std::string_view> used_tags;
  for (const auto& route : router.routes()) {
    auto& item = paths[route->pattern];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower(method_name(route->method))] = operation(*route);
    if (!route->doc.tag.empty() &&
        std::find(used_tags.begin(), used_tags.end(), route->doc.tag) == used_tags.end()) {
      used_tags.push_back(route->doc.tag);
    }
  }
  // Declared in the table's order; a tag missing from the table is declared without a
  // description (the linters and the unit test say so).
  json::array tags;
  for (const TagDoc& t : kTags) {
    if (std::find(used_tags.begin(), used_tags.end(), t.name) == used_tags.end()) continue;
    tags.push_back(json::object{{"name", t.name}, {"description", t.description}});
  }
  for (std::string_view name : used_tags) {
    if (tag_description(name).empty()) tags.push_back(json::object{{"name", name}});
  }

  json::object info_obj{{"title", info.title}, {"version", info.version}};
  if (!info.description.empty()) info_obj["description"] = info.description;
  info_obj["contact"] = json::object{{"name", info.contact_name}};
  info_obj["license"] = json::object{{"name", info.license}, {"identifier", info.license}};
  json::object security_schemes{
      {"bearer", json::object{{"type", "http"},
                              {"scheme", "bearer"},
                              {"description", "A session token from POST /api/v1/auth/login."}}},
      {"api_key", json::object{{"type", "apiKey"},
                               {"in", "header"},
                               {"name", "X-API-Key"},
                               {"description", "A department system's API key."}}}};
  json::object responses{
      {"Unauthenticated",
       problem_response("No credentials, or wrong or expired ones: unauthenticated, "
                        "invalid_credentials, session_expired (with WWW-Authenticate: Bearer).")},
      {"Forbidden",
       problem_response("forbidden: the principal lacks the operation's permission "
                        "(x-permission); password_change_required, totp_enrolment_required: the "
                        "account must first finish its set-up.")},
      {"ClientError",
       problem_response("The request was refused; code says why (the operation's description "
                        "lists its own codes; any request may also get malformed_request, "
                        "body_too_large, unsupported_media_type, too_many_attempts or "
                        "header_too_large).")},
      {"Error", problem_response("A server-side error: 503 overloaded, too_many_connections (with "
                                 "Retry-After), not_ready; 500 internal_error.")}};
  json::object components{{"schemas", json::object{{"Problem", problem_schema()}}},
                          {"responses", std::move(responses)},
                          {"securitySchemes", std::move(security_schemes)}};
  return json::object{
      {"openapi", "3.1.0"},
      {"info", std::move(info_obj)},
      {"servers", json::array{json::object{
                      {"url", "/"}, {"description", "The server that serves this document"}}}},
      {"tags", std::move(tags)},
      {"paths", std::move(paths)},
      {"components", std::move(components)}};
}

namespace schema {

namespace json = boost::json;

json::object str() {
  return {{"type", "string"}};
}
json::object nstr() {
  return {{"type", json::array{"string", "null"}}};
}
json::object integer() {
  return {{"type", "integer"}};
}
json::object ninteger() {
  return {{"type", json::array{"integer", "null"}}};
}
json::object number() {
  return {{"type", "number"}};
}
json::object boolean() {
  return {{"type", "boolean"}};
}
json::object strings() {
  return array_of(str());
}
json::object enumeration(std::initializer_list<std::string_view> values) {
  return enumeration(std::span<const std::string_view>(values.begin(), values.size()));
}
json::object enumeration(std::span<const std::string_view> values) {
  json::array e;
  for (auto v : values)
    e.emplace_back(v);
  return {{"type", "string"}, {"enum", std::move(e)}};
}
json::object array_of(json::object item) {
  return {{"type", "array"}, {"items", std::move(item)}};
}
json::object object(json::object properties, json::array required) {
  json::object o{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = std::move(required);
  return o;
}
json::object page(json::object item, json::object more) {
  json::object properties{{"items", array_of(std::move(item))}, {"next_cursor", nstr()}};
  for (auto& member : more)
    properties[member.key()] = std::move(member.value());
  return object(std::move(properties), {"items", "next_cursor"});
}
json::object list_of(json::object item) {
  return object({{"items", array_of(std::move(item))}});
}

}  // namespace schema

}  // namespace zt::http
