#include "integration/http_client.h"

#include "integration/api_schema_check.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace zt::test {

using Clock = std::chrono::steady_clock;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// A connected TCP socket to 127.0.0.1:port, or -1 with errno set.
int connect_socket(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return value;
}

std::optional<HttpClient> HttpClient::connect(std::uint16_t port, std::string& error) {
  const int fd = connect_socket(port);
  if (fd < 0) {
    error = fmt::format("connect to 127.0.0.1:{} failed: {}", port, std::strerror(errno));
    return std::nullopt;
  }
  return HttpClient(fd, port);
}

HttpClient::HttpClient(HttpClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      port_(other.port_),
      buffer_(std::move(other.buffer_)),
      error_(std::move(other.error_)) {}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
    buffer_ = std::move(other.buffer_);
    error_ = std::move(other.error_);
  }
  return *this;
}

HttpClient::~HttpClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = fmt::format("send failed: {}", std::strerror(errno));
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

HttpClient::ReadResult HttpClient::read_some(Clock::time_point deadline) {
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return ReadResult::kTimeout;
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0) {
      if (errno == EINTR) continue;
      error_ = fmt::format("poll failed: {}", std::strerror(errno));
      return ReadResult::kError;
    }
    if (ready == 0) return ReadResult::kTimeout;
    char chunk[16 * 1024];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return ReadResult::kData;
    }
    if (n == 0) return ReadResult::kEof;
    if (errno == EINTR || errno == EAGAIN) continue;
    if (errno == ECONNRESET) return ReadResult::kEof;
    error_ = fmt::format("recv failed: {}", std::strerror(errno));
    return ReadResult::kError;
  }
}

std::optional<HttpResponse> HttpClient::read_response(bool head,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  error_.clear();
  auto fail = [this](ReadResult result, std::string_view what) {
    if (result == ReadResult::kTimeout) {
      error_ = fmt::format("timed out waiting for {}", what);
    } else if (result == ReadResult::kEof) {
      error_ = fmt::format("connection closed before {} ({} bytes buffered)", what, buffer_.size());
    }
    return std::nullopt;
  };

  while (true) {
    // The head: status line and headers.
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (auto r = read_some(deadline); r != ReadResult::kData) return fail(r, "response headers");
    }
    const std::string head_text = buffer_.substr(0, head_end);
    buffer_.erase(0, head_end + 4);

    HttpResponse response;
    std::string_view rest = head_text;
    auto line_end = rest.find("\r\n");
    std::string_view status_line = rest.substr(0, line_end);
    rest = line_end == std::string_view::npos ? std::string_view() : rest.substr(line_end + 2);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
      error_ = fmt::format("not an HTTP/1.x status line: '{}'", status_line);
      return std::nullopt;
    }
    std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
    response.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : "");
    while (!rest.empty()) {
      line_end = rest.find("\r\n");
      std::string_view line = rest.substr(0, line_end);
      rest = line_end == std::string_view::npos ? std::string_view() : rest.substr(line_end + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) {
        error_ = fmt::format("malformed header line: '{}'", line);
        return std::nullopt;
      }
      response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                    std::string(trim(line.substr(colon + 1))));
    }
    if (response.status >= 100 && response.status < 200) continue;  // interim (100 Continue)

    // The body.
    const auto length = response.header("Content-Length");
    response.has_content_length = length.has_value();
    if (head || response.status == 204 || response.status == 304) return response;
    if (length) {
      std::size_t size = 0;
      std::from_chars(length->data(), length->data() + length->size(), size);
      while (buffer_.size() < size) {
        if (auto r = read_some(deadline); r != ReadResult::kData) return fail(r, "the body");
      }
      response.body = buffer_.substr(0, size);
      buffer_.erase(0, size);
      return response;
    }
    if (auto te = response.header("Transfer-Encoding"); te && *te == "chunked") {
      // Chunked: size line in hex, data, CRLF; a zero size ends the body (no trailers used).
      response.chunked = true;
      while (true) {
        std::size_t line_end_pos;
        while ((line_end_pos = buffer_.find("\r\n")) == std::string::npos) {
          if (auto r = read_some(deadline); r != ReadResult::kData) return fail(r, "a chunk size");
        }
        std::size_t size = 0;
        auto [end, ec] = std::from_chars(buffer_.data(), buffer_.data() + line_end_pos, size, 16);
        if (ec != std::errc() || end != buffer_.data() + line_end_pos) {
          error_ = fmt::format("malformed chunk size line: '{}'", buffer_.substr(0, line_end_pos));
          return std::nullopt;
        }
        while (buffer_.size() < line_end_pos + 2 + size + 2) {
          if (auto r = read_some(deadline); r != ReadResult::kData) return fail(r, "a chunk");
        }
        if (buffer_.compare(line_end_pos + 2 + size, 2, "\r\n") != 0) {
          error_ = "a chunk is not followed by CRLF";
          return std::nullopt;
        }
        response.body.append(buffer_, line_end_pos + 2, size);
        ++response.chunks;
        buffer_.erase(0, line_end_pos + 2 + size + 2);
        if (size == 0) return response;
      }
    }
    // No length: the body ends when the server closes the connection.
    while (true) {
      const auto r = read_some(deadline);
      if (r == ReadResult::kEof) break;
      if (r != ReadResult::kData) return fail(r, "the end of a body without Content-Length");
    }
    response.body = std::move(buffer_);
    buffer_.clear();
    return response;
  }
}

std::optional<HttpResponse> HttpClient::request(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
    std::chrono::milliseconds timeout) {
  std::string bytes = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
  for (const auto& [name, value] : headers)
    bytes += fmt::format("{}: {}\r\n", name, value);
  if (!body.empty() || method == "POST" || method == "PUT") {
    bytes += fmt::format("Content-Length: {}\r\n", body.size());
  }
  bytes += "\r\n";
  bytes += body;
  if (!send(bytes)) return std::nullopt;
  auto response = read_response(method == "HEAD", timeout);
  if (response) check_answer(port_, method, target, *response);
  return response;
}

bool HttpClient::is_closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    switch (read_some(deadline)) {
      case ReadResult::kEof: return true;
      case ReadResult::kData: continue;
      case ReadResult::kTimeout: error_ = "the connection is still open"; return false;
      case ReadResult::kError: return false;
    }
  }
}

std::optional<HttpResponse> fetch(std::uint16_t port, std::string_view method,
                                  std::string_view target, std::string& error,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::string_view body) {
  auto client = HttpClient::connect(port, error);
  if (!client) return std::nullopt;
  auto response = client->request(method, target, headers, body);
  if (!response) error = fmt::format("{} {}: {}", method, target, client->last_error());
  return response;
}

bool connection_refused(std::uint16_t port) {
  const int fd = connect_socket(port);
  if (fd >= 0) {
    ::close(fd);
    return false;
  }
  return errno == ECONNREFUSED;
}

}  // namespace zt::test
