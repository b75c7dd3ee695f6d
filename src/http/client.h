// Client: Zhengtong's outbound HTTP/1.1 client. Webhook deliveries go through it (the exchange
// module's WebhookTransport is implemented over it in exchange/subscriptions/http_transport.h, so
// that http/ includes no module header).
//
// One request per connection (Connection: close), synchronous for the caller: each post() runs
// its own Asio io_context on the calling thread, so the whole exchange — resolving the host,
// connecting, sending the body and reading the answer's status line and headers — is bounded by
// the request's timeout. The answer's body is not read (only its status matters).
//
// http:// only. TLS (https://) is out of scope for now: URLs are refused with "invalid_url"
// here and by exchange::check_webhook_url at subscription time. Redirects are not followed (a
// 3xx is a status like any other).
//
// It connects only where the outbound policy allows (http/network_list.h): a URL whose host is,
// or resolves only to, a refused address fails with "address_not_allowed".
//
// Thread-safety: post() may be called from many threads at once; the client's only state is its
// policy, fixed at construction.
#pragma once

#include "core/result.h"
#include "http/network_list.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zt::http {

class Client final {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Answers whose status line and headers are longer than this fail with "invalid_response".
  static constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

  // `allowed`: the networks deliveries may go to; empty for the default rule
  // (outbound_allowed()).
  explicit Client(NetworkList allowed = {});

  // POSTs `body` with `headers` to `url` and waits at most `timeout` for the whole exchange
  // (resolving, connecting, sending, the answer's status line and headers): adds Host,
  // Content-Length, Connection: close and, unless given, User-Agent. Success: the answer's status.
  // Failure: "invalid_url" (not an absolute http:// URL with a host: parsed by Boost.URL),
  // "timeout" (nothing complete within `timeout`), "connection_failed" (the host does not resolve
  // or refuses), "send_failed", "invalid_response" (not HTTP/1.x, or headers too long),
  // "address_not_allowed" (kInvalidInput: the host resolves only to addresses the policy refuses).
  Result<int> post(const std::string& url, const Headers& headers, const std::string& body,
                   std::chrono::milliseconds timeout);

  // "address_not_allowed" when the URL's host is an IP address the policy refuses; names are
  // judged by what they resolve to at each delivery.
  Status check_destination(const std::string& url) const;

 private:
  NetworkList allowed_;
};

}  // namespace zt::http
