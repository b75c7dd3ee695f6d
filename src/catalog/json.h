// JSON forms of catalog values: the API's bodies and the stored field lists and snapshots use the
// same shape, so a resource reads back exactly as it was written.
//
//   {"code", "name", "department_id", "category", "summary", "format", "share_type",
//    "share_condition", "share_mode", "open_type", "open_condition", "update_cycle",
//    "publish_date", "related": [...], "keywords": [...], "fields": [{"name", "label", "type",
//    "required", "max_length", "enum_values", "key", "indexed", "personal", "mask"}], ...}
//
// Thread-safety: pure functions.
#pragma once

#include "catalog/model.h"
#include "core/result.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace zt::catalog {

boost::json::object to_json(const Field& field);
boost::json::array to_json(const std::vector<Field>& fields);
// Every attribute; times as ISO 8601 +08:00; department_name when known.
boost::json::object to_json(const Resource& resource);

// Reads a field list. Failure: Error invalid "invalid_fields" naming the first bad entry.
Result<std::vector<Field>> fields_from_json(const boost::json::value& value);

// Reads the writable attributes of a resource (code, name, department_id, category, summary,
// format, share/open attributes, update_cycle, related, keywords, fields) from a request body or
// a stored snapshot. Missing optional attributes keep Resource's defaults. Failure: Error invalid
// "invalid_body" naming the attribute.
Result<Resource> resource_from_json(const boost::json::object& object);

// A list of strings as stored in a TEXT column: a JSON array. parse_string_list reads one back
// (the strings of it; nothing for text that is not an array).
std::string string_list_json(const std::vector<std::string>& items);
std::vector<std::string> parse_string_list(std::string_view text);

}  // namespace zt::catalog
