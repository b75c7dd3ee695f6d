#include "core/json_text.h"

#include "core/utf8.h"

#include <cstddef>

namespace zt::core {

void append_json_string_body(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  const unsigned char* run = p;  // start of the bytes not yet appended, which need no escape
  auto flush = [&] { out.append(reinterpret_cast<const char*>(run), p - run); };
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      if (std::size_t n = utf8_sequence_length(std::string_view(
              reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)))) {
        p += n;
        continue;
      }
      flush();
      out += "\\ufffd";
      run = ++p;
      continue;
    }
    flush();
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    run = ++p;
  }
  flush();
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_string_body(out, s);
  out += '"';
}

std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_string(out, s);
  return out;
}

}  // namespace zt::core
