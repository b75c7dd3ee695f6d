// Passwords: the two policy profiles (dengbao, asvs), the shipped common-password list,
// argon2id hashing (libargon2) and one-time password generation.
//
// Thread-safety: everything here is const or pure and may be called from many threads. The
// common-password list is embedded in the binary at build time (generated from
// src/identity/data/common_passwords.txt) and parsed once, on first use, into an immutable set.
#pragma once

#include "core/crypto.h"
#include "core/result.h"
#include "core/time.h"
#include "identity/model.h"

#include <optional>
#include <string>
#include <string_view>

namespace zt::identity {

inline constexpr std::size_t kMinPasswordLength = 12;   // characters (UTF-8 code points)
inline constexpr std::size_t kMaxPasswordLength = 128;  // ASVS 2.1.2 allows at least 64

// Checks a new password against `profile`. Both profiles: 12 to 128 characters, not on the
// common-password list (compared case-insensitively). dengbao adds: three of the four classes
// upper-case, lower-case, digit, other; must not contain the username (case-insensitive, for
// usernames of 3+ characters). asvs adds nothing (no composition rules, ASVS 2.1.9).
// Failure: Error invalid with code "password_too_short", "password_too_long",
// "password_too_common", "password_too_simple" (dengbao), "password_contains_username"
// (dengbao).
Status check_password_policy(PasswordProfile profile, std::string_view password,
                             std::string_view username);

// Whether `password` is on the shipped list (case-insensitive).
bool is_common_password(std::string_view password);
// How many passwords the shipped list holds.
std::size_t common_password_count();

// Whether a password set at `changed_at` must be changed at `now`: only under dengbao with
// max_age_days > 0, once max_age_days have passed. A password never set counts as expired.
bool password_expired(PasswordProfile profile, int max_age_days,
                      std::optional<core::TimePoint> changed_at, core::TimePoint now);

// argon2id hashing with the configured cost; salts come from the CryptoProvider.
class PasswordHasher {
 public:
  // The provider must outlive the hasher.
  PasswordHasher(const core::CryptoProvider& crypto, Argon2Params params);

  // The PHC-encoded hash ("$argon2id$v=19$m=…,t=…,p=…$salt$hash") of password with a fresh
  // 16-byte salt. Failure: "crypto_error" (random source), "password_hash_failed" (libargon2).
  Result<std::string> hash(std::string_view password) const;

  // Whether password matches an encoded hash made by hash() (any cost parameters). A malformed
  // hash never matches.
  bool verify(std::string_view encoded, std::string_view password) const;

 private:
  const core::CryptoProvider& crypto_;
  Argon2Params params_;
};

// A fresh one-time password of 20 characters from an unambiguous alphabet, holding upper-case,
// lower-case and digits, so it passes both profiles. Failure: "crypto_error".
Result<std::string> generate_one_time_password(const core::CryptoProvider& crypto);

}  // namespace zt::identity
