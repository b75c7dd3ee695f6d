// Administrative division codes (行政区划代码, GB/T 2260) and the longer statistical division
// codes (统计用区划代码) that extend them with township and village levels.
//
// Thread-safety: pure functions; no shared state.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace zt::core {

// Checks the format of a division code: 6 digits (province 2 + city 2 + county 2), 9 digits
// (+ 3 township/street, 乡镇街道) or 12 digits (+ 3 village/community, 村/社区).
// The province part must be a known province code. A level may be nonzero only under a nonzero
// parent: "330300" and "330106" pass, "330006" fails. One exception, as in the statistical codes:
// a township may sit directly under a city whose county part is "00" (cities without counties,
// e.g. 东莞 441900003).
// Checks the format only: it does not know which codes are currently in use.
// Success: the code unchanged (already normalized). Failure: Error{kInvalidInput,
// "invalid_division_code", detail} with a distinct detail for empty input, whitespace,
// full-width or other non-ASCII characters, wrong length, a non-digit (with position), an unknown
// province, and each level that is set under a zero parent.
Result<std::string> check_division_code(std::string_view value);

// True when `two_digits` is a province-level code of GB/T 2260: 11 北京 … 65 新疆, 71 台湾,
// 81 香港, 82 澳门. Any other value (including out-of-range ones) gives false.
bool is_known_province_code(int two_digits);

}  // namespace zt::core
