// JSON text: the one way Zhengtong writes a string as a JSON string (RFC 8259).
//
// Used wherever JSON is written by hand rather than through Boost.JSON: the records encoder (a hot
// path, so these append to a caller's std::string and allocate nothing else), the access log and
// the application log, and the audit details. One behaviour everywhere:
//   - `"` → `\"`, `\` → `\\`; `\n`, `\r`, `\t` → their short escapes;
//   - other control characters U+0000–U+001F → `\u00XX` (lower-case hex); DEL (0x7f) and `/` stay;
//   - well-formed UTF-8 is copied as it is (no `\uXXXX` for non-ASCII);
//   - each byte that is not part of a well-formed UTF-8 sequence (stray continuation byte,
//     truncated or overlong sequence, surrogate, beyond U+10FFFF) becomes `\ufffd`, so the output
//     is always valid UTF-8 and valid JSON whatever bytes came in.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace zt::core {

// Appends `s` to `out` as a JSON string, quotes included: `"a\"b"`.
void append_json_string(std::string& out, std::string_view s);

// Appends `s` to `out` as the inside of a JSON string, quotes not included: for a template that
// writes the quotes itself (the application log's pattern).
void append_json_string_body(std::string& out, std::string_view s);

// `s` as a JSON string, quotes included.
std::string json_string(std::string_view s);

}  // namespace zt::core
