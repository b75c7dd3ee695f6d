// Percent-decoding of URL paths (RFC 3986), shared by the router and the static files.
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zt::http {

// Decodes every %XX in `s` ('+' stays '+': this is a path, not a query). nullopt when a '%' is
// not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace zt::http
