// Response: what a route handler returns; the server turns it into HTTP/1.1 bytes.
//
// Beast-free on purpose, so that the modules' api.cpp files stay cheap to compile.
// Thread-safety: a plain value.
#pragma once

#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  // A JSON response with `value` serialized as the body.
  static Response json(int status, const boost::json::value& value);
  // A body sent as is with the given type.
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // The value of an extra header, or empty.
  std::string_view find_header(std::string_view name) const;
};

}  // namespace zt::http
