// Response: what a route handler returns; the server turns it into HTTP/1.1 bytes.
//
// Beast-free on purpose, so that the modules' api.cpp files stay cheap to compile.
// Thread-safety: a plain value.
#pragma once

#include "core/result.h"

#include <boost/json/fwd.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::http {

// Where a streamed body goes. write() buffers and, every 64 KiB (or at once for a larger write),
// hands the piece to the connection, blocking until the connection has taken the previous one:
// the writer makes a piece while the previous one is sent, and a body of any size needs constant
// memory (three pieces). It returns false when the client is gone: the writer should stop.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual bool write(std::string_view bytes) = 0;
};

// Produces a streamed body on the worker pool. It must not keep references to the Request
// (capture what it needs by value). An error after the first bytes cannot become a problem
// response any more: the server cuts the chunked body short, so the client sees it incomplete.
using BodyWriter = std::function<Status(BodySink&)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is produced by this writer and sent chunked; `body` is ignored.
  BodyWriter stream;

  // A JSON response with `value` serialized as the body.
  static Response json(int status, const boost::json::value& value);
  // A streamed body (exports): `writer` runs on the worker pool after the headers are sent.
  static Response streamed(int status, std::string content_type, BodyWriter writer);
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
