// TOTP (RFC 6238) and HOTP (RFC 4226) against the RFCs' published test vectors, the ±1 step
// window, replay refusal, base32 (RFC 4648) and the enrolment URI.
#include "identity/totp.h"

#include <gtest/gtest.h>

namespace zt::identity {
namespace {

using namespace std::chrono_literals;

const std::string kRfcKey = "12345678901234567890";  // the RFCs' SHA1 secret

core::TimePoint at(std::int64_t unix_seconds) {
  return core::TimePoint(std::chrono::seconds(unix_seconds));
}

TEST(Hotp, Rfc4226Vectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(hotp(kRfcKey, i), expected[i]) << i;
  }
}

TEST(Totp, Rfc6238Sha1Vectors) {
  // RFC 6238 appendix B, SHA1 rows, 8 digits.
  EXPECT_EQ(totp_code(kRfcKey, at(59), 8), "94287082");
  EXPECT_EQ(totp_code(kRfcKey, at(1111111109), 8), "07081804");
  EXPECT_EQ(totp_code(kRfcKey, at(1111111111), 8), "14050471");
  EXPECT_EQ(totp_code(kRfcKey, at(1234567890), 8), "89005924");
  EXPECT_EQ(totp_code(kRfcKey, at(2000000000), 8), "69279037");
  // T = 20000000000 (year 2603) is beyond system_clock's nanosecond range: use its step.
  EXPECT_EQ(hotp(kRfcKey, 20000000000 / 30, 8), "65353130");
  EXPECT_EQ(totp_step(at(59)), 1);
  EXPECT_EQ(totp_step(at(1111111109)), 0x23523EC);
  // Six digits are the last six of the eight.
  EXPECT_EQ(totp_code(kRfcKey, at(1234567890)), "005924");
}

TEST(Totp, AcceptsOneStepEitherSideOnly) {
  const core::TimePoint now = at(1'800'000'015);
  const std::int64_t step = totp_step(now);
  EXPECT_EQ(totp_verify(kRfcKey, totp_code(kRfcKey, now), now, std::nullopt), step);
  EXPECT_EQ(totp_verify(kRfcKey, totp_code(kRfcKey, now - 30s), now, std::nullopt), step - 1);
  EXPECT_EQ(totp_verify(kRfcKey, totp_code(kRfcKey, now + 30s), now, std::nullopt), step + 1);
  // Expired: two steps old.
  EXPECT_FALSE(totp_verify(kRfcKey, totp_code(kRfcKey, now - 60s), now, std::nullopt));
  EXPECT_FALSE(totp_verify(kRfcKey, totp_code(kRfcKey, now + 60s), now, std::nullopt));
  EXPECT_FALSE(totp_verify(kRfcKey, "12345", now, std::nullopt));
  EXPECT_FALSE(totp_verify(kRfcKey, "abcdef", now, std::nullopt));
}

TEST(Totp, RefusesAReusedStepAndEarlierOnes) {
  const core::TimePoint now = at(1'800'000'015);
  const std::int64_t step = totp_step(now);
  const std::string code = totp_code(kRfcKey, now);
  EXPECT_FALSE(totp_verify(kRfcKey, code, now, step));  // the same step again
  EXPECT_FALSE(totp_verify(kRfcKey, totp_code(kRfcKey, now - 30s), now, step));
  EXPECT_EQ(totp_verify(kRfcKey, totp_code(kRfcKey, now + 30s), now, step), step + 1);
}

TEST(Base32, Rfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("fo"), "MZXQ");
  EXPECT_EQ(base32_encode("foo"), "MZXW6");
  EXPECT_EQ(base32_encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32_encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode(kRfcKey), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  auto decoded = base32_decode("mzxw 6ytb-oi======");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "foobar");
  EXPECT_EQ(base32_decode("MZXW1").error().code, "invalid_base32");
}

TEST(Totp, OtpauthUri) {
  EXPECT_EQ(otpauth_uri("Zhengtong", "sys admin", "GEZDGNBV"),
            "otpauth://totp/Zhengtong:sys%20admin?secret=GEZDGNBV&issuer=Zhengtong"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace zt::identity
