#include "registry/division.h"

#include <array>

namespace zt::registry {

namespace {

bool all_zero(std::string_view digits) {
  return digits.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::string_view to_string(DivisionLevel level) {
  return kDivisionLevelNames.name_of(level);
}

std::optional<DivisionLevel> parse_division_level(std::string_view name) {
  return kDivisionLevelNames.parse(name);
}

DivisionLevel level_of_code(std::string_view code) {
  if (code.size() >= 12) return DivisionLevel::kVillage;
  if (code.size() >= 9) return DivisionLevel::kTown;
  if (all_zero(code.substr(2, 4))) return DivisionLevel::kProvince;
  if (all_zero(code.substr(4, 2))) return DivisionLevel::kCity;
  return DivisionLevel::kCounty;
}

std::vector<std::string> ancestor_codes(std::string_view code) {
  std::vector<std::string> out;
  const DivisionLevel level = level_of_code(code);
  if (level == DivisionLevel::kProvince) return out;
  out.push_back(std::string(code.substr(0, 2)) + "0000");
  if (level == DivisionLevel::kCity) return out;
  if (!all_zero(code.substr(2, 2))) out.push_back(std::string(code.substr(0, 4)) + "00");
  if (level == DivisionLevel::kCounty) return out;
  if (!all_zero(code.substr(4, 2))) out.push_back(std::string(code.substr(0, 6)));
  if (level == DivisionLevel::kTown) return out;
  out.push_back(std::string(code.substr(0, 9)));
  return out;
}

}  // namespace zt::registry
