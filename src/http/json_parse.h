// The JSON bodies the server accepts: standard JSON (RFC 8259) whose objects name each member
// once, and whose strings hold no NUL character.
//
// Why stricter than the standard: RFC 8259 §4 only says names SHOULD be unique, and parsers
// disagree on `{"fields":["a"],"fields":["b"]}` — one keeps the first, another the last — so an
// integrator's proxy and this server could read two different requests from one body. A NUL is
// refused because no field takes one and PostgreSQL's text cannot store it.
// Thread-safety: a pure function.
#pragma once

#include "core/result.h"

#include <boost/json/value.hpp>

#include <string_view>

namespace zt::http {

// The parsed body. Failure: kInvalidInput "malformed_json" for invalid JSON and for a name
// repeated within one object (the detail names it); "invalid_body" for a NUL in a string or name.
Result<boost::json::value> parse_json_body(std::string_view body);

}  // namespace zt::http
