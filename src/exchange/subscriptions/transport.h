// WebhookTransport: the outbound-HTTP seam of webhook deliveries (订阅推送). The exchange module
// decides what to send and when; an implementation only carries one POST to a subscriber's URL
// and reports the answer's status. The server uses HttpWebhookTransport (http_transport.h, over
// http::Client); tests of the delivery rules can pass a fake. The exchange library never links
// Beast or http/.
//
// Thread-safety: implementations must allow post() from several threads at once.
#pragma once

#include "core/result.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace zt::exchange {

class WebhookTransport {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  virtual ~WebhookTransport() = default;

  // POSTs `body` with `headers` (Host and Content-Length are the transport's) to `url` (an
  // http:// URL checked by check_webhook_url) and waits at most `timeout` for the whole exchange:
  // connecting, sending and the status line of the answer.
  // Success: the HTTP status of the answer, whatever it is (the caller decides what 2xx means).
  // Failure, with stable codes: "invalid_url" (kInvalidInput), "timeout", "connection_failed"
  // (name not resolved, refused, unreachable), "send_failed", "invalid_response" (kUnavailable);
  // "address_not_allowed" (kInvalidInput) when the transport's outbound policy refuses every
  // address the host stands for.
  virtual Result<int> post(const std::string& url, const Headers& headers, const std::string& body,
                           std::chrono::milliseconds timeout) = 0;

  // At subscription time: "address_not_allowed" when the URL's host is an address the
  // transport will never connect to, so that the subscriber hears it at once rather than from
  // failed deliveries.
  virtual Status check_destination(const std::string& url) const = 0;
};

}  // namespace zt::exchange
