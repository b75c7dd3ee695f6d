#include "http/openapi.h"

#include <boost/json.hpp>

#include <cctype>

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

json::object operation(const Route& route) {
  json::object op;
  op["operationId"] = operation_id(route);
  op["summary"] = route.doc.summary;
  if (!route.doc.description.empty()) op["description"] = route.doc.description;
  if (!route.doc.tag.empty()) op["tags"] = json::array{json::string(route.doc.tag)};

  json::array params;
  for (const auto& name : route.param_names) {
    params.push_back(json::object{{"name", name},
                                  {"in", "path"},
                                  {"required", true},
                                  {"schema", json::object{{"type", "string"}}}});
  }
  for (const auto& p : route.doc.params) {
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

  if (route.options.access != Access::kPublic) {
    op["security"] = json::array{json::object{{"bearer", json::array{}}},
                                 json::object{{"api_key", json::array{}}}};
    if (!route.options.permission.empty()) op["x-permission"] = route.options.permission;
  }

  json::object responses;
  for (const auto& r : route.doc.responses) {
    json::object response{{"description", r.description}};
    if (!r.schema.is_null()) {
      response["content"] = json::object{{r.content_type, json::object{{"schema", r.schema}}}};
    }
    responses[std::to_string(r.status)] = std::move(response);
  }
  responses["default"] = json::object{
      {"description", "An error, as RFC 9457 problem details"},
      {"content",
       json::object{
           {"application/problem+json",
            json::object{{"schema", json::object{{"$ref", "#/components/schemas/Problem"}}}}}}}};
  op["responses"] = std::move(responses);
  return op;
}

}  // namespace

json::value openapi_document(const Router& router, const ApiInfo& info) {
  json::object paths;
  for (const auto& route : router.routes()) {
    auto& item = paths[route->pattern];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower(method_name(route->method))] = operation(*route);
  }
  json::object info_obj{{"title", info.title}, {"version", info.version}};
  if (!info.description.empty()) info_obj["description"] = info.description;
  json::object security_schemes{
      {"bearer", json::object{{"type", "http"},
                              {"scheme", "bearer"},
                              {"description", "A session token from POST /api/v1/auth/login."}}},
      {"api_key", json::object{{"type", "apiKey"},
                               {"in", "header"},
                               {"name", "X-API-Key"},
                               {"description", "A department system's API key."}}}};
  json::object components{{"schemas", json::object{{"Problem", problem_schema()}}},
                          {"securitySchemes", std::move(security_schemes)}};
  return json::object{{"openapi", "3.1.0"},
                      {"info", std::move(info_obj)},
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
json::object page(json::object item) {
  return object({{"items", array_of(std::move(item))}, {"next_cursor", nstr()}});
}

}  // namespace schema

}  // namespace zt::http
