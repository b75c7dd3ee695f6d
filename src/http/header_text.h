// Text headers that may carry Chinese (X-Purpose: 用途), in the three forms clients can send.
//
// HTTP header values are bytes, and many clients refuse or mangle non-ASCII ones (Python's
// http.client encodes Latin-1, Java's HttpClient refuses, browsers' fetch throws). So a text
// header `Name` is read, in this order, from:
//   1. `Name*: UTF-8''%E6%A0%B8%E9%AA%8C` — the RFC 8187 ext-value (charset UTF-8, any language
//      tag; case-insensitive charset);
//   2. `Name: %E6%A0%B8%E9%AA%8C` — an ASCII value with %XX escapes, percent-decoded;
//   3. `Name: 核验` — raw UTF-8 bytes, as they are.
// A value that is not valid UTF-8 when decoded counts as absent (it could not be stored).
// Thread-safety: a pure function.
#pragma once

#include "http/request.h"

#include <optional>
#include <string>
#include <string_view>

namespace zt::http {

std::optional<std::string> header_text(const Request& request, std::string_view name);

}  // namespace zt::http
