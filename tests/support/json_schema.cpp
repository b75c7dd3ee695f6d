#include "support/json_schema.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <cmath>
#include <regex>
#include <string>

namespace zt::test {
namespace json = boost::json;

namespace {

// Keywords that describe and never constrain.
constexpr std::string_view kAnnotations[] = {"description", "title",    "format",     "example",
                                             "examples",    "default",  "deprecated", "readOnly",
                                             "writeOnly",   "$comment", "$schema",    "$id"};

std::string_view type_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "unknown";
}

bool has_type(const json::value& v, std::string_view type) {
  const std::string_view actual = type_of(v);
  if (type == actual) return true;
  if (type == "number") return actual == "integer";
  if (type == "integer" && v.is_double()) {
    const double d = v.get_double();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

// Code points in a UTF-8 string (what minLength and maxLength count).
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string short_text(const json::value& v) {
  std::string s = json::serialize(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

class Validator {
 public:
  explicit Validator(const json::value& root) : root_(root) {}

  std::optional<SchemaMismatch> check(const json::value& schema, const json::value& v,
                                      const std::string& at, int depth = 0) {
    if (depth > 64) return fail(at, "schema nesting too deep (a $ref cycle?)");
    if (schema.is_bool()) {
      if (schema.get_bool()) return std::nullopt;
      return fail(at, "no value is allowed here (schema false)");
    }
    const json::object* s = schema.if_object();
    if (s == nullptr) return fail(at, "the schema is not an object: " + short_text(schema));

    for (const auto& [key, arg] : *s) {
      if (auto m = keyword(*s, key, arg, v, at, depth)) return m;
    }
    return std::nullopt;
  }

 private:
  static std::optional<SchemaMismatch> fail(const std::string& at, std::string reason) {
    return SchemaMismatch{at, std::move(reason)};
  }

  std::optional<SchemaMismatch> keyword(const json::object& s, std::string_view key,
                                        const json::value& arg, const json::value& v,
                                        const std::string& at, int depth) {
    if (key == "type") return check_type(arg, v, at);
    if (key == "enum") {
      if (!arg.is_array()) return fail(at, "\"enum\" is not an array");
      for (const auto& option : arg.get_array())
        if (option == v) return std::nullopt;
      return fail(at, fmt::format("{} is not one of {}", short_text(v), short_text(arg)));
    }
    if (key == "const") {
      if (arg == v) return std::nullopt;
      return fail(at, fmt::format("{} is not {}", short_text(v), short_text(arg)));
    }
    if (key == "$ref") return check_ref(arg, v, at, depth);
    if (key == "allOf" || key == "anyOf" || key == "oneOf") return check_of(key, arg, v, at, depth);
    if (key == "properties" || key == "required" || key == "additionalProperties") {
      if (!v.is_object()) return std::nullopt;  // only constrains objects
      return check_object(s, key, arg, v.get_object(), at, depth);
    }
    if (key == "items") {
      if (!v.is_array()) return std::nullopt;
      const auto& items = v.get_array();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (auto m = check(arg, items[i], fmt::format("{}/{}", at, i), depth + 1)) return m;
      }
      return std::nullopt;
    }
    if (key == "minItems" || key == "maxItems") {
      if (!v.is_array()) return std::nullopt;
      const auto size = static_cast<double>(v.get_array().size());
      const auto bound = number_of(arg).value_or(0);
      if (key == "minItems" ? size >= bound : size <= bound) return std::nullopt;
      return fail(at, fmt::format("{} items, {} is {}", size, key, bound));
    }
    if (key == "minLength" || key == "maxLength") {
      if (!v.is_string()) return std::nullopt;
      const auto size = static_cast<double>(code_points(v.get_string()));
      const auto bound = number_of(arg).value_or(0);
      if (key == "minLength" ? size >= bound : size <= bound) return std::nullopt;
      return fail(at, fmt::format("{} characters, {} is {}", size, key, bound));
    }
    if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" ||
        key == "exclusiveMaximum") {
      const auto x = number_of(v);
      const auto bound = number_of(arg);
      if (!x || !bound) return std::nullopt;
      const bool ok = key == "minimum"            ? *x >= *bound
                      : key == "maximum"          ? *x <= *bound
                      : key == "exclusiveMinimum" ? *x > *bound
                                                  : *x < *bound;
      if (ok) return std::nullopt;
      return fail(at, fmt::format("{} breaks {} {}", short_text(v), key, *bound));
    }
    if (key == "pattern") {
      if (!v.is_string() || !arg.is_string()) return std::nullopt;
      const std::regex re(std::string(arg.get_string()), std::regex::ECMAScript);
      if (std::regex_search(std::string(v.get_string()), re)) return std::nullopt;
      return fail(at,
                  fmt::format("{} does not match the pattern {}", short_text(v), short_text(arg)));
    }
    for (const auto annotation : kAnnotations)
      if (key == annotation) return std::nullopt;
    return fail(at, fmt::format("the schema uses \"{}\", which this validator does not check",
                                std::string(key)));
  }

  std::optional<SchemaMismatch> check_type(const json::value& arg, const json::value& v,
                                           const std::string& at) {
    if (arg.is_string()) {
      if (has_type(v, arg.get_string())) return std::nullopt;
    } else if (arg.is_array()) {
      for (const auto& t : arg.get_array())
        if (t.is_string() && has_type(v, t.get_string())) return std::nullopt;
    } else {
      return fail(at, "\"type\" is neither a string nor an array");
    }
    return fail(
        at, fmt::format("expected type {}, got {} {}", short_text(arg), type_of(v), short_text(v)));
  }

  std::optional<SchemaMismatch> check_ref(const json::value& arg, const json::value& v,
                                          const std::string& at, int depth) {
    if (!arg.is_string() || !arg.get_string().starts_with("#")) {
      return fail(at, "\"$ref\" is not a local reference: " + short_text(arg));
    }
    const std::string_view pointer = std::string_view(arg.get_string()).substr(1);
    boost::system::error_code ec;
    const json::value* target = pointer.empty() ? &root_ : root_.find_pointer(pointer, ec);
    if (target == nullptr) return fail(at, "\"$ref\" does not resolve: " + short_text(arg));
    return check(*target, v, at, depth + 1);
  }

  std::optional<SchemaMismatch> check_of(std::string_view key, const json::value& arg,
                                         const json::value& v, const std::string& at, int depth) {
    if (!arg.is_array()) return fail(at, fmt::format("\"{}\" is not an array", key));
    std::size_t matched = 0;
    std::optional<SchemaMismatch> first;
    for (const auto& sub : arg.get_array()) {
      auto m = check(sub, v, at, depth + 1);
      if (!m) {
        ++matched;
      } else {
        if (key == "allOf") return m;
        if (!first) first = std::move(m);
      }
    }
    if (key == "allOf") return std::nullopt;
    if (key == "anyOf" && matched == 0) {
      return fail(at, fmt::format("matches none of anyOf (first: {} at '{}')", first->reason,
                                  first->pointer));
    }
    if (key == "oneOf" && matched != 1) {
      if (matched == 0) {
        return fail(at, fmt::format("matches none of oneOf (first: {} at '{}')", first->reason,
                                    first->pointer));
      }
      return fail(at, fmt::format("matches {} of oneOf, not exactly one", matched));
    }
    return std::nullopt;
  }

  std::optional<SchemaMismatch> check_object(const json::object& s, std::string_view key,
                                             const json::value& arg, const json::object& v,
                                             const std::string& at, int depth) {
    if (key == "required") {
      if (!arg.is_array()) return fail(at, "\"required\" is not an array");
      for (const auto& name : arg.get_array()) {
        if (!name.is_string()) return fail(at, "\"required\" lists a non-string");
        if (!v.contains(name.get_string())) {
          return fail(at, fmt::format("required property '{}' is missing",
                                      std::string_view(name.get_string())));
        }
      }
      return std::nullopt;
    }
    const json::object* properties = nullptr;
    if (const auto* p = s.if_contains("properties")) properties = p->if_object();
    if (key == "properties") {
      if (properties == nullptr) return fail(at, "\"properties\" is not an object");
      for (const auto& [name, sub] : *properties) {
        const json::value* member = v.if_contains(name);
        if (member == nullptr) continue;
        if (auto m = check(sub, *member, at + "/" + json_pointer_token(name), depth + 1)) return m;
      }
      return std::nullopt;
    }
    // additionalProperties: the members "properties" does not name.
    for (const auto& [name, member] : v) {
      if (properties != nullptr && properties->contains(name)) continue;
      const std::string where = at + "/" + json_pointer_token(name);
      if (arg.is_bool() && !arg.get_bool()) {
        return fail(where, fmt::format("property '{}' is not documented (additionalProperties "
                                       "is false)",
                                       std::string_view(name)));
      }
      if (auto m = check(arg, member, where, depth + 1)) return m;
    }
    return std::nullopt;
  }

  const json::value& root_;
};

}  // namespace

std::string json_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<SchemaMismatch> validate_json(const json::value& schema, const json::value& instance,
                                            const json::value& root) {
  Validator validator(root.is_null() ? schema : root);
  return validator.check(schema, instance, "");
}

}  // namespace zt::test
