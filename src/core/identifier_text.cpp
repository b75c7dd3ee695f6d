#include "core/identifier_text.h"

#include <fmt/format.h>

namespace zt::core {
namespace {

bool is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Length of a Unicode whitespace sequence that starts at `i` (0 when none): ASCII whitespace,
// U+00A0 NO-BREAK SPACE (C2 A0) and U+3000 IDEOGRAPHIC SPACE (E3 80 80).
size_t space_at(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  if (is_ascii_space(b(i))) return 1;
  if (i + 1 < s.size() && b(i) == 0xC2 && b(i + 1) == 0xA0) return 2;
  if (i + 2 < s.size() && b(i) == 0xE3 && b(i + 1) == 0x80 && b(i + 2) == 0x80) return 3;
  return 0;
}

// True when the UTF-8 sequence at `i` is a full-width form of an ASCII character
// (U+FF01..U+FF5E: EF BC 81..BF, EF BD 80..9E) or the ideographic space U+3000.
bool full_width_at(std::string_view s, size_t i) {
  if (i + 2 >= s.size()) return false;
  auto b0 = static_cast<unsigned char>(s[i]);
  auto b1 = static_cast<unsigned char>(s[i + 1]);
  auto b2 = static_cast<unsigned char>(s[i + 2]);
  if (b0 == 0xEF && b1 == 0xBC) return b2 >= 0x81 && b2 <= 0xBF;
  if (b0 == 0xEF && b1 == 0xBD) return b2 >= 0x80 && b2 <= 0x9E;
  return b0 == 0xE3 && b1 == 0x80 && b2 == 0x80;
}

bool ends_with_space(std::string_view s) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[s.size() - k]); };
  if (is_ascii_space(b(1))) return true;
  if (s.size() >= 2 && b(2) == 0xC2 && b(1) == 0xA0) return true;
  return s.size() >= 3 && b(3) == 0xE3 && b(2) == 0x80 && b(1) == 0x80;
}

}  // namespace

std::optional<std::string> screen_identifier_text(std::string_view value,
                                                  std::string_view ascii_hint) {
  if (value.empty()) return "is empty";
  if (space_at(value, 0) != 0 || ends_with_space(value)) {
    return "has leading or trailing whitespace";
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (full_width_at(value, i))
      return fmt::format("contains full-width characters; use {}", ascii_hint);
  }
  for (size_t i = 0; i < value.size(); ++i) {
    // Everything before the first non-ASCII byte is ASCII, so i + 1 is its character position.
    if (static_cast<unsigned char>(value[i]) >= 0x80) {
      return fmt::format("contains a non-ASCII character at position {}", i + 1);
    }
  }
  return std::nullopt;
}

std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u == ' ') return "a space";
  if (u > ' ' && u < 0x7F) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02X}", u);
}

}  // namespace zt::core
