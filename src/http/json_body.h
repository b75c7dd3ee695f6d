// Helpers every module's api.cpp uses to read a request: a JSON body's members with their types
// checked, and the cursor paging parameters (?cursor=&limit=).
//
// Thread-safety: JsonBody is used by the one handler that made it; the functions are pure.
#pragma once

#include "http/request.h"
#include "http/response.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::http {

// Reads the members of a JSON object body. Each accessor returns nullopt when the member is
// absent or null, or when it has the wrong type (then ok() turns false and problem() says which
// member and what it must be); the first problem is kept.
class JsonBody {
 public:
  explicit JsonBody(const Request& request);
  bool ok() const { return !error_; }
  // 400 invalid_body with the first problem.
  Response problem() const;
  // The whole object (null when the body is not an object).
  const boost::json::object* object() const { return object_; }

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::vector<std::string>> strings(std::string_view key, bool required = false);

 private:
  const boost::json::value* find(std::string_view key, bool required);
  std::nullopt_t fail(std::string_view key, std::string_view what);
  const boost::json::object* object_ = nullptr;
  std::optional<std::string> error_;
};

// A positive decimal id ("42"), or nullopt.
std::optional<std::int64_t> parse_id(std::string_view text);

// ?cursor= (an id from a previous page's next_cursor) and ?limit= (1..max_limit, default 50).
struct Page {
  std::int64_t after = 0;
  int limit = 50;
};
std::optional<Page> page_of(const Request& request, int max_limit);
// 400 invalid_paging.
Response bad_page(int max_limit);

// 204 without a body.
Response no_content();

// A time stored as milliseconds since the epoch, as the API shows it (ISO 8601, +08:00), or null.
boost::json::value iso_time_or_null(std::optional<std::int64_t> ms);
// A JSON array of strings.
boost::json::array string_array(const std::vector<std::string>& items);

}  // namespace zt::http
