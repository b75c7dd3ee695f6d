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

namespace {

// Calls visit(name, value) with each parameter of `query`, percent-decoded ('+' as space), until
// it returns false. False when the query string is malformed.
template <typename Visit>
bool each_query_param(std::string_view query, Visit visit) {
  // Debian's Boost.URL 1.81 parse_query reads its input up to a NUL byte, past the end of the
  // view (found by fuzz_http; see request_test.cpp): hand it a NUL-terminated copy.
  const std::string terminated(query);
  auto parsed = boost::urls::parse_query(terminated);
  if (!parsed) return false;
  const boost::urls::encoding_opts plus_as_space(true);
  for (auto param : *parsed) {
    if (!visit(param.key.decode(plus_as_space),
               param.has_value ? param.value.decode(plus_as_space) : std::string())) {
      break;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> Request::query_param(std::string_view name) const {
  if (query_.empty()) return std::nullopt;
  std::optional<std::string> out;
  each_query_param(query_, [&](std::string key, std::string value) {
    if (key != name) return true;
    out = std::move(value);
    return false;
  });
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> Request::query_params() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (query_.empty()) return out;
  const bool ok = each_query_param(query_, [&](std::string key, std::string value) {
    out.emplace_back(std::move(key), std::move(value));
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

const std::string& Request::body() const {
  return native(native_).body();
}

}  // namespace zt::http
