// Input screening shared by the identifier checks (id_number, uscc, division_code).
//
// People paste identifiers from Word documents, PDF scans and Chinese input methods, so the
// commonest mistakes are stray whitespace and full-width characters (U+FF01..U+FF5E, U+3000).
// These helpers turn such input into one readable detail before the format-specific rules run,
// and never echo the whole value (identifiers are personal data).
//
// Thread-safety: pure functions; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zt::core {

// Screens `value` before a format check.
// Returns std::nullopt when `value` is non-empty, has no leading or trailing whitespace and is
// pure ASCII; afterwards byte offsets equal character positions. Otherwise returns the detail:
//   "is empty"
//   "has leading or trailing whitespace"
//   "contains full-width characters; use <ascii_hint>" (e.g. ascii_hint = "ASCII digits")
//   "contains a non-ASCII character at position N" (N 1-based, counted in characters)
std::optional<std::string> screen_identifier_text(std::string_view value,
                                                  std::string_view ascii_hint);

// Describes one ASCII byte for a detail: 'A' in quotes when printable, "a space", or "byte 0x1F".
std::string describe_char(char c);

}  // namespace zt::core
