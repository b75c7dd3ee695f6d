// Hex helpers declared in crypto.h; the OpenSSL backend is in crypto_openssl.cpp.
#include "core/crypto.h"

#include <string>

#include <fmt/format.h>

namespace zt::core {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

}  // namespace

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

Result<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Error::invalid("invalid_hex", fmt::format("odd length {}", hex.size()));
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]);
    int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return Error::invalid("invalid_hex",
                            fmt::format("not a hex digit at position {}", hi < 0 ? i + 1 : i + 2));
    }
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

}  // namespace zt::core
