#include "http/header_text.h"

#include "http/percent.h"

#include "core/utf8.h"

namespace zt::http {
namespace {

bool all_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool is_utf8_charset(std::string_view charset) {
  constexpr std::string_view kUtf8 = "utf-8";
  if (charset.size() != kUtf8.size()) return false;
  for (std::size_t i = 0; i < charset.size(); ++i) {
    const char c =
        charset[i] >= 'A' && charset[i] <= 'Z' ? static_cast<char>(charset[i] + 32) : charset[i];
    if (c != kUtf8[i]) return false;
  }
  return true;
}

// The value of an RFC 8187 ext-value charset'language'value-chars in UTF-8, or nullopt.
std::optional<std::string> ext_value(std::string_view v) {
  const auto first = v.find('\'');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = v.find('\'', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (!is_utf8_charset(v.substr(0, first))) return std::nullopt;
  return percent_decode(v.substr(second + 1));
}

}  // namespace

std::optional<std::string> header_text(const Request& request, std::string_view name) {
  std::optional<std::string> text;
  const std::string extended = std::string(name) + "*";
  if (auto v = request.header(extended)) text = ext_value(*v);
  if (!text) {
    auto v = request.header(name);
    if (!v) return std::nullopt;
    std::optional<std::string> decoded;
    if (all_ascii(*v) && v->find('%') != std::string_view::npos) decoded = percent_decode(*v);
    text = decoded ? std::move(decoded) : std::optional<std::string>(std::string(*v));
  }
  if (!core::valid_utf8(*text)) return std::nullopt;
  return text;
}

}  // namespace zt::http
