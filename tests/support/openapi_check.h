// ApiDocument: a server's OpenAPI 3.1 document (GET /api/openapi.json), used to check that an
// answer is what the document says: the integration tests run every 2xx JSON answer through
// check() (tests/integration/api_schema_check.h).
//
// check() finds the operation (the method, and the path matched against the documented path
// templates with the query string stripped; a literal segment beats a {parameter}), the response
// documented for the status (exact, else "2XX"; never "default"), and validates the body against
// its application/json schema with validate_json (support/json_schema.h), `$ref`s resolved in
// the document. Immutable after construction; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace zt::test {

class ApiDocument {
 public:
  explicit ApiDocument(boost::json::value document) : document_(std::move(document)) {}

  // Whether check() looks at an answer: a 2xx status, a method other than HEAD, and Content-Type
  // application/json (parameters ignored; problem+json, NDJSON and CSV are not checked).
  static bool is_checked(std::string_view method, int status, std::string_view content_type);

  // The documented path template `path` (no query) falls under, or nullopt.
  std::optional<std::string> match_path(std::string_view path) const;

  // Checks one answer that is_checked(). Nullopt when it conforms; otherwise a message naming
  // the route, the status and the JSON pointer of the offending value — also when the path, the
  // method or the status is not documented, or the status documents no JSON body.
  std::optional<std::string> check(std::string_view method, std::string_view target, int status,
                                   std::string_view body) const;

  const boost::json::value& document() const { return document_; }

 private:
  boost::json::value document_;
};

}  // namespace zt::test
