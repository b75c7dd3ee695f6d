// The pure parts of webhook deliveries: the X-Zhengtong-Signature value (HMAC-SM3 through the
// CryptoProvider, checked against OpenSSL's EVP_MAC "HMAC" with digest "SM3" computed here), the
// backoff schedule, and which callback URLs are accepted.
#include "exchange/subscriptions/service.h"

#include "core/crypto_openssl.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace zt::exchange {
namespace {

using std::chrono::milliseconds;

// HMAC-SM3 straight from OpenSSL 3's EVP_MAC interface, as a receiver would compute it.
std::string openssl_hmac_sm3_hex(std::string_view key, std::string_view data) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        &EVP_MAC_free);
  if (!mac) return "no HMAC";
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                &EVP_MAC_CTX_free);
  char digest[] = "SM3";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (!ctx ||
      EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1) {
    return "init failed";
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t n = 0;
  if (EVP_MAC_final(ctx.get(), out, &n, sizeof out) != 1) return "final failed";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < n; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

TEST(WebhookSignature, IsHmacSm3OfTheExactBodyWithTheSecretText) {
  core::OpenSslCryptoProvider crypto;
  const std::string secret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const std::string body =
      R"({"subscription_id":7,"resource":"330300-GA-0001","changes":[{"seq":1,"op":"insert",)"
      R"("data":{"name":"张*"},"batch_id":3,"changed_at":"2026-11-23T08:00:00.000+08:00"}],)"
      R"("next_cursor":1})";
  auto signature = webhook_signature(crypto, secret, body);
  ASSERT_TRUE(signature.ok()) << signature.error().detail;
  const std::string expected = openssl_hmac_sm3_hex(secret, body);
  ASSERT_EQ(expected.size(), 64u) << expected;
  EXPECT_EQ(*signature, "sm3=" + expected);
  // One byte more (a re-serialised body, say) is another signature.
  auto other = webhook_signature(crypto, secret, body + " ");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *signature);
  EXPECT_EQ(*other, "sm3=" + openssl_hmac_sm3_hex(secret, body + " "));
  // An empty body and a long key (longer than SM3's 64-byte block: hashed first) agree too.
  const std::string long_key(100, 'k');
  auto empty = webhook_signature(crypto, long_key, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "sm3=" + openssl_hmac_sm3_hex(long_key, ""));
}

TEST(WebhookBackoff, DoublesFromTheBaseUpToTheCap) {
  const milliseconds base{1000}, cap{300'000};
  EXPECT_EQ(backoff_delay(base, cap, 1), milliseconds(1000));
  EXPECT_EQ(backoff_delay(base, cap, 2), milliseconds(2000));
  EXPECT_EQ(backoff_delay(base, cap, 3), milliseconds(4000));
  EXPECT_EQ(backoff_delay(base, cap, 8), milliseconds(128'000));
  EXPECT_EQ(backoff_delay(base, cap, 9), milliseconds(256'000));
  EXPECT_EQ(backoff_delay(base, cap, 10), cap);
  EXPECT_EQ(backoff_delay(base, cap, 1'000'000), cap);  // no overflow
  EXPECT_EQ(backoff_delay(base, cap, 0), base);
  EXPECT_EQ(backoff_delay(milliseconds(100), cap, 3), milliseconds(400));
  EXPECT_EQ(backoff_delay(milliseconds(400'000), cap, 1), cap);
}

TEST(WebhookUrl, AcceptsAbsoluteHttpUrlsOnly) {
  for (const char* good :
       {"http://127.0.0.1:8080/hook", "http://example.org", "http://example.org/a/b?c=d&e=%20",
        "http://[::1]:9000/", "HTTP://EXAMPLE.ORG/x"}) {
    SCOPED_TRACE(good);
    auto r = check_webhook_url(good);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(*r, good);
  }
  for (const char* bad :
       {"", "https://example.org/hook", "ftp://example.org/", "example.org/hook", "/hook",
        "http://", "http:///path", "http://user:secret@example.org/", "http://example.org/#top",
        "http://example.org:0/", "http://example.org:99999/", "http://exa mple.org/",
        "http://example.org/\n", "mailto:a@example.org"}) {
    SCOPED_TRACE(bad);
    auto r = check_webhook_url(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid_url");
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  }
  EXPECT_FALSE(check_webhook_url("http://example.org/" + std::string(2000, 'a')).ok());
  // https is refused with a reason that says why.
  EXPECT_NE(check_webhook_url("https://example.org/").error().detail.find("TLS"),
            std::string::npos);
}

}  // namespace
}  // namespace zt::exchange
