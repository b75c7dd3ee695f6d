#include "http/request.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>

namespace zt::http {

namespace {
using NativeRequest = boost::beast::http::request<boost::beast::http::string_body>;
const NativeRequest& native(const void* p) {
  return *static_cast<const NativeRequest*>(p);
}
}  // namespace

std::string_view Request::method() const {
  return native(native_).method_string();
}

std::string_view Request::target() const {
  return native(native_).target();
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  const auto& fields = native(native_);
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->value();
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  if (query_.empty()) return std::nullopt;
  // Debian's Boost.URL 1.81 parse_query reads its input up to a NUL byte, past the end of the
  // view (found by fuzz_http; see request_test.cpp): hand it a NUL-terminated copy.
  const std::string terminated(query_);
  auto parsed = boost::urls::parse_query(terminated);
  if (!parsed) return std::nullopt;
  const boost::urls::encoding_opts plus_as_space(true);
  for (auto param : *parsed) {
    if (param.key.decode(plus_as_space) != name) continue;
    return param.has_value ? param.value.decode(plus_as_space) : std::string();
  }
  return std::nullopt;
}

const std::string& Request::body() const {
  return native(native_).body();
}

}  // namespace zt::http
