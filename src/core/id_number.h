// Citizen identity numbers (公民身份号码, GB 11643-1999): the 18-character number on the
// resident identity card.
//
// Thread-safety: pure function; no shared state.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zt::core {

// Checks an identity number: exactly 18 ASCII characters; 17 digits then a digit or X; the first
// two digits a known province code (is_known_province_code); digits 7-14 a real calendar date
// (YYYYMMDD) from 1900-01-01 up to and including `today`; the last character the ISO 7064
// MOD 11-2 check character. The input is not trimmed.
// `today` is the caller's current date (pass the clock's date; tests pass a fixed one).
// Success: the number with a trailing lower-case 'x' upper-cased; otherwise unchanged.
// Failure: Error{kInvalidInput, "invalid_id_number", detail}; the detail names the first rule
// broken (empty, whitespace, full-width characters, non-ASCII, length, non-digit and its
// position, bad last character, unknown province, impossible date, date before 1900, date in the
// future, wrong check character and the expected one) and never repeats the whole number.
Result<std::string> check_id_number(std::string_view value, std::chrono::year_month_day today);

// The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17 characters of an
// identity number, for those who make numbers (the demo city). nullopt unless `first17` is
// exactly 17 ASCII digits.
std::optional<char> id_number_check_character(std::string_view first17);

}  // namespace zt::core
