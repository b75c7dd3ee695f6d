#include "exchange/subscriptions/http_transport.h"

#include <utility>

namespace zt::exchange {

HttpWebhookTransport::HttpWebhookTransport(http::NetworkList allowed)
    : client_(std::move(allowed)) {}

Result<int> HttpWebhookTransport::post(const std::string& url, const Headers& headers,
                                       const std::string& body, std::chrono::milliseconds timeout) {
  return client_.post(url, headers, body, timeout);
}

Status HttpWebhookTransport::check_destination(const std::string& url) const {
  return client_.check_destination(url);
}

}  // namespace zt::exchange
