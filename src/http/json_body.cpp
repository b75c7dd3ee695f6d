#include "http/json_body.h"

#include "core/time.h"
#include "http/problem.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <charconv>

namespace zt::http {

namespace json = boost::json;

JsonBody::JsonBody(const Request& request) {
  const json::value* v = request.json();
  object_ = v ? v->if_object() : nullptr;
  if (object_ == nullptr) error_ = "The body must be a JSON object.";
}

Response JsonBody::problem() const {
  return http::problem(400, "invalid_body", error_.value_or("The body is not valid."));
}

std::optional<std::string> JsonBody::string(std::string_view key, bool required) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) return fail(key, "a string");
  return std::string(v->get_string());
}

std::optional<std::int64_t> JsonBody::integer(std::string_view key, bool required) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_int64()) return fail(key, "an integer");
  return v->get_int64();
}

std::optional<bool> JsonBody::boolean(std::string_view key) {
  const json::value* v = find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_bool()) return fail(key, "true or false");
  return v->get_bool();
}

std::optional<std::vector<std::string>> JsonBody::strings(std::string_view key, bool required) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) return fail(key, "an array of strings");
  std::vector<std::string> out;
  for (const json::value& item : v->get_array()) {
    if (!item.is_string()) return fail(key, "an array of strings");
    out.emplace_back(item.get_string());
  }
  return out;
}

const json::value* JsonBody::find(std::string_view key, bool required) {
  if (!object_ || error_) return nullptr;
  const json::value* v = object_->if_contains(key);
  if (v && v->is_null()) v = nullptr;
  if (!v && required) error_ = fmt::format("\"{}\" is required.", key);
  return v;
}

std::nullopt_t JsonBody::fail(std::string_view key, std::string_view what) {
  error_ = fmt::format("\"{}\" must be {}.", key, what);
  return std::nullopt;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<Page> page_of(const Request& request, int max_limit) {
  Page page;
  if (auto cursor = request.query_param("cursor"); cursor && !cursor->empty()) {
    auto id = parse_id(*cursor);
    if (!id) return std::nullopt;
    page.after = *id;
  }
  if (auto limit = request.query_param("limit"); limit && !limit->empty()) {
    auto n = parse_id(*limit);
    if (!n || *n > max_limit) return std::nullopt;
    page.limit = static_cast<int>(*n);
  }
  return page;
}

Response bad_page(int max_limit) {
  return problem(
      400, "invalid_paging",
      fmt::format("cursor must be a cursor from a previous page; limit 1 to {}.", max_limit));
}

Response no_content() {
  return Response::text(204, "", "");
}

json::value iso_time_or_null(std::optional<std::int64_t> ms) {
  if (!ms) return nullptr;
  return json::value(core::format_iso8601(core::from_millis(*ms)));
}

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items)
    out.emplace_back(s);
  return out;
}

}  // namespace zt::http
