// Request: what a route handler sees of an HTTP request.
//
// A Request is a view over the server's parsed message: it is valid only while the handler
// runs and must not be kept. Beast stays out of this header (see request.cpp).
// Thread-safety: read-only during the handler; not shared.
#pragma once

#include "core/principal.h"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::http {

class Request {
 public:
  // `native` is the server's beast::http::request<string_body>; only request.cpp knows that.
  Request(const void* native, std::string_view path, std::string_view query,
          std::string_view request_id, std::string_view remote)
      : native_(native), path_(path), query_(query), request_id_(request_id), remote_(remote) {}

  std::string_view method() const;
  std::string_view target() const;
  // The path without the query, still percent-encoded.
  std::string_view path() const { return path_; }
  std::string_view query() const { return query_; }

  // A header's value (case-insensitive name), or nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;

  // A path parameter of the matched route ("{code}" → "code"), percent-decoded; empty if absent.
  std::string_view param(std::string_view name) const;
  // A query parameter, percent-decoded ('+' as space), or nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;

  const std::string& body() const;
  // The parsed JSON body for routes that accept JSON, or null when there is none.
  const boost::json::value* json() const { return json_; }

  // Who is calling. Set before the handler of every signed-in route runs; null on public routes
  // (and on a public route even when the caller sent a token).
  const core::Principal* principal() const { return principal_; }

  std::string_view request_id() const { return request_id_; }
  std::string_view remote_address() const { return remote_; }

  // Set by the server before the handler runs.
  void set_params(std::vector<std::pair<std::string_view, std::string>> params) {
    params_ = std::move(params);
  }
  void set_json(const boost::json::value* json) { json_ = json; }
  void set_principal(const core::Principal* principal) { principal_ = principal; }

 private:
  const void* native_;
  std::string_view path_;
  std::string_view query_;
  std::string_view request_id_;
  std::string_view remote_;
  std::vector<std::pair<std::string_view, std::string>> params_;
  const boost::json::value* json_ = nullptr;
  const core::Principal* principal_ = nullptr;
};

}  // namespace zt::http
