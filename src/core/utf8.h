// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF), checked in one
// place for the ingest reader, the JSON escaper, the audit log's storable text and text headers.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace zt::core {

// The length of the well-formed UTF-8 sequence `s` starts with (1 for ASCII, NUL included), or
// 0 when it starts with none (or is empty).
std::size_t utf8_sequence_length(std::string_view s);

// Whether all of `s` is well-formed UTF-8. ASCII runs are checked eight bytes at a time.
bool valid_utf8(std::string_view s);

}  // namespace zt::core
