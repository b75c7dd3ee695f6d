// Query parameters as the exchange route files read them (library zt_exchange_api only: it
// includes http/). Small pure functions, safe from any thread.
#pragma once

#include "http/request.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

// A non-negative integer parameter: absent or empty is 0; anything else that is not a
// non-negative decimal integer is nullopt.
inline std::optional<std::int64_t> non_negative(const std::optional<std::string>& text) {
  if (!text || text->empty()) return 0;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 0) return std::nullopt;
  return v;
}

// ?limit=: absent or 0 is `fallback`; above `max` or not a number is nullopt.
inline std::optional<int> limit_of(const http::Request& request, int fallback, int max) {
  auto v = non_negative(request.query_param("limit"));
  if (!v) return std::nullopt;
  if (*v == 0) return fallback;
  if (*v > max) return std::nullopt;
  return static_cast<int>(*v);
}

// Splits "a,b,c" (absent or empty: none; empty items are skipped).
inline std::vector<std::string> split_list(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) return out;
  std::size_t start = 0;
  while (start <= text->size()) {
    std::size_t end = text->find(',', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) out.push_back(text->substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace zt::exchange
