// HttpClient: a deliberately small HTTP/1.1 client over a POSIX TCP socket, for integration
// tests that need to control every byte (raw, partial, pipelined or malformed requests) and
// to see exactly when the server closes the connection.
//
// It reads responses with Content-Length bodies, bodies ended by the server closing the
// connection, and no body for HEAD, 1xx, 204 and 304; it does not decode chunked bodies.
// Every read waits at most a given timeout.
// Ownership: owns the socket (closed by the destructor). Not thread-safe: one client per thread.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::test {

inline constexpr std::chrono::milliseconds kDefaultTimeout{30'000};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // in order received
  std::string body;
  bool has_content_length = false;
  bool chunked = false;    // the body came with Transfer-Encoding: chunked
  std::size_t chunks = 0;  // chunks received, the final empty one included

  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // The body parsed as JSON; null when it is not JSON.
  boost::json::value json() const;
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port. Returns nullopt with `error` set when the connection fails
  // (refused, …).
  static std::optional<HttpClient> connect(std::uint16_t port, std::string& error);

  HttpClient(HttpClient&& other) noexcept;
  HttpClient& operator=(HttpClient&& other) noexcept;
  ~HttpClient();

  // Writes all of `bytes`. False when the write fails (the error is in last_error()).
  bool send(std::string_view bytes);

  // Reads one response. `head`: the request was HEAD, so there is no body whatever the headers
  // say. Returns nullopt (reason in last_error()) on timeout, on a connection closed before a
  // complete response, or on a response that is not HTTP/1.x. Bytes after the response stay
  // buffered for the next read.
  std::optional<HttpResponse> read_response(bool head = false,
                                            std::chrono::milliseconds timeout = kDefaultTimeout);

  // Sends a request (with Host, and Content-Length when there is a body or the method is POST
  // or PUT) and reads its response. A 2xx JSON answer is checked against the server's API
  // document (integration/api_schema_check.h): a mismatch is a test failure.
  std::optional<HttpResponse> request(
      std::string_view method, std::string_view target,
      const std::vector<std::pair<std::string, std::string>>& headers = {},
      std::string_view body = {}, std::chrono::milliseconds timeout = kDefaultTimeout);

  // True when the peer closes the connection (EOF or reset) within `timeout`. Bytes received
  // meanwhile are kept for read_response().
  bool is_closed_by_peer(std::chrono::milliseconds timeout = kDefaultTimeout);

  const std::string& last_error() const { return error_; }

 private:
  HttpClient(int fd, std::uint16_t port) : fd_(fd), port_(port) {}

  enum class ReadResult { kData, kEof, kTimeout, kError };
  // Appends whatever arrives before `deadline` to buffer_.
  ReadResult read_some(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::string buffer_;
  std::string error_;
};

// One request on a new connection (GET by default). Nullopt with `error` set on any failure.
std::optional<HttpResponse> fetch(
    std::uint16_t port, std::string_view method, std::string_view target, std::string& error,
    const std::vector<std::pair<std::string, std::string>>& headers = {},
    std::string_view body = {});

// True when a TCP connection to 127.0.0.1:port is refused.
bool connection_refused(std::uint16_t port);

// `text` percent-encoded for a query value or path segment (RFC 3986: every byte but
// unreserved ones), e.g. a Chinese material name.
inline std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(char(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace zt::test
