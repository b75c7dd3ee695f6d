#include "services/attachment.h"

#include "core/utf8.h"

#include <fmt/format.h>

#include <cstring>

namespace zt::services {

namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

std::uint32_t le16(std::string_view b, std::size_t at) {
  return std::uint32_t(std::uint8_t(b[at])) | std::uint32_t(std::uint8_t(b[at + 1])) << 8;
}
std::uint32_t le32(std::string_view b, std::size_t at) {
  return le16(b, at) | le16(b, at + 2) << 16;
}

// Whether the ZIP package in `b` lists an entry named exactly `name` in its central directory
// (found from the end-of-central-directory record; ZIP64 packages are not read).
bool zip_has_entry(std::string_view b, std::string_view name) {
  constexpr std::size_t kEocd = 22;  // the record without its comment
  if (b.size() < kEocd) return false;
  const std::size_t lowest = b.size() >= kEocd + 0xFFFF ? b.size() - kEocd - 0xFFFF : 0;
  for (std::size_t at = b.size() - kEocd + 1; at-- > lowest;) {
    if (b.compare(at, 4, "PK\x05\x06") != 0) continue;
    const std::uint32_t entries = le16(b, at + 10);
    const std::uint32_t cd_size = le32(b, at + 12);
    const std::uint32_t cd_offset = le32(b, at + 16);
    if (std::uint64_t(cd_offset) + cd_size > at) return false;
    std::size_t p = cd_offset;
    for (std::uint32_t i = 0; i < entries; ++i) {
      constexpr std::size_t kHeader = 46;
      if (p + kHeader > cd_offset + cd_size || b.compare(p, 4, "PK\x01\x02") != 0) return false;
      const std::size_t name_length = le16(b, p + 28);
      const std::size_t rest = name_length + le16(b, p + 30) + le16(b, p + 32);
      if (p + kHeader + rest > cd_offset + cd_size) return false;
      if (b.substr(p + kHeader, name_length) == name) return true;
      p += kHeader + rest;
    }
    return false;
  }
  return false;
}

bool attr_char(unsigned char c) {  // RFC 5987 attr-char
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::strchr("!#$&+-.^_`|~", c) != nullptr;
}

}  // namespace

std::optional<ContentType> sniff(std::string_view bytes) {
  if (starts_with(bytes, "%PDF-")) return ContentType::kPdf;
  if (starts_with(bytes, "\xFF\xD8\xFF")) return ContentType::kJpeg;
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return ContentType::kPng;
  if (starts_with(bytes, "PK\x03\x04") && zip_has_entry(bytes, "OFD.xml")) {
    return ContentType::kOfd;
  }
  return std::nullopt;
}

std::optional<std::string> checked_file_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '.' || !core::valid_utf8(name)) {
    return std::nullopt;
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return std::nullopt;
  }
  return std::string(name);
}

std::string content_disposition(std::string_view file_name) {
  std::string fallback, encoded;
  for (unsigned char c : file_name) {
    if (c < 0x80) {
      fallback.push_back(c == '"' || c == '\\' ? '_' : char(c));
    } else if ((c & 0xC0) != 0x80) {
      fallback.push_back('_');  // one for each character that is not ASCII
    }
    if (attr_char(c)) {
      encoded.push_back(char(c));
    } else {
      encoded += fmt::format("%{:02X}", unsigned(c));
    }
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", fallback, encoded);
}

}  // namespace zt::services
