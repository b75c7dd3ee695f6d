// Unified social credit codes (统一社会信用代码, GB 32100-2015): the 18-character identifier of
// legal entities and other organisations (companies, public institutions, social organisations,
// individual businesses).
//
// Thread-safety: pure function; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zt::core {

// Checks a credit code: exactly 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O,
// S, V, Z); lower-case letters are accepted. Position 1 is the registration authority and
// position 2 the organisation type; the pair must appear in the GB 32100 table as amended since
// 2015 (XG1-2016 and later): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教,
// 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他, each with its own types (see
// uscc.cpp). Positions 3-8, the registering authority's division code, must be 6 digits; they are
// not checked against the province list because central registrations use 100000. Position 18
// is the GB 32100 MOD 31 check character. The organisation-code part (positions 9-17) is not
// checked further. The input is not trimmed.
// Success: the code upper-cased. Failure: Error{kInvalidInput, "invalid_uscc", detail}; the
// detail names the first rule broken (empty, whitespace, full-width or non-ASCII characters,
// length, a character outside the alphabet and its position, unknown registration authority,
// organisation type not defined for it, non-digit in the division part, wrong check character
// and the expected one).
Result<std::string> check_uscc(std::string_view value);

// The GB 32100 MOD 31 check character of the first 17 characters of a credit code, for those
// who make codes (the demo city). nullopt unless `first17` is 17 characters of the alphabet
// above (upper case).
std::optional<char> uscc_check_character(std::string_view first17);

}  // namespace zt::core
