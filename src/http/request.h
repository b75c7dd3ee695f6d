// Request: what a route handler sees of an HTTP request.
//
// A Request is a view over the server's parsed message: it is valid only while the handler
// runs and must not be kept. Beast stays out of this header (see request.cpp).
// Thread-safety: read-only during the handler; not shared. The body stream of a stream_body route
// is read by the handler's thread only.
#pragma once

#include "core/principal.h"
#include "core/request_context.h"
#include "core/result.h"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::http {

// The body of a stream_body route (see RouteOptions), read piece by piece on the worker thread
// while the connection keeps receiving it. At most two pieces wait between the connection and the
// handler: a handler that reads slowly slows the client down (TCP back-pressure), so a body of
// any size takes constant memory. A handler may stop reading at any point and answer; the server
// then sends the answer and closes the connection, since the rest of the body is unread.
// Ownership: the server's; valid while the handler runs. Thread-safety: one thread (the handler's).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Replaces `piece` with the next bytes of the body (at most 64 KiB). Success: true with one or
  // more bytes; false at the end of the body (`piece` empty), and every later call too. Blocks
  // until bytes arrive. Failure (then every later call fails the same way): kTooLarge
  // "body_too_large" when the body exceeds the route's body_limit (the bytes before the limit were
  // delivered); kInvalidInput "malformed_request" for bad chunked framing; kUnavailable
  // "client_gone" when the client closed the connection, sent nothing for the body timeout, or the
  // server is stopping and cut the connection — the answer will not be sent.
  virtual Result<bool> read(std::string& piece) = 0;
  // Body bytes delivered by read() so far.
  virtual std::uint64_t bytes_read() const = 0;
};

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
  // Every query parameter in order, names and values decoded as query_param decodes them (a
  // name without '=' has an empty value); nullopt when the query string is malformed.
  std::optional<std::vector<std::pair<std::string, std::string>>> query_params() const;

  // The whole body, read before the handler runs; empty on a stream_body route (see body_stream).
  const std::string& body() const;
  // The parsed JSON body for routes that accept JSON, or null when there is none.
  const boost::json::value* json() const { return json_; }

  // Who is calling. Set before the handler of every signed-in route runs; null on public routes
  // (and on a public route even when the caller sent a token).
  const core::Principal* principal() const { return principal_; }

  // The body of a stream_body route, to be read by the handler; null on every other route. Not
  // const: reading consumes it.
  BodyStream* body_stream() const { return body_stream_; }

  std::string_view request_id() const { return request_id_; }
  std::string_view remote_address() const { return remote_; }
  // Where the request came from, for the audit entries the services write.
  core::RequestContext context() const { return {std::string(remote_), std::string(request_id_)}; }

  // Set by the server before the handler runs.
  void set_params(std::vector<std::pair<std::string_view, std::string>> params) {
    params_ = std::move(params);
  }
  void set_json(const boost::json::value* json) { json_ = json; }
  void set_principal(const core::Principal* principal) { principal_ = principal; }
  void set_body_stream(BodyStream* stream) { body_stream_ = stream; }

 private:
  const void* native_;
  std::string_view path_;
  std::string_view query_;
  std::string_view request_id_;
  std::string_view remote_;
  std::vector<std::pair<std::string_view, std::string>> params_;
  const boost::json::value* json_ = nullptr;
  const core::Principal* principal_ = nullptr;
  BodyStream* body_stream_ = nullptr;
};

}  // namespace zt::http
