#include "support/openapi_check.h"

#include "support/json_schema.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace zt::test {
namespace json = boost::json;

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A "$ref" object resolved in `document` (one level, as the generator writes them).
const json::value* resolve(const json::value& document, const json::value* v) {
  if (v == nullptr) return nullptr;
  const json::object* o = v->if_object();
  if (o == nullptr) return v;
  const json::value* ref = o->if_contains("$ref");
  if (ref == nullptr || !ref->is_string()) return v;
  const std::string_view pointer = ref->get_string();
  if (!pointer.starts_with("#")) return nullptr;
  boost::system::error_code ec;
  return document.find_pointer(pointer.substr(1), ec);
}

}  // namespace

bool ApiDocument::is_checked(std::string_view method, int status, std::string_view content_type) {
  if (status < 200 || status > 299 || method == "HEAD") return false;
  const auto semicolon = content_type.find(';');
  std::string_view media = content_type.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  return lower(media) == "application/json";
}

std::optional<std::string> ApiDocument::match_path(std::string_view path) const {
  const json::value* paths =
      document_.is_object() ? document_.get_object().if_contains("paths") : nullptr;
  if (paths == nullptr || !paths->is_object()) return std::nullopt;
  const auto wanted = segments(path);
  std::optional<std::string> best;
  std::size_t best_literals = 0;
  for (const auto& [pattern, item] : paths->get_object()) {
    const auto parts = segments(pattern);
    if (parts.size() != wanted.size()) continue;
    std::size_t literals = 0;
    bool matches = true;
    for (std::size_t i = 0; i < parts.size() && matches; ++i) {
      if (parts[i].size() >= 2 && parts[i].front() == '{' && parts[i].back() == '}') {
        matches = !wanted[i].empty();
      } else {
        matches = parts[i] == wanted[i];
        ++literals;
      }
    }
    if (matches && (!best || literals > best_literals)) {
      best = std::string(pattern);
      best_literals = literals;
    }
  }
  return best;
}

std::optional<std::string> ApiDocument::check(std::string_view method, std::string_view target,
                                              int status, std::string_view body) const {
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  const auto pattern = match_path(path);
  const std::string route = fmt::format("{} {}", method, pattern.value_or(std::string(path)));
  auto fail = [&](const std::string& what) {
    return fmt::format("{} (target {}) answered {}: {}", route, target, status, what);
  };
  if (!pattern) return fail("no documented path matches");

  const json::value& item = document_.at("paths").at(*pattern);
  const json::value* operation = item.get_object().if_contains(lower(method));
  if (operation == nullptr || !operation->is_object()) {
    return fail("the method is not documented for this path");
  }
  const json::value* responses = operation->get_object().if_contains("responses");
  if (responses == nullptr || !responses->is_object()) return fail("no documented responses");
  const json::value* response = responses->get_object().if_contains(std::to_string(status));
  if (response == nullptr) response = responses->get_object().if_contains("2XX");
  if (response == nullptr) return fail(fmt::format("status {} is not documented", status));
  response = resolve(document_, response);
  if (response == nullptr || !response->is_object()) return fail("the response does not resolve");

  const json::value* schema = nullptr;
  if (const json::value* content = response->get_object().if_contains("content")) {
    if (const json::value* media = content->is_object()
                                       ? content->get_object().if_contains("application/json")
                                       : nullptr) {
      schema = media->is_object() ? media->get_object().if_contains("schema") : nullptr;
    }
  }
  if (schema == nullptr) return fail("the documented response has no application/json schema");

  boost::system::error_code ec;
  const json::value instance = json::parse(body, ec);
  if (ec) return fail("the body is not JSON: " + ec.message());
  if (auto mismatch = validate_json(*schema, instance, document_)) {
    return fail(fmt::format("at '{}': {}", mismatch->pointer, mismatch->reason));
  }
  return std::nullopt;
}

}  // namespace zt::test
