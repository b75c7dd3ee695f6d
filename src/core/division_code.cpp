#include "core/division_code.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/identifier_text.h"

namespace zt::core {
namespace {

constexpr std::string_view kCode = "invalid_division_code";

// GB/T 2260 province-level divisions.
constexpr std::array<int, 34> kProvinceCodes = {
    11, 12, 13, 14, 15,          // 北京 天津 河北 山西 内蒙古
    21, 22, 23,                  // 辽宁 吉林 黑龙江
    31, 32, 33, 34, 35, 36, 37,  // 上海 江苏 浙江 安徽 福建 江西 山东
    41, 42, 43, 44, 45, 46,      // 河南 湖北 湖南 广东 广西 海南
    50, 51, 52, 53, 54,          // 重庆 四川 贵州 云南 西藏
    61, 62, 63, 64, 65,          // 陕西 甘肃 青海 宁夏 新疆
    71, 81, 82,                  // 台湾 香港 澳门
};

Error invalid(std::string detail) {
  return Error::invalid(std::string(kCode), std::move(detail));
}

// One level of the code: where it sits (0-based offset, width) and its name for details.
struct Level {
  size_t offset;
  size_t width;
  std::string_view name;
};

constexpr Level kCity{2, 2, "city"};
constexpr Level kCounty{4, 2, "county"};
constexpr Level kTown{6, 3, "township"};
constexpr Level kVillage{9, 3, "village"};

bool is_zero(std::string_view code, const Level& level) {
  std::string_view part = code.substr(level.offset, level.width);
  return std::all_of(part.begin(), part.end(), [](char c) { return c == '0'; });
}

std::string positions(const Level& level) {
  return fmt::format("positions {}-{}", level.offset + 1, level.offset + level.width);
}

Error set_under_zero(const Level& child, const Level& parent) {
  return invalid(fmt::format("{} part ({}) is set but the {} part ({}) is all zeros", child.name,
                             positions(child), parent.name, positions(parent)));
}

}  // namespace

bool is_known_province_code(int two_digits) {
  return std::find(kProvinceCodes.begin(), kProvinceCodes.end(), two_digits) !=
         kProvinceCodes.end();
}

Result<std::string> check_division_code(std::string_view value) {
  if (auto bad = screen_identifier_text(value, "ASCII digits")) return invalid(std::move(*bad));
  if (value.size() != 6 && value.size() != 9 && value.size() != 12) {
    return invalid(fmt::format("must be 6, 9 or 12 digits, got {} characters", value.size()));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] < '0' || value[i] > '9') {
      return invalid(fmt::format("non-digit {} at position {}", describe_char(value[i]), i + 1));
    }
  }
  int province = (value[0] - '0') * 10 + (value[1] - '0');
  if (!is_known_province_code(province)) {
    return invalid(fmt::format("unknown province code {:02d} (positions 1-2)", province));
  }
  // The province part is nonzero (known), so a city may always be set.
  if (!is_zero(value, kCounty) && is_zero(value, kCity)) return set_under_zero(kCounty, kCity);
  if (value.size() >= 9 && !is_zero(value, kTown) && is_zero(value, kCity)) {
    // A township may hang directly under a city without counties (county "00"), never under
    // a province.
    return set_under_zero(kTown, kCity);
  }
  if (value.size() == 12 && !is_zero(value, kVillage) && is_zero(value, kTown)) {
    return set_under_zero(kVillage, kTown);
  }
  return std::string(value);
}

}  // namespace zt::core
