// Administrative divisions (行政区划, GB/T 2260 and the statistical 乡镇/村 extension): the value
// types of the divisions table and the code arithmetic that finds a code's ancestors.
//
// Codes are stored in their long form: provinces, cities and counties as 6 digits (330000,
// 330300, 330302), towns (乡镇/街道) as 9 and villages (村/社区) as 12 (core/division_code.h).
// Thread-safety: plain values and pure functions.
#pragma once

#include "core/enum_names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::registry {

enum class DivisionLevel { kProvince, kCity, kCounty, kTown, kVillage };
// The API names of DivisionLevel, for to_string, parse_division_level and the API document.
inline constexpr auto kDivisionLevelNames =
    core::enum_names<DivisionLevel>({{DivisionLevel::kProvince, "province"},
                                     {DivisionLevel::kCity, "city"},
                                     {DivisionLevel::kCounty, "county"},
                                     {DivisionLevel::kTown, "town"},
                                     {DivisionLevel::kVillage, "village"}});

std::string_view to_string(DivisionLevel level);
// Accepts exactly the names to_string gives ("province", "city", "county", "town", "village").
std::optional<DivisionLevel> parse_division_level(std::string_view name);

struct Division {
  std::string code;
  std::string name;  // as published, e.g. 鹿城区, 五马街道, 市辖区
  DivisionLevel level = DivisionLevel::kProvince;
  std::optional<std::string> parent_code;  // none for provinces
  bool current = true;          // false once a later import no longer lists it (abolished, renamed)
  std::int64_t updated_at = 0;  // ms since the epoch, when the row last changed

  bool operator==(const Division&) const = default;
};

// The level a well-formed code names by its shape: 9 digits a town, 12 a village; 6 digits a
// county unless its last two (a city) or four (a province) digits are zero. The code must have
// passed core::check_division_code.
DivisionLevel level_of_code(std::string_view code);

// The codes above a well-formed code by its shape, province first, without the code itself:
// 330302001 → {330000, 330300, 330302}. Levels whose part is zero are skipped (441900003 →
// {440000, 441900}).
std::vector<std::string> ancestor_codes(std::string_view code);

}  // namespace zt::registry
