#include "identity/password.h"

#include <argon2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>

namespace zt::identity {

// Defined in the source file CMake generates from data/common_passwords.txt.
std::string_view common_passwords_text();

namespace {

constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kHashSize = 32;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The list, parsed once: one password a line, lower-cased; blank lines and '#' comments skipped.
const std::unordered_set<std::string>& common_set() {
  static const std::unordered_set<std::string> set = [] {
    std::unordered_set<std::string> out;
    std::string_view text = common_passwords_text();
    while (!text.empty()) {
      auto end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.remove_suffix(1);
      if (line.empty() || line.front() == '#') continue;
      out.insert(lower_ascii(line));
    }
    return out;
  }();
  return set;
}

Error invalid(std::string code, std::string detail) {
  return Error::invalid(std::move(code), std::move(detail));
}

}  // namespace

bool is_common_password(std::string_view password) {
  return common_set().contains(lower_ascii(password));
}

std::size_t common_password_count() {
  return common_set().size();
}

Status check_password_policy(PasswordProfile profile, std::string_view password,
                             std::string_view username) {
  const std::size_t length = code_points(password);
  if (length < kMinPasswordLength) {
    return invalid("password_too_short", "The password must have at least 12 characters.");
  }
  if (length > kMaxPasswordLength) {
    return invalid("password_too_long", "The password must have at most 128 characters.");
  }
  if (is_common_password(password)) {
    return invalid("password_too_common",
                   "The password is on the list of the most common passwords; choose another.");
  }
  if (profile == PasswordProfile::kDengbao) {
    bool upper = false, lower = false, digit = false, other = false;
    for (char ch : password) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        other = true;
      }
    }
    if (int{upper} + int{lower} + int{digit} + int{other} < 3) {
      return invalid("password_too_simple",
                     "The password must mix at least three of: upper-case letters, lower-case "
                     "letters, digits, other characters.");
    }
    if (username.size() >= 3 &&
        lower_ascii(password).find(lower_ascii(username)) != std::string::npos) {
      return invalid("password_contains_username", "The password must not contain the username.");
    }
  }
  return {};
}

bool password_expired(PasswordProfile profile, int max_age_days,
                      std::optional<core::TimePoint> changed_at, core::TimePoint now) {
  if (profile != PasswordProfile::kDengbao || max_age_days <= 0) return false;
  if (!changed_at) return true;
  return now - *changed_at >= std::chrono::days(max_age_days);
}

PasswordHasher::PasswordHasher(const core::CryptoProvider& crypto, Argon2Params params)
    : crypto_(crypto), params_(params) {}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  ZT_ASSIGN_OR_RETURN(const std::string salt, crypto_.random_bytes(kSaltSize));
  const std::size_t length = argon2_encodedlen(
      params_.iterations, params_.memory_kib, params_.parallelism, kSaltSize, kHashSize, Argon2_id);
  std::string encoded(length, '\0');
  const int rc = argon2id_hash_encoded(params_.iterations, params_.memory_kib, params_.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashSize, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Error::internal("password_hash_failed", argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
  if (!encoded.starts_with("$argon2id$")) return false;
  const std::string text(encoded);  // argon2 needs a NUL-terminated string
  return argon2id_verify(text.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Result<std::string> generate_one_time_password(const core::CryptoProvider& crypto) {
  // No 0/O, 1/l/I: read aloud or copied from a console without mistakes.
  constexpr std::string_view kAlphabet =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";  // 57 characters
  for (int attempt = 0; attempt < 100; ++attempt) {
    ZT_ASSIGN_OR_RETURN(const std::string bytes, crypto.random_bytes(40));
    std::string out;
    for (unsigned char b : bytes) {
      if (b >= 57 * 4) continue;  // rejection sampling: no modulo bias
      out.push_back(kAlphabet[b % 57]);
      if (out.size() == 20) break;
    }
    if (out.size() < 20) continue;
    const bool upper =
        std::any_of(out.begin(), out.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    const bool lower =
        std::any_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    const bool digit =
        std::any_of(out.begin(), out.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (upper && lower && digit) return out;
  }
  return Error::internal("crypto_error", "cannot generate a password");
}

}  // namespace zt::identity
