// JSON Schema validation for tests: the subset of JSON Schema 2020-12 that the server's OpenAPI
// 3.1 document uses for its response bodies, so the integration tests can check every answer
// against its documentation (tests/integration/api_schema_check.h).
//
// Checked: `type` (a name or an array of names; "integer" is a number without a fraction),
// `enum`, `const`, `properties`, `required`, `additionalProperties` (false or a schema), `items`,
// `$ref` (a JSON pointer into the root document: "#/components/schemas/Problem"), `allOf`,
// `anyOf`, `oneOf` (exactly one), and the boolean schemas true and false. Annotations
// (`description`, `format`, `example`, …) are ignored; any other keyword is reported as a
// mismatch, so a schema this validator does not understand cannot pass silently.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace zt::test {

// The first place where an instance disagrees with its schema.
struct SchemaMismatch {
  std::string pointer;  // RFC 6901 JSON pointer into the instance: "" is the whole, "/items/0/id"
  std::string reason;   // "expected type integer, got string", "required property 'id' missing"
};

// Validates `instance` against `schema`. `root` is the document `$ref`s are resolved in (the
// schema itself when null). Returns nullopt when the instance conforms, else the first mismatch
// found (depth first, in the schema's keyword order).
std::optional<SchemaMismatch> validate_json(const boost::json::value& schema,
                                            const boost::json::value& instance,
                                            const boost::json::value& root = nullptr);

// `token` escaped for a JSON pointer ("~" → "~0", "/" → "~1").
std::string json_pointer_token(std::string_view token);

}  // namespace zt::test
