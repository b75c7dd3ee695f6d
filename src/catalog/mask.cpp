#include "catalog/mask.h"

#include <vector>

namespace zt::catalog {

namespace {

// The byte offsets where each UTF-8 character starts, and the end.
std::vector<std::size_t> char_starts(std::string_view s) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(s.size());
  return starts;
}

// Keeps `head` characters and `tail` characters, stars in between (one per character).
std::string keep_ends(std::string_view s, std::size_t head, std::size_t tail) {
  const std::vector<std::size_t> at = char_starts(s);
  const std::size_t n = at.size() - 1;
  if (n <= head + tail) return std::string(n, '*');
  std::string out(s.substr(0, at[head]));
  out.append(n - head - tail, '*');
  out += s.substr(at[n - tail]);
  return out;
}

}  // namespace

std::string mask_value(MaskRule rule, std::string_view value) {
  switch (rule) {
    case MaskRule::kNone: return std::string(value);
    case MaskRule::kIdNumber: return keep_ends(value, 6, 4);
    case MaskRule::kPhone: return keep_ends(value, 3, 4);
    case MaskRule::kName: {
      const std::vector<std::size_t> at = char_starts(value);
      const std::size_t n = at.size() - 1;
      if (n <= 1) return std::string(n, '*');
      return std::string(value.substr(0, at[1])) + std::string(n - 1, '*');
    }
    case MaskRule::kHidden: return "******";
  }
  return "******";
}

}  // namespace zt::catalog
