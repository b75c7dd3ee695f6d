#include "catalog/mask.h"

namespace zt::catalog {

namespace {

bool starts_char(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

// The number of UTF-8 characters in `s`.
std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    n += starts_char(c) ? 1 : 0;
  return n;
}

// The byte offset where character `k` starts (s.size() when k is the character count).
std::size_t char_offset(std::string_view s, std::size_t k) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (starts_char(s[i]) && seen++ == k) return i;
  }
  return s.size();
}

// Keeps `head` characters and `tail` characters, stars in between (one per character).
void keep_ends(std::string& out, std::string_view s, std::size_t head, std::size_t tail) {
  const std::size_t n = char_count(s);
  if (n <= head + tail) {
    out.append(n, '*');
    return;
  }
  out.append(s.substr(0, char_offset(s, head)));
  out.append(n - head - tail, '*');
  out.append(s.substr(char_offset(s, n - tail)));
}

}  // namespace

void append_masked(std::string& out, MaskRule rule, std::string_view value) {
  switch (rule) {
    case MaskRule::kNone: out.append(value); return;
    case MaskRule::kIdNumber: keep_ends(out, value, 6, 4); return;
    case MaskRule::kPhone: keep_ends(out, value, 3, 4); return;
    case MaskRule::kName: keep_ends(out, value, 1, 0); return;
    case MaskRule::kHidden: break;
  }
  out.append("******");
}

std::string mask_value(MaskRule rule, std::string_view value) {
  std::string out;
  append_masked(out, rule, value);
  return out;
}

}  // namespace zt::catalog
