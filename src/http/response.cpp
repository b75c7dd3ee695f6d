#include "http/response.h"

#include <boost/json.hpp>

#include <strings.h>

namespace zt::http {

Response Response::json(int status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(value);
  return response;
}

Response Response::streamed(int status, std::string content_type, BodyWriter writer) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.stream = std::move(writer);
  return response;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

std::string_view Response::find_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return {};
}

}  // namespace zt::http
