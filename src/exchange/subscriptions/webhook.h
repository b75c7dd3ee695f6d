// The webhook wire of subscriptions (订阅推送): the callback URL check, the body's signature,
// the retry backoff, and the small helpers the service and its delivery worker share. Pure
// functions (webhook_signature calls the crypto provider), safe from any thread.
#pragma once

#include "core/crypto.h"
#include "core/result.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace zt::exchange {

// The delay before the attempt that follows `failures` consecutive failures (>= 1):
// base · 2^(failures-1), at most cap.
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::int64_t failures);

// The X-Zhengtong-Signature value of `body` under `secret`: "sm3=" + lower-hex HMAC-SM3.
// Failure: the provider's "crypto_error".
Result<std::string> webhook_signature(const core::CryptoProvider& crypto, std::string_view secret,
                                      std::string_view body);

// Checks a callback URL: an absolute http:// URL (Boost.URL) with a host, at most 2000
// characters, without user info or fragment. https:// is refused too: the outbound client does
// not speak TLS yet. Success: the URL as given. Failure: Error invalid "invalid_url".
Result<std::string> check_webhook_url(std::string_view url);

// The associated data under which subscription `subscription_id`'s secret is SM4-sealed.
std::string webhook_secret_context(std::int64_t subscription_id);

// The host (and port) of a URL for audit details: never its path or query, which may carry
// tokens. Empty when the URL does not parse.
std::string url_host(std::string_view url);

}  // namespace zt::exchange
