#include "core/uscc.h"

#include <array>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/identifier_text.h"

namespace zt::core {
namespace {

constexpr std::string_view kCode = "invalid_uscc";
constexpr size_t kLength = 18;

// GB 32100-2015 character set; a character's value is its index.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Weight of position i (0-based) is 3^i mod 31.
constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

// Registration authority (position 1) and the organisation types (position 2) defined under it.
struct Authority {
  char code;
  std::string_view types;
};
// Types per authority (position 2), in table order:
//  1 机构编制: 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
//  2 外交: 1 外国常驻新闻机构, 9 其他
//  3 司法行政: 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他
//  4 文化: 1 外国在华文化中心, 9 其他
//  5 民政: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
//  6 旅游: 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他
//  7 宗教: 1 宗教活动场所, 2 宗教院校, 9 其他
//  8 工会: 1 基层工会, 9 其他
//  9 工商: 1 企业, 2 个体工商户, 3 农民专业合作社
//  A 中央军委改革和编制办公室: 1 军队事业单位, 9 其他
//  N 农业: 1 组级, 2 村级, 3 乡镇级集体经济组织, 9 其他
//  Y 其他: 1
constexpr std::array<Authority, 12> kAuthorities = {{
    {'1', "1239"},
    {'2', "19"},
    {'3', "123459"},
    {'4', "19"},
    {'5', "1239"},
    {'6', "129"},
    {'7', "129"},
    {'8', "19"},
    {'9', "123"},
    {'A', "19"},
    {'N', "1239"},
    {'Y', "1"},
}};

Error invalid(std::string detail) {
  return Error::invalid(std::string(kCode), std::move(detail));
}

const Authority* find_authority(char c) {
  for (const Authority& a : kAuthorities) {
    if (a.code == c) return &a;
  }
  return nullptr;
}

}  // namespace

Result<std::string> check_uscc(std::string_view value) {
  if (auto bad = screen_identifier_text(value, "ASCII digits and letters")) {
    return invalid(std::move(*bad));
  }
  if (value.size() != kLength) {
    return invalid(fmt::format("must be 18 characters, got {}", value.size()));
  }
  std::string code(value);
  for (size_t i = 0; i < kLength; ++i) {
    char& c = code[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kAlphabet.find(c) == std::string_view::npos) {
      return invalid(fmt::format(
          "character {} at position {} is not allowed; use digits and letters other than I, O, S, "
          "V, Z",
          describe_char(value[i]), i + 1));
    }
  }

  const Authority* authority = find_authority(code[0]);
  if (authority == nullptr) {
    return invalid(fmt::format("unknown registration authority code '{}' (position 1)", code[0]));
  }
  if (authority->types.find(code[1]) == std::string_view::npos) {
    return invalid(fmt::format(
        "organisation type '{}' (position 2) is not defined for registration authority '{}'",
        code[1], code[0]));
  }
  for (size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return invalid(fmt::format(
          "division code (positions 3-8) must be digits, got '{}' at position {}", code[i], i + 1));
    }
  }

  const char expected = *uscc_check_character(std::string_view(code).substr(0, kLength - 1));
  if (code.back() != expected) {
    return invalid(fmt::format("wrong check character (position 18): expected '{}', got '{}'",
                               expected, code.back()));
  }
  return code;
}

std::optional<char> uscc_check_character(std::string_view first17) {
  if (first17.size() + 1 != kLength) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    const size_t value = kAlphabet.find(first17[i]);
    if (value == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(value) * kWeights[i];
  }
  return kAlphabet[static_cast<size_t>((31 - sum % 31) % 31)];
}

}  // namespace zt::core
