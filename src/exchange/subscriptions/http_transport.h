// HttpWebhookTransport: the WebhookTransport (transport.h) of the server — webhook deliveries
// carried by http::Client, Zhengtong's outbound HTTP/1.1 client. In library zt_exchange_api
// (which links http), so that neither the domain library sees http/ nor http/ a module header.
//
// Thread-safety: post() and check_destination() may be called from many threads at once (as
// http::Client's).
#pragma once

#include "exchange/subscriptions/transport.h"
#include "http/client.h"
#include "http/network_list.h"

namespace zt::exchange {

class HttpWebhookTransport final : public WebhookTransport {
 public:
  // `allowed`: the networks deliveries may go to; empty for http::Client's default rule.
  explicit HttpWebhookTransport(http::NetworkList allowed = {});

  // http::Client::post: its status, or its stable failure codes (the contract of
  // WebhookTransport::post).
  Result<int> post(const std::string& url, const Headers& headers, const std::string& body,
                   std::chrono::milliseconds timeout) override;
  // http::Client::check_destination.
  Status check_destination(const std::string& url) const override;

 private:
  http::Client client_;
};

}  // namespace zt::exchange
