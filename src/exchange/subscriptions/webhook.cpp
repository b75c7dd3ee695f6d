#include "exchange/subscriptions/webhook.h"

#include <fmt/format.h>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace zt::exchange {

namespace {

constexpr std::size_t kMaxUrlLength = 2000;

}  // namespace

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::int64_t failures) {
  std::chrono::milliseconds delay = base;
  for (std::int64_t i = 1; i < failures && delay < cap; ++i)
    delay *= 2;
  return std::min(delay, cap);
}

Result<std::string> webhook_signature(const core::CryptoProvider& crypto, std::string_view secret,
                                      std::string_view body) {
  ZT_ASSIGN_OR_RETURN(std::string tag, crypto.hmac_sm3(secret, body));
  return "sm3=" + core::to_hex(tag);
}

Result<std::string> check_webhook_url(std::string_view url) {
  auto bad = [](std::string_view why) {
    return Error::invalid("invalid_url", fmt::format("The callback URL {}.", why));
  };
  if (url.empty() || url.size() > kMaxUrlLength) {
    return bad(fmt::format("must be 1 to {} characters", kMaxUrlLength));
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= ' ' || u == 127;
      })) {
    return bad("must not contain spaces or control characters");
  }
  // Debian's Boost.URL 1.81 reads its input up to a NUL byte: hand it a NUL-terminated copy.
  const std::string terminated(url);
  auto parsed = boost::urls::parse_absolute_uri(terminated);
  if (!parsed) return bad("is not an absolute URL without a fragment");
  if (parsed->scheme_id() == boost::urls::scheme::https) {
    return bad("must be http:// for now: deliveries over TLS are not supported yet");
  }
  if (parsed->scheme_id() != boost::urls::scheme::http) return bad("must start with http://");
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return bad("has no host");
  if (parsed->has_userinfo()) return bad("must not carry a user name or password");
  if (parsed->has_port()) {
    // Boost.URL's port_number() wraps numbers above 65535: read the digits here.
    const std::string_view port(parsed->port().data(), parsed->port().size());
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number == 0 ||
        number > 65535) {
      return bad("has no valid port (1 to 65535)");
    }
  }
  return std::string(url);
}

std::string webhook_secret_context(std::int64_t subscription_id) {
  return fmt::format("exchange_subscription.secret:{}", subscription_id);
}

std::string url_host(std::string_view url) {
  const std::string terminated(url);
  auto parsed = boost::urls::parse_uri(terminated);
  if (!parsed) return {};
  return std::string(parsed->encoded_host_and_port());
}

}  // namespace zt::exchange
