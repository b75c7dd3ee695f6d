#include "http/identifier_routes.h"

#include "core/identifier.h"
#include "core/time.h"
#include "http/problem.h"

#include <boost/json.hpp>

namespace zt::http {

namespace json = boost::json;

namespace {
constexpr std::size_t kMaxValues = 1000;
}

json::object check_result_json(std::string_view value, const Result<std::string>& result) {
  json::object line{{"value", value}, {"valid", result.ok()}};
  if (result.ok()) {
    line["normalized"] = *result;
    line["error"] = nullptr;
    line["code"] = nullptr;
  } else {
    line["normalized"] = nullptr;
    line["error"] = result.error().detail;
    line["code"] = result.error().code;
  }
  return line;
}

void add_identifier_routes(Router& router) {
  const json::object string_schema{{"type", "string"}};
  const json::object nullable_string{{"type", json::array{"string", "null"}}};
  router.add(
      Method::kPost, "/api/v1/identifiers/check",
      [](const Request& request) {
        const json::object* body = request.json()->if_object();
        const json::value* kind_value = body ? body->if_contains("kind") : nullptr;
        const json::value* values = body ? body->if_contains("values") : nullptr;
        if (!kind_value || !kind_value->is_string() || !values || !values->is_array()) {
          return problem(400, "invalid_body",
                         "Expected {\"kind\": \"id_number\"|\"uscc\"|\"division_code\", "
                         "\"values\": [\"…\"]}.");
        }
        auto kind = core::parse_identifier_kind(kind_value->as_string());
        if (!kind) {
          return problem(400, "invalid_kind",
                         "kind must be one of id_number, uscc, division_code.");
        }
        if (values->as_array().size() > kMaxValues) {
          return problem(400, "too_many_values",
                         "At most 1000 values can be checked in one request.");
        }
        const auto today = core::china_date(std::chrono::system_clock::now());
        json::array results;
        for (const json::value& v : values->as_array()) {
          if (!v.is_string()) {
            return problem(400, "invalid_body", "Every entry of values must be a string.");
          }
          std::string_view value = v.as_string();
          results.push_back(check_result_json(value, core::check_identifier(*kind, value, today)));
        }
        return Response::json(200, json::object{{"results", std::move(results)}});
      },
      {.execution = Execution::kInline,
       .access = Access::kPublic,
       .body_limit = 64 * 1024,
       .accepts = {"application/json"}},
      {.summary = "Check identity numbers, credit codes or division codes",
       .description = "Applies the platform's rules (GB 11643 身份证号, GB 32100 统一社会信用代码, "
                      "GB/T 2260 行政区划代码) to up to 1000 values: each result says whether "
                      "the value is valid, its normalized form, or the error and its code "
                      "(a 身份证号's birth date is checked against today in China). Public; "
                      "nothing is stored. Errors: 400 invalid_body, invalid_kind, "
                      "too_many_values.",
       .tag = "identifiers",
       .request_schema =
           json::object{
               {"type", "object"},
               {"required", json::array{"kind", "values"}},
               {"properties",
                json::object{{"kind", json::object{{"type", "string"},
                                                   {"enum", json::array{"id_number", "uscc",
                                                                        "division_code"}}}},
                             {"values", json::object{{"type", "array"},
                                                     {"maxItems", kMaxValues},
                                                     {"items", string_schema}}}}}},
       .responses = {
           {200, "One result per value, in order",
            json::object{
                {"type", "object"},
                {"properties",
                 json::object{
                     {"results",
                      json::object{
                          {"type", "array"},
                          {"items",
                           json::object{{"type", "object"},
                                        {"properties",
                                         json::object{{"value", string_schema},
                                                      {"valid", json::object{{"type", "boolean"}}},
                                                      {"normalized", nullable_string},
                                                      {"error", nullable_string},
                                                      {"code", nullable_string}}}}}}}}}}}}});
}

}  // namespace zt::http
