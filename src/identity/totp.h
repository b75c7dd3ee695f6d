// TOTP second factor (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits, a
// window of one step either side, base32 secrets (RFC 4648) and otpauth:// enrolment URIs, as
// ordinary authenticator apps expect.
//
// Replay: the caller stores the last step it accepted for a user; totp_verify refuses that step
// and any earlier one, so a code works once, and a code more than one step old is expired.
// Thread-safety: pure functions.
#pragma once

#include "core/result.h"
#include "core/time.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zt::identity {

inline constexpr std::chrono::seconds kTotpStep{30};
inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

// RFC 4648 base32, upper-case, without '=' padding.
std::string base32_encode(std::string_view bytes);
// Decodes base32: case-insensitive; spaces, '-' and trailing '=' are ignored.
// Failure: Error invalid "invalid_base32".
Result<std::string> base32_decode(std::string_view text);

// HOTP (RFC 4226) with HMAC-SHA1: the `digits`-digit code (zero-padded) for `counter`.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = kTotpDigits);

// The time step of t: floor(seconds since the epoch / 30).
std::int64_t totp_step(core::TimePoint t);

// The TOTP code at time t.
std::string totp_code(std::string_view key, core::TimePoint t, int digits = kTotpDigits);

// Checks a 6-digit code at `now` against steps now-1, now, now+1, skipping steps at or before
// `last_used_step`. Success: the step matched (store it as the new last_used_step). nullopt:
// wrong, expired (older than one step) or reused. The comparison is constant-time per step.
std::optional<std::int64_t> totp_verify(std::string_view key, std::string_view code,
                                        core::TimePoint now,
                                        std::optional<std::int64_t> last_used_step);

// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30, with
// issuer and account percent-encoded.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret);

}  // namespace zt::identity
